/**
 * The transfer layer's public face: the Files view's downloads and uploads,
 * app-side copies and the sync engine use only this. Plain Node.
 */
import type { Backend } from "../backend/backend.js";
import type { TransferProgress } from "../../../shared/sync.js";

export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: (p: Omit<TransferProgress, "request_id">) => void;
}

/** Byte-exact, hash-verified moves of files and folders; the sync engine uses the same layer. */
export interface TransferApi {
  /** project files or folders into a local folder */
  download(backend: Backend, input: { project_id: string; paths: string[]; local_dir: string }, o?: TransferOptions): Promise<{ files: number; bytes: number }>;
  /** local files or folders into a project folder */
  upload(backend: Backend, input: { project_id: string; local_paths: string[]; remote_dir: string }, o?: TransferOptions): Promise<{ files: number; bytes: number }>;
  /** project to project through the app (servers whose own copy cannot be trusted) */
  copyBetweenProjects(
    backend: Backend,
    input: { src_project_id: string; src_path: string; target_project_id: string; target_path: string },
    o?: TransferOptions,
  ): Promise<{ files: number; bytes: number }>;
}
