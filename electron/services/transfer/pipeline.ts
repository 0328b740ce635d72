/**
 * Moving many files in few calls. Downloads: byte ranges batched into read
 * execs of at most agent.readBytes (large files split across several), each file
 * assembled in a temp file, verified against its sha256 and put in place.
 * Uploads: every file streamed into one bundle, staged in base64 parts with
 * writeTextFile, then applied by one commit exec that verifies and
 * compare-and-swaps each file.
 */
import { unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { setImmediate as breathe } from "node:timers/promises";
import { ApiError } from "../../../shared/errors.js";
import { IncomingFile, makeDurable, PER_FILE, placeTemp, readVerified, tempNamed, writeTempSync, type Durability } from "./local-fs.js";
import { readBatches, type CommitOp, type CommitResult, type ReadChunk, type RemoteAgent, type VersionsKeep } from "./remote.js";

export interface Progress {
  onBytes?: (n: number, current: string) => void;
  onFile?: (current: string) => void;
  signal?: AbortSignal;
  /** how downloaded files become durable before they are put in place (default: an fsync each) */
  durability?: Durability;
  /**
   * Downloads: the reads start at once, files are written only once this
   * resolves (the caller's TargetOf answers from then on). A rejection ends
   * the transfer with that error.
   */
  ready?: Promise<void>;
}

/** A file to download; the sync plan's downloads are these as they are, with no copy per file. */
export interface FetchItem {
  /** relative to the remote root */
  from: string;
  size: number;
  sha: string;
  x: boolean;
  /** what the local target must still hold: a sha256, "absent" or "any" */
  expect: string;
}

/**
 * Item i's absolute local target, already resolved safely, or "" to skip it.
 * Asked for each time it is needed, once `ready` resolved: a caller holds a
 * root and each item's relative path anyway, and 10,000 absolute paths held
 * through a download were about 100 B a file (measured).
 */
export type TargetOf = (i: number) => string;

export type Outcome = { status: "ok" } | { status: "hash" | "cas" | "absent" | "error"; message: string };
/** one for all the files that went well: 10,000 of them need not be 10,000 objects */
const OK: Outcome = Object.freeze({ status: "ok" });

/** files written and synced at once */
const WRITERS = 16;
/** read execs in flight: the server reads the next files while these are written here */
const READS_AHEAD = 2;
/**
 * Barrier mode: a batch is made durable and put in place once this many
 * files or bytes wait. Fewer barriers cost less (10,000 small files on a real
 * disk: about 1.2 s with one per 1,000 files, 3.1 s with one per 250); files
 * appear in place a batch at a time.
 */
const BARRIER_FILES = 2000;
const BARRIER_BYTES = 64 * 1024 * 1024;
/** the event loop is let go this often while files are written synchronously */
const SLICE_MS = 8;

function cancelled(): ApiError {
  return new ApiError("cancelled", "The transfer was cancelled; files already in place stay, nothing is half-written.");
}

export async function fetchFiles(agent: RemoteAgent, root: string, items: readonly FetchItem[], targetOf: TargetOf, p: Progress = {}): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(items.length);
  const incoming = new Map<number, IncomingFile>();
  const durability = p.durability ?? PER_FILE;
  const batched = durability.mode === "barrier";
  // made as they are asked for: the plan of 10,000 files is not held all at once
  const batches = readBatches(items.length, (i) => ({ path: items[i]!.from, offset: 0, length: items[i]!.size }), () => agent.readBytes);

  const settle = (i: number, v: "ok" | "hash" | "cas") => {
    const it = items[i]!;
    outcomes[i] = v === "ok" ? OK : v === "hash" ? { status: "hash", message: "the content arrived changed (sha256 mismatch); it was not put in place" } : { status: "cas", message: "it changed here while it was transferred; it was left as it is" };
    p.onFile?.(it.from);
  };
  const failed = (e: unknown): Outcome => ({ status: "error", message: `it could not be written here (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });

  // Barrier mode: verified temps wait here, as item and temp numbers (two numbers a file, not two paths);
  // a batch is made durable at once, then put in place.
  let sealedItem: number[] = [];
  let sealedTmp: number[] = [];
  let sealedBytes = 0;
  let placing: Promise<void> = Promise.resolve();
  const placedDirs = new Set<string>();
  const tmpOf = (i: number, n: number) => tempNamed(targetOf(i), n);
  const flush = () => {
    const batchItem = sealedItem;
    const batchTmp = sealedTmp;
    sealedItem = [];
    sealedTmp = [];
    sealedBytes = 0;
    // one batch at a time, in order, while the next is written (each file fails alone)
    placing = placing.then(async () => {
      try {
        // the temps' paths are made only if the barrier fails and each is fsynced instead
        await makeDurable(
          durability,
          (function* () {
            for (let k = 0; k < batchItem.length; k++) yield tmpOf(batchItem[k]!, batchTmp[k]!);
          })(),
        );
      } catch (e) {
        for (let k = 0; k < batchItem.length; k++) {
          outcomes[batchItem[k]!] = failed(e);
          await unlinkQuietly(tmpOf(batchItem[k]!, batchTmp[k]!));
        }
        return;
      }
      let slice = performance.now();
      for (let k = 0; k < batchItem.length; k++) {
        const i = batchItem[k]!;
        const target = targetOf(i);
        const tmp = tempNamed(target, batchTmp[k]!);
        try {
          const v = await placeTemp(tmp, target, items[i]!.expect);
          if (v === "ok") placedDirs.add(dirname(target));
          settle(i, v);
        } catch (e) {
          outcomes[i] = failed(e);
          await unlinkQuietly(tmp);
        }
        if (performance.now() - slice > SLICE_MS) {
          await breathe();
          slice = performance.now();
        }
      }
    });
    // awaited below; until then a failure must not be reported as unhandled
    placing.catch(() => undefined);
  };
  const seal = (i: number, tmpNo: number, size: number) => {
    sealedItem.push(i);
    sealedTmp.push(tmpNo);
    sealedBytes += size;
  };

  // The next read is asked for while this one's files are written: the server and the disk work at once.
  type Pending = { live: ReadChunk[]; reply: Promise<Awaited<ReturnType<RemoteAgent["read"]>>> } | null;
  /** the next batch's read, null when none of its files is still wanted, undefined when there are no more batches */
  const ask = (): Pending | undefined => {
    const next = batches.next();
    if (next.done) return undefined;
    const live = next.value.filter((c) => outcomes[c.i] === undefined);
    if (!live.length) return null;
    const reply = agent.read(root, live.map((c) => ({ path: items[c.i]!.from, offset: c.offset, length: c.length })), p.signal);
    reply.catch(() => undefined); // awaited below; a prefetch abandoned by an error must not be reported unhandled
    return { live, reply };
  };
  const writing = new Set<Promise<void>>();
  let finished = false;
  try {
    const ahead: Pending[] = [];
    const askNext = () => {
      const a = ask();
      if (a !== undefined) ahead.push(a);
    };
    for (let k = 0; k < READS_AHEAD; k++) askNext();
    if (p.ready) await p.ready;
    while (ahead.length) {
      if (p.signal?.aborted) throw cancelled();
      const cur = ahead.shift()!;
      askNext();
      if (!cur) continue;
      const res = await cur.reply;
      let slice = performance.now();
      for (let j = 0; j < cur.live.length; j++) {
        const c = cur.live[j]!;
        const it = items[c.i]!;
        const r = res[j]!;
        if (outcomes[c.i] !== undefined) continue;
        const local = targetOf(c.i);
        if (!local) {
          outcomes[c.i] = { status: "error", message: "its place here could not be made" };
          continue;
        }
        if (r.status !== "ok") {
          outcomes[c.i] = r.status === "absent" ? { status: "absent", message: "it is gone from the server" } : { status: "error", message: r.message };
          await incoming.get(c.i)?.abort();
          incoming.delete(c.i);
          continue;
        }
        p.onBytes?.(r.data.length, it.from);
        if (c.offset === 0 && c.last) {
          // a whole file in this reply
          if (r.data.length !== it.size) {
            outcomes[c.i] = { status: "hash", message: "its size changed while it was read" };
            continue;
          }
          if (batched) {
            // written here and now, without the thread pool: open, write and close of a small file cost less than handing each to it
            try {
              const n = writeTempSync(local, r.data, it.sha, it.x);
              if (n === "hash") settle(c.i, "hash");
              else seal(c.i, n, it.size);
            } catch (e) {
              outcomes[c.i] = failed(e);
            }
            if (performance.now() - slice > SLICE_MS) {
              await breathe();
              slice = performance.now();
            }
            continue;
          }
          // written, synced and put in place alongside the others (the disk merges their flushes)
          while (writing.size >= WRITERS) await Promise.race(writing);
          const f = new IncomingFile(local, it.x);
          // a file that cannot be written here (no space, no permission) fails alone, and leaves no temp file
          const w = f
            .write(r.data)
            .then(() => f.finish(it.sha, it.expect, it.x))
            .then(
              (v) => settle(c.i, v),
              async (e: unknown) => {
                await f.abort();
                outcomes[c.i] = failed(e);
              },
            )
            .finally(() => writing.delete(w));
          writing.add(w);
          continue;
        }
        let f = incoming.get(c.i);
        if (!f) incoming.set(c.i, (f = new IncomingFile(local, it.x)));
        await f.write(r.data);
        if (r.data.length !== c.length || (c.last && f.received !== it.size)) {
          outcomes[c.i] = { status: "hash", message: "its size changed while it was read" };
          await f.abort();
          incoming.delete(c.i);
          continue;
        }
        if (c.last) {
          incoming.delete(c.i);
          if (!batched) settle(c.i, await f.finish(it.sha, it.expect, it.x));
          else if ((await f.seal(it.sha, it.x, false)) === "hash") settle(c.i, "hash");
          else seal(c.i, f.tmpNo, it.size);
        }
      }
      // this reply's files are in place (or waiting for their barrier) before the next is taken: memory holds READS_AHEAD + 1 replies at most
      await Promise.all(writing);
      if (sealedItem.length >= BARRIER_FILES || sealedBytes >= BARRIER_BYTES) {
        // at most one batch waits for its barrier while the next is written: temps and memory stay bounded
        await placing;
        flush();
      }
    }
    if (sealedItem.length) flush();
    await placing;
    // the renames themselves made durable before the caller records the files as agreed
    if (placedDirs.size) await makeDurable(durability, placedDirs);
    finished = true;
  } finally {
    await Promise.allSettled(writing);
    for (const f of incoming.values()) await f.abort();
    if (!finished) {
      // a batch already past its barrier is put in place; one still waiting for it is dropped
      await placing.catch(() => undefined);
      for (let k = 0; k < sealedItem.length; k++) await unlinkQuietly(tmpOf(sealedItem[k]!, sealedTmp[k]!));
    }
  }
  return outcomes;
}

async function unlinkQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/** A file to upload; the sync plan's put ops are these as they are, with no copy per file. */
export interface PushFile {
  /** relative to the remote root */
  path: string;
  /** the sha256 the source must have when it is read (from a scan), or null to take what is read */
  sha: string | null;
  x: boolean;
  /** what the remote target must still hold: a sha256, "absent" or "any" */
  expect: string;
}

/** File i's absolute local source, already resolved safely, made when it is read (see TargetOf). */
export type SourceOf = (i: number) => string;

export interface PushResult {
  /** each file's outcome; those that went well share one object */
  files: Outcome[];
  /** what was sent of file i (its sha256) and the server's stat of it after the commit; null if it was not sent */
  sent(i: number): { sha: string; stat?: { size: number; mtime: number; mode: number } } | null;
  ops: CommitResult[];
}

/**
 * Upload `files` and apply `before` (before the puts) and `after` (after
 * them) in one commit. A file that changed while it was read is not sent
 * (status "cas"); it is caught on the next round.
 */
export async function pushFiles(
  agent: RemoteAgent,
  root: string,
  files: readonly PushFile[],
  sourceOf: SourceOf,
  extra: { before?: CommitOp[]; after?: CommitOp[]; mkroot?: boolean; versions?: VersionsKeep },
  p: Progress = {},
): Promise<PushResult> {
  const fileOutcome: Outcome[] = new Array(files.length);
  // each put as numbers and the sha sent, apart: the put ops are made when the header is written
  const putFile: number[] = [];
  const putOff: number[] = [];
  const putLen: number[] = [];
  const putSha: string[] = [];
  /** file i's put, -1 when it was not sent */
  const putOf = new Int32Array(files.length).fill(-1);
  let offset = 0;
  async function* bundle(): AsyncGenerator<Buffer> {
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      if (p.signal?.aborted) throw cancelled();
      const seen: { sha?: string; stable?: boolean; size?: number } = {};
      const start = offset;
      try {
        for await (const b of readVerified(sourceOf(i), seen)) {
          offset += b.length;
          yield b;
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === undefined) throw e;
        fileOutcome[i] = { status: "error", message: code === "ENOENT" ? "it was deleted here before it was sent" : `it could not be read (${code})` };
        continue;
      }
      if (!seen.stable || (f.sha !== null && seen.sha !== f.sha)) {
        fileOutcome[i] = { status: "cas", message: "it changed here while it was read; it will be sent on the next round" };
        continue;
      }
      putOf[i] = putFile.length;
      putFile.push(i);
      putOff.push(start);
      putLen.push(seen.size!);
      // the scan's string when it is the same: one sha string per file, not two
      putSha.push(f.sha ?? seen.sha!);
      fileOutcome[i] = OK;
      p.onFile?.(f.path);
    }
  }
  const before = extra.before ?? [];
  const after = extra.after ?? [];
  const ops = {
    get length() {
      return before.length + putFile.length + after.length;
    },
    at(k: number): CommitOp {
      if (k < before.length) return before[k]!;
      const j = k - before.length;
      if (j >= putFile.length) return after[j - putFile.length]!;
      const f = files[putFile[j]!]!;
      return { op: "put", path: f.path, off: putOff[j]!, len: putLen[j]!, sha: putSha[j]!, x: f.x, expect: f.expect };
    },
  };
  const results = await agent.commit(root, ops, bundle(), { signal: p.signal, onPart: (n) => p.onBytes?.(n, ""), mkroot: extra.mkroot, versions: extra.versions });
  putFile.forEach((i, j) => {
    const r = results[before.length + j]!;
    if (r[0] !== "ok") fileOutcome[i] = { status: r[0], message: r[1] };
  });
  return {
    files: fileOutcome,
    ops: results,
    sent: (i) => {
      const j = putOf[i]!;
      if (j < 0 || fileOutcome[i] !== OK) return null;
      const r = results[before.length + j]!;
      return { sha: putSha[j]!, ...(r.length === 4 ? { stat: { size: r[1], mtime: r[2], mode: parseInt(r[3], 8) } } : {}) };
    },
  };
}
