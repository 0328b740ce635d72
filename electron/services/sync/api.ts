/**
 * The engine's public face: the sync IPC service and the headless command use
 * only this. Plain Node. (The transfer layer's face is transfer/api.ts.)
 */
import type { Backend } from "../backend/backend.js";
import type { ActivityEntry, ConflictChoice, PairConfig, PairInput, PairStatus, SyncCounts, VersionEntry } from "../../../shared/sync.js";

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
  /** every active pair synced now */
  syncAll(): Promise<void>;
  /** every active pair syncs within spreadMs, each at a random moment (on wake, network back) */
  syncAllSoon(spreadMs: number, random?: () => number): void;
  /** pauses every active pair; answers the ids it paused */
  pauseAll(): Promise<string[]>;
  /** resumes the paused pairs among ids (every paused pair without ids) */
  resumeAll(ids?: string[]): Promise<void>;
  /** held or slowed (on battery); not saved */
  setPace(pace: { hold: boolean; factor: number }): void;
  /** what syncs deleted or replaced, kept on either side, newest first */
  versions(id: string): Promise<VersionEntry[]>;
  /** a kept version back into the local folder (beside its path when taken); the next sync carries it across */
  restoreVersion(id: string, version_id: string): Promise<{ path: string }>;
  /** a local file holding a kept version's bytes, to open or show: the stored file here, or a proven download of one kept in the project */
  versionFile(id: string, version_id: string): Promise<string>;
  onStatus(listener: (s: PairStatus) => void): () => void;
  close(): Promise<void>;
}
