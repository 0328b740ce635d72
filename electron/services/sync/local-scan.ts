/**
 * The local side now: every path under the pair's folder with type, size,
 * mtime, exec bit and, for files, sha256. Hashes come from the cache when
 * size, mtime, ctime and inode are unchanged, so a rescan reads only what
 * changed. Links are listed (and never followed); unreadable entries are
 * listed as such, so they are never taken for deletions.
 */
import { lstatSync, type BigIntStats } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { hashFile, TMP_MARK } from "../transfer/local-fs.js";
import type { Entry, Tree } from "./entry.js";
import type { CacheRow } from "./state.js";

/** files hashed at once (the disk and the thread pool serve a few reads at a time) */
const HASHERS = 4;
/**
 * lstat runs on this thread: through the thread pool each call costs a
 * round trip, and a rescan of 10,000 unchanged files took 3× as long. The
 * event loop is let go after this many ms of it, so the app stays responsive.
 */
const SLICE_MS = 8;

/**
 * What says a file is unchanged since it was hashed: size, mtime and ctime in
 * ns, and inode. Joined, so it is one flat string (a template literal would
 * keep a chain of its parts alive, at 2.5× the memory).
 */
export function cacheKey(st: BigIntStats): string {
  return [st.size, st.mtimeNs, st.ctimeNs, st.ino].join(":");
}

/** whether this slice of work on the event loop has run its time */
const due = (slice: { at: number }) => performance.now() - slice.at > SLICE_MS;

/** let the event loop go, then start a new slice */
async function breathe(slice: { at: number }): Promise<void> {
  await nextTurn();
  slice.at = performance.now();
}

/**
 * The cache key of paths 0..n-1, each made when it is stat'ed (null where
 * `pathOf` gives null or the path cannot be stat'ed), on this thread in slices as the scan does. Through the thread
 * pool all at once, 20,000 pending stats after a download held 2 KB each, the
 * largest part of its memory (measured).
 */
export async function cacheKeys(n: number, pathOf: (i: number) => string | null): Promise<Array<string | null>> {
  const keys: Array<string | null> = new Array(n).fill(null);
  const slice = { at: performance.now() };
  for (let i = 0; i < n; i++) {
    if (due(slice)) await breathe(slice);
    const p = pathOf(i);
    if (p === null) continue;
    try {
      const st = lstatSync(p, { bigint: true, throwIfNoEntry: false });
      if (st) keys[i] = cacheKey(st);
    } catch {
      // unreadable now: the next scan hashes it
    }
  }
  return keys;
}

export interface ScanResult {
  tree: Tree;
  /** cache rows to write (new hashes) and paths to forget */
  cacheSet: Array<[string, CacheRow]>;
  cacheDrop: string[];
  hashedBytes: number;
}

export async function scanLocal(
  root: string,
  o: { cache: ReadonlyMap<string, CacheRow>; ignores: (p: string, isDir: boolean) => boolean; maxFileBytes: number; cleanTemps: boolean; signal?: AbortSignal },
): Promise<ScanResult> {
  const tree: Tree = new Map();
  const cacheSet: Array<[string, CacheRow]> = [];
  const seen = new Set<string>();
  let hashedBytes = 0;

  // files whose hash is not cached: hashed after the walk, a few at a time
  const toHash: Array<{ p: string; entry: Entry; key: string }> = [];

  const slice = { at: performance.now() };
  async function walk(abs: string, rel: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(abs);
    } catch (e) {
      tree.set(rel, { type: "e", size: 0, mtime: 0, sha: "", x: false, extra: (e as NodeJS.ErrnoException).code ?? "unreadable" });
      return;
    }
    for (const name of names) {
      if (due(slice)) await breathe(slice);
      if (o.signal?.aborted) throw new Error("aborted");
      const p = rel ? `${rel}/${name}` : name;
      const ap = join(abs, name);
      if (name.includes(TMP_MARK)) {
        if (o.cleanTemps) await rm(ap, { force: true });
        continue;
      }
      let st: BigIntStats | undefined;
      try {
        st = lstatSync(ap, { bigint: true, throwIfNoEntry: false });
      } catch (e) {
        tree.set(p, { type: "e", size: 0, mtime: 0, sha: "", x: false, extra: (e as NodeJS.ErrnoException).code });
        continue;
      }
      // gone since the folder was read
      if (!st) continue;
      const mtime = Number(st.mtimeNs / 1_000_000n);
      if (st.isDirectory()) {
        if (o.ignores(p, true)) continue;
        tree.set(p, { type: "d", size: 0, mtime, sha: "", x: false });
        await walk(ap, p);
      } else if (st.isSymbolicLink()) {
        tree.set(p, { type: "l", size: 0, mtime, sha: "", x: false });
      } else if (st.isFile()) {
        if (o.ignores(p, false)) continue;
        const size = Number(st.size);
        const x = (Number(st.mode) & 0o100) !== 0;
        const key = cacheKey(st);
        seen.add(p);
        const c = o.cache.get(p);
        const entry: Entry = { type: "f", size, mtime, sha: "", x };
        if (c && c.key === key) entry.sha = c.sha;
        else if (size <= o.maxFileBytes) toHash.push({ p, entry, key });
        tree.set(p, entry);
      } else {
        tree.set(p, { type: "o", size: 0, mtime, sha: "", x: false });
      }
    }
  }

  async function hashAll(): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < toHash.length) {
        if (o.signal?.aborted) throw new Error("aborted");
        const job = toHash[next++]!;
        try {
          job.entry.sha = await hashFile(join(root, job.p));
        } catch (e) {
          // the entry keeps its place in the tree, now as unreadable
          tree.set(job.p, { type: "e", size: 0, mtime: 0, sha: "", x: false, extra: (e as NodeJS.ErrnoException).code });
          continue;
        }
        hashedBytes += job.entry.size;
        cacheSet.push([job.p, { key: job.key, sha: job.entry.sha }]);
      }
    };
    await Promise.all(Array.from({ length: HASHERS }, worker));
  }

  await walk(root, "");
  await hashAll();
  const cacheDrop = [...o.cache.keys()].filter((p) => !seen.has(p));
  return { tree, cacheSet, cacheDrop, hashedBytes };
}
