/**
 * The protocol client of shared/kiosk/protocol.ts, bundled as it is, in a
 * parent page in real Chromium, driving the hub's kiosk page in a frame:
 * every command and reply, replies matched to commands, a command queued
 * until the frame is ready, an unknown action's error, and messages from a
 * foreign origin or a foreign frame ignored. The hub answers loopback
 * parents here (--iframe-loopback) and signs the frame in by its URL token
 * (--kiosk-auth legacy): the kinder behaviours this is about.
 */
import { join } from "node:path";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { servePage } from "../support/static-server.js";

const ROOT = join(import.meta.dirname, "..", "..");
let browser: Browser;
let hub: TestHub;
let pid: string;
let clientJs: string;
let token: string;
const servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  hub = await startTestHub({ settings: { iframeStrict: false, kioskAuth: "legacy" } });
  token = String((await hub.v1("user_auth", { account_id: hub.credentials.account_id, password: "" })).json.auth_token);
  const rows = (await hub.v1("query", { query: { projects_all: [{ project_id: null }] } })).json.query as { projects_all: { project_id: string }[] };
  pid = rows.projects_all[0]!.project_id;
  const out = await build({
    stdin: { contents: `export { KioskProtocolClient } from "./shared/kiosk/protocol.ts";`, resolveDir: ROOT, loader: "ts" },
    bundle: true,
    format: "iife",
    globalName: "Kiosk",
    write: false,
    platform: "browser",
  });
  clientJs = out.outputFiles[0]!.text;
}, 60_000);
afterAll(async () => {
  for (const s of servers) await s.close();
  await browser?.close();
  await hub?.stop();
});

/** A parent page with the client, the kiosk frame, and an impostor frame on another origin. */
async function parent(impostorUrl: string): Promise<Page> {
  const html = `<!doctype html><html><body>
<iframe id="k" src="${hub.url}/projects/${pid}/files/README.txt?auth_token=${token}&fullscreen=kiosk"></iframe>
<iframe id="other" src="${hub.url}/app?fullscreen=kiosk"></iframe>
<iframe id="impostor" src="${impostorUrl}"></iframe>
<script>${clientJs}</script>
<script>
  window.log = [];
  const frame = document.getElementById("k");
  window.client = new Kiosk.KioskProtocolClient({ origin: ${JSON.stringify(hub.url)}, target: () => frame.contentWindow, timeoutMs: { open: 10000, other: 3000 }, onReply: (r) => window.log.push(r) });
  window.taken = [];
  const other = document.getElementById("other");
  window.addEventListener("message", (e) => {
    const from = e.source === frame.contentWindow ? "kiosk" : e.source === other.contentWindow ? "other" : "foreign";
    window.taken.push({ from, ok: window.client.handleMessage(e) });
  });
  window.run = (req) => window.client.command(req).then((r) => ({ ok: r }), (e) => ({ err: e.kind + ": " + e.message }));
</script></body></html>`;
  const s = await servePage(html, "127.0.0.1");
  servers.push(s);
  const page = await browser.newPage();
  await page.goto(s.url);
  return page;
}

type W = { client: { probe(ms: number): Promise<boolean>; isReady: boolean }; run(r: unknown): Promise<{ ok?: Record<string, unknown>; err?: string }>; log: unknown[]; taken: { from: string; ok: boolean }[] };

describe("the protocol client against the hub's kiosk page", () => {
  let page: Page;
  beforeAll(async () => {
    // the impostor: a page on another origin that answers anything with a convincing reply
    const impostor = await servePage(`<!doctype html><script>
      window.addEventListener("message", (e) => e.source.postMessage({ status: "done", mesg: "all files are closed" }, "*"));
      parent.postMessage({ status: "done", connection: { quality: "good" }, open_files: { fake: ["x"] } }, "*");
      setInterval(() => parent.postMessage({ status: "error", mesg: "from the impostor" }, "*"), 100);
    </script>`);
    servers.push(impostor);
    page = await parent(impostor.url);
  }, 60_000);
  afterAll(() => page?.close());

  it("queues a command sent before the frame is ready, and sends it once the frame answered", async () => {
    const pending = page.evaluate(() => (window as unknown as W).run({ action: "status" }));
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as W).client.isReady)).toBe(false);
    expect(await page.evaluate(() => (window as unknown as W).client.probe(20_000))).toBe(true);
    const r = await pending;
    expect(r.ok).toMatchObject({ status: "done", connection: { status: "connected" } });
    // the page lists the file it shows once it has opened it: on a loaded machine that may come after the first status
    await expect
      .poll(async () => (await page.evaluate(() => (window as unknown as W).run({ action: "status" }))).ok)
      .toMatchObject({ status: "done", open_files: { [pid]: ["README.txt"] } });
  });

  it("open: the ack and the done are matched to it, in order", async () => {
    await page.evaluate(() => ((window as unknown as W).log.length = 0));
    const r = await page.evaluate((p) => (window as unknown as W).run({ action: "open", project_id: p, path: "welcome.ipynb" }), pid);
    expect(r.ok).toEqual({ status: "done", action: "open", path: "welcome.ipynb", project_id: pid });
    expect(await page.evaluate(() => (window as unknown as W).log)).toEqual([
      { status: "ack", action: "open", path: "welcome.ipynb", project_id: pid },
      { status: "done", action: "open", path: "welcome.ipynb", project_id: pid },
    ]);
  });

  it("several commands at once each get their own reply", async () => {
    const rs = await page.evaluate((p) => {
      const w = window as unknown as W;
      return Promise.all([
        w.run({ action: "open", project_id: p, path: "README.txt" }),
        w.run({ action: "status" }),
        w.run({ action: "open", project_id: p, path: "missing.txt" }),
        w.run({ action: "closeall" }),
        w.run({ action: "status" }),
      ]);
    }, pid);
    expect(rs[0]!.ok).toMatchObject({ status: "done", path: "README.txt" });
    expect(rs[1]!.ok).toMatchObject({ status: "done", open_files: { [pid]: expect.arrayContaining(["README.txt"]) } });
    expect(rs[2]!.ok).toMatchObject({ status: "error", path: "missing.txt", mesg: "missing.txt does not exist" });
    expect(rs[3]!.ok).toEqual({ status: "done", mesg: "all files are closed" });
    expect(rs[4]!.ok).toMatchObject({ status: "done", open_files: {} });
  });

  it("an unknown action's error reaches the caller", async () => {
    expect((await page.evaluate(() => (window as unknown as W).run({ action: "nope" }))).ok).toEqual({ status: "error", mesg: "Unknown action 'nope'" });
    expect((await page.evaluate(() => (window as unknown as W).run({ action: "open", project_id: "0eea4501-9d44-4973-a871-9a4ddf6f6c9f", path: "a" }))).ok).toEqual({
      status: "error",
      mesg: "problem opening project 0eea4501-9d44-4973-a871-9a4ddf6f6c9f",
    });
  });

  it("ignores messages from a foreign origin and from another frame of the server's origin", async () => {
    await page.evaluate(() => ((window as unknown as W).taken.length = 0));
    // while a status is in flight, the hub's second frame answers a status of its own, and the impostor keeps posting
    const r = await page.evaluate((origin) => {
      const w = window as unknown as W;
      const pending = w.run({ action: "status" });
      (document.getElementById("other") as HTMLIFrameElement).contentWindow!.postMessage({ action: "status" }, origin);
      return pending;
    }, hub.url);
    expect(r.ok).toMatchObject({ status: "done" });
    await expect.poll(() => page.evaluate(() => (window as unknown as W).taken.filter((t) => t.from === "other").length), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.evaluate(() => (window as unknown as W).taken.filter((t) => t.from === "foreign").length), { timeout: 20_000 }).toBeGreaterThan(3);
    const taken = await page.evaluate(() => (window as unknown as W).taken);
    expect(taken.filter((t) => t.from !== "kiosk" && t.ok)).toEqual([]);
    expect(taken.filter((t) => t.from === "kiosk" && t.ok).length).toBe(1);
  });

  it("a command the frame never answers times out and the next one still goes through", async () => {
    // the hub's page answers every action, so stop it answering: load a plain page in the frame
    await page.evaluate((u) => ((document.getElementById("k") as HTMLIFrameElement).src = u), `${hub.url}/kiosk/ping`);
    await page.waitForTimeout(500);
    const r = await page.evaluate(() => (window as unknown as W).run({ action: "status" }));
    expect(r.err).toMatch(/^timeout: The server's kiosk page did not answer 'status' within 3 s/);
    await page.evaluate((u) => ((document.getElementById("k") as HTMLIFrameElement).src = u), `${hub.url}/app?auth_token=${token}&fullscreen=kiosk`);
    await expect
      .poll(async () => (await page.evaluate(() => (window as unknown as W).run({ action: "status" }))).ok?.status, { timeout: 20_000 })
      .toBe("done");
  });
});

describe("a frame that never answers (the hub's realistic default)", () => {
  it("is reported as not answering within the deadline", async () => {
    const strict = await startTestHub();
    const page = await browser.newPage();
    try {
      const html = `<!doctype html><iframe id="k" src="${strict.url}/app?fullscreen=kiosk"></iframe><script>${clientJs}</script><script>
        const f = document.getElementById("k");
        window.client = new Kiosk.KioskProtocolClient({ origin: ${JSON.stringify(strict.url)}, target: () => f.contentWindow });
        window.addEventListener("message", (e) => window.client.handleMessage(e));
      </script>`;
      const s = await servePage(html, "127.0.0.1");
      servers.push(s);
      await page.goto(s.url);
      const t0 = Date.now();
      expect(await page.evaluate(() => (window as unknown as W).client.probe(2500))).toBe(false);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2400);
    } finally {
      await page.close();
      await strict.stop();
    }
  });
});
