/**
 * The current CoCalc wire format: the conat bridges (POST /api/conat/hub and
 * /api/conat/project, {name, args, timeout}) and POST /api/v2/<route>. The
 * key goes as the basic-auth user and no cookie is ever sent (a stale
 * remember_me cookie overrides the key on v2). Errors come as HTTP 200
 * {error}; results may be bare values.
 */
import type { z } from "zod";
import { ApiError } from "../../../shared/errors.js";
import { ConatHubRequest, ConatProjectRequest, CurrentErrorBody, conatResults, v2Results, type ConatName, type ConatResult, type V2Result, type V2Route } from "../../../shared/api/current.js";
import { CURRENT_BODY_LIMIT, formatBytes } from "../../../shared/write-limit.js";
import type { HttpTransport, RawReply } from "../http/transport.js";
import { nonJsonError, parseJson, parseReply, serverError } from "./classify.js";
import { backoffDelay, DEFAULT_RETRY, shouldRetry, sleep, type RetryPolicy } from "./retry.js";

/** The bridges stop at 15 s unless told otherwise; their own limit is 1 MiB of JSON. */
export const BRIDGE_DEFAULT_TIMEOUT_MS = 15_000;
export { CURRENT_BODY_LIMIT } from "../../../shared/write-limit.js";

export interface CurrentCallOptions {
  signal?: AbortSignal;
  /** the bridge's timeout (ms); the HTTP wait is this plus a margin */
  bridgeTimeoutMs?: number;
  /** safe to repeat after a lost reply */
  idempotent?: boolean;
}

/** What each call does, in the user's terms: error messages name it, never the wire name. */
export const CONAT_WHAT: Record<ConatName, string> = {
  "system.ping": "the connection test",
  "system.test": "the connection test",
  "projects.createProject": "creating the project",
  "projects.start": "starting the project",
  "projects.stop": "stopping the project",
  "projects.state": "the project's state",
  "projects.copyPathBetweenProjects": "the copy",
  "db.userQuery": "the database query",
  "system.generateUserAuthToken": "getting a sign-in token",
  "system.logClientError": "sending the error report",
  "jupyter.kernels": "the Jupyter kernel list",
  "jupyter.execute": "running Jupyter code",
  "system.exec": "running the command",
  "system.readTextFileFromProject": "reading the file",
  "system.writeTextFileToProject": "writing the file",
  "system.listing": "listing the folder",
};

export const V2_WHAT: Record<V2Route, string> = {
  exec: "running the command",
  "projects/create": "creating the project",
  "projects/write-text-file": "writing the file",
  "projects/copy-path": "the copy",
  "projects/copy-path-status": "the copy status",
  "user-query": "the database query",
  "jupyter/kernels": "the Jupyter kernel list",
  "jupyter/execute": "running Jupyter code",
};

/**
 * JSON POSTs with the key as the basic-auth user, decoded the current way
 * (HTTP 200 {error}, bare results). The current and the cocalc.ai clients
 * share it; they differ in their routes, reply schemas and body limit.
 */
export class JsonBridgeClient {
  readonly server: string;
  private readonly authorization: string;

  constructor(
    server: string,
    apiKey: string,
    private readonly transport: HttpTransport,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly bodyLimit = CURRENT_BODY_LIMIT,
  ) {
    this.server = server.replace(/\/+$/, "");
    this.authorization = `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`;
  }

  protected async post(path: string, body: unknown, bridgeMs: number, what: string, schemas: readonly z.ZodType[], o: CurrentCallOptions): Promise<unknown> {
    const text = JSON.stringify(body);
    const bytes = Buffer.byteLength(text);
    if (bytes > this.bodyLimit) {
      throw new ApiError("too-large", `The request for ${what} would be ${formatBytes(bytes)}; this server accepts at most ${formatBytes(this.bodyLimit)} per request.`, {
        hint: "Nothing was sent. Send less at once (a smaller file).",
      });
    }
    const send = {
      // No cookie header, ever: on v2 a remember_me cookie would override the key.
      headers: { authorization: this.authorization, "content-type": "application/json", accept: "application/json" },
      body: text,
      timeoutMs: bridgeMs + 10_000,
      signal: o.signal,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return decodeCurrentReply(what, schemas, await this.transport.send(`${this.server}${path}`, send));
      } catch (e) {
        if (!o.idempotent || !shouldRetry(e, attempt, this.retry, o.signal)) throw e;
        await sleep(backoffDelay(this.retry, attempt), o.signal);
      }
    }
  }
}

export class CurrentClient extends JsonBridgeClient {
  constructor(server: string, apiKey: string, transport: HttpTransport, retry: RetryPolicy = DEFAULT_RETRY) {
    super(server, apiKey, transport, retry, CURRENT_BODY_LIMIT);
  }

  async hub<N extends ConatName>(name: N, args: unknown[], o: CurrentCallOptions = {}): Promise<ConatResult<N>> {
    const bridge = o.bridgeTimeoutMs ?? BRIDGE_DEFAULT_TIMEOUT_MS;
    const body = checked(ConatHubRequest, { name, args, timeout: bridge }, name);
    return (await this.post(`/api/conat/hub`, body, bridge, CONAT_WHAT[name], [conatResults[name]], o)) as ConatResult<N>;
  }

  async project<N extends ConatName>(project_id: string, name: N, args: unknown[], o: CurrentCallOptions = {}): Promise<ConatResult<N>> {
    const bridge = o.bridgeTimeoutMs ?? BRIDGE_DEFAULT_TIMEOUT_MS;
    const body = checked(ConatProjectRequest, { project_id, name, args, timeout: bridge }, name);
    return (await this.post(`/api/conat/project`, body, bridge, CONAT_WHAT[name], [conatResults[name]], o)) as ConatResult<N>;
  }

  v2<R extends V2Route>(route: R, body: Record<string, unknown>, o: CurrentCallOptions = {}): Promise<V2Result<R>> {
    // v2 routes have no bridge timeout of their own; the hub→project socket gives up near 60 s.
    return this.post(`/api/v2/${route}`, body, o.bridgeTimeoutMs ?? 60_000, V2_WHAT[route], [v2Results[route]], o) as Promise<V2Result<R>>;
  }
}

/** A bridge request the server would choke on (a malformed id, say) is refused before it is sent. */
export function checked<T>(schema: z.ZodType<T>, body: unknown, name: string): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const why = r.error.issues.map((i) => `${i.path.join(".") || "request"}: ${i.message}`).join("; ");
  throw new ApiError("invalid-params", `The app built an invalid request for ${name} (${why}).`);
}

/** What a current-generation reply means: the validated result, or the ApiError it amounts to. */
export function decodeCurrentReply(what: string, schemas: readonly z.ZodType[], raw: RawReply): unknown {
  const json = parseJson(raw.text);
  if (!json.ok) throw nonJsonError(what, raw);
  if (raw.status !== 200) {
    const e = CurrentErrorBody.safeParse(json.value);
    if (e.success) throw serverError(what, e.data.error, raw.status);
    throw new ApiError("unexpected-reply", `The server answered ${what} with HTTP ${raw.status}.`, { status: raw.status });
  }
  const err = CurrentErrorBody.safeParse(json.value);
  if (err.success) throw serverError(what, err.data.error);
  return parseReply(what, schemas, json.value);
}
