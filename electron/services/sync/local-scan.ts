/**
 * The local side now: every path under the pair's folder with type, size,
 * mtime, exec bit and, for files, sha256. Hashes come from the cache when
 * size, mtime, ctime and inode are unchanged, so a rescan reads only what
 * changed. Links are listed (and never followed); unreadable entries are
 * listed as such, so they are never taken for deletions.
 */
import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { hashFile, TMP_MARK } from "../transfer/local-fs.js";
import type { Entry, Tree } from "./entry.js";
import type { CacheRow } from "./state.js";

export interface ScanResult {
  tree: Tree;
  /** cache rows to write (new hashes) and paths to forget */
  cacheSet: Array<[string, CacheRow]>;
  cacheDrop: string[];
  hashedBytes: number;
}

export async function scanLocal(
  root: string,
  o: { cache: Map<string, CacheRow>; ignores: (p: string, isDir: boolean) => boolean; maxFileBytes: number; cleanTemps: boolean; signal?: AbortSignal },
): Promise<ScanResult> {
  const tree: Tree = new Map();
  const cacheSet: Array<[string, CacheRow]> = [];
  const seen = new Set<string>();
  let hashedBytes = 0;

  async function walk(abs: string, rel: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(abs);
    } catch (e) {
      tree.set(rel, { type: "e", size: 0, mtime: 0, sha: "", x: false, extra: (e as NodeJS.ErrnoException).code ?? "unreadable" });
      return;
    }
    for (const name of names) {
      if (o.signal?.aborted) throw new Error("aborted");
      const p = rel ? `${rel}/${name}` : name;
      const ap = join(abs, name);
      if (name.includes(TMP_MARK)) {
        if (o.cleanTemps) await rm(ap, { force: true });
        continue;
      }
      let st;
      try {
        st = await lstat(ap, { bigint: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        tree.set(p, { type: "e", size: 0, mtime: 0, sha: "", x: false, extra: (e as NodeJS.ErrnoException).code });
        continue;
      }
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
        const key: Omit<CacheRow, "sha"> = { size: String(st.size), mtime_ns: String(st.mtimeNs), ctime_ns: String(st.ctimeNs), ino: String(st.ino) };
        seen.add(p);
        const c = o.cache.get(p);
        let sha = "";
        if (c && c.size === key.size && c.mtime_ns === key.mtime_ns && c.ctime_ns === key.ctime_ns && c.ino === key.ino) sha = c.sha;
        else if (size <= o.maxFileBytes) {
          try {
            sha = await hashFile(ap);
          } catch (e) {
            tree.set(p, { type: "e", size: 0, mtime: 0, sha: "", x: false, extra: (e as NodeJS.ErrnoException).code });
            continue;
          }
          hashedBytes += size;
          cacheSet.push([p, { ...key, sha }]);
        }
        tree.set(p, { type: "f", size, mtime, sha, x } satisfies Entry);
      } else {
        tree.set(p, { type: "o", size: 0, mtime, sha: "", x: false });
      }
    }
  }

  await walk(root, "");
  const cacheDrop = [...o.cache.keys()].filter((p) => !seen.has(p));
  return { tree, cacheSet, cacheDrop, hashedBytes };
}
