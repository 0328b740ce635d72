/**
 * The API v1 wire format: POST {server}/api/v1/{event}, the key as the
 * basic-auth user, JSON bodies, one validated reply per call.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { ApiError } from "../../../shared/errors.js";
import {
  TransportErrorBody,
  v1Events,
  v1EventsWithoutId,
  type V1Event,
  type V1Reply,
  type V1Request,
} from "../../../shared/api/v1.js";
import { V1_FORM_LIMIT, v1WriteBody, writeTooLarge } from "../../../shared/write-limit.js";
import type { HttpTransport, RawReply } from "../http/transport.js";
import { nonJsonError, parseJson, parseReply, serverError } from "./classify.js";
import { DEFAULT_RETRY, backoffDelay, shouldRetry, sleep, type RetryPolicy } from "./retry.js";

export { V1_FORM_LIMIT, V1_JSON_LIMIT } from "../../../shared/write-limit.js";

export interface V1ClientOptions {
  /** e.g. https://cocalc.example.org or http://127.0.0.1:5000/base-path */
  server: string;
  apiKey: string;
  transport: HttpTransport;
  retry?: RetryPolicy;
  /** for calls with no timeout of their own */
  defaultTimeoutMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

const WHAT: Record<V1Event, string> = {
  ping: "the connection test",
  query: "the database query",
  project_exec: "running the command",
  read_text_file_from_project: "reading the file",
  write_text_file_to_project: "writing the file",
  copy_path_between_projects: "the copy",
  copy_path_status: "the copy status",
  copy_path_delete: "deleting the scheduled copy",
  user_auth: "getting a sign-in token",
  get_available_upgrades: "upgrades",
  create_account: "creating an account",
  log_client_error: "sending the error report",
  jupyter_kernels: "the Jupyter kernel list",
  jupyter_execute: "running Jupyter code",
  disconnect_from_project: "disconnecting from the project",
  create_project: "creating the project",
};

export class V1Client {
  readonly server: string;
  private readonly authorization: string;
  private readonly transport: HttpTransport;
  private readonly retry: RetryPolicy;
  private readonly defaultTimeoutMs: number;

  constructor(o: V1ClientOptions) {
    this.server = o.server.replace(/\/+$/, "");
    this.authorization = `Basic ${Buffer.from(`${o.apiKey}:`).toString("base64")}`;
    this.transport = o.transport;
    this.retry = o.retry ?? DEFAULT_RETRY;
    this.defaultTimeoutMs = o.defaultTimeoutMs ?? 30_000;
  }

  async call<E extends V1Event>(event: E, params: V1Request<E>, opts: CallOptions = {}): Promise<V1Reply<E>> {
    const spec = v1Events[event];
    const parsed = (spec.request as z.ZodType).safeParse(params);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join(".") || "request"}: ${i.message}`).join("; ");
      throw new ApiError("invalid-params", `The app built an invalid request for ${WHAT[event]} (${why}).`);
    }
    const body = { ...(parsed.data as Record<string, unknown>) };
    if (!v1EventsWithoutId.has(event) && body.id === undefined) body.id = randomUUID();
    const { text, contentType } = encodeBody(event, body);
    const idem = spec.idempotent as boolean | ((r: Record<string, unknown>) => boolean);
    const safe = typeof idem === "function" ? idem(body) : idem;
    const send = {
      headers: { authorization: this.authorization, "content-type": contentType, accept: "application/json" },
      body: text,
      timeoutMs: opts.timeoutMs ?? this.timeoutFor(event, body),
      signal: opts.signal,
    };
    // The retry loop is written out rather than wrapped in closures: this is
    // the hot path of every call (bench/ping.ts).
    for (let attempt = 1; ; attempt++) {
      try {
        return decodeV1Reply(event, await this.transport.send(`${this.server}/api/v1/${event}`, send));
      } catch (e) {
        if (!safe || !shouldRetry(e, attempt, this.retry, opts.signal)) throw e;
        await sleep(backoffDelay(this.retry, attempt), opts.signal);
      }
    }
  }

  /**
   * Some calls have their own clock on the server; wait for it plus a margin
   * rather than cutting a long command short.
   */
  private timeoutFor(event: V1Event, body: Record<string, unknown>): number {
    const margin = 15_000;
    if (event === "project_exec") return (typeof body.timeout === "number" ? body.timeout : 10) * 1000 + margin;
    if (event === "write_text_file_to_project") return 10_000 + margin;
    if (event === "copy_path_between_projects" && body.wait_until_done === true) return 240_000 + margin;
    return this.defaultTimeoutMs;
  }
}

/**
 * JSON always, except a write whose JSON is over the server's 100 KB JSON
 * limit: its fields are all text, so it goes form-encoded (limit 1 MB, counted
 * after encoding, which makes text up to three times larger).
 */
export function encodeBody(event: V1Event, body: Record<string, unknown>): { text: string; contentType: string } {
  if (event !== "write_text_file_to_project") return { text: JSON.stringify(body), contentType: "application/json" };
  const encoded = v1WriteBody(body as Record<string, string>);
  if (encoded.contentType !== "application/json" && encoded.text.length > V1_FORM_LIMIT) {
    const why = writeTooLarge("v1", String(body.path), String(body.content));
    throw new ApiError("too-large", why?.message ?? "The file is too large for one write to this server.", { hint: why?.hint });
  }
  return encoded;
}

const EXPECTED_EVENTS = Object.fromEntries(
  Object.entries(v1Events).map(([k, v]) => [k, v.replies.map((r) => r.shape.event.value as string)]),
) as Record<V1Event, string[]>;

/** What a v1 reply means for `event`: the validated reply, or the ApiError it amounts to. */
export function decodeV1Reply<E extends V1Event>(event: E, raw: RawReply): V1Reply<E> {
  const what = WHAT[event];
  const json = parseJson(raw.text);
  if (!json.ok) throw nonJsonError(what, raw);
  const value = json.value;
  if (raw.status !== 200) {
    const body = TransportErrorBody.safeParse(value);
    if (body.success) throw serverError(what, body.data.error, raw.status);
    throw new ApiError("unexpected-reply", `The server answered ${what} with HTTP ${raw.status}.`, { status: raw.status });
  }
  if (typeof value === "object" && value !== null && (value as { event?: unknown }).event === "error") {
    throw serverError(what, (value as { error?: string }).error);
  }
  const expected = EXPECTED_EVENTS[event];
  const got = typeof value === "object" && value !== null ? (value as { event?: unknown }).event : undefined;
  if (typeof got === "string" && !expected.includes(got)) {
    throw new ApiError("unexpected-reply", `The server answered ${what} with a '${got}' reply instead of '${expected.join("' or '")}'.`);
  }
  return parseReply(what, v1Events[event].replies as readonly z.ZodType[], value) as V1Reply<E>;
}
