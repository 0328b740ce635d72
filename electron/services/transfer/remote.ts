/**
 * The remote side of a transfer, through Backend.exec and writeTextFile
 * only, so it works on every server generation. Each method is one exec of
 * the remote agent (plus the staged writes of a commit); every reply is
 * parsed and checked here, once, before anything acts on it.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { Backend } from "../backend/backend.js";
import { ensureProjectUp } from "../backend/project-start.js";
import { agentProgram, type AgentMode } from "./remote-agent.js";
import { isSafeRelPath } from "./rel-path.js";
import { noteRead, readSizeFor } from "./read-size.js";

/** Largest stdout the agent is asked to print in one reply (the current server's async exec keeps 1 MB). */
export const PAGE_BYTES = 900_000;
/** Failures of a read that a smaller one may not have: a cut or refused reply, a server error, a slow reply. */
const READ_SIZE_FAILURES = new Set(["bad-content", "server", "unexpected-reply", "non-json", "too-large", "timeout"]);
/** base64 characters per staged write: under v1's 1 MB form limit after percent-encoding, and the current 1 MiB body */
export const PART_CHARS = 640_000;
/** ops per piece of a commit's header */
const HEADER_OPS = 256;
/** staged part writes in flight */
const PARTS_AHEAD = 2;
/** The folder in the project's home where the agent keeps listings and staged uploads. */
export const AGENT_DIR = ".cocalc-sync";

const num = z.coerce.number().finite().nonnegative();
export const RemoteEntry = z.object({
  /** f file, d folder, l link, e unreadable, n a name that is not UTF-8, o other (fifo, socket, device) */
  type: z.enum(["f", "d", "l", "e", "n", "o"]),
  path: z.string().refine(isSafeRelPath, "unsafe path"),
  size: num,
  mtime: num,
  mode: z.string().regex(/^[0-7]{1,6}$/).transform((s) => parseInt(s, 8)),
  sha: z.union([z.literal(""), z.string().regex(/^[0-9a-f]{64}$/)]),
  extra: z.string(),
});
export type RemoteEntry = z.infer<typeof RemoteEntry>;

export interface RemoteListing {
  kind: "full" | "delta" | "missing";
  /** the id of the manifest the agent kept for this listing ("" when none) */
  id: string;
  entries: RemoteEntry[];
  /** delta only: paths gone since the client's listing */
  removed: string[];
  /** records refused at the boundary (unsafe paths, malformed fields) */
  rejected: string[];
}

export interface ReadItem {
  path: string;
  offset: number;
  length: number;
}
export type ReadResult = { status: "ok"; data: Buffer } | { status: "absent" } | { status: "error"; message: string };

export type CommitOp =
  /** km: keep the mode (and, where allowed, the owner) of the file it replaces, as an editor's save must; `x` then only for a new file */
  | { op: "put"; path: string; off: number; len: number; sha: string; x: boolean; expect: string; km?: boolean }
  | { op: "mkdir"; path: string }
  | { op: "rm"; path: string; expect: string }
  | { op: "rmdir"; path: string }
  | { op: "mv"; from: string; path: string; expect: string }
  | { op: "copy"; from: string; path: string; expect: string };

/**
 * A commit's ops, made one at a time when the header is written: a sync's
 * 10,000 put ops need not be 10,000 objects held through the upload. The
 * length is read once the data has streamed.
 */
export interface CommitOps {
  readonly length: number;
  at(k: number): CommitOp;
}

const CommitResult = z.union([
  z.tuple([z.literal("ok"), z.number(), z.number(), z.string()]),
  z.tuple([z.literal("ok")]),
  z.tuple([z.enum(["cas", "hash", "error"]), z.string()]),
]);
export type CommitResult = z.infer<typeof CommitResult>;

/**
 * The commit's versions folder (relative to home): what a put replaces or an
 * rm deletes is moved there first, in the same command, as `dir/deleted/PATH`
 * or `dir/replaced/PATH`; then retention runs over `keep.dir`.
 */
export interface VersionsKeep {
  dir: string;
  keep: { dir: string; cutoff: string; bytes: number };
  /** another versions folder for these paths (what a conflict resolution set aside, named for it) */
  byPath?: Record<string, string>;
}

export interface ListOptions {
  root: string;
  /** folders with these names are not walked at all */
  prune?: string[];
  /** a folder (relative to home) for long listings' pages and, with `keep`, the manifest: hash cache and delta listings */
  state?: string;
  /** keep the manifest (sync pairs); one-off transfers leave nothing behind */
  keep?: boolean;
  /** the id of the listing the client holds: the reply is a delta against it when the agent still has it */
  since?: string | null;
  /** only these paths (relative to root), each walked if it is a folder */
  paths?: string[];
  /** files larger than this are listed without a hash */
  maxHash?: number;
  /** a top-level name under root the listing skips (the agent's folder when root is home) */
  skipTop?: string;
  signal?: AbortSignal;
}

export class RemoteAgent {
  constructor(
    readonly backend: Backend,
    readonly project_id: string,
  ) {}

  /** `arg` goes as one JSON argument, or as it is when the mode takes plain arguments */
  private async run(mode: AgentMode, arg: unknown, o: { timeout: number; retry: boolean; signal?: AbortSignal }): Promise<string> {
    if (o.signal?.aborted) throw new ApiError("cancelled", "The transfer was cancelled.");
    const input = {
      project_id: this.project_id,
      command: "python3",
      // -I -S: no site packages and no PYTHON* variables of the project, so nothing of theirs shadows the standard library, and start-up is ~40 % shorter
      args: ["-I", "-S", "-c", agentProgram(mode), mode, ...(Array.isArray(arg) ? (arg as string[]) : [JSON.stringify(arg)])],
      timeout: o.timeout,
      max_output: 4_000_000,
    };
    // No signal on short commands: the current server then answers in one call rather than a background job.
    const op = o.timeout > 30 ? { signal: o.signal } : {};
    let r;
    try {
      r = await this.backend.exec(input, op);
    } catch (e) {
      // Only what the server said never ran is sent again: a call this app stopped waiting for may still run there.
      if (!o.retry || !(isApiError(e, "project-starting") || (isApiError(e, "timeout") && e.retryable))) throw e;
      await ensureProjectUp(this.backend, this.project_id, { signal: o.signal });
      r = await this.backend.exec(input, op);
    }
    if (r.exit_code === 3 && r.stderr.startsWith("refused:")) {
      throw new ApiError("invalid-input", `The server refused the transfer: ${r.stderr.slice(9).trim()}.`, { hint: "This is a bug in the app; please report it." });
    }
    if (r.exit_code !== 0) {
      const missing = r.exit_code === 127 || /ENOENT|python3: (command )?not found/.test(r.stderr);
      throw new ApiError("server", missing ? "The project has no python3, which file transfer and sync need." : `A transfer command failed on the server (exit ${r.exit_code}).`, {
        hint: missing ? "Use a project image that includes Python 3 (every standard CoCalc image does)." : "Try again; if it keeps failing, check the project's disk space and the file's permissions.",
        serverMessage: r.stderr.slice(-2000),
      });
    }
    return r.stdout;
  }

  async list(o: ListOptions): Promise<RemoteListing> {
    const arg = {
      root: o.root,
      prune: o.prune ?? [],
      state: o.state,
      keep: o.keep ?? false,
      since: o.since ?? null,
      paths: o.paths,
      max_hash: o.maxHash,
      skip_top: o.skipTop,
      page_bytes: PAGE_BYTES,
    };
    // A first listing hashes everything and may take long; later ones hash only what changed.
    const out = await this.run("list", arg, { timeout: o.since ? 30 : 600, retry: true, signal: o.signal });
    const f = framed(out, "CSL1");
    const [kind, id, npages, token] = f.slice(0, 4);
    if (kind === "missing") return { kind: "missing", id: "", entries: [], removed: [], rejected: [] };
    if ((kind !== "full" && kind !== "delta") || !/^\d+$/.test(npages ?? "") || id === undefined) throw badReply("listing");
    let fields = f.slice(4);
    for (let n = 1; n < Number(npages); n++) {
      const page = framed(await this.run("page", { state: o.state, token, n }, { timeout: 30, retry: true, signal: o.signal }), "CSP1");
      fields = fields.concat(page);
    }
    return { kind, id, ...parseRecords(fields) };
  }

  /** Raw bytes a read exec asks for on this server now (learned per server, see read-size.ts). */
  get readBytes(): number {
    return readSizeFor(this.backend.server);
  }

  /**
   * `items` in reads of at most the server's read size, each reply timed to
   * learn that size. A read that failed is never sent again as it was (the
   * server may still be serving it): its items are read in smaller pieces.
   */
  async read(root: string, items: ReadItem[], signal?: AbortSignal): Promise<ReadResult[]> {
    const server = this.backend.server;
    const total = items.reduce((n, i) => n + i.length, 0);
    if (total > readSizeFor(server)) return this.readSplit(root, items, signal);
    const t0 = performance.now();
    try {
      const r = await this.readOnce(root, items, signal);
      noteRead(server, { asked: total, ms: performance.now() - t0 });
      return r;
    } catch (e) {
      if (!isApiError(e) || !READ_SIZE_FAILURES.has(e.kind) || signal?.aborted) throw e;
      const before = readSizeFor(server);
      // nothing smaller to try: the failure is not the size's
      if (noteRead(server, { failed: true }) >= Math.min(before, total)) throw e;
      return this.readSplit(root, items, signal);
    }
  }

  /** `items` in reads of at most the server's read size (as it is when each is made), each item's pieces joined again. */
  private async readSplit(root: string, items: ReadItem[], signal?: AbortSignal): Promise<ReadResult[]> {
    const got: ReadResult[][] = items.map(() => []);
    for (const batch of readBatches(items.length, (i) => items[i]!, () => this.readBytes)) {
      const res = await this.read(root, batch.map((c) => ({ path: items[c.i]!.path, offset: c.offset, length: c.length })), signal);
      res.forEach((r, k) => got[batch[k]!.i]!.push(r));
    }
    return got.map((rs) => rs.find((r) => r.status !== "ok") ?? { status: "ok", data: Buffer.concat(rs.map((r) => (r as { data: Buffer }).data)) });
  }

  private async readOnce(root: string, items: ReadItem[], signal?: AbortSignal): Promise<ReadResult[]> {
    const out = await this.run("read", [root, ...items.flatMap((i) => [i.path, String(i.offset), String(i.length)])], { timeout: 30, retry: true, signal });
    const f = framed(out, "CSR2");
    if (f.length !== 2) throw badReply("read");
    const heads = f[0] === "" ? [] : f[0]!.split(" ").map(readHead);
    if (heads.length !== items.length || heads.some((h) => h === null)) throw badReply("read");
    const data = Buffer.from(f[1]!, "base64");
    // Damage inside the data is caught by each file's sha256; here, a reply whose length does not add up.
    const want = heads.reduce((n, h) => n + (h!.status === "ok" ? h!.length : 0), 0);
    if (data.length !== want || f[1]!.length !== Math.ceil(want / 3) * 4) throw new ApiError("bad-content", "The server's reply to a file read was damaged on the way.", { retryable: true });
    let at = 0;
    return heads.map((h) => {
      if (h!.status !== "ok") return h!;
      const slice = data.subarray(at, at + h!.length);
      at += h!.length;
      return { status: "ok", data: slice };
    });
  }

  /**
   * Stage a bundle with writeTextFile (base64 parts) and apply `ops` in one
   * commit exec. `data` yields the bundle's bytes in the order the put ops'
   * offsets name them.
   */
  async commit(
    root: string,
    ops: CommitOps,
    data: AsyncIterable<Buffer>,
    o: { signal?: AbortSignal; onPart?: (bytes: number) => void; mkroot?: boolean; versions?: VersionsKeep } = {},
  ): Promise<CommitResult[]> {
    const staging = `${AGENT_DIR}/stage-${randomBytes(8).toString("hex")}`;
    let parts = 0;
    let total = 0;
    const raw = (PART_CHARS / 4) * 3;
    // Bytes are copied once, into the part being filled; a full part goes up while the next fills.
    let part = Buffer.allocUnsafe(raw);
    let fill = 0;
    // parts go up two at a time: the server stores one while the next is encoded and sent
    const writing = new Set<Promise<void>>();
    const send = async () => {
      if (o.signal?.aborted) throw new ApiError("cancelled", "The transfer was cancelled.");
      while (writing.size >= PARTS_AHEAD) await Promise.race(writing);
      const chunk = part.subarray(0, fill);
      part = Buffer.allocUnsafe(raw);
      fill = 0;
      const w = this.backend
        .writeTextFile({ project_id: this.project_id, path: `${staging}/part.${parts}` }, chunk.toString("base64"), { signal: o.signal })
        .then(() => o.onPart?.(chunk.length))
        .finally(() => writing.delete(w));
      w.catch(() => undefined); // its failure is taken below, with the others'
      writing.add(w);
      parts++;
    };
    const put = async (b: Buffer) => {
      for (let at = 0; at < b.length; ) {
        const n = b.copy(part, fill, at);
        fill += n;
        at += n;
        total += n;
        if (fill === raw) await send();
      }
    };
    const settled = async () => {
      const r = await Promise.allSettled([...writing]);
      const bad = r.find((x): x is PromiseRejectedResult => x.status === "rejected");
      if (bad) throw bad.reason;
    };
    try {
      for await (const b of data) await put(b);
      // ops may be completed while the data streams: the header ({"ops":[...]}, then its length) is made last,
      // a few hundred ops at a time, so 10,000 ops are never one string and a buffer and a copy at once
      let headerLen = 0;
      const text = async (t: string) => {
        const b = Buffer.from(t, "utf8");
        headerLen += b.length;
        await put(b);
      };
      await text('{"ops":[');
      for (let k = 0; k < ops.length; k += HEADER_OPS) {
        const piece: string[] = [];
        for (let j = k; j < Math.min(ops.length, k + HEADER_OPS); j++) piece.push(JSON.stringify(ops.at(j)));
        await text((k ? "," : "") + piece.join(","));
      }
      await text("]}");
      const len = Buffer.alloc(8);
      len.writeBigUInt64BE(BigInt(headerLen));
      await put(len);
      if (fill > 0) await send();
      await settled();
    } catch (e) {
      await Promise.allSettled([...writing]);
      await this.cleanup(staging);
      throw e;
    }
    const out = await this.run("commit", { root, staging, parts, mkroot: o.mkroot ?? false, ...(o.versions ? { versions: o.versions.dir, keep: o.versions.keep, ...(o.versions.byPath ? { vpaths: o.versions.byPath } : {}) } : {}) }, { timeout: Math.min(3600, 30 + Math.ceil(total / 4e6)), retry: false, signal: o.signal });
    const f = framed(out, "CSC1");
    const res = z.array(CommitResult).length(ops.length).safeParse(JSON.parse(f[0] ?? "null"));
    if (!res.success) throw badReply("commit");
    return res.data;
  }

  async cleanup(dir: string): Promise<void> {
    await this.run("cleanup", { dir }, { timeout: 30, retry: false }).catch(() => undefined);
  }
}

/** One file's head in a read reply: `o<bytes>`, `a` (absent) or `e<the reason, hex of UTF-8>`. */
function readHead(t: string): { status: "ok"; length: number } | { status: "absent" } | { status: "error"; message: string } | null {
  if (/^o\d{1,15}$/.test(t)) return { status: "ok", length: Number(t.slice(1)) };
  if (t === "a") return { status: "absent" };
  if (/^e(?:[0-9a-f]{2}){0,2000}$/.test(t)) return { status: "error", message: Buffer.from(t.slice(1), "hex").toString("utf8") };
  return null;
}

/** Path characters (plus numbers) one read exec may carry in its arguments: well under Linux's 128 KiB per argument and 2 MiB in all. */
const ARG_BUDGET = 60_000;

/** One piece of range `i`: `offset` and `length` within its file, `last` when it ends the range. */
export interface ReadChunk {
  i: number;
  offset: number;
  length: number;
  last: boolean;
}

/**
 * Ranges 0..count-1 (each made by `range` when it is reached, so a
 * transfer of 10,000 files does not hold 10,000 of them) cut into read execs,
 * batch by batch as they are taken, of at most `maxBytes` (a large range split
 * across several, its pieces consecutive) and at most ARG_BUDGET of
 * arguments; an empty range is one empty piece.
 */
/** `maxBytes` may change between batches (a server's read size is learned while reading); each batch takes it as it is then. */
export function* readBatches(count: number, range: (i: number) => ReadItem, maxBytes: number | (() => number)): Generator<ReadChunk[], void, undefined> {
  const max = typeof maxBytes === "number" ? () => maxBytes : maxBytes;
  let cur: ReadChunk[] = [];
  let curBytes = 0;
  let curArg = 0;
  for (let i = 0; i < count; i++) {
    const r = range(i);
    let off = 0;
    do {
      const argLen = r.path.length * 1.2 + 30;
      const m = max();
      if (cur.length && (curBytes >= m || curArg + argLen > ARG_BUDGET)) {
        yield cur;
        cur = [];
        curBytes = 0;
        curArg = 0;
      }
      const length = Math.min(r.length - off, Math.max(1, m - curBytes));
      cur.push({ i, offset: r.offset + off, length, last: off + length >= r.length });
      curBytes += length;
      curArg += argLen;
      off += length;
    } while (off < r.length);
  }
  if (cur.length) yield cur;
}

function badReply(what: string): ApiError {
  return new ApiError("bad-content", `The server's reply to a ${what} was cut short or damaged; nothing was changed because of it.`, {
    hint: "Try again; a reply over the server's output limit or a proxy that rewrites replies can cause this.",
    retryable: true,
  });
}

/** NUL-framed fields between a magic word and the END marker; anything cut short is refused. */
function framed(out: string, magic: string): string[] {
  const f = out.split("\0");
  if (f[0] !== magic || f[f.length - 1] !== "" || f[f.length - 2] !== "END") throw badReply(magic === "CSL1" || magic === "CSP1" ? "listing" : magic === "CSR2" ? "read" : "commit");
  return f.slice(1, -2);
}

function parseRecords(fields: string[]): { entries: RemoteEntry[]; removed: string[]; rejected: string[] } {
  if (fields.length % 7 !== 0) throw badReply("listing");
  const entries: RemoteEntry[] = [];
  const removed: string[] = [];
  const rejected: string[] = [];
  for (let i = 0; i < fields.length; i += 7) {
    const [type, path, size, mtime, mode, sha, extra] = fields.slice(i, i + 7) as string[];
    if (type === "-") {
      if (isSafeRelPath(path!)) removed.push(path!);
      else rejected.push(path!);
      continue;
    }
    const r = RemoteEntry.safeParse({ type, path, size, mtime, mode, sha, extra });
    if (r.success) {
      // a sha256 of its own: as split left it, a slice of the page that keeps the whole page alive for as
      // long as the entry lives (a sync's tree holds 64 B of hash and about 110 B of page a file); it is
      // hex, so latin1 copies it exactly
      if (r.data.sha) r.data.sha = Buffer.from(r.data.sha, "latin1").toString("latin1");
      entries.push(r.data);
    }
    else rejected.push(path ?? "");
  }
  return { entries, removed, rejected };
}
