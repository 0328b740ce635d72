/**
 * The one IPC contract: every channel's input and output schema. The
 * preload's API, the main-process router and the test bridge are all built
 * from it (after GitHub Desktop's ipc-shared.ts, with runtime schemas).
 * Outputs are parsed on the way out too: a field a schema does not name (an
 * API key, say) is stripped before it can reach the renderer.
 */
import { z } from "zod";
import { Uuid } from "../api/common.js";
import { ApiErrorData } from "../errors.js";
import {
  Capabilities,
  CopyInput,
  CopyListFilter,
  CopyOutcome,
  CopyStatus,
  ExecResult,
  FileEntry,
  Generation,
  ProjectDetails,
  ProjectPath,
  ProjectSummary,
  Upgrades,
} from "../domain.js";
import { ActivityEntry, ConflictChoice, PairConfig, PairId, PairInput, PairStatus, SyncConflict, SyncCounts, VersionEntry } from "../sync.js";

export { FileEntry, ProjectDetails, ProjectSummary, ProjectUser } from "../domain.js";
import type { Channel } from "./channels.js";
import { BackgroundSettings, BackgroundSettingsPatch, SyncOpenRequest } from "../background.js";
import { KioskMode, SignInMethod } from "../kiosk/decisions.js";
import { KioskReply } from "../kiosk/protocol.js";
import { DocKind, INLINE_BYTES } from "../open/kind.js";

const Empty = z.strictObject({});

/** The background settings, and what this run of the app can do with them. */
const BackgroundState = z.object({
  settings: BackgroundSettings,
  /** a tray icon is shown (not on a desktop without one, nor in the preview) */
  tray_available: z.boolean(),
  /** start at login can be set from the app here */
  login_available: z.boolean(),
});
const Ok = z.object({ ok: z.literal(true) });

/** A server URL as a person types it: http(s) only, no credentials, no query. */
export const ServerUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL without credentials, query or fragment")
  .transform((s) => s.replace(/\/+$/, ""));

const ProfileId = z.string().regex(/^[a-z0-9-]{1,64}$/);
const Name = z.string().trim().min(1).max(200);
/** PEM certificates a self-hosted server's TLS chain needs. */
const CaPem = z.string().max(100_000).regex(/-----BEGIN CERTIFICATE-----/, "must be a PEM certificate");
/** API keys of both generations: sk_…, sk-…, or older opaque strings. The Connect form checks a typed key with it too. */
export const ApiKeyInput = z
  .string()
  .trim()
  .min(8, "is too short: an API key has at least 8 characters; copy the whole key")
  .max(512, "is too long: an API key has at most 512 characters; copy only the key")
  .regex(/^[\x21-\x7e]+$/, "cannot contain spaces or characters other than letters, digits and punctuation; copy the key again without them");

export const Profile = z.object({
  id: ProfileId,
  name: Name,
  url: z.string(),
  account_id: Uuid.nullable(),
  generation: Generation.nullable(),
  /** the local hub this app starts itself */
  embedded: z.boolean(),
  has_key: z.boolean(),
  ca_pem: z.string().nullable(),
});
export type Profile = z.infer<typeof Profile>;

export const SecretStoreInfo = z.object({
  kind: z.enum(["keychain", "encrypted-file", "memory"]),
  persistent: z.boolean(),
  warning: z.string().nullable(),
});

const RequestId = z.string().uuid();

/** A path on this computer. Whether it is absolute and exists is checked in the main process, where the OS is known. */
export const LocalPath = z.string().min(1).max(4096).refine((p) => !p.includes("\0"), "a path cannot contain a NUL character");
/** A file's place inside a dropped bundle: relative, forward slashes, never climbing out. */
export const StagedPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes("\0") && !p.includes("\\") && !p.startsWith("/") && p.split("/").every((s) => s !== "" && s !== "." && s !== ".."), "must be a relative path with '/' between its parts, without '\\', '.', '..' or empty parts");
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** Bytes of a dropped file cross IPC base64-encoded, at most this many per chunk. */
export const STAGE_CHUNK_BYTES = 1024 * 1024;

/** One side of a sync conflict for the side-by-side view: the text when both sides are text, else size and hash. */
export const ConflictVersion = z.object({
  exists: z.boolean(),
  size: z.number().nonnegative(),
  sha256: z.string().nullable(),
  text: z.string().nullable(),
});
export type ConflictVersion = z.infer<typeof ConflictVersion>;

const TransferDone = z.object({ files: z.number().int().nonnegative(), bytes: z.number().nonnegative() });
/** The password for a kiosk token, given only when the key's account is not an admin. */
const KioskTokenInput = z.strictObject({ password: z.string().min(1).max(1000).optional(), remember_password: z.boolean().optional() });
/** Why a kiosk call did not go ahead: no call was made without the password, and a ban is a countdown. */
const KioskRefusal = [
  z.object({ status: z.literal("needs-password"), message: z.string() }),
  z.object({ status: z.literal("banned"), retry_after_s: z.number().int().nonnegative(), message: z.string() }),
] as const;

/** What the kiosk view shows: the server's page navigated (default), or driven by the protocol from the profile's embedding origin. */
const ViewMode = z.enum(["navigation", "protocol"]).optional();

/** A file as one small call sees it: enough to tell that it changed. */
export const FileStamp = z.discriminatedUnion("exists", [
  z.object({ exists: z.literal(true), size: z.number(), mtime: z.number(), sha256: z.string() }),
  z.object({ exists: z.literal(false) }),
]);
export type FileStamp = z.infer<typeof FileStamp>;

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64");
/** A file as it is on the server, proven: `sha256` and `size` checked against the bytes read; `data` null above INLINE_BYTES. */
export const OpenedDoc = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  sha256: Sha256,
  executable: z.boolean(),
  kind: DocKind,
  mime: z.string(),
  data: Base64.nullable(),
});
export type OpenedDoc = z.infer<typeof OpenedDoc>;
/** Pushed as `doc.progress` while a doc.open with a request_id reads its file: bytes received so far of its size. */
export const DocProgress = z.object({ request_id: RequestId, path: z.string(), received: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export type DocProgress = z.infer<typeof DocProgress>;
/**
 * Pushed as `exec.output` while a console command runs: what it printed since
 * the last push, stdout and stderr apart. The run's own result is the whole
 * output once it ends.
 */
export const ExecOutputEvent = z.object({ request_id: RequestId, stdout: z.string(), stderr: z.string() });
export type ExecOutputEvent = z.infer<typeof ExecOutputEvent>;

/** A name inside a folder: one path segment. */
const EntryName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => n !== "." && n !== ".." && !n.includes("/") && !n.includes("\0"), "must be a name without '/', not '.' or '..'");
const ActionPaths = z.array(ProjectPath.min(1)).min(1).max(1000);
/** What a file action did, in order, and the first problem that stopped it (the rest was not done). */
export const ActionOutcome = z.object({
  moved: z.array(z.object({ from: z.string(), to: z.string() })),
  problem: ApiErrorData.nullable(),
});
export type ActionOutcome = z.infer<typeof ActionOutcome>;
export const TrashEntry = FileEntry.extend({ origin: z.string().nullable() });
export type TrashEntry = z.infer<typeof TrashEntry>;
export const SearchPage = z.object({
  hits: z.array(z.object({ path: z.string(), line: z.number().int().nullable(), text: z.string().nullable() })),
  more: z.boolean(),
  timed_out: z.boolean(),
});
export type SearchPage = z.infer<typeof SearchPage>;

export const contract = {
  "app.info": {
    input: Empty,
    output: z.object({ version: z.string(), platform: z.string(), log_file: z.string().nullable(), secret_store: SecretStoreInfo }),
  },

  "profiles.list": {
    input: Empty,
    output: z.object({
      profiles: z.array(Profile),
      active: ProfileId.nullable(),
      /** a profiles file that could not be read, kept aside under this name */
      problem: z.string().nullable(),
    }),
  },
  "profiles.add": {
    input: z.strictObject({ name: Name, url: ServerUrl, api_key: ApiKeyInput, ca_pem: CaPem.optional() }),
    output: Profile,
  },
  "profiles.rename": { input: z.strictObject({ id: ProfileId, name: Name }), output: Profile },
  "profiles.remove": { input: z.strictObject({ id: ProfileId }), output: Ok },
  "profiles.switch": { input: z.strictObject({ id: ProfileId }), output: Profile },
  "profiles.test": {
    input: z.strictObject({ id: ProfileId }),
    output: z.object({
      generation: Generation,
      account_id: Uuid.nullable(),
      email_address: z.string().nullable(),
      latency_ms: z.number(),
      capabilities: Capabilities,
    }),
  },
  "profiles.signIn": { input: z.strictObject({ name: Name, url: ServerUrl }), output: Profile },

  "server.ping": { input: Empty, output: z.object({ now: z.string(), latency_ms: z.number() }) },

  "projects.list": { input: Empty, output: z.object({ projects: z.array(ProjectSummary) }) },
  "projects.get": { input: z.strictObject({ project_id: Uuid }), output: ProjectDetails },
  "projects.update": {
    input: z.strictObject({ project_id: Uuid, title: z.string().max(1000).optional(), description: z.string().max(10_000).optional() }),
    output: Ok,
  },
  "projects.create": {
    input: z.strictObject({ title: z.string().max(1000), description: z.string().max(10_000).optional() }),
    /** `notice`: what the person must know about the new project (on cocalc.ai: this key cannot reach it yet) */
    output: z.object({ project_id: Uuid, notice: z.string().optional() }),
  },
  /** resolves once the server confirms the change: `state` is what it then says (starting, running, opened, …) */
  "projects.action": { input: z.strictObject({ project_id: Uuid, action: z.enum(["start", "stop", "restart"]) }), output: z.object({ ok: z.literal(true), state: z.string().nullable() }) },
  /** delete (deleted: true) or restore a project, where `capabilities.projectDelete` says the server allows it */
  "projects.delete": { input: z.strictObject({ project_id: Uuid, deleted: z.boolean() }), output: Ok },
  "upgrades.available": { input: Empty, output: Upgrades },

  "files.list": {
    input: z.strictObject({ project_id: Uuid, path: ProjectPath }),
    output: z.object({
      path: z.string(),
      /** "file": the path is a file, not a folder (entries is empty); the view offers to open it */
      type: z.enum(["folder", "file"]),
      entries: z.array(FileEntry),
    }),
  },
  "files.mkdir": { input: z.strictObject({ project_id: Uuid, path: ProjectPath.min(1) }), output: Ok },

  "exec.run": {
    input: z.strictObject({
      request_id: RequestId,
      project_id: Uuid,
      command: z.string().min(1).max(100_000),
      args: z.array(z.string().max(100_000)).max(1000).optional(),
      bash: z.boolean().optional(),
      path: ProjectPath.optional(),
      timeout: z.number().positive().max(24 * 3600).optional(),
      max_output: z.number().int().positive().max(50_000_000).optional(),
    }),
    output: ExecResult.extend({ duration_ms: z.number() }),
  },
  "exec.cancel": {
    input: z.strictObject({ request_id: RequestId }),
    output: z.object({
      /** false: no command with this id was running */
      cancelled: z.boolean(),
      /** true only when a check on the server found none of the command's processes left */
      stopped: z.boolean().optional(),
      /** what became of it, in words */
      message: z.string().optional(),
    }),
  },

  /** resolves when the copy is confirmed done (or queued, where the server schedules); fails with the reason otherwise */
  "copy.start": { input: CopyInput.extend({ request_id: RequestId.optional() }), output: CopyOutcome },
  "copy.status": { input: z.strictObject({ copy_id: Uuid }), output: CopyStatus },
  "copy.list": { input: CopyListFilter, output: z.object({ copies: z.array(CopyStatus) }) },
  "copy.delete": { input: z.strictObject({ copy_id: Uuid }), output: Ok },

  "kiosk.open": {
    input: KioskTokenInput.extend({ project_id: Uuid, path: ProjectPath }),
    output: z.discriminatedUnion("status", [
      z.object({
        status: z.literal("ready"),
        /** the server's origin: the only origin the frame may talk to */
        origin: z.string(),
        /**
         * what the frame loads, in order: the impersonate link (redeemed in the
         * frame's own session) then the kiosk URL, or the kiosk URL carrying the
         * token on servers that sign in that way. The one reply that holds a token.
         */
        steps: z.array(z.string()).min(1).max(2),
        sign_in: SignInMethod,
      }),
      ...KioskRefusal,
    ]),
  },
  "kiosk.plan": {
    input: Empty,
    output: z.object({
      generation: z.string().nullable(),
      origin: z.string(),
      sign_in: SignInMethod,
      /** the key's account is not an admin: its password is asked before any token is requested */
      needs_password: z.boolean(),
      /** a password is in the keychain for this server */
      password_saved: z.boolean(),
      /** the keychain can keep a password (never stored anywhere else) */
      can_save_password: z.boolean(),
      embedding_origin: z.string().nullable(),
      options: z.array(z.object({ mode: KioskMode, usable: z.boolean(), why: z.string() })),
      recommended: z.object({ mode: KioskMode, why: z.string() }),
      /** a ban still running, whole seconds */
      banned_for_s: z.number().int().nonnegative(),
    }),
  },

  /** what this server offers, learned by harmless probes and remembered per profile (a project lets scheduling be probed) */
  "server.capabilities": { input: z.strictObject({ project_id: Uuid.optional() }), output: Capabilities },
  /** stop waiting for a copy started with this request_id; the server may still finish it */
  "copy.cancel": { input: z.strictObject({ request_id: RequestId }), output: z.object({ cancelled: z.boolean() }) },
  "sync.list": { input: Empty, output: z.object({ pairs: z.array(z.object({ config: PairConfig, status: PairStatus })) }) },
  "sync.add": { input: PairInput, output: PairConfig },
  "sync.remove": { input: z.strictObject({ id: PairId }), output: Ok },
  "sync.pause": { input: z.strictObject({ id: PairId }), output: Ok },
  "sync.resume": { input: z.strictObject({ id: PairId }), output: Ok },
  "sync.now": { input: z.strictObject({ id: PairId }), output: SyncCounts },
  "sync.conflict": {
    input: z.strictObject({ id: PairId, path: z.string().min(1).max(4096) }),
    output: z.object({ conflict: SyncConflict, mine: ConflictVersion, theirs: ConflictVersion }),
  },
  "sync.resolve": {
    input: z.union([
      z.strictObject({ id: PairId, path: z.string().min(1).max(4096), choice: ConflictChoice }),
      /** a text made of both versions, chosen change by change; the hashes are of the versions it was made from */
      z.strictObject({ id: PairId, path: z.string().min(1).max(4096), choice: z.literal("merged"), text: z.string().max(1024 * 1024), mine_sha256: Sha256, theirs_sha256: Sha256 }),
    ]),
    output: Ok,
  },
  "sync.activity": { input: z.strictObject({ id: PairId }), output: z.object({ entries: z.array(ActivityEntry) }) },
  "sync.versions": { input: z.strictObject({ id: PairId }), output: z.object({ versions: z.array(VersionEntry) }) },
  "sync.restoreVersion": { input: z.strictObject({ id: PairId, version_id: z.string().min(1).max(8192) }), output: z.object({ path: z.string() }) },
  /** a version kept on this computer, opened with its app or shown in its folder */
  "sync.revealVersion": { input: z.strictObject({ id: PairId, version_id: z.string().min(1).max(8192), how: z.enum(["open", "folder"]) }), output: Ok },

  "transfer.download": {
    input: z.strictObject({ request_id: RequestId, project_id: Uuid, paths: z.array(ProjectPath).min(1).max(10_000), local_dir: LocalPath }),
    output: TransferDone,
  },
  "transfer.upload": {
    input: z.strictObject({ request_id: RequestId, project_id: Uuid, local_paths: z.array(LocalPath).min(1).max(10_000), remote_dir: ProjectPath }),
    output: TransferDone,
  },
  "transfer.cancel": { input: z.strictObject({ request_id: RequestId }), output: z.object({ cancelled: z.boolean() }) },
  /** one chunk of a dropped file (Chromium gives dropped files no path): appended in order, checked by its sha256 */
  "transfer.stageChunk": {
    input: z.strictObject({
      upload_id: RequestId,
      path: StagedPath,
      offset: z.number().int().nonnegative(),
      data: z
        .string()
        .max(Math.ceil(STAGE_CHUNK_BYTES / 3) * 4)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64"),
      sha256: Sha256,
    }),
    output: z.object({ staged_bytes: z.number().int().nonnegative() }),
  },
  /** upload the staged files once every one of them is complete, then forget them */
  "transfer.uploadStaged": {
    input: z.strictObject({
      request_id: RequestId,
      upload_id: RequestId,
      project_id: Uuid,
      remote_dir: ProjectPath,
      files: z.array(z.strictObject({ path: StagedPath, size: z.number().int().nonnegative() })).min(1).max(10_000),
    }),
    output: TransferDone,
  },
  /** forget a drop that will not be uploaded (cancelled while its bytes were being sent) */
  "transfer.discardStaged": { input: z.strictObject({ upload_id: RequestId }), output: Ok },

  /** the shell's folder chooser; `null` when the person cancelled; "not-available" where there is no Electron */
  "desktop.chooseFolder": { input: z.strictObject({ title: z.string().max(200).optional() }), output: z.object({ path: z.string().nullable() }) },
  "desktop.chooseFiles": {
    input: z.strictObject({ title: z.string().max(200).optional(), folders: z.boolean().optional() }),
    output: z.object({ paths: z.array(z.string()) }),
  },
  "kiosk.navigate": {
    input: z.discriminatedUnion("action", [
      KioskTokenInput.extend({ action: z.literal("open"), project_id: Uuid, path: ProjectPath, mode: ViewMode }),
      z.strictObject({ action: z.literal("status"), mode: ViewMode }),
      z.strictObject({ action: z.literal("closeall"), mode: ViewMode }),
    ]),
    output: z.discriminatedUnion("status", [z.object({ status: z.literal("reply"), reply: KioskReply }), ...KioskRefusal]),
  },
  "kiosk.check": {
    input: z.strictObject({ project_id: Uuid, path: ProjectPath.min(1) }),
    output: FileStamp,
  },
  "kiosk.configure": {
    input: z.strictObject({ embedding_origin: z.string().max(300).nullable().optional(), forget_password: z.literal(true).optional() }),
    output: Ok,
  },
  "kiosk.present": { input: z.strictObject({ on: z.boolean() }), output: z.object({ full_screen: z.boolean() }) },
  "kiosk.launch": { input: Empty, output: z.object({ launch: z.object({ profile: z.string(), project_id: Uuid, path: z.string() }).nullable() }) },

  /** with a request_id, its reads are pushed as `doc.progress` and `doc.cancel` stops them */
  "doc.open": { input: z.strictObject({ project_id: Uuid, path: ProjectPath.min(1), request_id: RequestId.optional() }), output: OpenedDoc },
  /** stop the reads of the doc.open with this request_id: no read is sent after it (that open answers "cancelled") */
  "doc.cancel": { input: z.strictObject({ request_id: RequestId }), output: z.object({ cancelled: z.boolean() }) },
  /**
   * Save text as bytes: only valid UTF-8 is written; `sha256` is of `data`; `base_sha256` what was opened
   * (null: the file must not exist yet). Bytes equal to the base are not written at all ("unchanged").
   */
  "doc.save": {
    input: z.strictObject({
      project_id: Uuid,
      path: ProjectPath.min(1),
      data: Base64.max(Math.ceil(INLINE_BYTES / 3) * 4),
      sha256: Sha256,
      base_sha256: Sha256.nullable(),
      executable: z.boolean(),
    }),
    output: z.discriminatedUnion("status", [
      z.object({ status: z.enum(["saved", "unchanged"]), sha256: Sha256 }),
      /** the file is no longer what was opened: nothing was written */
      z.object({ status: z.literal("conflict"), server_sha256: Sha256.nullable() }),
    ]),
  },
  "background.settings": { input: Empty, output: BackgroundState },
  /** only the fields given change; turning start-at-login on or off takes effect before it is saved */
  "background.configure": { input: BackgroundSettingsPatch, output: BackgroundState },
  /** the window's renderer asks once it runs: a notification clicked while no window could hear it */
  "background.takeOpen": { input: Empty, output: z.object({ open: SyncOpenRequest.nullable() }) },
  "fileops.move": { input: z.strictObject({ project_id: Uuid, paths: ActionPaths, dest_dir: ProjectPath }), output: ActionOutcome },
  "fileops.rename": { input: z.strictObject({ project_id: Uuid, path: ProjectPath.min(1), new_name: EntryName }), output: ActionOutcome },
  "fileops.duplicate": { input: z.strictObject({ project_id: Uuid, paths: ActionPaths }), output: ActionOutcome },
  /** into the project's .trash, as CoCalc's own explorer does */
  "fileops.trash": { input: z.strictObject({ project_id: Uuid, paths: ActionPaths }), output: ActionOutcome },
  "fileops.trashList": { input: z.strictObject({ project_id: Uuid }), output: z.object({ entries: z.array(TrashEntry) }) },
  /** back where each came from (or into the home folder when that is not known); never over an existing name */
  "fileops.restore": { input: z.strictObject({ project_id: Uuid, names: z.array(EntryName).min(1).max(1000) }), output: ActionOutcome },
  /** delete for ever: the named trash items, or all of them */
  "fileops.emptyTrash": { input: z.strictObject({ project_id: Uuid, names: z.array(EntryName).min(1).max(1000).optional() }), output: Ok },
  "fileops.search": {
    input: z.strictObject({
      project_id: Uuid,
      dir: ProjectPath,
      query: z.string().trim().min(1).max(500),
      mode: z.enum(["names", "contents"]),
      offset: z.number().int().nonnegative().max(100_000),
      limit: z.number().int().min(1).max(500),
    }),
    output: SearchPage,
  },
  /** a copy in a private temp folder, opened by the system's app for its type */
  "fileops.openWithSystem": { input: z.strictObject({ project_id: Uuid, path: ProjectPath.min(1) }), output: z.object({ local_path: z.string() }) },
} as const satisfies Record<Channel, { input: z.ZodType; output: z.ZodType }>;

// Every channel name has a schema and every schema a name (compile-time check both ways).
type Missing = Exclude<Channel, keyof typeof contract>;
type Extra = Exclude<keyof typeof contract, Channel>;
const _exhaustive: [Missing, Extra] extends [never, never] ? true : never = true;
void _exhaustive;

export type Contract = typeof contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]["input"]>;
export type ChannelOutput<C extends Channel> = z.infer<Contract[C]["output"]>;
