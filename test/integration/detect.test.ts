/**
 * Which API generation a server speaks, found on connect: v1, current, both,
 * cocalc.ai (hosted, Launchpad, Plus), the servers that are not CoCalc at
 * all, redirects (never followed with the key), retired cocalc.com, and keys
 * whose prefix does not fit the server (refused before the key is sent).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { HttpTransport } from "../../electron/services/http/transport.js";
import { decideFamily, detectGeneration } from "../../electron/services/backend/detect.js";
import { AiClient } from "../../electron/services/api/ai-client.js";
import { CurrentClient } from "../../electron/services/api/current-client.js";
import { V1Client } from "../../electron/services/api/v1-client.js";
import { ApiError } from "../../shared/errors.js";
import { selfSignedCert, startFaultServer, type FaultServer } from "../support/fault-server.js";
import { startTestHub, type TestHub } from "../support/hub.js";

const transport = new HttpTransport();
afterAll(() => transport.close());

async function detectFails(server: string, key = "sk_whatever00000000000000"): Promise<ApiError> {
  try {
    await detectGeneration(server, key, transport);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error("detection should have failed");
}

/** A loopback server in front of a hub that forwards every request and keeps what it saw (headers included). */
async function inFrontOf(hub: TestHub): Promise<FaultServer> {
  return startFaultServer(async (req, res) => {
    const { authorization, "content-type": ct } = req.headers;
    const r = await request(`${hub.url}${req.url}`, {
      method: req.method as "GET" | "POST",
      headers: { ...(authorization ? { authorization } : {}), ...(ct ? { "content-type": ct } : {}) },
      body: req.method === "GET" ? undefined : req.body,
    });
    const text = await r.body.text();
    res.writeHead(r.statusCode, { "content-type": String(r.headers["content-type"] ?? "text/plain") });
    res.end(text);
  });
}

/** Requests that carried this key, as Bearer or as the basic-auth user. */
const carrying = (s: FaultServer, key: string) =>
  s.seen.filter((r) => {
    const h = String(r.headers.authorization ?? "");
    return h.includes(key) || (h.startsWith("Basic ") && Buffer.from(h.slice(6), "base64").toString().includes(key));
  }).length;

describe("detectGeneration", () => {
  it.each([
    ["v1", "v1"],
    ["current", "current"],
    ["both", "v1"],
    ["ai", "ai"],
  ] as const)("a hub serving %s is detected as %s", async (api, want) => {
    const hub = await startTestHub({ api });
    try {
      expect(await detectGeneration(hub.url, hub.credentials.api_key, transport)).toBe(want);
    } finally {
      await hub.stop();
    }
  });

  it("CoCalc Launchpad is named, with what its keys cannot do", async () => {
    const hub = await startTestHub({ api: "ai", settings: { aiProduct: "launchpad" } });
    try {
      const e = await detectFails(hub.url, hub.credentials.api_key);
      expect(e.kind).toBe("not-available");
      expect(e.message).toBe(`${hub.url} is CoCalc Launchpad (self-hosted cocalc.ai). Its API keys reach only the two bridges: there is no project list and no account identity over HTTP, so this app cannot work with it.`);
    } finally {
      await hub.stop();
    }
  });

  it("CoCalc Plus is named, with why: it has no API keys", async () => {
    const hub = await startTestHub({ api: "ai", settings: { aiProduct: "plus" } });
    try {
      const e = await detectFails(hub.url, "sk-cc-v2.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
      expect(e.kind).toBe("not-available");
      expect(e.message).toMatch(/is CoCalc Plus, the single-user local edition: it has no API keys/);
    } finally {
      await hub.stop();
    }
  });

  it.each([
    ["a cocalc.ai key for a v1 server", "v1", "sk-cc-v2.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", /is a cocalc\.ai key, but .* is a classic CoCalc server .*The key was not sent\./],
    ["a legacy cocalc.ai key for a current server", "current", "sk-cocalc-v2.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", /is a cocalc\.ai key, but .* is a classic CoCalc server/],
    ["a classic sk- key for cocalc.ai", "ai", "sk-oldintegerid000001", /is cocalc\.ai, whose keys start with sk-cc-v2\.; this key is a classic CoCalc key .*The key was not sent\./],
    ["a classic sk_ key for cocalc.ai", "ai", "sk_legacy-account-key", /is cocalc\.ai, whose keys start with sk-cc-v2\./],
  ] as const)("%s is refused by its prefix before the key is sent", async (_name, api, key, message) => {
    const hub = await startTestHub({ api });
    const front = await inFrontOf(hub);
    try {
      const e = await detectFails(front.url, key);
      expect(e.kind).toBe("auth");
      expect(e.message).toMatch(message);
      expect(front.seen.length).toBeGreaterThan(0); // the keyless probes did go out
      expect(carrying(front, key)).toBe(0);
    } finally {
      await front.close();
      await hub.stop();
    }
  });

  it("a right key does go out, once the prefix fits (the counting above can see it)", async () => {
    const hub = await startTestHub({ api: "ai" });
    const front = await inFrontOf(hub);
    try {
      expect(await detectGeneration(front.url, hub.credentials.api_key, transport)).toBe("ai");
      expect(carrying(front, hub.credentials.api_key)).toBeGreaterThan(0);
    } finally {
      await front.close();
      await hub.stop();
    }
  });

  it("a wrong cocalc.ai key on cocalc.ai is an auth error", async () => {
    const hub = await startTestHub({ api: "ai" });
    try {
      const e = await detectFails(hub.url, "sk-cc-v2.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
      expect(e.kind).toBe("auth");
      expect(e.serverMessage).toBe("must be signed in and MUST provide an api key (cookies are not allowed)");
    } finally {
      await hub.stop();
    }
  });

  it("https://cocalc.com is retired: one message, and no request at all", async () => {
    for (const url of ["https://cocalc.com", "https://cocalc.com/", "https://www.cocalc.com/base"]) {
      const e = await detectFails(url, "sk_whatever00000000000000");
      expect(e.kind).toBe("moved");
      expect(e.message).toBe("cocalc.com was retired in July 2026; create an account and a key at https://cocalc.ai");
    }
  });

  describe("a server that redirects to another origin", () => {
    let target: FaultServer;
    let redirector: FaultServer;
    const key = "sk_redirectedkey000000000000";
    const aiKey = "sk-cc-v2.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    beforeAll(async () => {
      target = await startFaultServer((_r, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"event":"pong","now":"2026-12-01T00:00:00.000Z"}');
      });
      redirector = await startFaultServer((r, res) => {
        res.writeHead(r.url.startsWith("/api/conat") ? 307 : 302, { location: `${target.url}${r.url}` });
        res.end();
      });
    });
    afterAll(async () => {
      await redirector.close();
      await target.close();
    });

    it("detection says where it points, and the key never reaches the target", async () => {
      const e = await detectFails(redirector.url, key);
      expect(e.kind).toBe("moved");
      expect(e.message).toMatch(new RegExp(`redirects the app to ${target.url} \\(HTTP 30[27]\\); the request was not followed, so the API key stayed here`));
      expect(e.hint).toMatch(/add it as a server of its own/);
    });

    it("no client of any generation follows it with the key", async () => {
      const noRetry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
      const before = redirector.seen.length;
      const calls = [
        new V1Client({ server: redirector.url, apiKey: key, transport, retry: noRetry }).call("ping", {}),
        new CurrentClient(redirector.url, key, transport, noRetry).hub("system.ping", []),
        new CurrentClient(redirector.url, key, transport, noRetry).v2("exec", { project_id: "00000000-0000-4000-8000-000000000000", command: "true" }),
        new AiClient(redirector.url, aiKey, transport, noRetry).hub("system.ping", []),
        new AiClient(redirector.url, aiKey, transport, noRetry).v2("projects/get", {}),
      ];
      for (const c of await Promise.allSettled(calls)) {
        expect(c.status).toBe("rejected");
        expect((c as PromiseRejectedResult).reason).toMatchObject({ kind: "moved" });
      }
      expect(redirector.seen.slice(before).filter((r) => r.headers.authorization).length).toBe(calls.length);
      expect(target.seen.filter((r) => r.headers.authorization !== undefined).length).toBe(0);
      expect(target.seen.length).toBe(0);
    });

    it("a redirect to cocalc.ai is the retired-server message", async () => {
      const old = await startFaultServer((r, res) => {
        res.writeHead(301, { location: `https://cocalc.ai${r.url}` });
        res.end();
      });
      try {
        const e = await detectFails(old.url, key);
        expect(e).toMatchObject({ kind: "moved", message: "cocalc.com was retired in July 2026; create an account and a key at https://cocalc.ai" });
        expect(e.hint).toMatch(/sk-cc-v2\./);
      } finally {
        await old.close();
      }
    });
  });

  it.each(["v1", "current"] as const)("a wrong key on a %s server is an auth error, not 'not CoCalc'", async (api) => {
    const hub = await startTestHub({ api });
    try {
      const e = await detectFails(hub.url);
      expect(e.kind).toBe("auth");
    } finally {
      await hub.stop();
    }
  });

  it("a plain web server answering 200 with HTML everywhere", async () => {
    const s = await startFaultServer((_r, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><html><head><title>Welcome to nginx!</title></head><body>hi</body></html>");
    });
    try {
      const e = await detectFails(s.url);
      expect(e.kind).toBe("not-available");
      expect(e.message).toMatch(/not a CoCalc server: .* answers with web pages/);
      expect(e.hint).toMatch(/Check the URL/);
    } finally {
      await s.close();
    }
  });

  it("a server answering 404 to everything", async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not Found");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const e = await detectFails(url);
      expect(e.kind).toBe("not-available");
      expect(e.message).toMatch(/neither \/api\/v1 nor \/api\/conat \(both answer 404\)/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("a TLS error is reported as such", async () => {
    const s = await startFaultServer(() => undefined, selfSignedCert());
    try {
      const e = await detectFails(s.url);
      expect(e.kind).toBe("tls");
      expect(e.hint).toMatch(/CA certificate/);
    } finally {
      await s.close();
    }
  });

  it("nothing listening is a network error", async () => {
    const e = await detectFails("http://127.0.0.1:9");
    expect(e.kind).toBe("network");
  });
});

describe("decideFamily (the keyless probes of facts §4)", () => {
  const aiBoot = { signed_in: false, home_bay_id: "b", client_capabilities: { protocol_version: 1, acp: 1 } };
  it.each([
    ["cocalc.ai bootstrap", { bootstrap: aiBoot }, "ai"],
    ["Plus bootstrap", { bootstrap: { signed_in: true, account_id: "11111111-2222-3333-4444-555555555555" } }, "plus"],
    ["Plus /customize (lite)", { customize: { configuration: { lite: true, site_name: "CoCalc Lite" } } }, "plus"],
    ["cocalc_product in /customize", { customize: { configuration: { cocalc_product: "launchpad", is_launchpad: true } } }, "ai"],
    ["the project bridge's cocalc.ai text", { bridgeError: "must sign in with an account API key" }, "ai"],
    ["the project bridge's classic text", { bridgeError: "must sign in as project or account" }, "classic"],
    ["classic /customize", { customize: { configuration: { site_name: "CoCalc" } } }, "classic"],
    ["nothing", {}, "classic"],
  ] as const)("%s → %s", (_n, clues, want) => {
    expect(decideFamily(clues)).toBe(want);
  });
});
