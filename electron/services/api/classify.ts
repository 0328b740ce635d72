/**
 * Pure decisions about what a server's reply means. Both API generations put
 * errors in odd places (HTTP 200 with an error field, HTML 400/413 pages, 404
 * pages for removed endpoints), so every reply passes through here once.
 */
import type { z } from "zod";
import { ApiError, type ApiErrorKind } from "../../../shared/errors.js";
import { errorValueText, type ServerErrorValue } from "../../../shared/api/common.js";
import type { RawReply } from "../http/transport.js";
import { limitMessage, projectLimitOf, runLimitOf } from "../../../shared/plan-limits.js";

interface TextRule {
  test: RegExp;
  kind: ApiErrorKind;
  /** the message in the user's terms; `what` names the action ("reading the file"), `m` is the match */
  message?: (what: string, m: RegExpExecArray) => string;
  hint?: string;
}

const KEY_NOT_VALID = "The server did not accept the API key: this key is not valid on this server.";
const KEY_NOT_VALID_HINT = "Copy the key again from the server's account settings (API keys), or make a new one there, and add it in Connect.";

/**
 * Server error texts, v1 and current, mapped to kinds and to messages in the
 * user's terms (facts §1, §2, §7–§9). The server's own text is kept apart, in
 * `serverMessage`, and shown only as details.
 */
const ERROR_TEXT_RULES: TextRule[] = [
  { test: /^timeout$/, kind: "project-starting", message: (what) => `The project is starting, so ${what} timed out.` },
  // keys: missing, malformed (v1 answers with database text), well-formed but wrong
  {
    test: /You must provide authentication via an API key/,
    kind: "auth",
    message: () => "The server received no API key.",
    hint: "Add this server's API key in Connect.",
  },
  { test: /No account found\. Is your API key wrong\?/, kind: "auth", message: () => KEY_NOT_VALID, hint: KEY_NOT_VALID_HINT },
  { test: /out of range for type integer/, kind: "auth", message: () => KEY_NOT_VALID, hint: KEY_NOT_VALID_HINT },
  { test: /^Unknown authorization type/, kind: "auth", message: () => KEY_NOT_VALID, hint: KEY_NOT_VALID_HINT },
  { test: /must be signed in/i, kind: "auth", message: () => KEY_NOT_VALID, hint: KEY_NOT_VALID_HINT },
  { test: /badly formatted remember_me cookie|anonymous (get|set) queries not allowed/, kind: "auth", message: () => "The server did not take this request as signed in with the API key.", hint: KEY_NOT_VALID_HINT },
  // what the server does not offer
  { test: /^unknown endpoint '|is not part of the HTTP API|^unknown message event type '|unknown function '/, kind: "not-available", message: (what) => `This server does not offer ${what}.`, hint: "It runs a version of CoCalc without this feature." },
  { test: /Jupyter API is not enabled on this server/, kind: "not-available", message: (what) => `This server does not offer ${what}: its Jupyter API is switched off.`, hint: "Jupyter is switched off on this server, or needs a project." },
  { test: /stripe customer not defined/, kind: "not-available", message: () => "This server has no billing, so there are no upgrades.", hint: "Nothing to do: upgrades are not used on this server." },
  // access
  { test: /does not have (read|write) access to project|must be a collaborator on (the )?project|ACCESS BLOCKED|must have write access|FATAL: you do not have read access/, kind: "permission", message: (what) => `Your account has no access to this project, so ${what} was refused.` },
  { test: /FATAL: user must be an admin/, kind: "permission", message: (what) => `Only an administrator of this server may do this (${what}).`, hint: "Ask the server's administrator, or use a project your account owns." },
  { test: /(Write|Read) access denied -- invalid project_id/, kind: "invalid-params", message: () => "The project id is not valid on this server." },
  { test: /banned -- please wait/, kind: "rate-limited", message: () => "After a wrong password the server refuses to try again for a while.", hint: "Wait a minute, then try again with the right password." },
  { test: /incorrect password/, kind: "server", message: () => "The server did not accept the password.", hint: "Type your account's password; after a wrong one the server refuses to try again for a minute." },
  // files
  {
    test: /ENOENT: no such file or directory(?:, \w+ '([^']*)')?/,
    kind: "not-found",
    message: (what, m) => `${capitalise(what)} failed: ${m[1] === undefined ? "it" : projectRelative(m[1])} does not exist in the project.`,
  },
  { test: /^EISDIR \S+ (.*)$|EISDIR: illegal operation on a directory, \w+ '([^']*)'/, kind: "server", message: (_w, m) => `${projectRelative((m[1] ?? m[2])!)} is a folder, not a file.`, hint: "Choose a file name that is not a folder." },
  // copies
  { test: /^Can't find copy operation with ID=|^copy_id not found|either does not exist or already finished/, kind: "not-found", message: () => "The server has no record of this copy (or it already finished).", hint: "Refresh the list of copies." },
  // the current generation (facts §8)
  { test: /code='408'/, kind: "timeout", message: (what) => `The server gave up waiting for the project (${what}).`, hint: "Try again; long commands need a longer timeout." },
  { test: /^undefined$/, kind: "timeout", message: (what) => `The server gave up on ${what} after about 60 s.`, hint: "The server gives up after about 60 s; long commands need a server that runs them in the background." },
  { test: /^invalid parameters '|must specify project_id or use project-specific api key|invalid account_id or project_id|must set project_id to a valid uuid|must specify a 'path'|^path must be specified|copy_id must be a valid uuid|FATAL: get queries not allowed for table|FATAL: must specify exactly one key/, kind: "invalid-params", message: (what) => `The server could not take the request for ${what}.` },
  // cocalc.ai's scoped keys (cocalc-ai-facts §1.6); a missing capability is answered by serverError with the capability named
  { test: /must sign in with an account API key/, kind: "auth", message: () => KEY_NOT_VALID, hint: KEY_NOT_VALID_HINT },
  { test: /^API key lacks required capability '/, kind: "permission", message: (what) => `This API key may not be used for ${what}.` },
  { test: /^API keys may only list projects for their own account/, kind: "permission", message: () => "This API key may list only its own account's projects." },
  {
    test: /^API key project capability check requires project_id|^The `account_id` field cannot be specified by API keys/,
    kind: "invalid-params",
    message: (what) => `The app sent ${what} in a form cocalc.ai does not take from API keys.`,
    hint: "This is a bug in the app; please report it.",
  },
  {
    test: /^API keys are not allowed to call hub RPC '/,
    kind: "not-available",
    message: (what) => `cocalc.ai does not let API keys do this (${what}).`,
    hint: "cocalc.ai lets API keys call only a few hub functions; this one needs a browser session.",
  },
  {
    test: /^API keys are not allowed to |^API keys cannot manage account API keys|^legacy HTTP API key mutations are disabled/,
    kind: "not-available",
    message: (what) => `cocalc.ai does not let API keys do this (${what}).`,
    hint: "It needs a browser session: do it at the server's web page.",
  },
  { test: /^FATAL: /, kind: "server", message: (what) => `The server's database refused ${what}.` },
  // raw exceptions: an id that does not exist (v1), or arguments of a shape the server did not expect (current)
  { test: /^TypeError: /, kind: "server", message: (what) => `${capitalise(what)} failed on the server.`, hint: "Check that the project exists; if it does, the server may be a version this app does not know." },
];

/** A path as the server names it (`/projects/<id>/a.txt`, `/srv/…/projects/<id>/a.txt`), relative to the project. */
function projectRelative(path: string): string {
  return path.replace(/^.*\/projects\/[^/]+(\/|$)/, "") || "the project's home folder";
}

/** What a scoped key's refusal names: `API key lacks required capability '<cap>'[ for project <id>]`. */
export function keyScopeOf(text: string): { capability: string; project_id?: string } | undefined {
  const m = /^API key lacks required capability '([^']+)'(?: for project (\S+))?/.exec(text);
  if (!m) return undefined;
  return { capability: m[1]!, ...(m[2] && m[2] !== "undefined" ? { project_id: m[2] } : {}) };
}

export function classifyErrorText(text: string): { kind: ApiErrorKind; hint?: string; message?: (what: string) => string } {
  for (const r of ERROR_TEXT_RULES) {
    const m = r.test.exec(text);
    if (m) return { kind: r.kind, hint: r.hint, ...(r.message ? { message: (what: string) => r.message!(what, m) } : {}) };
  }
  return { kind: "server" };
}

/**
 * PostgreSQL's own words, which some servers hand back as they are (a key of
 * the wrong shape on v1): nobody is shown them, not even as details.
 */
const DATABASE_TEXT = /out of range for type|invalid input syntax for|violates [a-z-]+ constraint|syntax error at or near|relation "[^"]*" does not exist|duplicate key value/;

/** The server's text as it may be shown under details: never database text. */
export function shownServerText(text: string): string | undefined {
  return DATABASE_TEXT.test(text) ? undefined : text;
}

/** The error of a server that answered with an error text: a message in the user's terms, the text in `serverMessage` unless it is the database's. */
export function serverError(what: string, error: ServerErrorValue | undefined, status?: number): ApiError {
  const text = errorValueText(error);
  const scope = keyScopeOf(text);
  if (scope) {
    const where = scope.project_id ? ` for the project ${scope.project_id}` : "";
    return new ApiError("permission", `This API key may not be used for ${what}: it lacks the capability '${scope.capability}'${where}.`, {
      hint: `Widen the key where it was made (Settings → SSH & API keys): give it '${scope.capability}'${scope.project_id ? " and add this project to its projects" : ""}.`,
      status,
      serverMessage: text,
      ...scope,
    });
  }
  const limit = runLimitOf(text) ?? projectLimitOf(text);
  // the server's text is a marker and raw JSON: everything it says is in the message and `limit`, so no Details
  if (limit) return new ApiError("limit", limitMessage(limit).message, { hint: limitMessage(limit).hint, status, limit, retryable: false });
  const { kind, hint, message } = classifyErrorText(text);
  const shown = shownServerText(text);
  return new ApiError(kind, message ? message(what) : `${capitalise(what)} failed on the server.`, {
    hint: hint ?? (kind === "server" ? (shown ? "The server's message is in the details; correct what it names and try again." : "Try again; if it keeps failing, tell the server's administrator.") : undefined),
    status,
    serverMessage: shown,
  });
}

const PROXY_STATUSES = new Set([502, 503, 504]);

/** A reply whose body is not JSON: HTML pages of Express, Next.js or a proxy, or plain text. */
export function nonJsonError(what: string, raw: RawReply): ApiError {
  const snippet = textOfBody(raw);
  if (raw.status === 413) {
    return new ApiError("too-large", `The request for ${what} is larger than the server accepts (HTTP 413).`, {
      status: 413,
      serverMessage: snippet,
    });
  }
  if (raw.status === 404) {
    return new ApiError("not-available", `The server has no ${what} at this address (HTTP 404).`, {
      hint: "Check the server URL; this server may speak another API generation.",
      status: 404,
      serverMessage: snippet,
    });
  }
  if (PROXY_STATUSES.has(raw.status)) {
    return new ApiError(
      "non-json",
      `A proxy or gateway in front of the server failed (HTTP ${raw.status}${snippet ? `: ${snippet}` : ""}).`,
      { hint: "The server may be restarting; try again in a minute.", status: raw.status, retryable: true, serverMessage: snippet },
    );
  }
  if (raw.status === 400) {
    return new ApiError("invalid-params", `The server could not read the request for ${what} (HTTP 400${snippet ? `: ${snippet}` : ""}).`, {
      status: 400,
      serverMessage: snippet,
    });
  }
  return new ApiError(
    "non-json",
    `The server answered ${what} with ${raw.contentType || "a body"} that is not JSON (HTTP ${raw.status}${snippet ? `: ${snippet}` : ""}).`,
    { status: raw.status, serverMessage: snippet },
  );
}

/** Parse JSON, or undefined when the body is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The readable text of an HTML error page (`<pre>Bad Request</pre>`, `<title>…</title>`), short. */
export function textOfBody(raw: RawReply): string {
  const t = raw.text;
  const pre = /<pre>([\s\S]*?)<\/pre>/i.exec(t);
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(t);
  const s = (pre?.[1] ?? title?.[1] ?? (/<html|<!doctype/i.test(t) ? "" : t)).replace(/\s+/g, " ").trim();
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** Validate against the schemas a call may answer with; the first match wins. */
export function parseReply<T>(what: string, schemas: readonly z.ZodType<T>[], value: unknown): T {
  const issues: string[] = [];
  for (const s of schemas) {
    const r = s.safeParse(value);
    if (r.success) return r.data;
    issues.push(r.error.issues.map((i) => `${i.path.join(".") || "(reply)"}: ${i.message}`).join("; "));
  }
  throw new ApiError("unexpected-reply", `The server's answer to ${what} is not what this app expects (${issues[0] ?? "no schema"}).`);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
