/**
 * Which API generation a server speaks, found by asking both at once: a v1
 * `ping` and the current hub bridge's `system.ping`. A wrong key still tells
 * the generation (each answers it in its own words). When neither answers
 * like CoCalc, the message says what the address is instead.
 */
import type { Generation } from "../../../shared/domain.js";
import { ApiError } from "../../../shared/errors.js";
import { CurrentClient } from "../api/current-client.js";
import { V1Client } from "../api/v1-client.js";
import type { HttpTransport } from "../http/transport.js";

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
    hint: "Check the URL: it is the address you open CoCalc at in a browser, e.g. https://cocalc.com (with its base path, if any).",
  });
}

export async function detectGeneration(server: string, apiKey: string, transport: HttpTransport, signal?: AbortSignal): Promise<Generation> {
  const noRetry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
  const v1 = new V1Client({ server, apiKey, transport, retry: noRetry, defaultTimeoutMs: 15_000 });
  const current = new CurrentClient(server, apiKey, transport, noRetry);
  const [a, b] = await Promise.allSettled([v1.call("ping", {}, { signal }), current.hub("system.ping", [], { signal, bridgeTimeoutMs: 10_000 })]);
  if (signal?.aborted) throw new ApiError("cancelled", "The connection test was cancelled.");
  return decideGeneration(sortProbe(a), sortProbe(b), server);
}

