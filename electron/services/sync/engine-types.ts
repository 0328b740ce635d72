/** The engine's configuration, outcome and hooks, shared by the engine and its phases. */
import type { SyncConflict, SyncCounts, SyncPolicy, SyncProgress } from "../../../shared/sync.js";

/** Where a sync can be stopped by a crash; the crash tests kill the headless command at each. */
export const JOURNAL_POINTS = ["listed", "planned", "local-done", "kept", "mid-download", "downloaded", "mid-upload", "committed", "based"] as const;
export type JournalPoint = (typeof JOURNAL_POINTS)[number];

export interface EngineConfig {
  id: string;
  local_path: string;
  project_id: string;
  remote_path: string;
  ignore: string[];
  policy: SyncPolicy;
  max_delete_pct: number;
  max_file_bytes: number;
  /** simulate a case-insensitive local file system (names that differ only in case or Unicode form) */
  case_insensitive?: boolean;
  /** keep what a sync deletes or replaces on either side (default on) */
  keep_versions?: boolean;
  /** retention of the versions stores (defaults: 30 days, 2048 MB) */
  versions_days?: number;
  versions_max_mb?: number;
  /** selective sync: folders left out, with everything in them */
  skip_folders?: readonly string[];
  /** selective sync (headless --only): only these folders are synced */
  only_folders?: readonly string[];
}

export interface SyncOutcome {
  counts: SyncCounts;
  conflicts: SyncConflict[];
  notSynced: Array<{ path: string; reason: string }>;
  /** why the pair stopped without changing anything, in the user's terms */
  halted: string | null;
  /** operations skipped because something changed while the sync ran: the next round takes them */
  deferred: number;
}

export interface EngineHooks {
  onProgress?: (p: SyncProgress) => void;
  log?: (level: "info" | "warn" | "error", text: string) => void;
  /** SIGKILL this process at that point (crash tests) */
  crashAt?: string;
}
