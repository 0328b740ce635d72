/**
 * The `doc.*` channels: a file opened in Files by its proven bytes (never a
 * lossy text), read in pieces with its progress pushed as `doc.progress`
 * and a cancel that stops the reads, and saved back as bytes with a
 * compare-and-swap. Opening a file with the system's app is the file
 * browser's (fileops.openWithSystem).
 */
import { ApiError } from "../../../shared/errors.js";
import type { DocProgress } from "../../../shared/ipc/contract.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Backend } from "../backend/backend.js";
import { readProven } from "./proven-read.js";
import { saveProven } from "./proven-save.js";

export interface DocServiceOptions {
  backend: () => Promise<Backend>;
  /** to the window: the main process pushes only to the app's own window, whose call the router checked */
  emit?: (p: DocProgress) => void;
}

export class DocService implements HandlersOf<"doc"> {
  /** opens in flight, by request id */
  private readonly reading = new Map<string, AbortController>();

  constructor(private readonly o: DocServiceOptions) {}

  "doc.open": HandlersOf<"doc">["doc.open"] = async ({ project_id, path, request_id }) => {
    const p = file(path);
    if (request_id && this.reading.has(request_id)) throw new ApiError("invalid-input", "A file is already being opened with this request id.");
    const ac = new AbortController();
    if (request_id) this.reading.set(request_id, ac);
    const onProgress = request_id && this.o.emit ? (received: number, total: number) => this.o.emit?.({ request_id, path: p, received, total }) : undefined;
    try {
      const f = await readProven(await this.o.backend(), project_id, p, { signal: ac.signal, onProgress });
      return { path: p, size: f.size, sha256: f.sha256, executable: f.executable, kind: f.kind, mime: f.mime, data: f.bytes?.toString("base64") ?? null };
    } catch (e) {
      if (ac.signal.aborted) throw new ApiError("cancelled", `Opening ${p} was cancelled.`, { hint: "Open it again to read it." });
      throw e;
    } finally {
      if (request_id) this.reading.delete(request_id);
    }
  };

  "doc.cancel": HandlersOf<"doc">["doc.cancel"] = async ({ request_id }) => {
    const ac = this.reading.get(request_id);
    ac?.abort();
    return { cancelled: !!ac };
  };

  "doc.save": HandlersOf<"doc">["doc.save"] = async ({ project_id, path, data, sha256, base_sha256, executable }) =>
    saveProven(await this.o.backend(), { project_id, path: file(path), bytes: Buffer.from(data, "base64"), sha256, base_sha256, executable });
}

function file(path: string): string {
  const p = normalizeProjectPath(path);
  if (p === "") throw new ApiError("invalid-input", "Choose a file, not the home folder.");
  return p;
}
