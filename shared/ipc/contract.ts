/**
 * The one IPC contract: every channel's input and output schema. The
 * preload's API, the main-process router and the test bridge are all built
 * from it (after GitHub Desktop's ipc-shared.ts, with runtime schemas).
 * Outputs are parsed on the way out too: a field a schema does not name (an
 * API key, say) is stripped before it can reach the renderer.
 */
import { z } from "zod";
import { Uuid } from "../api/common.js";
import {
  Capabilities,
  CopyInput,
  CopyListFilter,
  CopyStarted,
  CopyStatus,
  ExecResult,
  FileReadResult,
  FileEntry,
  FileRef,
  Generation,
  ProjectDetails,
  ProjectPath,
  ProjectSummary,
  Upgrades,
} from "../domain.js";

export { FileEntry, ProjectDetails, ProjectSummary, ProjectUser } from "../domain.js";
import type { Channel } from "./channels.js";

const Empty = z.strictObject({});
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
/** API keys of both generations: sk_…, sk-…, or older opaque strings. */
const ApiKeyInput = z.string().trim().min(8).max(512).regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

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

export const WriteResult = z.discriminatedUnion("status", [
  z.object({ status: z.literal("saved"), sha256: z.string() }),
  /** the file changed on the server since it was opened: nothing was written */
  z.object({ status: z.literal("conflict"), server_content: z.string().nullable(), server_sha256: z.string().nullable() }),
]);
export type WriteResult = z.infer<typeof WriteResult>;

const RequestId = z.string().uuid();

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
  "projects.action": { input: z.strictObject({ project_id: Uuid, action: z.enum(["start", "stop", "restart"]) }), output: Ok },
  "upgrades.available": { input: Empty, output: Upgrades },

  "files.list": {
    input: z.strictObject({ project_id: Uuid, path: ProjectPath }),
    output: z.object({ path: z.string(), entries: z.array(FileEntry) }),
  },
  "files.read": { input: z.strictObject({ files: z.array(FileRef).min(1).max(200) }), output: z.object({ files: z.array(FileReadResult) }) },
  "files.write": {
    input: z.strictObject({
      project_id: Uuid,
      path: ProjectPath.min(1),
      content: z.string().max(10 * 1024 * 1024),
      /** sha256 of the text as it was opened; null for a new file that must not exist yet; absent to overwrite */
      base_sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable().optional(),
    }),
    output: WriteResult,
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
  "exec.cancel": { input: z.strictObject({ request_id: RequestId }), output: z.object({ cancelled: z.boolean() }) },

  "copy.start": { input: CopyInput, output: CopyStarted },
  "copy.status": { input: z.strictObject({ copy_id: Uuid }), output: CopyStatus },
  "copy.list": { input: CopyListFilter, output: z.object({ copies: z.array(CopyStatus) }) },
  "copy.delete": { input: z.strictObject({ copy_id: Uuid }), output: Ok },

  "kiosk.open": {
    input: z.strictObject({ project_id: Uuid, path: ProjectPath, password: z.string().max(1000).optional() }),
    output: z.object({
      /** the kiosk URL to load in the frame */
      url: z.string(),
      /** the server's origin: the only origin the frame may talk to */
      origin: z.string(),
      /** "url": the token in the URL signs in (older servers); the app also redeems it through /auth/impersonate */
      sign_in: z.enum(["url", "impersonate"]),
      impersonate_url: z.string(),
    }),
  },
} as const satisfies Record<Channel, { input: z.ZodType; output: z.ZodType }>;

// Every channel name has a schema and every schema a name (compile-time check both ways).
type Missing = Exclude<Channel, keyof typeof contract>;
type Extra = Exclude<keyof typeof contract, Channel>;
const _exhaustive: [Missing, Extra] extends [never, never] ? true : never = true;
void _exhaustive;

export type Contract = typeof contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]["input"]>;
export type ChannelOutput<C extends Channel> = z.infer<Contract[C]["output"]>;
