/**
 * Pure decisions about what a server's reply means. Both API generations put
 * errors in odd places (HTTP 200 with an error field, HTML 400/413 pages, 404
 * pages for removed endpoints), so every reply passes through here once.
 */
import type { z } from "zod";
import { ApiError, type ApiErrorKind } from "../../../shared/errors.js";
import { errorValueText, type ServerErrorValue } from "../../../shared/api/common.js";
import type { RawReply } from "../http/transport.js";

interface TextRule {
  test: RegExp;
  kind: ApiErrorKind;
  hint?: string;
}

/** Server error texts, v1 and current, mapped to kinds (facts §1, §2, §7, §8). */
const ERROR_TEXT_RULES: TextRule[] = [
  { test: /^timeout$/, kind: "project-starting" },
  { test: /You must provide authentication via an API key/, kind: "auth", hint: "Add an API key to this server profile." },
  { test: /No account found\. Is your API key wrong\?/, kind: "auth" },
  { test: /out of range for type integer/, kind: "auth", hint: "The API key is malformed; copy it again from the server's account settings." },
  { test: /^Unknown authorization type/, kind: "auth" },
  { test: /must be signed in/i, kind: "auth" },
  { test: /must sign in with an account API key/, kind: "auth" },
  { test: /badly formatted remember_me cookie/, kind: "auth" },
  { test: /anonymous (get|set) queries not allowed/, kind: "auth" },
  { test: /^unknown endpoint '/, kind: "not-available" },
  { test: /is not part of the HTTP API/, kind: "not-available" },
  { test: /^unknown message event type '/, kind: "not-available" },
  { test: /unknown function '/, kind: "not-available" },
  { test: /Jupyter API is not enabled on this server/, kind: "not-available", hint: "Jupyter is switched off on this server, or needs a project." },
  { test: /stripe customer not defined/, kind: "not-available", hint: "This server has no billing, so there are no upgrades." },
  { test: /^invalid parameters '/, kind: "invalid-params" },
  { test: /does not have (read|write) access to project/, kind: "permission" },
  { test: /(Write|Read) access denied/, kind: "permission" },
  { test: /ACCESS BLOCKED/, kind: "permission" },
  { test: /FATAL: user must be an admin/, kind: "permission" },
  { test: /FATAL: you do not have read access/, kind: "permission" },
  { test: /must have write access/, kind: "permission" },
  { test: /must be a collaborator on (the )?project/, kind: "permission" },
  { test: /banned -- please wait/, kind: "rate-limited", hint: "Wait a minute, then try again with the right password." },
  // the current generation (facts §8)
  { test: /code='408'/, kind: "timeout", hint: "The server's bridge gave up waiting for the project; try again, with a longer timeout for long commands." },
  { test: /^undefined$/, kind: "timeout", hint: "The server gave up after about 60 s; long commands need a server that runs them in the background." },
  { test: /must specify project_id or use project-specific api key/, kind: "invalid-params" },
  { test: /invalid account_id or project_id|must set project_id to a valid uuid|must specify a 'path'|^path must be specified|copy_id must be a valid uuid/, kind: "invalid-params" },
  // cocalc.ai's scoped keys (cocalc-ai-facts §1.6)
  { test: /^API key lacks required capability '/, kind: "permission" },
  { test: /^API keys may only list projects for their own account/, kind: "permission" },
  { test: /^API key project capability check requires project_id|^The `account_id` field cannot be specified by API keys/, kind: "invalid-params" },
  { test: /^API keys are not allowed to call hub RPC '/, kind: "not-available", hint: "cocalc.ai lets API keys call only a few hub functions; this one needs a browser session." },
  { test: /^API keys are not allowed to |^API keys cannot manage account API keys|^legacy HTTP API key mutations are disabled/, kind: "not-available", hint: "cocalc.ai does not let API keys do this; it needs a browser session." },
  // raw exceptions: an id that does not exist (v1), or arguments of a shape the server did not expect (current)
  { test: /^TypeError: /, kind: "server", hint: "The server failed on this request: check that the project exists; if it does, the server may be a version this app does not know." },
];

export function classifyErrorText(text: string): { kind: ApiErrorKind; hint?: string } {
  const rule = ERROR_TEXT_RULES.find((r) => r.test.test(text));
  return rule ? { kind: rule.kind, hint: rule.hint } : { kind: "server" };
}

/** What a scoped key's refusal names: `API key lacks required capability '<cap>'[ for project <id>]`. */
export function keyScopeOf(text: string): { capability: string; project_id?: string } | undefined {
  const m = /^API key lacks required capability '([^']+)'(?: for project (\S+))?/.exec(text);
  if (!m) return undefined;
  return { capability: m[1]!, ...(m[2] && m[2] !== "undefined" ? { project_id: m[2] } : {}) };
}

/** The error of a server that answered with an error text. */
export function serverError(what: string, error: ServerErrorValue | undefined, status?: number): ApiError {
  const text = errorValueText(error);
  const { kind, hint } = classifyErrorText(text);
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
  const message =
    kind === "project-starting"
      ? `The project is starting, so ${what} timed out.`
      : kind === "auth"
        ? `The server did not accept the API key: ${text}`
        : kind === "not-available"
          ? `This server does not offer ${what}: ${text}`
          : `${capitalise(what)} failed: ${text}`;
  return new ApiError(kind, message, { hint, status, serverMessage: text });
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
