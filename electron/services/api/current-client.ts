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
import type { HttpTransport, RawReply } from "../http/transport.js";
import { nonJsonError, parseJson, parseReply, serverError } from "./classify.js";
import { backoffDelay, DEFAULT_RETRY, shouldRetry, sleep, type RetryPolicy } from "./retry.js";

/** The bridges stop at 15 s unless told otherwise; their own limit is 1 MiB of JSON. */
export const BRIDGE_DEFAULT_TIMEOUT_MS = 15_000;
export const CURRENT_BODY_LIMIT = 1024 * 1024;

export interface CurrentCallOptions {
  signal?: AbortSignal;
  /** the bridge's timeout (ms); the HTTP wait is this plus a margin */
  bridgeTimeoutMs?: number;
  /** safe to repeat after a lost reply */
  idempotent?: boolean;
}

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
    if (Buffer.byteLength(text) > this.bodyLimit) {
      throw new ApiError("too-large", `The request for ${what} is over the server's ${Math.round(this.bodyLimit / 1024 / 1024)} MB limit.`, { hint: "Send less at once (a smaller file)." });
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
    return (await this.post(`/api/conat/hub`, body, bridge, `${name}`, [conatResults[name]], o)) as ConatResult<N>;
  }

  async project<N extends ConatName>(project_id: string, name: N, args: unknown[], o: CurrentCallOptions = {}): Promise<ConatResult<N>> {
    const bridge = o.bridgeTimeoutMs ?? BRIDGE_DEFAULT_TIMEOUT_MS;
    const body = checked(ConatProjectRequest, { project_id, name, args, timeout: bridge }, name);
    return (await this.post(`/api/conat/project`, body, bridge, `${name}`, [conatResults[name]], o)) as ConatResult<N>;
  }

  v2<R extends V2Route>(route: R, body: Record<string, unknown>, o: CurrentCallOptions = {}): Promise<V2Result<R>> {
    // v2 routes have no bridge timeout of their own; the hub→project socket gives up near 60 s.
    return this.post(`/api/v2/${route}`, body, o.bridgeTimeoutMs ?? 60_000, `v2 ${route}`, [v2Results[route]], o) as Promise<V2Result<R>>;
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
