/**
 * CoCalc HTTP API v1: request and reply schemas.
 *
 * Written from the message definitions in the seed docs (message.js) and the
 * behaviour of the last complete v1 server (cocalc-server-facts.md §1, §2, §7).
 *
 * Requests are strict: the real server rejects any field an event does not
 * define (even `id` on copy_path_status and copy_path_delete), so a request
 * that carries an undefined field fails here before it is sent.
 * Replies are loose: servers add fields, and unknown ones are kept.
 */
import { z } from "zod";
import { isGetQuery, ServerErrorValue, Uuid } from "./common.js";

const Id = Uuid.optional();

// ---------------------------------------------------------------- requests

export const PingRequest = z.strictObject({ id: Id });

export const QueryRequest = z.strictObject({
  id: Id,
  /** `{ <table>: {…} | [{…}] }`: a get if any value is null, otherwise a set. */
  query: z.record(z.string(), z.unknown()),
  changes: z.unknown().optional(),
  // Truthy multi_response hits a typo on the real server (400 "otps is not defined").
  multi_response: z.literal(false).optional(),
  options: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const ProjectExecRequest = z.strictObject({
  id: Id,
  project_id: Uuid,
  path: z.string().optional(),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  /** seconds */
  timeout: z.number().positive().optional(),
  aggregate: z.union([z.number(), z.string(), z.looseObject({})]).optional(),
  max_output: z.number().int().positive().optional(),
  bash: z.boolean().optional(),
  err_on_exit: z.boolean().optional(),
});

export const ReadTextFileRequest = z.union([
  z.strictObject({ id: Id, project_id: Uuid, path: z.string() }),
  z
    .strictObject({ id: Id, project_id: z.array(Uuid).min(1), path: z.array(z.string()).min(1) })
    .refine((r) => r.project_id.length === r.path.length, {
      message: "if project_id is an array, then path must be an array of the same length",
    }),
]);

export const WriteTextFileRequest = z.strictObject({
  id: Id,
  project_id: Uuid,
  path: z.string().min(1),
  content: z.string(),
});

export const CopyPathRequest = z.strictObject({
  id: Id,
  src_project_id: Uuid,
  src_path: z.string(),
  target_project_id: Uuid,
  target_path: z.string().optional(),
  overwrite_newer: z.boolean().optional(),
  delete_missing: z.boolean().optional(),
  backup: z.boolean().optional(),
  /** seconds without data before rsync gives up */
  timeout: z.number().nonnegative().optional(),
  wait_until_done: z.boolean().optional(),
  /** a `new Date(…)`-parseable string */
  scheduled: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), "scheduled must be a date")
    .optional(),
  exclude: z.array(z.string()).optional(),
});

/** No `id` field: the real server answers 400 to one. */
export const CopyPathStatusRequest = z.union([
  z.strictObject({ copy_path_id: Uuid }),
  z
    .strictObject({
      src_project_id: Uuid.optional(),
      target_project_id: Uuid.optional(),
      src_path: z.string().optional(),
      limit: z.number().int().min(0).max(1000).optional(),
      offset: z.number().int().min(0).max(100000).optional(),
      pending: z.boolean().optional(),
      failed: z.boolean().optional(),
    })
    .refine((r) => r.src_project_id !== undefined || r.target_project_id !== undefined, {
      message: "give copy_path_id, or at least one of src_project_id and target_project_id",
    }),
]);

/** No `id` field either. */
export const CopyPathDeleteRequest = z.strictObject({ copy_path_id: Uuid });

export const UserAuthRequest = z.strictObject({
  id: Id,
  account_id: Uuid,
  /** "" is allowed for admins, who may get a token for any account. */
  password: z.string(),
});

export const GetAvailableUpgradesRequest = z.strictObject({ id: Id });

export const CreateAccountRequest = z.strictObject({
  id: Id,
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  email_address: z.string().optional(),
  password: z.string().min(6).max(64).optional(),
  agreed_to_terms: z.boolean().optional(),
  token: z.string().optional(),
  get_api_key: z.boolean().optional(),
  usage_intent: z.string().optional(),
});

export const LogClientErrorRequest = z.strictObject({ id: Id, error: z.string() });

export const JupyterKernelsRequest = z.strictObject({
  id: Id,
  project_id: Uuid.optional(),
  kernels: z.unknown().optional(),
});

export const JupyterExecuteRequest = z.strictObject({
  id: Id,
  hash: z.string().optional(),
  kernel: z.string().optional(),
  input: z.string().optional(),
  history: z.array(z.string()).optional(),
  project_id: Uuid.optional(),
  path: z.string().optional(),
  tag: z.string().optional(),
  pool: z.unknown().optional(),
  limits: z.unknown().optional(),
});

export const DisconnectFromProjectRequest = z.strictObject({ id: Id, project_id: Uuid });

export const CreateProjectRequest = z.strictObject({
  id: Id,
  title: z.string().optional(),
  description: z.string().optional(),
  image: z.string().optional(),
  license: z.string().optional(),
  start: z.boolean().optional(),
  noPool: z.boolean().optional(),
});

// ----------------------------------------------------------------- replies

const reply = <E extends string, S extends z.ZodRawShape>(event: E, shape: S) =>
  z.looseObject({ event: z.literal(event), id: z.string().optional(), ...shape });

export const ErrorReply = reply("error", { error: ServerErrorValue.optional() });
export const SuccessReply = reply("success", {});
export const PongReply = reply("pong", { now: z.string().optional() });
export const QueryReply = reply("query", {
  query: z.record(z.string(), z.unknown()),
  multi_response: z.boolean().optional(),
});
export const ProjectExecOutput = reply("project_exec_output", {
  stdout: z.string(),
  stderr: z.string(),
  exit_code: z.number().int(),
  type: z.string().optional(),
});

export const ReadFileEntry = z.union([
  z.looseObject({ project_id: z.string(), path: z.string(), content: z.string() }),
  z.looseObject({ project_id: z.string(), path: z.string(), error: ServerErrorValue }),
]);
export const TextFileReadReply = reply("text_file_read_from_project", {
  content: z.union([z.string(), z.array(ReadFileEntry)]),
});
export const FileWrittenReply = reply("file_written_to_project", {});
export const CopyPathReply = reply("copy_path_between_projects_response", {
  /** "" means the copy already ran synchronously and is done. */
  copy_path_id: z.string().optional(),
  note: z.string().optional(),
});

const When = z.union([z.string(), z.null()]).optional();
export const CopyOperation = z.looseObject({
  copy_path_id: z.string(),
  time: When,
  source_project_id: z.string(),
  source_path: z.string(),
  target_project_id: z.string(),
  target_path: z.string(),
  overwrite_newer: z.boolean().nullish(),
  delete_missing: z.boolean().nullish(),
  backup: z.boolean().nullish(),
  started: When,
  finished: When,
  scheduled: When,
  error: z.union([ServerErrorValue, z.null()]).optional(),
  exclude: z.array(z.string()).nullish(),
});
export const CopyPathStatusReply = reply("copy_path_status_response", {
  /** one operation, a list of them, or copy_path_delete's confirmation text */
  data: z.union([CopyOperation, z.array(CopyOperation), z.string()]),
});
export const UserAuthTokenReply = reply("user_auth_token", { auth_token: z.string().length(24) });
export const UpgradeAmounts = z.record(z.string(), z.number());
export const AvailableUpgradesReply = reply("available_upgrades", {
  total: UpgradeAmounts,
  excess: UpgradeAmounts,
  available: UpgradeAmounts,
});
export const AccountCreatedReply = reply("account_created", {
  account_id: Uuid,
  api_key: z.string().optional(),
});
export const AccountCreationFailedReply = reply("account_creation_failed", {
  reason: z.record(z.string(), z.unknown()),
});
export const JupyterKernelsReply = reply("jupyter_kernels", { kernels: z.array(z.unknown()) });
export const JupyterExecuteReply = reply("jupyter_execute_response", {
  output: z.unknown(),
  total_time_s: z.number().optional(),
  time: z.unknown().optional(),
});
export const ProjectCreatedReply = reply("project_created", { project_id: Uuid });

/** The 400 body the real server sends for errors before a handler runs. */
export const TransportErrorBody = z.looseObject({ error: z.string() });

// ------------------------------------------------------------------ catalog

/**
 * Every v1 event the app uses: its request schema, the replies it may get,
 * and whether repeating it is harmless (only those are retried), either for
 * every request or decided per request.
 */
export const v1Events = {
  ping: { request: PingRequest, replies: [PongReply], idempotent: true },
  // A get is safe to repeat; a set is not.
  query: { request: QueryRequest, replies: [QueryReply], idempotent: (r: { query: Record<string, unknown> }) => isGetQuery(r.query) },
  project_exec: { request: ProjectExecRequest, replies: [ProjectExecOutput], idempotent: false },
  read_text_file_from_project: { request: ReadTextFileRequest, replies: [TextFileReadReply], idempotent: true },
  write_text_file_to_project: { request: WriteTextFileRequest, replies: [FileWrittenReply], idempotent: false },
  copy_path_between_projects: { request: CopyPathRequest, replies: [CopyPathReply, SuccessReply], idempotent: false },
  copy_path_status: { request: CopyPathStatusRequest, replies: [CopyPathStatusReply], idempotent: true },
  copy_path_delete: { request: CopyPathDeleteRequest, replies: [CopyPathStatusReply], idempotent: false },
  user_auth: { request: UserAuthRequest, replies: [UserAuthTokenReply], idempotent: false },
  get_available_upgrades: { request: GetAvailableUpgradesRequest, replies: [AvailableUpgradesReply], idempotent: true },
  create_account: {
    request: CreateAccountRequest,
    replies: [AccountCreatedReply, AccountCreationFailedReply],
    idempotent: false,
  },
  log_client_error: { request: LogClientErrorRequest, replies: [SuccessReply], idempotent: false },
  jupyter_kernels: { request: JupyterKernelsRequest, replies: [JupyterKernelsReply], idempotent: true },
  jupyter_execute: { request: JupyterExecuteRequest, replies: [JupyterExecuteReply], idempotent: false },
  disconnect_from_project: { request: DisconnectFromProjectRequest, replies: [SuccessReply], idempotent: false },
  create_project: { request: CreateProjectRequest, replies: [ProjectCreatedReply], idempotent: false },
} as const;

export type V1Event = keyof typeof v1Events;
export type V1Request<E extends V1Event> = z.input<(typeof v1Events)[E]["request"]>;
export type V1Reply<E extends V1Event> = z.infer<(typeof v1Events)[E]["replies"][number]>;

/** Events without an `id` field: sending one is a 400 on the real server. */
export const v1EventsWithoutId: ReadonlySet<V1Event> = new Set(["copy_path_status", "copy_path_delete"]);


export type ProjectExecRequest = z.infer<typeof ProjectExecRequest>;
export type ProjectExecOutput = z.infer<typeof ProjectExecOutput>;
export type CopyPathRequest = z.infer<typeof CopyPathRequest>;
export type CopyOperation = z.infer<typeof CopyOperation>;
export type ReadFileEntry = z.infer<typeof ReadFileEntry>;
