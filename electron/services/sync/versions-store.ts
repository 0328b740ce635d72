/**
 * The pair's versions store on this computer: outside the synced folder (in
 * the pair's state folder), so nothing in it is ever synced. A deleted file is
 * moved in (one rename; a copy when the store is on another disk); a file
 * about to be replaced is hard-linked in first (a copy through a temp where
 * links cannot be made, so a half copy is never a version). Layout and
 * retention: versions-rules.ts.
 */
import { constants as FS } from "node:fs";
import { copyFile, link, lstat, mkdir, open, readdir, rename, rm, rmdir, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { VersionEntry } from "../../../shared/sync.js";
import { localPath, resolveLocal, TMP_MARK } from "../transfer/local-fs.js";
import { isSafeRelPath } from "../transfer/rel-path.js";
import { parseStoreRel, restoredName, storeRel, toPrune, versionId, type Resolved, type Stored, type Why } from "./versions-rules.js";

const TMP = ".tmp-";
/** a hard link cannot be made here: copy instead */
const NO_LINK = new Set(["EXDEV", "EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK"]);
/** where versions kept in the project are downloaded to be opened: inside the store, never listed nor counted as versions */
export const OPENED = ".opened";

export interface Retention {
  days: number;
  maxBytes: number;
}

async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** `src` copied to `dst` through a temp beside it, made durable before it takes its name */
async function copyDurably(src: string, dst: string): Promise<void> {
  const tmp = join(dirname(dst), `${TMP}${process.pid}-${Math.random().toString(36).slice(2)}${TMP_MARK}`);
  try {
    await copyFile(src, tmp, FS.COPYFILE_FICLONE);
    await fsyncPath(tmp);
    await rename(tmp, dst);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

export class VersionStore {
  constructor(readonly dir: string) {}

  private async place(batch: string, why: Why, path: string): Promise<string> {
    if (!isSafeRelPath(path)) throw new Error(`unsafe path ${path}`);
    const dst = join(this.dir, storeRel(batch, why, path));
    await mkdir(dirname(dst), { recursive: true });
    return dst;
  }

  /** the file at `abs` (the pair's `path`) moved into the store: it is gone from the folder only once it is here */
  async keepDeleted(batch: string, path: string, abs: string): Promise<void> {
    const dst = await this.place(batch, "deleted", path);
    try {
      await rename(abs, dst);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
      await copyDurably(abs, dst);
      await unlink(abs);
    }
  }

  /**
   * The file at `abs` kept before a download replaces it: a hard link (no
   * bytes copied; the replacement is a new file put in place by a rename, so
   * the linked one stays as it was), else — another disk, a file system
   * without links — a durable copy. `durable`: the caller's barrier (syncfs
   * of the folder's file system, which a link shares) makes the link durable
   * before anything is replaced; otherwise its folder is fsynced here.
   * Returns where it was kept.
   */
  async keepReplaced(batch: string, path: string, abs: string, o: { durable?: boolean } = {}): Promise<string> {
    const dst = await this.place(batch, "replaced", path);
    try {
      await link(abs, dst);
      if (!o.durable) await fsyncPath(dirname(dst)).catch(() => undefined);
      return dst;
    } catch (e) {
      if (!NO_LINK.has((e as NodeJS.ErrnoException).code ?? "")) throw e;
    }
    await copyDurably(abs, dst);
    return dst;
  }

  /** a kept version that is still the very file at `abs` (a link, and the file was not replaced after all) goes: a version is never a live file */
  async dropIfLive(stored: string, abs: string): Promise<boolean> {
    const [a, b] = await Promise.all([lstat(stored).catch(() => null), lstat(abs).catch(() => null)]);
    if (!a || !b || a.ino !== b.ino || a.dev !== b.dev) return false;
    await unlink(stored);
    return true;
  }

  /** every stored file (temps and anything not laid out by us are left out) */
  async stored(): Promise<Array<Stored & { why: Why; path: string; resolved?: Resolved }>> {
    const out: Array<Stored & { why: Why; path: string; resolved?: Resolved }> = [];
    const walk = async (rel: string): Promise<void> => {
      let names: string[];
      try {
        names = await readdir(rel ? join(this.dir, rel) : this.dir);
      } catch {
        return;
      }
      for (const n of names) {
        if (n.startsWith(TMP) || (!rel && n === OPENED)) continue;
        const r = rel ? `${rel}/${n}` : n;
        const st = await lstat(join(this.dir, r)).catch(() => null);
        if (st?.isDirectory()) await walk(r);
        else if (st?.isFile()) {
          const p = parseStoreRel(r);
          if (p) out.push({ rel: r, at: p.at, size: st.size, why: p.why, path: p.path, ...(p.resolved ? { resolved: p.resolved } : {}) });
        }
      }
    };
    await walk("");
    return out;
  }

  async list(): Promise<VersionEntry[]> {
    return (await this.stored()).map((s) => ({ id: versionId("here", s.rel), path: s.path, at: s.at.toISOString(), side: "here", size: s.size, why: s.why, ...(s.resolved ? { resolved: s.resolved } : {}) }));
  }

  /** retention: the oldest go first; folders left empty go too. Returns how many files were removed. */
  async prune(r: Retention, now = new Date()): Promise<number> {
    const gone = toPrune(await this.stored(), { now, days: r.days, maxBytes: r.maxBytes });
    for (const g of gone) await unlink(join(this.dir, g.rel)).catch(() => undefined);
    if (gone.length) await this.dropEmpty(this.dir);
    return gone.length;
  }

  private async dropEmpty(abs: string): Promise<boolean> {
    const names = await readdir(abs).catch(() => null);
    if (!names) return false;
    let empty = true;
    for (const n of names) {
      const p = join(abs, n);
      const st = await lstat(p).catch(() => null);
      if (st?.isDirectory() && (await this.dropEmpty(p))) continue;
      empty = false;
    }
    if (empty && abs !== this.dir) await rmdir(abs).catch(() => undefined);
    return empty;
  }

  /**
   * The stored file `rel` put back into the folder at its path, or beside it
   * under a "restored" name when the path is taken; missing folders are made.
   * Never overwrites anything. Returns the path it was restored to.
   */
  async restore(rel: string, root: string, now = new Date()): Promise<string> {
    const p = parseStoreRel(rel);
    if (!p || !isSafeRelPath(rel)) throw new Error("not a stored version");
    return restoreInto(root, p.path, now, (tmp) => copyDurably(join(this.dir, rel), tmp));
  }
}

/**
 * A file written by `fill` into a temp beside `path` under `root`, then given
 * the path, or a "restored" name when that is taken (a hard link: it never
 * replaces anything). Returns the path used.
 */
export async function restoreInto(root: string, path: string, now: Date, fill: (tmp: string) => Promise<void>): Promise<string> {
  const abs = (await resolveLocal(root, path, true))!;
  const tmp = join(dirname(abs), `.restore${process.pid}-${Math.random().toString(36).slice(2)}${TMP_MARK}`);
  await fill(tmp);
  try {
    for (let n = 0; n < 100; n++) {
      const target = n === 0 ? path : restoredName(path, now, n);
      try {
        await link(tmp, localPath(root, target)).catch(async (e: NodeJS.ErrnoException) => {
          // file systems without hard links (FAT, exFAT): a copy that still never replaces anything
          if (e.code !== "EPERM" && e.code !== "ENOTSUP" && e.code !== "EOPNOTSUPP") throw e;
          await copyFile(tmp, localPath(root, target), FS.COPYFILE_EXCL);
        });
        return target;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
    }
    throw new Error("every restored name is taken");
  } finally {
    await rm(tmp, { force: true });
  }
}
