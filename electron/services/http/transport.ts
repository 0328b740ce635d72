/**
 * The HTTP edge of the app: one pooled undici dispatcher per server, with
 * timeouts, cancellation, proxies and extra CA certificates. It knows nothing
 * of CoCalc; it turns every failure into an ApiError and hands back the raw
 * reply for the API layer to classify.
 */
import { Agent, EnvHttpProxyAgent, ProxyAgent, errors as undiciErrors, request, type Dispatcher } from "undici";
import type { LookupFunction } from "node:net";
import { rootCertificates } from "node:tls";
import { ApiError } from "../../../shared/errors.js";
import { proxyUrlFromPac } from "./proxy.js";

export interface RawReply {
  status: number;
  contentType: string;
  text: string;
}

export interface TransportOptions {
  /** Extra CA certificates (PEM) trusted for this server, added to the system's. */
  caPem?: string;
  /**
   * The system's proxy decision for a URL, as a PAC result string
   * ("DIRECT", "PROXY host:port; DIRECT"): Electron's session.resolveProxy.
   * Without it, HTTP(S)_PROXY and NO_PROXY from the environment apply.
   */
  resolveProxy?: (url: string) => Promise<string>;
  /** Keep-alive connections per origin. A few suffice: calls queue on them. */
  connections?: number;
  /** Largest reply body accepted, in bytes. */
  maxReplyBytes?: number;
  /** Name resolution, replaceable so DNS failures can be produced on loopback. */
  lookup?: LookupFunction;
  env?: NodeJS.ProcessEnv;
}

export interface SendOptions {
  method?: "POST" | "GET";
  headers: Record<string, string>;
  body?: string;
  /** ms until the call is abandoned with a timeout error */
  timeoutMs: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX_REPLY = 256 * 1024 * 1024;

/** Replies up to this size (nearly every call) are read whole; only larger ones are decoded as they arrive. */
const SMALL_REPLY = 64 * 1024;

type ReplyBody = Dispatcher.ResponseData["body"];

/**
 * A reply's text, a BOM dropped and bad bytes replaced. A small reply with a
 * known length is read by undici's text() (its own buffering, the fastest
 * path). Any other is decoded chunk by chunk as it arrives: text() holds every
 * chunk, then their concatenation, then the string, i.e. three copies of a
 * 3 MB file-read reply at once, two of them outside the heap; here each chunk
 * is let go once decoded. Listeners, not an async iterator, which costs a
 * promise per chunk.
 */
function textOf(body: ReplyBody, contentLength: string | string[] | undefined): Promise<string> {
  const length = typeof contentLength === "string" ? Number(contentLength) : NaN;
  if (length <= SMALL_REPLY) return body.text();
  return new Promise((resolve, reject) => {
    const dec = new TextDecoder("utf-8");
    let text = "";
    body.on("data", (chunk: Buffer) => (text += dec.decode(chunk, { stream: true })));
    body.once("end", () => resolve(text + dec.decode()));
    body.once("error", reject);
  });
}

export class HttpTransport {
  private readonly opts: TransportOptions;
  private readonly dispatchers = new Map<string, Dispatcher>();

  constructor(opts: TransportOptions = {}) {
    this.opts = opts;
  }

  async send(url: string, o: SendOptions): Promise<RawReply> {
    if (o.signal?.aborted) throw cancelled();
    // no await without a proxy resolver: a tick per call shows on loopback (bench/ping.ts)
    const dispatcher = this.opts.resolveProxy ? await this.proxiedDispatcherFor(url, this.opts.resolveProxy) : this.directDispatcherFor(url);
    try {
      const res = await request(url, {
        method: o.method ?? "POST",
        headers: o.headers,
        body: o.body,
        dispatcher,
        signal: o.signal,
        // undici's own timers rather than an AbortController per call: the
        // per-call controller and timer cost ~15% of a loopback round trip.
        // The server's handler time all falls before the headers.
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.timeoutMs,
      });
      if (res.statusCode >= 300 && res.statusCode < 400) {
        // Never followed (undici does not by default, and this says so): a
        // redirect would carry the Authorization header, i.e. the key, to
        // wherever the server points.
        await res.body.dump().catch(() => undefined);
        const loc = res.headers.location;
        throw redirectError(url, res.statusCode, Array.isArray(loc) ? loc[0] : loc);
      }
      const text = await textOf(res.body, res.headers["content-length"]);
      const ct = res.headers["content-type"];
      return { status: res.statusCode, contentType: Array.isArray(ct) ? ct.join(",") : (ct ?? ""), text };
    } catch (e) {
      if (e instanceof ApiError) throw e;
      if (o.signal?.aborted) throw cancelled(e);
      if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) {
        // The request reached the server, which may still be serving it: never sent again by itself (a 3 MB read
        // resent four times piled up on a real v1 server, facts §10). Connecting that timed out is another matter.
        throw new ApiError("timeout", `No answer from ${originOf(url)} within ${Math.round(o.timeoutMs / 100) / 10} s.`, {
          cause: e,
          retryable: false,
        });
      }
      throw networkError(url, e);
    }
  }

  /** Open connections are kept per origin; close them all. */
  async close(): Promise<void> {
    const all = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(all.map((d) => d.close().catch(() => undefined)));
  }

  private directDispatcherFor(url: string): Dispatcher {
    const key = `${originOf(url)}|env`;
    let d = this.dispatchers.get(key);
    if (!d) this.dispatchers.set(key, (d = this.makeDispatcher(undefined)));
    return d;
  }

  private async proxiedDispatcherFor(url: string, resolveProxy: (url: string) => Promise<string>): Promise<Dispatcher> {
    const proxy = proxyUrlFromPac(await resolveProxy(url));
    const key = `${originOf(url)}|${proxy ?? "direct"}`;
    let d = this.dispatchers.get(key);
    if (!d) {
      d = this.makeDispatcher(proxy);
      this.dispatchers.set(key, d);
    }
    return d;
  }

  private makeDispatcher(proxy: string | null | undefined): Dispatcher {
    const connect = {
      ...(this.opts.caPem ? { ca: [...rootCertificates, this.opts.caPem] } : {}),
      ...(this.opts.lookup ? { lookup: this.opts.lookup } : {}),
    };
    const common = {
      connections: this.opts.connections ?? 4,
      keepAliveTimeout: 30_000,
      maxResponseSize: this.opts.maxReplyBytes ?? DEFAULT_MAX_REPLY,
      connect,
    };
    if (proxy) return new ProxyAgent({ ...common, uri: proxy, requestTls: connect });
    if (proxy === null) return new Agent(common);
    const env = this.opts.env ?? process.env;
    const hasEnvProxy = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"].some((k) => env[k]);
    if (!hasEnvProxy) return new Agent(common);
    return new EnvHttpProxyAgent({
      ...common,
      requestTls: connect,
      httpProxy: env.HTTP_PROXY ?? env.http_proxy,
      httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
      noProxy: env.NO_PROXY ?? env.no_proxy,
    });
  }
}

/** Calls go to a handful of URLs; parsing each once keeps URL parsing off the hot path. */
const origins = new Map<string, string>();
function originOf(url: string): string {
  let o = origins.get(url);
  if (o === undefined) {
    try {
      o = new URL(url).origin;
    } catch {
      o = url;
    }
    if (origins.size > 1000) origins.clear();
    origins.set(url, o);
  }
  return o;
}

/** cocalc.com and its subdomains: retired in July 2026, now redirecting to cocalc.ai. */
export function isRetiredCocalcCom(url: string): boolean {
  try {
    const h = new URL(url).hostname.toLowerCase();
    return h === "cocalc.com" || h.endsWith(".cocalc.com");
  } catch {
    return false;
  }
}

function isCocalcAi(url: string): boolean {
  const h = new URL(url).hostname.toLowerCase();
  return h === "cocalc.ai" || h.endsWith(".cocalc.ai");
}

export function retiredError(): ApiError {
  return new ApiError("moved", "cocalc.com was retired in July 2026; create an account and a key at https://cocalc.ai", {
    hint: "cocalc.ai has new accounts and new API keys (they start with sk-cc-v2.): sign up there, make a key in Settings → SSH & API keys, and add https://cocalc.ai as a server.",
  });
}

/** What a redirect means to the person: the one message for cocalc.com's move, else where it points. */
export function redirectError(url: string, status: number, location: string | undefined): ApiError {
  let target: URL | undefined;
  try {
    target = location ? new URL(location, url) : undefined;
  } catch {
    target = undefined;
  }
  if ((target && isCocalcAi(target.href)) || isRetiredCocalcCom(url)) return retiredError();
  const from = originOf(url);
  const where = target ? (target.origin === from ? target.href : target.origin) : "an address it does not give";
  return new ApiError("moved", `${from} redirects the app to ${where} (HTTP ${status}); the request was not followed, so the API key stayed here.`, {
    status,
    hint: target && target.origin !== from ? `If ${target.origin} is the right server, add it as a server of its own.` : "Check the server URL: use the address the server redirects to.",
  });
}

function cancelled(cause?: unknown): ApiError {
  return new ApiError("cancelled", "The call was cancelled.", { cause });
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_UNTRUSTED",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

/** Map a low-level failure to the error a person can act on. */
export function networkError(url: string, e: unknown): ApiError {
  const origin = originOf(url);
  const code = errorCode(e);
  if (code && (TLS_CODES.has(code) || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL"))) {
    return new ApiError("tls", `The secure connection to ${origin} failed (${code}).`, { cause: e });
  }
  if (code === "ECONNREFUSED") {
    return new ApiError("network", `Nothing answers at ${origin} (connection refused).`, {
      hint: "Check the server URL and that the server is running, then try again.",
      cause: e,
    });
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new ApiError("network", `The server name in ${origin} could not be found (${code}).`, {
      hint: "Check the server URL for typos, and your network connection.",
      cause: e,
    });
  }
  if (e instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new ApiError("bad-content", `The reply from ${origin} is larger than this app accepts.`, { cause: e });
  }
  if (
    e instanceof undiciErrors.SocketError ||
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    e instanceof undiciErrors.ResponseContentLengthMismatchError
  ) {
    return new ApiError("network", `The connection to ${origin} was closed before the reply was complete.`, {
      cause: e,
    });
  }
  if (e instanceof undiciErrors.ConnectTimeoutError) {
    return new ApiError("timeout", `Connecting to ${origin} timed out.`, { cause: e });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new ApiError("network", `The request to ${origin} failed: ${msg}`, { cause: e });
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, i = 0; cur && i < 5; cur = (cur as { cause?: unknown }).cause, i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === "string" && !c.startsWith("UND_ERR")) return c;
  }
  return undefined;
}
