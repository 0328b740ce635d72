/**
 * Pure rules of the versions stores (both sides lay them out the same way):
 * one folder per sync that kept something, named by its time so names sort
 * oldest first, holding `deleted/PATH` and `replaced/PATH`. The layout says
 * everything a listing needs, so a crash never leaves a version without its
 * record: a file is either still in place or in the store under its name.
 */
import type { VersionEntry, VersionSide } from "../../../shared/sync.js";

export type Why = VersionEntry["why"];
/** the conflict resolution that set a version aside: its batch folder's suffix, so the layout stays the record */
export type Resolved = NonNullable<VersionEntry["resolved"]>;

/** retention defaults (the pair's settings override them) */
export const VERSIONS_DAYS = 30;
export const VERSIONS_MB = 2048;

/** a batch folder's name: sortable UTC time to the ms, then the sync's id (and the resolution that set it aside, if one did) */
export function batchName(at: Date, tx: string, resolved?: Resolved): string {
  return withResolved(`${at.toISOString().replace(/:/g, "-")}_${tx}`, resolved);
}

/** a batch's folder for what a conflict resolution sets aside (the same time and id, so it sorts with its sync) */
export function withResolved(batch: string, resolved?: Resolved): string {
  return resolved ? `${batch}.${resolved}` : batch;
}

const BATCH = /^(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z)_[0-9a-z]+(?:\.(mine|theirs|merged))?$/;

/** the time a batch folder names, or null when the name is not one of ours */
export function batchTime(name: string): Date | null {
  const m = BATCH.exec(name);
  if (!m) return null;
  const iso = m[1]!.replace(/T(\d\d)-(\d\d)-(\d\d)/, "T$1:$2:$3");
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? null : t;
}

/** A stored file's place in the store: batch/why/path. */
export function storeRel(batch: string, why: Why, path: string): string {
  return `${batch}/${why}/${path}`;
}

/** A store path read back (null for anything not laid out by us). */
export function parseStoreRel(rel: string): { batch: string; at: Date; why: Why; path: string; resolved?: Resolved } | null {
  const parts = rel.split("/");
  if (parts.length < 3) return null;
  const at = batchTime(parts[0]!);
  const why = parts[1];
  if (!at || (why !== "deleted" && why !== "replaced")) return null;
  const resolved = BATCH.exec(parts[0]!)?.[2] as Resolved | undefined;
  return { batch: parts[0]!, at, why, path: parts.slice(2).join("/"), ...(resolved ? { resolved } : {}) };
}

export function versionId(side: VersionSide, rel: string): string {
  return `${side}:${rel}`;
}

export function parseVersionId(id: string): { side: VersionSide; rel: string } | null {
  const i = id.indexOf(":");
  const side = id.slice(0, i);
  if (side !== "here" && side !== "project") return null;
  const rel = id.slice(i + 1);
  return parseStoreRel(rel) ? { side, rel } : null;
}

export interface Stored {
  rel: string;
  at: Date;
  size: number;
}

/**
 * What retention removes: everything older than `days`, then the oldest
 * until the rest fits in `maxBytes`. Newest are kept; ties go by path.
 */
export function toPrune<T extends Stored>(items: readonly T[], o: { now: Date; days: number; maxBytes: number }): T[] {
  const sorted = [...items].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const cutoff = o.now.getTime() - o.days * 86_400_000;
  let total = sorted.reduce((n, i) => n + i.size, 0);
  const out: T[] = [];
  for (const i of sorted) {
    if (i.at.getTime() >= cutoff && total <= o.maxBytes) break;
    out.push(i);
    total -= i.size;
  }
  return out;
}

/** `name (restored YYYY-MM-DD HHMM).ext` beside `path`, in local time; `n` > 1 adds a number */
export function restoredName(path: string, at: Date, n = 1): string {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : "";
  const p2 = (x: number) => String(x).padStart(2, "0");
  const when = `${at.getFullYear()}-${p2(at.getMonth() + 1)}-${p2(at.getDate())} ${p2(at.getHours())}${p2(at.getMinutes())}`;
  return `${dir}${stem} (restored ${when}${n > 1 ? ` ${n}` : ""})${ext}`;
}

/** newest first; with `at`, the newest kept at or before that time (else the oldest after it) */
export function pickVersion(list: readonly VersionEntry[], path: string, at?: Date): VersionEntry | null {
  const mine = list.filter((v) => v.path === path).sort((a, b) => b.at.localeCompare(a.at));
  if (!at) return mine[0] ?? null;
  return mine.find((v) => Date.parse(v.at) <= at.getTime()) ?? mine[mine.length - 1] ?? null;
}
