/**
 * Folder sync and file transfer, as the engine, the IPC contract, the
 * headless command and the UI all see them. Written once here; the engine
 * (electron/services/sync/) and the transfer layer (electron/services/transfer/)
 * implement the interfaces in electron/services/sync/api.ts on these types.
 */
import { z } from "zod";
import { Uuid } from "./api/common.js";
import { ProjectPath } from "./domain.js";
import { ApiErrorData } from "./errors.js";

/** Who wins when both sides changed a file: keep-both (default) keeps the loser as a conflict copy. */
export const SyncPolicy = z.enum(["keep-both", "newer", "local", "remote"]);
export type SyncPolicy = z.infer<typeof SyncPolicy>;

export const PairId = z.string().regex(/^[a-z0-9-]{1,64}$/);

/** What a person (or the headless command) gives to set up a pair. */
export const PairInput = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  /** an absolute local folder */
  local_path: z.string().min(1).max(4096),
  /** the server profile whose key is used */
  profile_id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  project_id: Uuid,
  /** relative to the project's home folder; "" is the home folder */
  remote_path: ProjectPath,
  /** extra ignore rules, gitignore syntax, one per entry (added to the defaults) */
  ignore: z.array(z.string().max(1000)).max(1000).default([]),
  policy: SyncPolicy.default("keep-both"),
  /** halt and ask when a sync would delete more than this share of the files, percent */
  max_delete_pct: z.number().min(0).max(100).default(50),
  /** seconds between remote listings */
  interval_s: z.number().int().min(5).max(86_400).default(60),
  /** files larger than this are listed as not synced, with the reason */
  max_file_bytes: z.number().int().positive().max(10 * 1024 ** 3).default(100 * 1024 * 1024),
  /**
   * treat the local folder as case-insensitive and Unicode-normalising (macOS, Windows): names that
   * differ only in letter case or Unicode form are never both written there; the extra one is listed as not synced
   */
  case_insensitive: z.boolean().default(false),
  /** keep what a sync deletes or replaces, on both sides (see Versions) */
  keep_versions: z.boolean().default(true),
  /** versions older than this many days are cleaned */
  versions_days: z.number().int().min(1).max(3650).default(30),
  /** the versions store of each side is kept under this size, oldest cleaned first (MB) */
  versions_max_mb: z.number().int().min(1).max(1_000_000).default(2048),
});
export type PairInput = z.input<typeof PairInput>;

export const PairConfig = PairInput.extend({ id: PairId, paused: z.boolean() });
export type PairConfig = z.infer<typeof PairConfig>;

export const SyncProgress = z.object({
  files_done: z.number().int().nonnegative(),
  files_total: z.number().int().nonnegative(),
  bytes_done: z.number().nonnegative(),
  bytes_total: z.number().nonnegative(),
  /** the file being moved now */
  current: z.string().nullable(),
  eta_s: z.number().nullable(),
});
export type SyncProgress = z.infer<typeof SyncProgress>;

export const SyncState = z.enum(["idle", "in-sync", "syncing", "offline", "conflicts", "paused", "halted", "error"]);
export type SyncState = z.infer<typeof SyncState>;

export const SyncConflict = z.object({
  /** the path both sides changed */
  path: z.string(),
  /** where the other version was kept (on both sides) */
  conflict_path: z.string(),
  kind: z.enum(["both-edited", "both-created", "delete-vs-edit", "type-change"]),
  /** which side's version stayed at `path` */
  kept: z.enum(["local", "remote"]),
  detected_at: z.string(),
});
export type SyncConflict = z.infer<typeof SyncConflict>;

/** What one sync did: the headless command prints exactly these fields as its JSON line. */
export const SyncCounts = z.object({
  uploaded: z.number().int().nonnegative(),
  downloaded: z.number().int().nonnegative(),
  deleted_local: z.number().int().nonnegative(),
  deleted_remote: z.number().int().nonnegative(),
  conflicts: z.number().int().nonnegative(),
  api_calls: z.number().int().nonnegative(),
  bytes_up: z.number().nonnegative(),
  bytes_down: z.number().nonnegative(),
  errors: z.number().int().nonnegative(),
});
export type SyncCounts = z.infer<typeof SyncCounts>;

export const PairStatus = z.object({
  id: PairId,
  state: SyncState,
  progress: SyncProgress.nullable(),
  /** local changes not yet on the server (shown while offline) */
  waiting: z.number().int().nonnegative(),
  conflicts: z.array(SyncConflict),
  last_sync: z.string().nullable(),
  last_counts: SyncCounts.nullable(),
  /** why the pair is halted or in error, and what to do, in the user's terms */
  message: z.string().nullable(),
  error: ApiErrorData.nullable(),
  /** files left out, each with its reason (too large, unreadable, a name the other side cannot hold, …) */
  not_synced: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type PairStatus = z.infer<typeof PairStatus>;

export const ActivityEntry = z.object({ time: z.string(), level: z.enum(["info", "warn", "error"]), text: z.string() });
export type ActivityEntry = z.infer<typeof ActivityEntry>;

export const ConflictChoice = z.enum(["mine", "theirs", "both"]);
export type ConflictChoice = z.infer<typeof ConflictChoice>;

/** Progress of a Files-view download or upload. */
export const TransferProgress = z.object({
  request_id: z.string(),
  files_done: z.number().int().nonnegative(),
  files_total: z.number().int().nonnegative(),
  bytes_done: z.number().nonnegative(),
  bytes_total: z.number().nonnegative(),
  current: z.string().nullable(),
});
export type TransferProgress = z.infer<typeof TransferProgress>;

/** Where a kept version lives: this computer's store, or the project's versions folder. */
export const VersionSide = z.enum(["here", "project"]);
export type VersionSide = z.infer<typeof VersionSide>;

/** A version a sync moved aside before it deleted or replaced the file. */
export const VersionEntry = z.object({
  /** the stored version's own id (side, time and path; opaque to the window) */
  id: z.string(),
  /** the file's path in the pair */
  path: z.string(),
  /** when it was moved aside, ISO 8601 */
  at: z.string(),
  side: VersionSide,
  size: z.number().nonnegative(),
  why: z.enum(["deleted", "replaced"]),
  /** set aside when a conflict was resolved: kept this computer's version, took the server's, or merged them */
  resolved: z.enum(["mine", "theirs", "merged"]).optional(),
});
export type VersionEntry = z.infer<typeof VersionEntry>;

/** why a version set aside by a conflict resolution was, in a person's words (the Versions list and the headless list) */
export const RESOLVED_WHY: Record<NonNullable<VersionEntry["resolved"]>, string> = {
  mine: "conflict resolved: kept this computer's version",
  theirs: "conflict resolved: took the server's version",
  merged: "conflict resolved: the versions were merged",
};
