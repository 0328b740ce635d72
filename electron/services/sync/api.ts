/**
 * The engine's and the transfer layer's public faces: the sync IPC service,
 * the headless command and the Files view use only these. Plain Node.
 */
import type { Backend } from "../backend/backend.js";
import type { ActivityEntry, ConflictChoice, PairConfig, PairInput, PairStatus, SyncCounts, TransferProgress } from "../../../shared/sync.js";

/** The Backend of a server profile, connected with its key (from the keychain). */
export type BackendProvider = (profile_id: string) => Promise<Backend>;

export interface SyncManagerApi {
  list(): Array<{ config: PairConfig; status: PairStatus }>;
  add(input: PairInput): Promise<PairConfig>;
  /** forgets the pair and its state; never deletes a file on either side */
  remove(id: string): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** one sync now; resolves with what it did */
  syncNow(id: string, o?: { signal?: AbortSignal }): Promise<SyncCounts>;
  /** the two versions of a conflict, for the side-by-side view */
  conflictVersions(id: string, path: string): Promise<{ mine: Uint8Array | null; theirs: Uint8Array | null }>;
  resolve(id: string, path: string, choice: ConflictChoice): Promise<void>;
  /**
   * Put a text made of both versions (chosen per change) at the path and drop
   * the conflict copy; refused when either version is no longer what was shown.
   */
  resolveMerged(id: string, path: string, text: string, shown: { mine_sha256: string; theirs_sha256: string }): Promise<void>;
  activity(id: string): ActivityEntry[];
  onStatus(listener: (s: PairStatus) => void): () => void;
  close(): Promise<void>;
}

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
