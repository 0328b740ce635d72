/**
 * What features work with, whatever API generation a server speaks. The
 * backend adapters translate between these and the wire formats; the IPC
 * contract and the renderer use them as they are.
 */
import { z } from "zod";
import { Uuid } from "./api/common.js";
import { ApiErrorData } from "./errors.js";

/** API v1, classic CoCalc's current API (v2 + conat), and cocalc.ai (scoped keys; facts in cocalc-ai-facts.md). */
export const Generation = z.enum(["v1", "current", "ai"]);
export type Generation = z.infer<typeof Generation>;

/** A path inside a project, relative to its home folder, as a person types it. */
export const ProjectPath = z.string().max(4096).refine((p) => !p.includes("\0"), "a path cannot contain a NUL character");

export const ExecInput = z.strictObject({
  project_id: Uuid,
  command: z.string().min(1).max(100_000),
  args: z.array(z.string().max(100_000)).max(10_000).optional(),
  /** run `command` through bash (args ignored) */
  bash: z.boolean().optional(),
  /** working folder, relative to the project's home */
  path: ProjectPath.optional(),
  /** seconds */
  timeout: z.number().positive().max(24 * 3600).optional(),
  /** characters of stdout and of stderr kept, each */
  max_output: z.number().int().positive().optional(),
});
export type ExecInput = z.infer<typeof ExecInput>;

export const ExecResult = z.object({
  stdout: z.string(),
  stderr: z.string(),
  exit_code: z.number().int(),
});
export type ExecResult = z.infer<typeof ExecResult>;

/** Who the key's account is. A generation that cannot say whether it is an admin answers null. */
export const Identity = z.object({
  account_id: Uuid,
  email_address: z.string().nullable(),
  is_admin: z.boolean().nullable(),
});
export type Identity = z.infer<typeof Identity>;

export const ProjectSummary = z.object({
  project_id: Uuid,
  title: z.string(),
  description: z.string(),
  /** null where the server does not say (cocalc.ai lists projects newest first without a date) */
  last_edited: z.string().nullable(),
  deleted: z.boolean(),
  /** running, opened, starting, …; null when not known */
  state: z.string().nullable(),
  /**
   * Set once a call about this project was refused for this key (a scoped
   * key without the project in its list): the capability it lacked.
   */
  key_denied: z.string().nullable(),
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

export const ProjectUser = z.object({
  /** owner or collaborator; null where the server does not say */
  group: z.string().nullable(),
  /** a readable name, where the server gives one */
  name: z.string().nullable().optional(),
  upgrades: z.record(z.string(), z.number()).optional(),
});
export type ProjectUser = z.infer<typeof ProjectUser>;

export const ProjectDetails = ProjectSummary.extend({
  users: z.record(z.string(), ProjectUser),
  created: z.string().nullable(),
});
export type ProjectDetails = z.infer<typeof ProjectDetails>;

export const ProjectUpdate = z.strictObject({ title: z.string().max(1000).optional(), description: z.string().max(10_000).optional() });
export type ProjectUpdate = z.infer<typeof ProjectUpdate>;

export const ProjectAction = z.enum(["start", "stop", "restart"]);
export type ProjectAction = z.infer<typeof ProjectAction>;

export const FileEntry = z.object({
  name: z.string(),
  isdir: z.boolean(),
  size: z.number(),
  /** seconds since the epoch */
  mtime: z.number(),
});
export type FileEntry = z.infer<typeof FileEntry>;

export const FileRef = z.strictObject({ project_id: Uuid, path: ProjectPath });
export type FileRef = z.infer<typeof FileRef>;

export const FileReadResult = z.union([
  z.object({ project_id: Uuid, path: z.string(), content: z.string() }),
  z.object({ project_id: Uuid, path: z.string(), error: ApiErrorData }),
]);
export type FileReadResult = z.infer<typeof FileReadResult>;

export const CopyInput = z.strictObject({
  src_project_id: Uuid,
  src_path: ProjectPath,
  target_project_id: Uuid,
  target_path: ProjectPath.optional(),
  overwrite_newer: z.boolean().optional(),
  delete_missing: z.boolean().optional(),
  backup: z.boolean().optional(),
  /**
   * seconds without progress before rsync gives up. copy.start never sends it:
   * a v1 server reads it as milliseconds and kills rsync at once (facts §9).
   */
  timeout: z.number().nonnegative().optional(),
  exclude: z.array(z.string()).optional(),
  /** ISO date: run no earlier than this */
  scheduled: z.string().optional(),
  wait_until_done: z.boolean().optional(),
});
export type CopyInput = z.infer<typeof CopyInput>;

/** `copy_id: null` means the copy already ran and finished. */
export const CopyStarted = z.object({ copy_id: z.string().nullable() });
export type CopyStarted = z.infer<typeof CopyStarted>;

/**
 * A copy as the app reports it: "done" only once confirmed, by the server's own
 * status of the copy id or by the app's check of the target; "scheduled" where
 * the server queued it for later (copy_id to follow).
 */
export const CopyOutcome = z.object({
  status: z.enum(["done", "scheduled"]),
  copy_id: z.string().nullable(),
  /** who confirmed it: the server, the app's check of the target, or (copies the app carries out itself) every file's sha256 */
  confirmed_by: z.enum(["server", "target-check", "hash-verified"]).nullable(),
  /** items of the source found in the target, where the app checked */
  files_checked: z.number().int().nullable(),
});
export type CopyOutcome = z.infer<typeof CopyOutcome>;

export const CopyStatus = z.object({
  copy_id: z.string(),
  source_project_id: z.string().optional(),
  source_path: z.string().optional(),
  target_project_id: z.string().optional(),
  target_path: z.string().optional(),
  time: z.string().nullable().optional(),
  scheduled: z.string().nullable().optional(),
  started: z.string().nullable().optional(),
  finished: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
});
export type CopyStatus = z.infer<typeof CopyStatus>;

export const CopyListFilter = z.strictObject({
  src_project_id: Uuid.optional(),
  target_project_id: Uuid.optional(),
  src_path: z.string().optional(),
  pending: z.boolean().optional(),
  failed: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  offset: z.number().int().min(0).optional(),
});
export type CopyListFilter = z.infer<typeof CopyListFilter>;

export const Upgrades = z.object({
  total: z.record(z.string(), z.number()),
  excess: z.record(z.string(), z.number()),
  available: z.record(z.string(), z.number()),
});
export type Upgrades = z.infer<typeof Upgrades>;

/** Which operations a server offers; the UI hides or explains what is missing. */
export const Capabilities = z.object({
  generation: Generation,
  copyStatusList: z.boolean(),
  copyDelete: z.boolean(),
  copySchedule: z.boolean(),
  upgrades: z.boolean(),
  createAccount: z.boolean(),
  jupyter: z.boolean(),
  /** who copies between projects: the server, or the app itself (download and upload, verified by hash) where the server's copy cannot be trusted */
  copy: z.enum(["server", "app"]),
  /** a sign-in token for the kiosk view can be had with a key */
  kioskToken: z.boolean(),
  /** keys carry capabilities and a list of projects: a project may be out of a key's reach */
  scopedKeys: z.boolean(),
  /** the server gives each project's last-edited date (cocalc.ai only orders by it) */
  projectDates: z.boolean(),
  /** a project can be deleted (and restored) with a key: not on cocalc.ai, which has no delete route for keys */
  projectDelete: z.boolean(),
});
export type Capabilities = z.infer<typeof Capabilities>;

/**
 * What a server was found to offer beyond its generation's fixed set: a v1
 * single-user server ignores `scheduled` and has no create_account, while
 * cocalc.com's v1 had both, so these are learned from the server (a harmless
 * probe) and remembered per profile. Absent = not learned yet = not offered.
 */
export const LearnedCapabilities = z.object({
  copySchedule: z.boolean().optional(),
  createAccount: z.boolean().optional(),
});
export type LearnedCapabilities = z.infer<typeof LearnedCapabilities>;

/**
 * What each API generation offers: the backends declare it, the UI hides or
 * explains what is missing. What varies between servers of one generation is
 * false here until learned (`withLearned`).
 */
export function capabilitiesOf(generation: Generation): Capabilities {
  const v1 = generation === "v1";
  const ai = generation === "ai";
  return {
    generation,
    copyStatusList: v1,
    copyDelete: v1,
    // false until learned from the server: see withLearned
    copySchedule: false,
    upgrades: v1,
    createAccount: false,
    jupyter: true,
    copy: ai ? "app" : "server",
    kioskToken: !ai,
    scopedKeys: ai,
    projectDates: !ai,
    projectDelete: !ai,
  };
}

/** A generation's capabilities with what was learned from this server; only v1 servers can have the learned ones. */
export function withLearned(generation: Generation, learned: LearnedCapabilities | undefined): Capabilities {
  const base = capabilitiesOf(generation);
  if (generation !== "v1") return base;
  return { ...base, copySchedule: learned?.copySchedule === true, createAccount: learned?.createAccount === true };
}

/**
 * A start the app made before a call that needed the project (pushed as the
 * `projects.starting` event): the views show "Starting the project…" until
 * it runs, or what went wrong.
 */
export const ProjectStartEvent = z.object({
  profile_id: z.string(),
  project_id: z.string(),
  phase: z.enum(["starting", "running", "failed"]),
  /** for "failed": what happened, in the person's words */
  message: z.string().optional(),
});
export type ProjectStartEvent = z.infer<typeof ProjectStartEvent>;
