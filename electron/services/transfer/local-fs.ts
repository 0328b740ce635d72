/**
 * The local side of a transfer: paths resolved under a root without ever
 * following a link out of it, files hashed while read, and files put in
 * place atomically (a temp file beside the target, verified, then renamed)
 * only if the target still holds what the caller expected.
 */
import { createHash, randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { promisify } from "node:util";
import { dirname, join, normalize, sep } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import { isSafeRelPath } from "./rel-path.js";

/*
 * The callback API, promisified, rather than fs/promises: FileHandle's
 * bookkeeping doubled the CPU of a small file's open-write-fsync-close-rename
 * (10,000 files on tmpfs: 2.6 s against 1.4 s), and a sync writes and reads
 * files by the ten thousand.
 */
const lstat = promisify(fs.lstat);
const mkdir = promisify(fs.mkdir);
const open = promisify(fs.open);
const write = promisify(fs.write);
const fsync = promisify(fs.fsync);
const fchmod = promisify(fs.fchmod);
const close = promisify(fs.close);
const unlink = promisify(fs.unlink);
const readFile = promisify(fs.readFile);

/** Temp files of the app carry this mark; listings on both sides skip them. */
export const TMP_MARK = ".cocalc-tmp-";

/** absent | dir | link | other | the file's sha256 */
export async function localState(abs: string): Promise<string> {
  let st;
  try {
    st = await lstat(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw e;
  }
  if (st.isDirectory()) return "dir";
  if (st.isSymbolicLink()) return "link";
  if (!st.isFile()) return "other";
  return hashFile(abs);
}

/** Files up to this size are read in one piece: a stream would allocate its whole buffer for each small file. */
const WHOLE_READ = 1024 * 1024;

export async function hashFile(abs: string): Promise<string> {
  const h = createHash("sha256");
  for await (const b of readChunks(abs)) h.update(b);
  return h.digest("hex");
}

async function* readChunks(abs: string, size?: number): AsyncGenerator<Buffer> {
  if ((size ?? (await lstat(abs)).size) <= WHOLE_READ) {
    yield await readFile(abs);
    return;
  }
  for await (const b of fs.createReadStream(abs, { highWaterMark: 256 * 1024 })) yield b as Buffer;
}

/**
 * `root`/`rel`, refusing unsafe paths and any parent that is not a real
 * folder (a link could lead out of the root). With `create`, missing parents
 * are made.
 */
export async function resolveLocal(root: string, rel: string, create: boolean, verified?: Set<string>): Promise<string | null> {
  if (!isSafeRelPath(rel)) throw new ApiError("invalid-input", `The path '${rel}' would lead outside the folder; it was refused.`, { hint: "Nothing was written for it." });
  const parts = rel.split("/");
  let cur = root;
  for (const part of parts.slice(0, -1)) {
    cur = join(cur, part);
    // a caller resolving many paths at once checks each folder once
    if (verified?.has(cur)) continue;
    verified?.add(cur);
    try {
      const st = await lstat(cur);
      if (!st.isDirectory()) throw new ApiError("invalid-input", `'${rel}' lies under '${part}', which is not a folder here (a file or a link).`, { hint: "Nothing was written for it." });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      if (!create) return null;
      await mkdir(cur);
    }
  }
  return localPath(root, rel);
}

/**
 * `root`/`rel` for a rel resolveLocal accepted, without path.join: join
 * normalises into a chain of string pieces (about 380 B a path, measured).
 * A caller moving thousands of files makes each path when it needs it, from
 * the root and the rel it holds anyway, rather than holding one per file.
 */
export function localPath(root: string, rel: string): string {
  const r = normalize(root);
  return r.endsWith(sep) ? r + rel : r + sep + rel;
}

/** temp names: this process's random mark and a count, rather than fresh random bytes for each of 10,000 files (they are opened exclusively) */
const TMP_PROCESS = randomBytes(4).toString("hex");
let tmpCount = 0;

/**
 * The temp file `n` beside `abs`: a caller holding thousands of temps keeps
 * their numbers, not their paths (a path is about 380 B in memory).
 */
export function tempNamed(abs: string, n: number): string {
  const dir = dirname(abs);
  const start = dir.endsWith(sep) ? dir.length : dir.length + 1;
  return `${abs.slice(0, start)}.${abs.slice(start, start + 100)}${TMP_MARK}${TMP_PROCESS}${n.toString(36)}`;
}

/** A file being received: bytes go to a temp file beside the target while they are hashed. */
export class IncomingFile {
  private fd: number | null = null;
  private readonly hash = createHash("sha256");
  /** the temp's number beside the target (see tempNamed) */
  readonly tmpNo = ++tmpCount;
  readonly tmp: string;
  received = 0;
  /** the temp is gone into place, or handed to the caller: abort leaves it */
  private released = false;

  /** `x`: the mode the file will have, so it is created with it (the umask applies, as to any new file) */
  constructor(
    readonly target: string,
    private readonly x = false,
  ) {
    this.tmp = tempNamed(target, this.tmpNo);
  }

  private async opened(): Promise<number> {
    return (this.fd ??= await open(this.tmp, "wx", this.x ? 0o755 : 0o644));
  }

  async write(b: Buffer): Promise<void> {
    const fd = await this.opened();
    for (let at = 0; at < b.length; ) at += (await write(fd, b, at, b.length - at, null)).bytesWritten;
    this.received += b.length;
    this.hash.update(b);
  }

  /**
   * Verify and put in place: the sha256 must be `sha` and the target must
   * still be `expect` (a sha256, "absent", or "any").
   */
  async finish(sha: string, expect: string, x: boolean): Promise<"ok" | "hash" | "cas"> {
    try {
      const v = await this.seal(sha, x, true);
      if (v !== "ok") return v;
      const placed = await placeTemp(this.tmp, this.target, expect);
      this.released = placed === "ok";
      return placed;
    } finally {
      await this.abort();
    }
  }

  /**
   * Verify and close, leaving the temp file for the caller to put in place
   * (with placeTemp, after a barrier when `fsyncIt` is false); a temp that
   * fails its hash is removed.
   */
  async seal(sha: string, x: boolean, fsyncIt: boolean): Promise<"ok" | "hash"> {
    const fd = await this.opened();
    if (this.hash.digest("hex") !== sha) {
      await this.abort();
      return "hash";
    }
    if (x !== this.x) await fchmod(fd, x ? 0o755 : 0o644);
    if (fsyncIt) await fsync(fd);
    this.fd = null;
    await close(fd);
    // without fsync the caller puts the temp in place after a barrier: abort leaves it
    this.released = !fsyncIt;
    return "ok";
  }

  /** Leave nothing half-written. */
  async abort(): Promise<void> {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await close(fd).catch(() => undefined);
    if (!this.released) await unlink(this.tmp).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e;
    });
  }
}

/**
 * A temp file put in place, if the target still holds `expect` (a sha256,
 * "absent" or "any"); otherwise the temp is removed and the answer is "cas".
 * The stat and the rename run here, not in the thread pool: for 10,000 small
 * files the hand-offs cost more than the calls (a target to hash is read
 * asynchronously).
 */
export async function placeTemp(tmp: string, target: string, expect: string): Promise<"ok" | "cas"> {
  if (expect !== "any") {
    const now = expect === "absent" ? (fs.lstatSync(target, { throwIfNoEntry: false }) ? "present" : "absent") : await localState(target);
    if (now !== expect) {
      fs.rmSync(tmp, { force: true });
      return "cas";
    }
  }
  fs.renameSync(tmp, target);
  return "ok";
}

/**
 * A whole file written beside its target, synchronously and without fsync,
 * for barrier mode (see Durability): its sha256 is checked before a byte is
 * written. The temp's number (see tempNamed), or "hash". A file that cannot
 * be written throws, and leaves no temp.
 */
export function writeTempSync(target: string, data: Buffer, sha: string, x: boolean): number | "hash" {
  if (createHash("sha256").update(data).digest("hex") !== sha) return "hash";
  const n = ++tmpCount;
  const tmp = tempNamed(target, n);
  const fd = fs.openSync(tmp, "wx", x ? 0o755 : 0o644);
  try {
    for (let at = 0; at < data.length; ) at += fs.writeSync(fd, data, at, data.length - at, null);
    fs.closeSync(fd);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed, or closing failed: the unlink below is what matters
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return n;
}

/**
 * How files written here become durable before they are put in place. The
 * rule is Unison's: after a power cut every path holds either its old
 * content or its verified new content, never a torn or empty file. So a file's
 * data must be on disk before the rename that puts it in place.
 * - "per-file": each temp file is fsynced before its rename (any system).
 * - "barrier": on Linux, for a local file system, temps are written without
 *   fsync, one syncfs (`sync -f`) makes a whole batch durable, and only then
 *   is the batch renamed into place; one more barrier after the last rename
 *   makes the renames durable before the base records them. Per-file fsync
 *   was most of a first download's time on a real disk (10,000 small files:
 *   7.6–8.3 s with an fsync each, about 2 s with a barrier per 1,000).
 */
export interface Durability {
  readonly mode: "per-file" | "barrier";
  /** make durable everything written under the folder before this call */
  barrier(): Promise<void>;
}

/**
 * Local file systems where syncfs writes back every dirty file (statfs
 * f_type). Network and FUSE file systems are left out: there, only an fsync
 * of each file is known to reach the disk that matters.
 */
const BARRIER_FILE_SYSTEMS = new Map<number, string>([
  [0xef53, "ext2/3/4"],
  [0x58465342, "xfs"],
  [0x9123683e, "btrfs"],
  [0xf2f52010, "f2fs"],
  [0x2fc12fc1, "zfs"],
  [0xca451a4e, "bcachefs"],
  [0x794c7630, "overlayfs"],
  [0x01021994, "tmpfs"],
]);

/** Whether a folder can use barrier mode: Linux, a local file system, and a `sync` that takes -f. */
export function durabilityMode(platform: string, fsType: number | null, syncBin: string | null): Durability["mode"] {
  return platform === "linux" && fsType !== null && BARRIER_FILE_SYSTEMS.has(fsType) && syncBin !== null ? "barrier" : "per-file";
}

const SYNC_BINS = ["/usr/bin/sync", "/bin/sync"];

/** The durability for files written under `dir` (which must exist). */
export async function durabilityFor(dir: string): Promise<Durability> {
  let type: number | null = null;
  try {
    type = Number((await promisify(fs.statfs)(dir)).type);
  } catch {
    // no statfs (or it failed): per-file, which is right everywhere
  }
  const bin = SYNC_BINS.find((b) => fs.existsSync(b)) ?? null;
  const mode = durabilityMode(process.platform, type, bin);
  if (mode === "per-file") return PER_FILE;
  return {
    mode,
    barrier: async () => {
      await promisify(execFile)(bin!, ["-f", dir], { timeout: 10 * 60_000 });
    },
  };
}

export const PER_FILE: Durability = Object.freeze({ mode: "per-file" as const, barrier: async () => undefined });

/**
 * Everything written under the folder made durable: the barrier, or, when it
 * fails (no such option, an old kernel), an fsync of each of `paths` (files
 * or folders) so nothing is put in place undurable.
 */
export async function makeDurable(d: Durability, paths: Iterable<string>): Promise<void> {
  try {
    await d.barrier();
    return;
  } catch {
    // below: the slow way, which cannot be wrong
  }
  for (const p of paths) {
    const fd = await open(p, "r");
    try {
      await fsync(fd);
    } finally {
      await close(fd);
    }
  }
}

/**
 * A file's bytes as they are sent, hashed on the way; `stable` says whether
 * the file stayed the same (size, mtime, inode) from before the read to after.
 */
export async function* readVerified(abs: string, out: { sha?: string; stable?: boolean; size?: number }): AsyncGenerator<Buffer> {
  const before = await lstat(abs, { bigint: true });
  const h = createHash("sha256");
  let size = 0;
  for await (const b of readChunks(abs, Number(before.size))) {
    h.update(b);
    size += b.length;
    yield b;
  }
  const after = await lstat(abs, { bigint: true });
  out.sha = h.digest("hex");
  out.size = size;
  out.stable = before.size === after.size && before.mtimeNs === after.mtimeNs && before.ino === after.ino && BigInt(size) === after.size;
}
