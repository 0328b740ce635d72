/**
 * In real Chromium: the page gets window.cocalc from the contract, backed by
 * the real router (a kiosk iframe inside it gets nothing done), and the local
 * hub's sign-in page hands an API key to the app by the documented redirect.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installBridge } from "../../electron/dev/chromium-bridge.js";
import { apiKeyFromRedirect, signInUrl } from "../../electron/security/sign-in.js";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import { CHANNELS } from "../../shared/ipc/channels.js";
import { launchChromium } from "../support/browser.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { servePage } from "../support/static-server.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(["v1", "current", "ai"] as const)("the Chromium bridge, on a server speaking %s", (generation) => {
  let app: ComposedApp;
  let page: Awaited<ReturnType<typeof servePage>>;
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ api: generation });
    page = await servePage(`<!doctype html><html><body><iframe id="kiosk" src="${hub.url}/app?fullscreen=kiosk"></iframe></body></html>`);
    const dataDir = mkdtempSync(join(tmpdir(), "bridge-"));
    app = await composeApp({ dataDir, logFile: join(dataDir, "main.log"), version: "0.1.0", platform: "linux", trustedOrigins: [new URL(page.url).origin], secrets: new MemoryStore() });
    await app.services["profiles.add"]({ name: "hub", url: hub.url, api_key: hub.credentials.api_key });
  });
  afterAll(async () => {
    await app?.stop();
    await page?.close();
    await hub?.stop();
  });

  it("gives the top page the contract's API, backed by the router, with typed errors", async () => {
    const p = await browser.newPage();
    try {
      await installBridge(p, app.router);
      await p.goto(page.url);
      const names = await p.evaluate(() => {
        const api = (window as unknown as { cocalc: Record<string, Record<string, unknown>> }).cocalc;
        return Object.entries(api).flatMap(([g, m]) => (g === "on" ? [] : Object.keys(m).map((k) => `${g}.${k}`)));
      });
      expect(names.sort()).toEqual([...CHANNELS].sort());
      const projects = await p.evaluate(() => (window as unknown as { cocalc: { projects: { list: () => Promise<unknown> } } }).cocalc.projects.list());
      expect(projects).toMatchObject({ ok: true, value: { projects: [expect.objectContaining({ title: "Example project" })] } });
      const pid = (projects as { value: { projects: { project_id: string }[] } }).value.projects[0]!.project_id;
      const listing = await p.evaluate((project_id) => (window as unknown as { cocalc: { files: { list: (i: unknown) => Promise<unknown> } } }).cocalc.files.list({ project_id, path: "" }), pid);
      expect(listing).toMatchObject({ ok: true, value: { entries: [{ name: "README.txt" }, { name: "welcome.ipynb" }] } });
      const profiles = await p.evaluate(() => (window as unknown as { cocalc: { profiles: { list: () => Promise<unknown> } } }).cocalc.profiles.list());
      expect(profiles).toMatchObject({ ok: true, value: { profiles: [expect.objectContaining({ generation })] } });
      const bad = await p.evaluate(() => (window as unknown as { cocalc: { projects: { get: (i: unknown) => Promise<unknown> } } }).cocalc.projects.get({ project_id: "nope" }));
      expect(bad).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
    } finally {
      await p.close();
    }
  });

  it("a frame inside the page has no API, and calling the binding from it is refused", async () => {
    const p = await browser.newPage();
    try {
      await installBridge(p, app.router);
      await p.goto(page.url);
      const frame = p.frames().find((f) => f !== p.mainFrame())!;
      await frame.waitForLoadState();
      expect(await frame.evaluate(() => typeof (window as unknown as { cocalc?: unknown }).cocalc)).toBe("undefined");
      const direct = await frame.evaluate(() => (window as unknown as { __cocalcInvoke: (c: string, i: unknown) => Promise<unknown> }).__cocalcInvoke("projects.list", {}));
      expect(direct).toMatchObject({ ok: false, error: { kind: "forbidden" } });
    } finally {
      await p.close();
    }
  });
});

describe("getting a key by signing in", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub?.stop());
  it("the hub's sign-in page redirects to https://authenticated/?api_key=…, which the app catches; the key works", async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    let caught: string | null = null;
    // The shell catches this request (webRequest.onBeforeRequest) and reads the key from its URL; here the
    // request event does the same. The host never resolves (see launchChromium), so nothing leaves the machine.
    p.on("request", (r) => {
      if (r.url().startsWith("https://authenticated/")) caught = r.url();
    });
    try {
      await p.goto(signInUrl(hub.url));
      expect(await p.locator("h1").textContent()).toBe("CoCalc API Key Access for Cocalc-desktop");
      await p.fill("input[name=email]", "admin@localhost");
      await p.fill("input[name=password]", "wrong password");
      await p.click("button[type=submit]");
      expect(await p.locator(".error").textContent()).toMatch(/not right/);
      expect(caught).toBeNull();
      await p.fill("input[name=email]", "admin@localhost");
      await p.fill("input[name=password]", hub.credentials.password);
      await Promise.all([p.waitForEvent("requestfailed"), p.click("button[type=submit]")]);
      const key = apiKeyFromRedirect(caught!);
      expect(key).toMatch(/^sk_[A-Za-z0-9]{24}$/);
      expect((await hub.v1("ping", {}, key)).json.event).toBe("pong");
    } finally {
      await ctx.close();
    }
  });
});
