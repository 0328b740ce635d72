/**
 * The v1 client against a real HTTP server on loopback, one test per error
 * case of the issue: each asserts the error's kind and that its message says
 * something a person can act on.
 */
import { createServer, type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../shared/errors.js";
import { HttpTransport } from "../../electron/services/http/transport.js";
import { V1Client } from "../../electron/services/api/v1-client.js";
import { CurrentClient } from "../../electron/services/api/current-client.js";
import { html, json, selfSignedCert, startFaultServer, type FaultServer, type Handler } from "../support/fault-server.js";
import { startConnectProxy } from "../support/connect-proxy.js";

const PID = "0eea4501-9d44-4973-a871-9a4ddf6f6c9f";
const FAST = { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 };

let server: FaultServer;
let transport: HttpTransport;
const client = (o: Partial<ConstructorParameters<typeof V1Client>[0]> = {}) =>
  new V1Client({ server: server.url, apiKey: "sk_testkey000000000000000", transport, retry: FAST, ...o });

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error("expected the call to fail");
}

const pong: Handler = (_r, res) => json(res, 200, { event: "pong", id: "x", now: new Date().toISOString() });

beforeAll(async () => {
  server = await startFaultServer(pong);
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await transport?.close();
  server.seen.length = 0;
  server.setHandler(pong);
});
const fresh = () => (transport = new HttpTransport());

describe("what the client sends", () => {
  it("POSTs JSON to /api/v1/<event> with the key as the basic-auth user and an empty password", async () => {
    fresh();
    await client().call("project_exec", { project_id: PID, command: "ls", bash: false, err_on_exit: false }).catch(() => undefined);
    const r = server.seen[0]!;
    expect(r.method).toBe("POST");
    expect(r.url).toBe("/api/v1/project_exec");
    expect(Buffer.from(r.headers.authorization!.replace(/^Basic /, ""), "base64").toString()).toBe("sk_testkey000000000000000:");
    expect(r.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(r.body);
    // booleans stay booleans: the real server reads a form "false" as true
    expect(body).toMatchObject({ project_id: PID, command: "ls", bash: false, err_on_exit: false });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends no id where the event defines none (copy_path_status, copy_path_delete)", async () => {
    fresh();
    server.setHandler((_r, res) => json(res, 200, { event: "copy_path_status_response", id: "g", data: [] }));
    await client().call("copy_path_status", { src_project_id: PID });
    expect(JSON.parse(server.seen[0]!.body)).toEqual({ src_project_id: PID });
  });

  it("refuses to send a field the event does not define, before any traffic", async () => {
    fresh();
    const e = await failure(client().call("ping", { bogus: 1 } as never));
    expect(e.kind).toBe("invalid-params");
    expect(e.message).toMatch(/bogus/);
    expect(server.seen.length).toBe(0);
  });

  it("the current generation's client also refuses a malformed request before any traffic", async () => {
    fresh();
    const c = new CurrentClient(server.url, "k", transport);
    const e = await failure(c.project("not-a-uuid", "system.exec", [{ command: "true" }]));
    expect(e.kind).toBe("invalid-params");
    expect(e.message).toMatch(/project_id/);
    expect(server.seen.length).toBe(0);
    // and a well-formed one goes out with the bridge timeout the caller asked for
    server.setHandler((_r, res) => json(res, 200, { type: "blocking", stdout: "", stderr: "", exit_code: 0 }));
    await c.project(PID, "system.exec", [{ command: "true" }], { bridgeTimeoutMs: 7000 });
    expect(JSON.parse(server.seen[0]!.body)).toEqual({ project_id: PID, name: "system.exec", args: [{ command: "true" }], timeout: 7000 });
    expect(server.seen[0]!.headers.cookie).toBeUndefined();
  });

  it("sends a write over 100 KB form-encoded, whole", async () => {
    fresh();
    server.setHandler((_r, res) => json(res, 200, { event: "file_written_to_project", id: "x" }));
    const content = "é".repeat(75_000) + "\n&=+%";
    await client().call("write_text_file_to_project", { project_id: PID, path: "big.txt", content });
    const r = server.seen[0]!;
    expect(r.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(new URLSearchParams(r.body).get("content")).toBe(content);
  });

  it("refuses a write over the 1 MB form limit with a clear error, sending nothing", async () => {
    fresh();
    const e = await failure(client().call("write_text_file_to_project", { project_id: PID, path: "huge.txt", content: "x".repeat(1_100_000) }));
    expect(e.kind).toBe("too-large");
    // what the server measures: the form-encoded body, against its 1,048,576-byte limit
    expect(e.message).toMatch(/huge\.txt is too large to save to this server: it is 1\.10 MB of text, 1\.10 MB once form-encoded .* at most 1\.05 MB per write/);
    expect(server.seen.length).toBe(0);
  });
});

describe("server errors", () => {
  it.each([
    ["a missing key", "You must provide authentication via an API key.", "auth", /API key/],
    ["a wrong key", "No account found. Is your API key wrong?", "auth", /API key/],
    ["a malformed key", 'error: value "22330934726" is out of range for type integer', "auth", /this key is not valid on this server/],
    ["an unknown endpoint", "unknown endpoint 'no_such_event'", "not-available", /does not offer/],
    ["invalid parameters", "invalid parameters 'Error: misc.defaults -- TypeError: got an unexpected argument 'bogus' '", "invalid-params", /bug/],
  ])("400 {error} for %s", async (_what, text, kind, hintOrMessage) => {
    fresh();
    server.setHandler((_r, res) => json(res, 400, { error: text }));
    const e = await failure(client().call("ping", {}));
    expect(e.kind).toBe(kind);
    expect(e.status).toBe(400);
    expect(e.serverMessage).toBe(text);
    expect(`${e.message} ${e.hint}`).toMatch(hintOrMessage);
  });

  it("HTTP 200 with event 'error' is a failure carrying the server's text", async () => {
    fresh();
    server.setHandler((_r, res) => json(res, 200, { event: "error", id: "x", error: "Error: ENOENT: no such file or directory, stat '/projects/x/nope.txt'" }));
    const e = await failure(client().call("read_text_file_from_project", { project_id: PID, path: "nope.txt" }));
    expect(e.kind).toBe("not-found");
    expect(e.message).toBe("Reading the file failed: nope.txt does not exist in the project.");
    expect(e.serverMessage).toMatch(/ENOENT/);
  });

  it("a reply of an unexpected event", async () => {
    fresh();
    server.setHandler((_r, res) => json(res, 200, { event: "signed_in", id: "x" }));
    const e = await failure(client().call("ping", {}));
    expect(e.kind).toBe("unexpected-reply");
    expect(e.message).toMatch(/'signed_in' reply instead of 'pong'/);
  });

  it("the project-start timeout reply is 'project starting, retry'", async () => {
    fresh();
    server.setHandler((_r, res) => json(res, 200, { event: "error", id: "x", error: "timeout" }));
    const e = await failure(client().call("project_exec", { project_id: PID, command: "true" }));
    expect(e.kind).toBe("project-starting");
    expect(e.retryable).toBe(true);
    expect(e.hint).toMatch(/few seconds/);
  });

  it("a proxy's HTML 502 page is a non-JSON error that names the proxy", async () => {
    fresh();
    server.setHandler((_r, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>");
    });
    const e = await failure(client().call("project_exec", { project_id: PID, command: "true" }));
    expect(e.kind).toBe("non-json");
    expect(e.status).toBe(502);
    expect(e.message).toMatch(/proxy or gateway.*502 Bad Gateway/);
    expect(server.seen.length).toBe(1); // an exec is never repeated
  });

  it("an HTML 413 page (JSON over the server's limit) is 'too large'", async () => {
    fresh();
    server.setHandler((_r, res) => html(res, 413, "Payload Too Large"));
    const e = await failure(client().call("ping", {}));
    expect(e.kind).toBe("too-large");
    expect(e.message).toMatch(/larger than the server accepts/);
  });

  it("an HTML 400 page (body the server could not parse)", async () => {
    fresh();
    server.setHandler((_r, res) => html(res, 400, "Bad Request"));
    const e = await failure(client().call("ping", {}));
    expect(e.kind).toBe("invalid-params");
    expect(e.message).toMatch(/could not read the request.*Bad Request/);
  });

  it("an HTML 404 (a server without API v1) is 'not available'", async () => {
    fresh();
    server.setHandler((_r, res) => html(res, 404, "Cannot POST /api/v1/ping"));
    const e = await failure(client().call("ping", {}));
    expect(e.kind).toBe("not-available");
    expect(e.hint).toMatch(/API generation|URL/);
  });
});

describe("transport failures", () => {
  it("times out a call the server never answers", async () => {
    fresh();
    server.setHandler(() => undefined); // never replies
    const t0 = Date.now();
    const e = await failure(client({ defaultTimeoutMs: 300, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).call("ping", {}));
    expect(e.kind).toBe("timeout");
    expect(e.message).toMatch(/No answer from http:\/\/127\.0\.0\.1:\d+ within/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("project_exec waits for its own timeout plus a margin, not the default", async () => {
    fresh();
    server.setHandler((_r, res) => {
      setTimeout(() => json(res, 200, { event: "project_exec_output", id: "x", stdout: "late\n", stderr: "", exit_code: 0 }), 600);
    });
    const r = await client({ defaultTimeoutMs: 200 }).call("project_exec", { project_id: PID, command: "sleep 0.5", timeout: 1 });
    expect(r.stdout).toBe("late\n");
  });

  /** An exec reply with `text` as its stdout, a BOM in front, sent in 7-byte pieces flushed one at a time (most multi-byte characters fall across a boundary). */
  async function readInPieces(text: string, withLength: boolean): Promise<string> {
    fresh();
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ event: "project_exec_output", id: "x", stdout: text, stderr: "", exit_code: 0 }))]);
    server.setHandler(async (_r, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", ...(withLength ? { "content-length": body.length } : {}) });
      for (let at = 0; at < 700; at += 7) {
        res.write(body.subarray(at, at + 7));
        await new Promise((r) => setImmediate(r));
      }
      res.end(body.subarray(700));
    });
    return (await client().call("project_exec", { project_id: PID, command: "true" })).stdout;
  }

  it("a reply that arrives in small pieces, a character split between two of them, and a BOM in front, is read whole", async () => {
    const text = "ünïcødé 名前 " + "x".repeat(70_000) + " 🎉";
    expect(await readInPieces(text, false)).toBe(text);
  });

  it("a small reply that gives its length (read whole, not chunk by chunk), in pieces with a split character and a BOM, is read whole", async () => {
    const text = "ünïcødé 名前 " + "y".repeat(2_000) + " 🎉";
    expect(await readInPieces(text, true)).toBe(text);
  });

  it("connection refused says nothing answers there", async () => {
    fresh();
    const port = await freePort();
    const e = await failure(new V1Client({ server: `http://127.0.0.1:${port}`, apiKey: "k", transport, retry: FAST }).call("ping", {}));
    expect(e.kind).toBe("network");
    expect(e.message).toMatch(/Nothing answers at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    expect(e.hint).toMatch(/server is running/);
  });

  it("a DNS failure names the server name", async () => {
    // Resolution is replaced so no query leaves the machine; the failure is what a resolver returns.
    transport = new HttpTransport({
      lookup: ((host: string, _o: unknown, cb: (e: NodeJS.ErrnoException) => void) =>
        cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" }))) as never,
    });
    const e = await failure(new V1Client({ server: "http://cocalc.invalid", apiKey: "k", transport, retry: FAST }).call("ping", {}));
    expect(e.kind).toBe("network");
    expect(e.message).toMatch(/could not be found \(ENOTFOUND\)/);
    expect(e.hint).toMatch(/typos/);
  });

  it("a connection reset mid-reply", async () => {
    fresh();
    server.setHandler((_r, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"event":"pong","id":"x",');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const e = await failure(client({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).call("ping", {}));
    expect(e.kind).toBe("network");
    expect(e.message).toMatch(/closed before the reply was complete/);
  });

  it("cancellation with an AbortSignal", async () => {
    fresh();
    server.setHandler(() => undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await failure(client().call("ping", {}, { signal: ac.signal }));
    expect(e.kind).toBe("cancelled");
  });
});

describe("TLS", () => {
  let tlsServer: FaultServer;
  let cert: { key: string; cert: string };
  beforeAll(async () => {
    cert = selfSignedCert();
    tlsServer = await startFaultServer(pong, cert);
  });
  afterAll(() => tlsServer.close());

  it("an untrusted certificate is a TLS error that says to add the CA", async () => {
    fresh();
    const e = await failure(new V1Client({ server: tlsServer.url, apiKey: "k", transport, retry: FAST }).call("ping", {}));
    expect(e.kind).toBe("tls");
    expect(e.message).toMatch(/secure connection to https:\/\/127\.0\.0\.1:\d+ failed/);
    expect(e.hint).toMatch(/CA certificate/);
  });

  it("a per-server CA certificate makes it trusted", async () => {
    transport = new HttpTransport({ caPem: cert.cert });
    const r = await new V1Client({ server: tlsServer.url, apiKey: "k", transport }).call("ping", {});
    expect(r.event).toBe("pong");
  });
});

describe("retries", () => {
  const flaky = (failures: number, ok: Handler): Handler => {
    let n = 0;
    return (r, res) => (n++ < failures ? html(res, 503, "Service Unavailable") : ok(r, res));
  };

  it.each([
    ["ping", () => client().call("ping", {}), pong],
    ["copy_path_status", () => client().call("copy_path_status", { copy_path_id: PID }), ((_r, res) => json(res, 200, { event: "copy_path_status_response", id: "x", data: { copy_path_id: PID, source_project_id: PID, source_path: "a", target_project_id: PID, target_path: "a" } })) as Handler],
    ["a read", () => client().call("read_text_file_from_project", { project_id: PID, path: "a" }), ((_r, res) => json(res, 200, { event: "text_file_read_from_project", id: "x", content: "a" })) as Handler],
    ["a query get", () => client().call("query", { query: { projects: { project_id: PID, title: null } } }), ((_r, res) => json(res, 200, { event: "query", id: "x", query: {} })) as Handler],
  ] as const)("%s is retried after a 503", async (_n, call, ok) => {
    fresh();
    server.setHandler(flaky(2, ok));
    await call();
    expect(server.seen.length).toBe(3);
  });

  it.each([
    ["project_exec", () => client().call("project_exec", { project_id: PID, command: "date" })],
    ["a write", () => client().call("write_text_file_to_project", { project_id: PID, path: "a", content: "b" })],
    ["a copy", () => client().call("copy_path_between_projects", { src_project_id: PID, src_path: "a", target_project_id: PID })],
    ["a query set", () => client().call("query", { query: { projects: { project_id: PID, title: "t" } } })],
  ] as const)("%s is never repeated", async (_n, call) => {
    fresh();
    server.setHandler(flaky(5, pong));
    await failure(call());
    expect(server.seen.length).toBe(1);
  });
});

describe("connections and proxies", () => {
  it("1,000 sequential pings share at most 2 TCP connections", async () => {
    const own = await startFaultServer(pong);
    transport = new HttpTransport();
    const c = new V1Client({ server: own.url, apiKey: "k", transport });
    for (let i = 0; i < 1000; i++) await c.call("ping", {});
    expect(own.seen.length).toBe(1000);
    expect(own.connections()).toBeLessThanOrEqual(2);
    await own.close();
  });

  it("HTTP_PROXY from the environment is used, and NO_PROXY is honoured", async () => {
    const proxy = await startConnectProxy();
    try {
      transport = new HttpTransport({ env: { HTTP_PROXY: proxy.url } });
      await client().call("ping", {});
      expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`]);
      await transport.close();

      transport = new HttpTransport({ env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" } });
      await client().call("ping", {});
      expect(proxy.tunnels.length).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it("the system's proxy decision (Electron's resolveProxy answer) is handed to undici", async () => {
    const proxy = await startConnectProxy();
    try {
      const asked: string[] = [];
      transport = new HttpTransport({
        resolveProxy: async (url) => {
          asked.push(url);
          return `PROXY ${proxy.url.replace("http://", "")}; DIRECT`;
        },
        env: {},
      });
      await client().call("ping", {});
      expect(asked).toEqual([`${server.url}/api/v1/ping`]);
      expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`]);
      await transport.close();

      transport = new HttpTransport({ resolveProxy: async () => "DIRECT", env: { HTTP_PROXY: proxy.url } });
      await client().call("ping", {});
      expect(proxy.tunnels.length).toBe(1); // DIRECT wins over the environment
    } finally {
      await proxy.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}
