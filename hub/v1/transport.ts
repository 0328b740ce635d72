/**
 * POST /api/v1/<event>, as the last v1 server answered it (facts §1):
 * unknown endpoints before the key is looked at, the key from the
 * Authorization header only, strict parameters, and handler failures as
 * HTTP 200 {event:"error"}.
 */
import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import { coerceFormBody, schemaFields } from "../../shared/api/form.js";
import { v1Events, v1EventsWithoutId, type V1Event } from "../../shared/api/v1.js";
import type { Hub } from "../context.js";
import type { Account } from "../store.js";
import { TransportError } from "./errors.js";
import { handlers, toHandlerError } from "./handlers.js";

/** Message events the real server defined but never served over HTTP. */
const NOT_HTTP = new Set([
  "delete_account", "sign_in", "sign_out", "change_password", "change_email_address", "forgot_password", "reset_forgot_password",
  "api_key", "api_keys", "start_session", "open_project", "read_file_from_project", "write_file_to_project", "remember_me_failed",
]);

const FIELDS = Object.fromEntries(Object.entries(v1Events).map(([e, spec]) => [e, schemaFields(spec.request)])) as Record<
  V1Event,
  { all: Set<string>; required: Set<string> }
>;

const isEvent = (e: string): e is V1Event => Object.hasOwn(v1Events, e);

/** The account of the request's API key: `Bearer <key>`, or basic auth with the key as the user. */
export function accountOf(hub: Hub, authorization: string | undefined): Account {
  if (!authorization) throw new TransportError("You must provide authentication via an API key.");
  const [type, value = ""] = authorization.trim().split(/\s+/, 2);
  let key: string;
  if (/^bearer$/i.test(type ?? "")) key = value;
  else if (/^basic$/i.test(type ?? "")) key = Buffer.from(value, "base64").toString("utf8").split(":")[0] ?? "";
  else throw new TransportError(`Unknown authorization type '${type}'`);
  const account = key ? hub.store.accountForKey(key) : undefined;
  // The real server takes a key of digits for a key's id and hands PostgreSQL's refusal back as it is (facts §7, §10).
  if (!account && /^\d+$/.test(key) && Number(key) > 2 ** 31 - 1) throw new TransportError(`error: value "${key}" is out of range for type integer`);
  if (!account) throw new TransportError("No account found. Is your API key wrong?");
  return account;
}

function invalid(what: string): TransportError {
  return new TransportError(`invalid parameters 'Error: misc.defaults -- TypeError: ${what} '`);
}

/** Check and type the parameters of `event`; the texts are the real server's. */
export function checkParams(event: V1Event, body: Record<string, unknown>): Record<string, unknown> {
  const { all, required } = FIELDS[event];
  for (const k of Object.keys(body)) if (!all.has(k)) throw invalid(`got an unexpected argument '${k}'`);
  for (const k of required) if (body[k] === undefined) throw invalid(`property '${k}' must be specified:`);
  const parsed = v1Events[event].request.safeParse(body);
  // A malformed id is the handler's to refuse, with the real server's own text
  // ("Write access denied -- invalid project_id -- …"), not a parameter error.
  if (!parsed.success && (parsed.error.issues as Issue[]).every(isIdFormatIssue)) return body;
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || event}: ${i.message}`).join("; ");
    throw invalid(`${why}`);
  }
  return parsed.data as Record<string, unknown>;
}

interface Issue {
  code: string;
  format?: string;
  errors?: Issue[][];
}

/** A malformed uuid, also inside one branch of a union (copy_path_status by id or by filter). */
function isIdFormatIssue(i: Issue): boolean {
  if (i.code === "invalid_union") return (i.errors ?? []).some((branch) => branch.length > 0 && branch.every(isIdFormatIssue));
  return i.code === "invalid_format" && i.format === "guid";
}

export async function handleV1(hub: Hub, req: Request, res: Response): Promise<void> {
  const event = String(req.params.event ?? "");
  let id: string = randomUUID();
  try {
    if (!isEvent(event)) {
      throw new TransportError(NOT_HTTP.has(event) ? `endpoint '${event}' is not part of the HTTP API` : `unknown endpoint '${event}'`);
    }
    const account = accountOf(hub, req.headers.authorization);
    const raw = typeof req.body === "object" && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    const isForm = req.is("application/x-www-form-urlencoded") !== false && req.is("application/x-www-form-urlencoded") !== null;
    const body = isForm ? coerceFormBody(v1Events[event].request, raw) : raw;
    const params = checkParams(event, body);
    if (!v1EventsWithoutId.has(event) && typeof params.id === "string") id = params.id;
    // Gone from real servers since 2024-10 (facts §2, §7): the message is defined, its handler is not.
    if (event === "create_account" && !hub.settings.createAccount) throw new TransportError("unknown message event type 'create_account'");
    const ac = new AbortController();
    // A real server lets a command run on when its caller goes away (facts §9);
    // killing it with the call is the kinder hub's, kept behind a setting.
    if (hub.settings.execKillOnDisconnect) {
      res.on("close", () => {
        if (!res.writableFinished) ac.abort();
      });
    }
    let reply: Record<string, unknown>;
    try {
      reply = await (handlers[event] as (h: Hub, a: Account, p: unknown, s: AbortSignal) => Promise<Record<string, unknown>>)(hub, account, params, ac.signal);
    } catch (e) {
      res.status(200).json({ event: "error", id, error: toHandlerError(e).value });
      return;
    }
    res.status(200).json({ ...reply, id });
  } catch (e) {
    if (e instanceof TransportError) {
      res.status(e.status).json({ error: e.message });
      return;
    }
    res.status(200).json({ event: "error", id, error: toHandlerError(e).value });
  }
}
