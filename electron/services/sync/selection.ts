/**
 * Selective sync, pure: which paths a pair's folder choice leaves out, and
 * the server's folders with their sizes from one listing. A left-out path is
 * invisible to the plan on both sides, and its base is forgotten, so taking
 * the folder back in later finds no "deleted on one side": what is on one
 * side is copied, what differs on both is a conflict, nothing is deleted.
 */
import type { FolderInfo } from "../../../shared/sync.js";
import { isUnder, parentOf } from "../transfer/rel-path.js";

export { newlySkipped } from "../../../shared/sync-selection.js";

export interface Selection {
  /** folders left out, with everything in them */
  skip?: readonly string[];
  /** when given, only these folders (and the folders leading to them) are synced; files at the top are not */
  only?: readonly string[];
}

/** null when everything is synced (the pair then behaves exactly as without a selection) */
export function excludedBy(sel: Selection): ((path: string, isDir: boolean) => boolean) | null {
  const skip = sel.skip ?? [];
  const only = sel.only?.length ? sel.only : null;
  if (!skip.length && !only) return null;
  return (path, isDir) => {
    if (skip.some((d) => isUnder(path, d))) return true;
    if (!only) return false;
    if (only.some((d) => isUnder(path, d))) return false;
    // a folder on the way to a chosen one stays visible, so it can be made; nothing else in it syncs
    return !(isDir && only.some((d) => d.startsWith(`${path}/`)));
  };
}

/**
 * Every folder of a listing (paths relative to the pair's root), with the
 * bytes and files below it; sorted by path. `skip` leaves out what the pair
 * never syncs anyway (its ignore rules).
 */
export function folderSizes(entries: Iterable<{ path: string; type: string; size: number }>, skip: (path: string, isDir: boolean) => boolean): Array<Omit<FolderInfo, "here">> {
  const dirs = new Map<string, Omit<FolderInfo, "here">>();
  const at = (p: string) => {
    let d = dirs.get(p);
    if (!d) dirs.set(p, (d = { path: p, bytes: 0, files: 0 }));
    return d;
  };
  const blocked = new Set<string>();
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of sorted) {
    const isDir = e.type === "d";
    const parent = parentOf(e.path);
    if (blocked.has(parent) || skip(e.path, isDir)) {
      if (isDir) blocked.add(e.path);
      continue;
    }
    if (isDir) {
      at(e.path);
      continue;
    }
    if (e.type !== "f") continue;
    for (let d = parent; d !== ""; d = parentOf(d)) {
      const f = at(d);
      f.bytes += e.size;
      f.files++;
    }
  }
  return [...dirs.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
