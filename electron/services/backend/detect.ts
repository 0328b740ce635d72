/**
 * Which API generation a server speaks. First, with no key: is it the
 * cocalc.ai family (hosted, Launchpad, Plus; facts §4)? Only then does the
 * key go out, and only if its prefix fits the server (a cocalc.ai key to a
 * classic server, or the other way round, is refused before any call with
 * it). Classic servers are asked both ways at once: a v1 `ping` and the
 * current hub bridge's `system.ping`. A wrong key still tells the generation
 * (each answers it in its own words). When nothing answers like CoCalc, the
 * message says what the address is instead.
 */
import { AiBootstrap, AiCustomize, isAiKey, PlusBootstrap } from "../../../shared/api/ai.js";
import type { Generation } from "../../../shared/domain.js";
import { ApiError, isApiError } from "../../../shared/errors.js";
import { AiClient } from "../api/ai-client.js";
import { parseJson } from "../api/classify.js";
import { CurrentClient } from "../api/current-client.js";
import { V1Client } from "../api/v1-client.js";
import { isRetiredCocalcCom, retiredError, type HttpTransport, type RawReply } from "../http/transport.js";

export type ProbeOutcome = { kind: "ok" } | { kind: "auth"; error: ApiError } | { kind: "absent"; error: ApiError } | { kind: "failed"; error: ApiError };

/** One generation's answer, sorted: it is there (with or without a working key), absent, or the probe failed. */
export function sortProbe(r: PromiseSettledResult<unknown>): ProbeOutcome {
  if (r.status === "fulfilled") return { kind: "ok" };
  const e = r.reason instanceof ApiError ? r.reason : new ApiError("internal", String(r.reason));
  if (e.kind === "auth") return { kind: "auth", error: e };
  if (e.kind === "not-available" || e.kind === "non-json" || e.kind === "unexpected-reply" || e.kind === "invalid-params") return { kind: "absent", error: e };
  return { kind: "failed", error: e };
}

/**
 * The decision. Where both generations answer (the local hub serves both by
 * default), v1 is chosen: it offers everything this app uses, copy lists and
 * scheduled copies included. A wrong key is still an answer: the generation
 * is known and the error is about the key.
 */
export function decideGeneration(v1: ProbeOutcome, current: ProbeOutcome, server: string): Generation {
  if (v1.kind === "ok") return "v1";
  if (current.kind === "ok") return "current";
  if (v1.kind === "auth") throw v1.error;
  if (current.kind === "auth") throw current.error;
  const failed = [v1, current].find((p): p is Extract<ProbeOutcome, { kind: "failed" }> => p.kind === "failed");
  if (failed) throw failed.error;
  const v1e = (v1 as { error: ApiError }).error;
  const ce = (current as { error: ApiError }).error;
  const html = [v1e, ce].some((e) => /html|web page/i.test(`${e.message} ${e.serverMessage ?? ""}`)) || [v1e, ce].some((e) => e.kind === "non-json" && e.status === 200);
  const why = html
    ? `${server} answers with web pages, not the CoCalc API`
    : v1e.status === 404 && ce.status === 404
      ? `${server} has neither /api/v1 nor /api/conat (both answer 404)`
      : `${server} does not answer like a CoCalc server (${v1e.message})`;
  throw new ApiError("not-available", `This is not a CoCalc server: ${why}.`, {
    hint: "Check the URL: it is the address you open CoCalc at in a browser, e.g. https://cocalc.ai (with its base path, if any).",
  });
}

export type Family = "ai" | "launchpad" | "plus" | "classic";

/** What the keyless probes saw; undefined where a probe got no JSON. */
export interface FamilyClues {
  bootstrap?: unknown;
  customize?: unknown;
  /** the project bridge's error for a bogus key */
  bridgeError?: string;
}

/** The cocalc.ai family or classic CoCalc, from the keyless probes (facts §4). */
export function decideFamily(c: FamilyClues): Exclude<Family, "launchpad"> {
  const custom = AiCustomize.safeParse(c.customize);
  const conf = custom.success ? custom.data.configuration : undefined;
  if (PlusBootstrap.safeParse(c.bootstrap).success || conf?.lite === true || conf?.cocalc_product === "plus") return "plus";
  if (AiBootstrap.safeParse(c.bootstrap).success || typeof conf?.cocalc_product === "string" || c.bridgeError === "must sign in with an account API key") return "ai";
  return "classic";
}

/** A cocalc.ai key for a classic server, or a classic key for cocalc.ai: said before the key is sent anywhere. */
export function keyMismatch(family: "ai" | "classic", apiKey: string, server: string): ApiError | undefined {
  const ai = isAiKey(apiKey);
  if (family === "classic" && ai) {
    return new ApiError("auth", `This key (${apiKey.slice(0, apiKey.indexOf(".") + 1)}…) is a cocalc.ai key, but ${server} is a classic CoCalc server (API v1 or the current API), which does not take cocalc.ai keys. The key was not sent.`, {
      hint: "Make a key in this server's own account settings (its keys start with sk-), or add https://cocalc.ai as the server for this key.",
    });
  }
  if (family === "ai" && !ai) {
    return new ApiError("auth", `${server} is cocalc.ai, whose keys start with sk-cc-v2.; this key is a classic CoCalc key and cannot work there. The key was not sent.`, {
      hint: `Make a key on this server: Settings → SSH & API keys at ${server.replace(/\/+$/, "")}/settings/keys (it asks for two-factor authentication).`,
    });
  }
  return undefined;
}

export function launchpadError(server: string): ApiError {
  return new ApiError("not-available", `${server} is CoCalc Launchpad (self-hosted cocalc.ai). Its API keys reach only the two bridges: there is no project list and no account identity over HTTP, so this app cannot work with it.`, {
    hint: "Use this server in a browser, or connect the app to hosted https://cocalc.ai, which offers the full API.",
  });
}

export function plusError(server: string): ApiError {
  return new ApiError("not-available", `${server} is CoCalc Plus, the single-user local edition: it has no API keys, so this app cannot sign in to it.`, {
    hint: "Open CoCalc Plus in a browser with the sign-in link it prints when it starts.",
  });
}

/** Network, TLS, timeout and cancel are about the address, not the product: they end detection at once. */
const FATAL = new Set(["network", "tls", "timeout", "cancelled", "moved"]);

async function jsonOf(p: Promise<RawReply>): Promise<unknown> {
  try {
    const raw = await p;
    const j = parseJson(raw.text);
    return j.ok ? j.value : undefined;
  } catch (e) {
    if (isApiError(e) && FATAL.has(e.kind)) throw e;
    return undefined;
  }
}

/** The keyless probes: bootstrap, /customize, and the project bridge's answer to a bogus key. */
export async function detectFamily(server: string, transport: HttpTransport, signal?: AbortSignal): Promise<Family> {
  const base = server.replace(/\/+$/, "");
  const post = (path: string, headers: Record<string, string> = {}) =>
    transport.send(`${base}${path}`, { headers: { "content-type": "application/json", accept: "application/json", ...headers }, body: "{}", timeoutMs: 15_000, signal });
  // All three settle before any verdict, so no probe is left running behind it.
  const settled = await Promise.allSettled([
    jsonOf(post("/api/v2/auth/bootstrap")),
    jsonOf(transport.send(`${base}/customize`, { method: "GET", headers: { accept: "application/json" }, timeoutMs: 15_000, signal })),
    jsonOf(post("/api/conat/project", { authorization: "Bearer x" })),
  ]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  const [bootstrap, customize, bridge] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value);
  const bridgeError = typeof (bridge as { error?: unknown } | undefined)?.error === "string" ? (bridge as { error: string }).error : undefined;
  const family = decideFamily({ bootstrap, customize, bridgeError });
  if (family !== "ai") return family;
  // Hosted cocalc.ai also says "launchpad" in /customize; only hosted has /api/v2/projects/get (facts §4.6).
  return (await jsonOf(post("/api/v2/projects/get"))) === undefined ? "launchpad" : "ai";
}

export async function detectGeneration(server: string, apiKey: string, transport: HttpTransport, signal?: AbortSignal): Promise<Generation> {
  if (isRetiredCocalcCom(server)) throw retiredError();
  const family = await detectFamily(server, transport, signal);
  if (family === "plus") throw plusError(server);
  if (family === "launchpad") throw launchpadError(server);
  const mismatch = keyMismatch(family, apiKey, server);
  if (mismatch) throw mismatch;
  const noRetry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
  if (family === "ai") {
    // The key is known to fit; a wrong one is an auth error from here on.
    await new AiClient(server, apiKey, transport, noRetry).hub("system.ping", [], { signal, bridgeTimeoutMs: 10_000 });
    return "ai";
  }
  const v1 = new V1Client({ server, apiKey, transport, retry: noRetry, defaultTimeoutMs: 15_000 });
  const current = new CurrentClient(server, apiKey, transport, noRetry);
  const [a, b] = await Promise.allSettled([v1.call("ping", {}, { signal }), current.hub("system.ping", [], { signal, bridgeTimeoutMs: 10_000 })]);
  if (signal?.aborted) throw new ApiError("cancelled", "The connection test was cancelled.");
  return decideGeneration(sortProbe(a), sortProbe(b), server);
}

