/**
 * The current CoCalc server (mid-2025 on): POST /api/v2/<route> and the JSON
 * bridges POST /api/conat/hub and /api/conat/project (facts §3, §8). Errors
 * are HTTP 200 {error}; results may be bare JSON values (a string, null).
 * Requests: what the app sends. Results: loose, extra fields kept.
 */
import { z } from "zod";
import { Uuid } from "./common.js";

// ---------------------------------------------------------------- bridges

/** Body of POST /api/conat/hub. `timeout` is the bridge's own, in ms (default 15 s). */
export const ConatHubRequest = z.strictObject({
  name: z.string().regex(/^[A-Za-z]+\.[A-Za-z]+$/),
  args: z.array(z.unknown()),
  timeout: z.number().int().positive().optional(),
});

/** Body of POST /api/conat/project. */
export const ConatProjectRequest = ConatHubRequest.extend({
  project_id: Uuid,
  compute_server_id: z.number().int().optional(),
});

export const ExecOptions = z.looseObject({
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  path: z.string().optional(),
  timeout: z.number().optional(),
  max_output: z.number().optional(),
  bash: z.boolean().optional(),
  err_on_exit: z.boolean().optional(),
  async_call: z.boolean().optional(),
  async_get: z.string().optional(),
  async_await: z.boolean().optional(),
  async_stats: z.boolean().optional(),
});

export const ExecReply = z.looseObject({
  type: z.enum(["blocking", "async"]),
  stdout: z.string(),
  stderr: z.string(),
  exit_code: z.number().int(),
  job_id: z.string().optional(),
  status: z.enum(["running", "completed", "error"]).optional(),
  pid: z.number().int().optional(),
  start: z.number().optional(),
  elapsed_s: z.number().optional(),
});
export type ExecReply = z.infer<typeof ExecReply>;

export const ListingEntry = z.looseObject({ name: z.string(), mtime: z.number(), size: z.number(), isdir: z.boolean().optional() });

/** The results of the bridge functions this app calls. */
export const conatResults = {
  "system.ping": z.looseObject({ now: z.number() }),
  "system.test": z.looseObject({ account_id: Uuid.optional(), project_id: Uuid.optional(), server_time: z.number() }),
  "projects.createProject": Uuid,
  "projects.start": z.null(),
  "projects.stop": z.null(),
  "projects.state": z.looseObject({ state: z.string() }),
  "projects.copyPathBetweenProjects": z.null(),
  "db.userQuery": z.record(z.string(), z.unknown()),
  // 24 characters on real servers; recordings replace it with a placeholder, so only non-empty is required
  "system.generateUserAuthToken": z.string().min(1),
  "system.logClientError": z.unknown(),
  "jupyter.kernels": z.array(z.unknown()),
  "jupyter.execute": z.looseObject({ output: z.unknown() }),
  "system.exec": ExecReply,
  "system.readTextFileFromProject": z.string(),
  "system.writeTextFileToProject": z.null(),
  "system.listing": z.array(ListingEntry),
} as const;
export type ConatName = keyof typeof conatResults;
export type ConatResult<N extends ConatName> = z.infer<(typeof conatResults)[N]>;

// ---------------------------------------------------------------- v2 routes

export const v2Results = {
  exec: ExecReply,
  "projects/create": z.looseObject({ project_id: Uuid }),
  "projects/write-text-file": z.looseObject({ status: z.literal("ok") }),
  /** copy_id "" means the copy ran synchronously and is done */
  "projects/copy-path": z.looseObject({ copy_id: z.string() }),
  "projects/copy-path-status": z.looseObject({
    started: z.union([z.string(), z.number(), z.null()]).optional(),
    finished: z.union([z.string(), z.number(), z.null()]).optional(),
    copy_error: z.string().nullish(),
  }),
  "user-query": z.looseObject({ query: z.record(z.string(), z.unknown()) }),
  "jupyter/kernels": z.looseObject({ kernels: z.array(z.unknown()) }),
  "jupyter/execute": z.looseObject({ output: z.unknown() }),
} as const;
export type V2Route = keyof typeof v2Results;
export type V2Result<R extends V2Route> = z.infer<(typeof v2Results)[R]>;

/** Every error of the current generation comes as this, with HTTP 200. */
export const CurrentErrorBody = z.strictObject({ error: z.string() });
