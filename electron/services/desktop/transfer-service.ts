/**
 * The `transfer.*` channels: the Files view's downloads and uploads over the
 * transfer layer (byte-exact, hash-verified), on the active server, each
 * with a request id so it can be cancelled, and its progress pushed to the
 * renderer as `transfer.progress`. Dropped files arrive as chunks (see
 * staging.ts) and are uploaded from the staging folder.
 */
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { TransferProgress } from "../../../shared/sync.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Backend } from "../backend/backend.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import type { Logger } from "../log/log.js";
import type { TransferApi } from "../transfer/api.js";
import { checkLocalPath } from "./local-path.js";
import type { Staging } from "./staging.js";

/** At most this often a progress event per transfer (the last one is always sent). */
export const PROGRESS_EVERY_MS = 100;

export interface TransferServiceOptions {
  /** null where this build has no transfer layer */
  transfer: TransferApi | null;
  /** the active server's Backend */
  activeBackend: () => Promise<Backend>;
  appDataDir: string;
  staging: Staging;
  log: Logger;
  emit: (event: "transfer.progress", payload: TransferProgress) => void;
}

export class TransferService implements HandlersOf<"transfer"> {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly o: TransferServiceOptions) {}

  private layer(): TransferApi {
    if (!this.o.transfer) throw new ApiError("not-available", "Downloads and uploads are not part of this build of the app.", { hint: "Use a build that includes the transfer layer." });
    return this.o.transfer;
  }

  /** Run one transfer under its request id, with throttled progress and a clear message when cancelled. */
  private async track<T>(request_id: string, what: string, fn: (o: { signal: AbortSignal; onProgress: (p: Omit<TransferProgress, "request_id">) => void }) => Promise<T>): Promise<T> {
    if (this.running.has(request_id)) throw new ApiError("invalid-input", "A transfer with this request id is already running.");
    const ac = new AbortController();
    this.running.set(request_id, ac);
    let last = 0;
    let pending: TransferProgress | null = null;
    const send = (p: TransferProgress) => {
      last = Date.now();
      pending = null;
      this.o.emit("transfer.progress", p);
    };
    const onProgress = (p: Omit<TransferProgress, "request_id">) => {
      const full = { ...p, request_id };
      if (Date.now() - last >= PROGRESS_EVERY_MS || p.files_done === p.files_total) send(full);
      else pending = full;
    };
    try {
      return await fn({ signal: ac.signal, onProgress });
    } catch (e) {
      if (ac.signal.aborted || isApiError(e, "cancelled")) throw new ApiError("cancelled", `The ${what} was cancelled. Files already in place were verified; the one in progress was not put in place.`, { hint: "Start it again to finish." });
      throw e;
    } finally {
      if (pending) send(pending);
      this.running.delete(request_id);
    }
  }

  "transfer.download": HandlersOf<"transfer">["transfer.download"] = async ({ request_id, project_id, paths, local_dir }) => {
    const layer = this.layer();
    const dir = await checkLocalPath(local_dir, { appDataDir: this.o.appDataDir, kind: "folder" });
    const remote = paths.map(normalizeProjectPath);
    const backend = await this.o.activeBackend();
    const r = await this.track(request_id, "download", (t) => layer.download(backend, { project_id, paths: remote, local_dir: dir }, t));
    this.o.log.info(`downloaded ${r.files} file(s), ${r.bytes} bytes, from project ${project_id}`);
    return r;
  };

  "transfer.upload": HandlersOf<"transfer">["transfer.upload"] = async ({ request_id, project_id, local_paths, remote_dir }) => {
    const layer = this.layer();
    const locals: string[] = [];
    for (const p of local_paths) locals.push(await checkLocalPath(p, { appDataDir: this.o.appDataDir, kind: "file-or-folder" }));
    const backend = await this.o.activeBackend();
    const r = await this.track(request_id, "upload", (t) => layer.upload(backend, { project_id, local_paths: locals, remote_dir: normalizeProjectPath(remote_dir) }, t));
    this.o.log.info(`uploaded ${r.files} file(s), ${r.bytes} bytes, to project ${project_id}`);
    return r;
  };

  "transfer.cancel": HandlersOf<"transfer">["transfer.cancel"] = async ({ request_id }) => {
    const ac = this.running.get(request_id);
    ac?.abort();
    return { cancelled: !!ac };
  };

  "transfer.stageChunk": HandlersOf<"transfer">["transfer.stageChunk"] = async (chunk) => ({ staged_bytes: await this.o.staging.append(chunk) });

  "transfer.uploadStaged": HandlersOf<"transfer">["transfer.uploadStaged"] = async ({ request_id, upload_id, project_id, remote_dir, files }) => {
    try {
      const layer = this.layer();
      const locals = await this.o.staging.complete(upload_id, files);
      const backend = await this.o.activeBackend();
      const r = await this.track(request_id, "upload", (t) => layer.upload(backend, { project_id, local_paths: locals, remote_dir: normalizeProjectPath(remote_dir) }, t));
      this.o.log.info(`uploaded ${r.files} dropped file(s), ${r.bytes} bytes, to project ${project_id}`);
      return r;
    } finally {
      await this.o.staging.discard(upload_id);
    }
  };

  "transfer.discardStaged": HandlersOf<"transfer">["transfer.discardStaged"] = async ({ upload_id }) => {
    await this.o.staging.discard(upload_id);
    return { ok: true as const };
  };

  /** Stop every transfer (the app is quitting or switching servers). */
  cancelAll(): void {
    for (const ac of this.running.values()) ac.abort();
  }
}
