/**
 * A file's bytes, proven: its size and sha256 from one listing exec, its
 * bytes from ranged read execs (the transfer layer's), and the bytes handed
 * on only when both match. A file that changed between the two is read again
 * once; after that the person is told, and nothing is shown as the file.
 */
import { createHash } from "node:crypto";
import { ApiError } from "../../../shared/errors.js";
import { classify, INLINE_BYTES, type DocKind } from "../../../shared/open/kind.js";
import type { Backend } from "../backend/backend.js";
import { RemoteAgent, type ReadResult } from "../transfer/remote.js";

export interface ProvenFile {
  size: number;
  sha256: string;
  executable: boolean;
  kind: DocKind;
  mime: string;
  /** the whole file, or null when it is larger than INLINE_BYTES */
  bytes: Buffer | null;
}

/** enough of a large file to tell its type by its magic number */
const HEAD_BYTES = 64;

export const sha256Of = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The file's listing entry: size, sha256 and mode, or a clear error for anything that is not a file. */
export async function statFile(agent: RemoteAgent, path: string, signal?: AbortSignal) {
  const listing = await agent.list({ root: "", paths: [path], signal });
  const e = listing.entries.find((x) => x.path === path);
  if (!e) throw new ApiError("not-found", `${path} does not exist in the project.`, { hint: "It may have been renamed or deleted: refresh the list." });
  if (e.type === "d") throw new ApiError("invalid-input", `${path} is a folder, not a file.`);
  if (e.type !== "f") throw new ApiError("invalid-input", `${path} cannot be opened: ${e.type === "l" ? "it is a link" : e.extra || "it is not a regular file"}.`);
  if (!e.sha) throw new ApiError("server", `The server could not compute ${path}'s checksum, so it was not opened.`, { hint: "Try again." });
  return e;
}

export interface ReadOptions {
  signal?: AbortSignal;
  inline?: number;
  /** bytes read so far of the file's size, after each piece the server sent */
  onProgress?: (received: number, total: number) => void;
}

export async function readProven(backend: Backend, project_id: string, path: string, o: ReadOptions = {}): Promise<ProvenFile> {
  const agent = new RemoteAgent(backend, project_id);
  const inline = o.inline ?? INLINE_BYTES;
  for (let attempt = 0; attempt < 2; attempt++) {
    const e = await untilAborted(statFile(agent, path, o.signal), o.signal);
    const executable = (e.mode & 0o100) !== 0;
    const whole = e.size <= inline;
    const r = whole ? await readPieces(agent, path, e.size, o) : await readOne(agent, path, Math.min(HEAD_BYTES, e.size), 0, o.signal);
    if (!r || r.status === "absent") continue;
    if (r.status === "error") throw new ApiError("server", `${path} could not be read on the server: ${r.message}.`, { hint: "Check the file's permissions in a terminal, then try again." });
    if (!whole) return { size: e.size, sha256: e.sha, executable, ...classify(path, r.data, false), bytes: null };
    // the bytes are the file only when they are exactly what was listed
    if (r.data.length === e.size && sha256Of(r.data) === e.sha) return { size: e.size, sha256: e.sha, executable, ...classify(path, r.data, true), bytes: r.data };
  }
  throw new ApiError("bad-content", `${path} changed while it was being read, so it was not opened.`, { hint: "Wait until whatever writes it has finished, then open it again.", retryable: true });
}

/**
 * The file's `size` bytes, a read exec of the server's read size at a time
 * (a large file in one reply is what timed out on a real v1 server), with
 * progress after each. A cancel stops here at once; no read starts after it.
 */
async function readPieces(agent: RemoteAgent, path: string, size: number, o: ReadOptions): Promise<ReadResult | undefined> {
  const parts: Buffer[] = [];
  let got = 0;
  o.onProgress?.(0, size);
  do {
    const length = Math.min(size - got, agent.readBytes);
    const r = await readOne(agent, path, length, got, o.signal);
    if (!r || r.status !== "ok") return r;
    parts.push(r.data);
    got += r.data.length;
    o.onProgress?.(got, size);
    // shorter than asked: the file shrank; what was read fails the proof and it is read again
    if (r.data.length < length) break;
  } while (got < size);
  return { status: "ok", data: Buffer.concat(parts) };
}

async function readOne(agent: RemoteAgent, path: string, length: number, offset: number, signal?: AbortSignal): Promise<ReadResult | undefined> {
  return (await untilAborted(agent.read("", [{ path, offset, length }], signal), signal))[0];
}

/** `p`, or a cancelled error as soon as `signal` aborts (a read already sent is left to finish on its own). */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new ApiError("cancelled", "The read was cancelled."));
    if (signal.aborted) stop();
    signal.addEventListener("abort", stop, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}
