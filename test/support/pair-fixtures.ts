/** A pair's status, config and conflict as the engine reports them, for tests of what the shell makes of them. */
import type { PairConfig, PairStatus, SyncConflict } from "../../shared/sync.js";

export const pairStatus = (patch: Partial<PairStatus> = {}): PairStatus => ({
  id: "p1",
  state: "in-sync",
  progress: null,
  waiting: 0,
  conflicts: [],
  last_sync: "2026-12-07T14:02:00Z",
  last_counts: null,
  message: null,
  error: null,
  not_synced: [],
  ...patch,
});

export const pairConfig = (id: string, name: string | undefined, local_path = `/home/me/${id}`): PairConfig => ({
  id,
  ...(name ? { name } : {}),
  local_path,
  profile_id: "local",
  project_id: "0eea4501-9d44-4973-a871-9a4ddf6f6c9f",
  remote_path: "",
  ignore: [],
  policy: "keep-both",
  max_delete_pct: 50,
  interval_s: 60,
  max_file_bytes: 1e8,
  case_insensitive: false,
  keep_versions: true,
  versions_days: 30,
  versions_max_mb: 2048,
  skip_folders: [],
  paused: false,
});

export const conflictOn = (path: string): SyncConflict => ({ path, conflict_path: `${path} (conflict)`, kind: "both-edited", kept: "local", detected_at: "2026-12-07T14:00:00Z" });
