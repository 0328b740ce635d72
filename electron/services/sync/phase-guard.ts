/**
 * The guard phase: never turn "cannot see it" into "delete it". Pure
 * decisions; each returns why the pair halts (in the user's words) or null.
 */
import type { TreeView } from "./entry.js";

export interface EmptySides {
  /** files the base holds (synced before) */
  baseFiles: number;
  /** the server's folder lists something not ignored */
  remoteLive: boolean;
  /** the local folder holds something not ignored */
  localLive: boolean;
  /** the server's folder is missing (handled before the guard) */
  remoteMissing: boolean;
  maxDeletePct: number;
}

/** Before planning: a side that comes back empty after files were synced is not believed. */
export function guardEmpty(s: EmptySides): string | null {
  if (s.baseFiles === 0 || s.maxDeletePct >= 100) return null;
  if (!s.remoteLive && !s.remoteMissing) {
    return `The folder on the server came back empty while ${s.baseFiles} file(s) were synced before. Nothing was deleted. If you emptied it on purpose, set the delete limit to 100 % and sync again.`;
  }
  if (!s.localLive) {
    return `The local folder is empty while ${s.baseFiles} file(s) were synced before. Nothing was deleted on the server. If you emptied it on purpose, set the delete limit to 100 % and sync again.`;
  }
  return null;
}

/** After planning: more deletions than the pair's limit allows. */
export function guardDeletes(deletes: { local: number; remote: number }, baseFiles: number, maxDeletePct: number): string | null {
  const dels = deletes.local + deletes.remote;
  if (dels < 3 || baseFiles === 0 || maxDeletePct >= 100 || (dels * 100) / baseFiles <= maxDeletePct) return null;
  return `This sync would delete ${dels} of ${baseFiles} files (${deletes.local} here, ${deletes.remote} on the server), more than the pair's limit of ${maxDeletePct} %. Nothing was deleted. Check both folders; if the deletions are wanted, raise the limit and sync again.`;
}

/** files in a tree; `skip` leaves out folders the pair does not sync (selective sync) */
export function countFiles(T: TreeView, skip?: ((p: string, isDir: boolean) => boolean) | null): number {
  let n = 0;
  for (const [p, e] of T) if (e.type === "f" && !skip?.(p, false)) n++;
  return n;
}

/** whether a tree holds anything the pair syncs */
export function hasLive(T: TreeView, ignores: (p: string, isDir: boolean) => boolean): boolean {
  for (const [p, e] of T) if (!ignores(p, e.type === "d")) return true;
  return false;
}
