/**
 * cocalc.ai (the rewritten CoCalc that hosted users moved to in July 2026,
 * also self-hosted as Launchpad and Plus): the replies of every route the
 * app calls there, from cocalc-ai-facts.md §2 and §4. The bridges keep the
 * current generation's body ({name, args, timeout}); errors are HTTP 200
 * {error} with the texts of facts §1.6. Results are loose: extra fields kept.
 */
import { z } from "zod";
import { Uuid } from "./common.js";
import { ListingEntry } from "./current.js";

// ---------------------------------------------------------------- keys

/** cocalc.ai keys: `sk-cc-v2.<key_id>.<secret>`, and the legacy `sk-cocalc-v2.` prefix (facts §1.1). */
export const AI_KEY_PREFIXES = ["sk-cc-v2.", "sk-cocalc-v2."] as const;

/** A key made on cocalc.ai (or Launchpad): the prefix decides it, with no call. */
export function isAiKey(key: string): boolean {
  return AI_KEY_PREFIXES.some((p) => key.startsWith(p));
}

/** The eight capabilities a scoped key may carry (facts §1.3). */
export const AiCapability = z.enum(["account:read", "project:create", "project:list", "project:read", "project:write", "file:read", "file:write", "project:exec", "codex:run"]);

// ---------------------------------------------------------------- exec

/** blocking {type, stdout, stderr, exit_code}; async adds job_id, status (killed after async_cancel), start, pid. */
export const AiExecReply = z.looseObject({
  type: z.enum(["blocking", "async"]),
  stdout: z.string().default(""),
  stderr: z.string().default(""),
  exit_code: z.number().int().default(0),
  job_id: z.string().optional(),
  status: z.enum(["running", "completed", "error", "killed"]).optional(),
  pid: z.number().int().optional(),
  start: z.number().optional(),
  elapsed_s: z.number().optional(),
});
export type AiExecReply = z.infer<typeof AiExecReply>;

// ---------------------------------------------------------------- v2 routes

/** A wrong key answers `{profile: {}}` here, not an error (facts §1.6). */
export const AiProfileReply = z.looseObject({
  profile: z.looseObject({
    account_id: Uuid.optional(),
    email_address: z.string().nullish(),
    is_admin: z.boolean().nullish(),
    display_name: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
  }),
});

/** One row of projects/get: no date, state or collaborators (those need other calls). */
export const AiProjectRow = z.looseObject({ project_id: Uuid, title: z.string().nullish(), description: z.string().nullish() });

export const AiCollaborator = z.looseObject({
  account_id: Uuid,
  display_name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
});

const StatusOk = z.looseObject({ status: z.literal("ok") });

export const aiV2Results = {
  "accounts/profile": AiProfileReply,
  /** rows are checked one by one where they enter, so one odd row does not hide the rest */
  "projects/get": z.array(z.unknown()),
  "projects/create": z.looseObject({ project_id: Uuid }),
  "projects/update": StatusOk,
  "projects/start": StatusOk,
  "projects/stop": StatusOk,
  "projects/collaborators/list": z.array(AiCollaborator),
  exec: AiExecReply,
} as const;
export type AiV2Route = keyof typeof aiV2Results;
export type AiV2Result<R extends AiV2Route> = z.infer<(typeof aiV2Results)[R]>;

// ---------------------------------------------------------------- bridges

/** The hub RPCs a key may call (the allowlist of facts §2.1) that this app uses. */
export const aiHubResults = {
  "system.ping": z.looseObject({ now: z.number() }),
  "projects.getProjectState": z.looseObject({ state: z.string().optional(), time: z.union([z.string(), z.number()]).nullish(), error: z.string().nullish() }),
} as const;
export type AiHubName = keyof typeof aiHubResults;

/** The project bridge's functions this app uses (facts §2.2). */
export const aiProjectResults = {
  "system.exec": AiExecReply,
  "system.readTextFileFromProject": z.string(),
  "system.writeTextFileToProject": z.null(),
  "system.listing": z.array(ListingEntry),
  "jupyter.kernels": z.array(z.unknown()),
  "jupyter.apiExecute": z.unknown(),
} as const;
export type AiProjectName = keyof typeof aiProjectResults;

// ---------------------------------------------------------------- detection (facts §4), no key sent

/** POST /api/v2/auth/bootstrap {} without auth: cocalc.ai and Launchpad. */
export const AiBootstrap = z.looseObject({
  signed_in: z.literal(false),
  client_capabilities: z.looseObject({ protocol_version: z.number() }),
});

/** The same route on Plus, which signs the local user in by itself. */
export const PlusBootstrap = z.looseObject({ signed_in: z.literal(true), account_id: Uuid.optional() });

/** GET /customize: the product, where a cocalc-ai hub says it. */
export const AiCustomize = z.looseObject({
  configuration: z.looseObject({
    cocalc_product: z.string().optional(),
    is_launchpad: z.boolean().optional(),
    lite: z.boolean().optional(),
  }),
});
