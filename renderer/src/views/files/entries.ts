/**
 * How the file browser shows a folder: which entries are listed, in which
 * order, their times as a person reads them, and a type for the icon. Pure
 * functions, table-tested.
 */
import type { FileEntry } from "../../../../shared/ipc/contract.js";

export type SortKey = "name" | "size" | "mtime";
export interface SortOrder {
  key: SortKey;
  desc: boolean;
}

/** The sync's staging folder in the home folder: the sync's own, never listed. */
export const SYNC_STAGING = ".cocalc-sync";

/** Hidden (dot) entries only when asked for; the sync's staging folder never. */
export function visibleEntries(entries: FileEntry[], dir: string, showHidden: boolean): FileEntry[] {
  return entries.filter((e) => !(dir === "" && e.name === SYNC_STAGING) && (showHidden || !e.name.startsWith(".")));
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Folders first whatever the order (as in every file manager), then by the key; ties by name. */
export function sortEntries(entries: FileEntry[], o: SortOrder): FileEntry[] {
  const sign = o.desc ? -1 : 1;
  return [...entries].sort((a, b) => {
    if (a.isdir !== b.isdir) return a.isdir ? -1 : 1;
    const d = o.key === "name" ? byName.compare(a.name, b.name) : o.key === "size" ? a.size - b.size : a.mtime - b.mtime;
    return d !== 0 ? sign * d : byName.compare(a.name, b.name);
  });
}

const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Infinity],
];

/** "just now", "3 minutes ago", "yesterday", "2 years ago"; `mtime` and `now` in seconds. */
export function relativeTime(mtime: number, now: number): string {
  let v = Math.round(now - mtime);
  if (Math.abs(v) < 10) return "just now";
  for (const [unit, size] of STEPS) {
    if (Math.abs(v) < size) return rtf.format(-v, unit);
    v = Math.round(v / size);
  }
  return rtf.format(-v, "year");
}

/** The exact time, for the hover. */
export const exactTime = (mtime: number) => new Date(mtime * 1000).toLocaleString();

export type FileKind = "folder" | "notebook" | "code" | "text" | "image" | "pdf" | "data" | "archive" | "other";

const KINDS: [FileKind, RegExp][] = [
  ["notebook", /\.ipynb$/i],
  ["image", /\.(png|jpe?g|gif|svg|webp|bmp|ico|tiff?)$/i],
  ["pdf", /\.pdf$/i],
  ["data", /\.(csv|tsv|json|ya?ml|xlsx?|parquet|sqlite3?|db|h5|npz?)$/i],
  ["archive", /\.(zip|tar|gz|tgz|bz2|xz|7z|rar)$/i],
  ["code", /\.(py|sage|js|mjs|ts|tsx|jsx|c|h|cc|cpp|hpp|rs|go|java|jl|r|sh|bash|rb|php|css|html?|tex|m)$/i],
  ["text", /(\.(txt|md|markdown|rst|log|cfg|ini|toml)$|^readme|^license|^makefile$)/i],
];

export function fileKind(e: Pick<FileEntry, "name" | "isdir">): FileKind {
  if (e.isdir) return "folder";
  return KINDS.find(([, re]) => re.test(e.name))?.[0] ?? "other";
}
