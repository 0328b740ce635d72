/**
 * The one error model of the app. Every failure of a server call, whatever the
 * wire format, becomes an ApiError with a kind the UI can act on and a message
 * that says what happened and what to do. It crosses IPC as ApiErrorData.
 */
import { z } from "zod";

export const ApiErrorKind = z.enum([
  /** no key, a wrong or malformed key */
  "auth",
  /** the server does not offer this call (unknown endpoint, feature switched off, removed in this generation) */
  "not-available",
  /** the server rejected the parameters */
  "invalid-params",
  /** the key's account may not do this to that project */
  "permission",
  /** a file, folder, command or record named in the request does not exist */
  "not-found",
  /** a handler ran and failed; `serverMessage` has its text */
  "server",
  /** the project is starting; the same call may succeed in a few seconds */
  "project-starting",
  /** too many attempts; wait, as the message says */
  "rate-limited",
  /** the account's plan does not allow it (projects it may have, projects it may run at once); `limit` says which */
  "limit",
  /** a reply that is JSON but not what this call answers */
  "unexpected-reply",
  /** a reply that is not JSON at all (a proxy's HTML page, a web server that is not CoCalc) */
  "non-json",
  /** the request body is over the server's limit */
  "too-large",
  /** no answer in time */
  "timeout",
  /** the caller cancelled */
  "cancelled",
  /** connection refused, reset, DNS */
  "network",
  /** certificate or handshake failure */
  "tls",
  /** the server sends the app elsewhere (a redirect, a retired server); the key was not sent there */
  "moved",
  /** the reply was received but its content cannot be trusted or decoded */
  "bad-content",
  /** the renderer sent input a channel does not take (a bug, or a page that should not be calling) */
  "invalid-input",
  /** the caller is not the app's own window */
  "forbidden",
  /** nothing is set up to answer yet (no server profile, no key) */
  "not-configured",
  /** a bug in the app */
  "internal",
]);
export type ApiErrorKind = z.infer<typeof ApiErrorKind>;

/** Which of the plan's limits was reached, and (for running projects) which projects hold it. */
export const PlanLimit = z.object({
  what: z.enum(["running", "projects"]),
  max: z.number().int(),
  current: z.number().int(),
  /** the projects running now, which the person may stop to make room (titles where known) */
  running: z.array(z.object({ project_id: z.string(), title: z.string().nullable() })),
});
export type PlanLimit = z.infer<typeof PlanLimit>;

export const ApiErrorData = z.object({
  kind: ApiErrorKind,
  message: z.string(),
  /** what the person can do about it */
  hint: z.string(),
  status: z.number().int().optional(),
  /** the server's own text, where it sent one */
  serverMessage: z.string().optional(),
  /** safe to try the same call again */
  retryable: z.boolean(),
  /** for a scoped key's refusal: the capability it lacked … */
  capability: z.string().optional(),
  /** … and the project it was refused for */
  project_id: z.string().optional(),
  /** for kind "limit": which limit */
  limit: PlanLimit.optional(),
});
export type ApiErrorData = z.infer<typeof ApiErrorData>;

const RETRYABLE: ReadonlySet<ApiErrorKind> = new Set(["project-starting", "timeout", "network"]);

const DEFAULT_HINT: Record<ApiErrorKind, string> = {
  auth: "Check the API key of this server profile, or sign in again to get a new key.",
  "not-available": "This server does not offer this feature.",
  "invalid-params": "This is a bug in the app or a server it does not understand; please report it.",
  permission: "Ask the project's owner to add your account as a collaborator.",
  "not-found": "Check the name; it may have been moved, renamed or deleted.",
  server: "Read the server's message; correct what it names and try again.",
  "project-starting": "The project is starting; try again in a few seconds.",
  "rate-limited": "Wait a minute before trying again.",
  limit: "Make room within your plan (stop or delete a project), or upgrade the membership.",
  "unexpected-reply": "The server answered something this app does not understand; check the server URL and version.",
  "non-json": "The address may not be a CoCalc server, or a proxy in between failed; check the URL and try again.",
  "too-large": "Send less at once (a smaller file or fewer files).",
  timeout: "The server did not answer in time; check the connection and try again.",
  cancelled: "The operation was cancelled.",
  network: "Check the server URL and your network connection, then try again.",
  tls: "The server's certificate is not trusted; add its CA certificate to this server profile.",
  moved: "Use the address the server points to, if you trust it, and add it as a server of its own.",
  "bad-content": "Reload the file; if it keeps failing, the file may be binary or have changed while it was read.",
  "invalid-input": "This is a bug in the app; please report it with the log file.",
  forbidden: "Only the app's own window may do this.",
  "not-configured": "Add a server in Connect, with its URL and an API key.",
  internal: "This is a bug in the app; please report it with the log file.",
};

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly hint: string;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly retryable: boolean;
  readonly capability?: string;
  readonly project_id?: string;
  readonly limit?: PlanLimit;

  constructor(
    kind: ApiErrorKind,
    message: string,
    opts: { hint?: string; status?: number; serverMessage?: string; retryable?: boolean; cause?: unknown; capability?: string; project_id?: string; limit?: PlanLimit } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ApiError";
    this.kind = kind;
    this.hint = opts.hint ?? DEFAULT_HINT[kind];
    this.status = opts.status;
    this.serverMessage = opts.serverMessage;
    this.retryable = opts.retryable ?? RETRYABLE.has(kind);
    this.capability = opts.capability;
    this.project_id = opts.project_id;
    this.limit = opts.limit;
  }

  toData(): ApiErrorData {
    return {
      kind: this.kind,
      message: this.message,
      hint: this.hint,
      retryable: this.retryable,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.serverMessage === undefined ? {} : { serverMessage: this.serverMessage }),
      ...(this.capability === undefined ? {} : { capability: this.capability }),
      ...(this.project_id === undefined ? {} : { project_id: this.project_id }),
      ...(this.limit === undefined ? {} : { limit: this.limit }),
    };
  }

  static fromData(d: ApiErrorData): ApiError {
    return new ApiError(d.kind, d.message, d);
  }
}

export function isApiError(e: unknown, kind?: ApiErrorKind): e is ApiError {
  return e instanceof ApiError && (kind === undefined || e.kind === kind);
}
