/**
 * Which API generation a server speaks, found on connect: v1, current, both,
 * and the servers that are not CoCalc at all.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { HttpTransport } from "../../electron/services/http/transport.js";
import { detectGeneration } from "../../electron/services/backend/detect.js";
import { ApiError } from "../../shared/errors.js";
import { selfSignedCert, startFaultServer } from "../support/fault-server.js";
import { startTestHub } from "../support/hub.js";

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

describe("detectGeneration", () => {
  it.each([
    ["v1", "v1"],
    ["current", "current"],
    ["both", "v1"],
  ] as const)("a hub serving %s is detected as %s", async (api, want) => {
    const hub = await startTestHub({ api });
    try {
      expect(await detectGeneration(hub.url, hub.credentials.api_key, transport)).toBe(want);
    } finally {
      await hub.stop();
    }
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
