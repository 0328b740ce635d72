/**
 * The local side of a transfer: paths resolved under a root without ever
 * following a link out of it, files hashed while read, and files put in
 * place atomically (a temp file beside the target, verified, then renamed)
 * only if the target still holds what the caller expected.
 */
import { createHash, randomBytes } from "node:crypto";
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
const rename = promisify(fs.rename);
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
  return under(root, rel);
}

/**
 * `root`/`rel` for a rel already checked safe, without path.join: join
 * normalises into a chain of string pieces (about 380 B a path, measured),
 * and a sync holds one such path per file it moves.
 */
function under(root: string, rel: string): string {
  const r = normalize(root);
  return r.endsWith(sep) ? r + rel : r + sep + rel;
}

/** temp names: this process's random mark and a count, rather than fresh random bytes for each of 10,000 files (they are opened exclusively) */
const TMP_PROCESS = randomBytes(4).toString("hex");
let tmpCount = 0;

export function tempBeside(abs: string): string {
  const name = abs.slice(dirname(abs).length + 1);
  return join(dirname(abs), `.${name.slice(0, 100)}${TMP_MARK}${TMP_PROCESS}${(++tmpCount).toString(36)}`);
}

/** A file being received: bytes go to a temp file beside the target while they are hashed. */
export class IncomingFile {
  private fd: number | null = null;
  private readonly hash = createHash("sha256");
  readonly tmp: string;
  received = 0;
  private placed = false;

  /** `x`: the mode the file will have, so it is created with it (the umask applies, as to any new file) */
  constructor(
    readonly target: string,
    private readonly x = false,
  ) {
    this.tmp = tempBeside(target);
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
      const fd = await this.opened();
      if (this.hash.digest("hex") !== sha) return "hash";
      if (x !== this.x) await fchmod(fd, x ? 0o755 : 0o644);
      await fsync(fd);
      this.fd = null;
      await close(fd);
      if (expect !== "any" && (await localState(this.target)) !== expect) return "cas";
      await rename(this.tmp, this.target);
      this.placed = true;
      return "ok";
    } finally {
      await this.abort();
    }
  }

  /** Leave nothing half-written. */
  async abort(): Promise<void> {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await close(fd).catch(() => undefined);
    if (!this.placed) await unlink(this.tmp).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e;
    });
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
