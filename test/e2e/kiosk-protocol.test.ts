/**
 * The hub's kiosk page and iframe protocol in real Chromium: a parent page on
 * another loopback origin embeds /app?auth_token=…&fullscreen=kiosk, sends
 * each command and gets the documented replies; a parent whose origin is not
 * allowed gets nothing done. The hub runs in its realistic default (URL token
 * ignored, https parents from iframe_comm_hosts only) except where a test is
 * about the kinder behaviour and says so.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { newProject, secondAccount, startTestHub, type TestHub } from "../support/hub.js";
import { servePage } from "../support/static-server.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

function parentHtml(hubOrigin: string, src: string): string {
  return `<!doctype html><html><body>
<iframe id="f" src="${src}" style="width:900px;height:600px"></iframe>
<script>
  window.got = [];
  window.addEventListener("message", (e) => { window.got.push({ origin: e.origin, data: e.data }); });
  window.send = (m) => document.getElementById("f").contentWindow.postMessage(m, ${JSON.stringify(hubOrigin)});
</script></body></html>`;
}

async function replies(page: Page, n: number): Promise<{ origin: string; data: Record<string, unknown> }[]> {
  await page.waitForFunction((k) => (window as unknown as { got: unknown[] }).got.length >= k, n, { timeout: 30_000 });
  return page.evaluate(() => (window as unknown as { got: { origin: string; data: Record<string, unknown> }[] }).got.splice(0));
}

async function token(hub: TestHub, account_id = hub.credentials.account_id): Promise<string> {
  return String((await hub.v1("user_auth", { account_id, password: "" })).json.auth_token);
}

async function exampleProject(hub: TestHub): Promise<string> {
  const rows = (await hub.v1("query", { query: { projects_all: [{ project_id: null, title: "Example project" }] } })).json.query as { projects_all: { project_id: string }[] };
  return rows.projects_all[0]!.project_id;
}

describe("iframe protocol from an allowed parent", () => {
  let hub: TestHub;
  let page: Page;
  let parent: Awaited<ReturnType<typeof servePage>>;
  let pid: string;
  beforeAll(async () => {
    // about the protocol itself: loopback parents answered, the URL token signs in
    hub = await startTestHub({ settings: { iframeStrict: false, kioskAuth: "legacy" } });
    pid = await exampleProject(hub);
    parent = await servePage(parentHtml(hub.url, `${hub.url}/app?auth_token=${await token(hub)}&fullscreen=kiosk&session=`));
    page = await browser.newPage();
    await page.goto(parent.url);
    await page.frameLocator("#f").locator("#banner.ready").waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await page?.close();
    await parent?.close();
    await hub?.stop();
  });
  const frame = () => page.frameLocator("#f");

  it("shows the ready banner once signed in with the token", async () => {
    expect(await frame().locator("#banner").textContent()).toBe("CoCalc is ready");
  });

  it("status answers done with the connection and no open files", async () => {
    await page.evaluate(() => (window as unknown as { send: (m: unknown) => void }).send({ action: "status" }));
    const [r] = await replies(page, 1);
    expect(r!.origin).toBe(hub.url);
    expect(r!.data).toMatchObject({ status: "done", connection: { quality: "good", status: "connected" }, open_files: {} });
  });

  it("open answers ack then done, and shows the notebook with rendered markdown and highlighted code", async () => {
    await page.evaluate((p) => (window as unknown as { send: (m: unknown) => void }).send({ action: "open", project_id: p, path: "welcome.ipynb" }), pid);
    const rs = await replies(page, 2);
    expect(rs.map((r) => r.data)).toEqual([
      { status: "ack", action: "open", path: "welcome.ipynb", project_id: pid },
      { status: "done", action: "open", path: "welcome.ipynb", project_id: pid },
    ]);
    await expect.poll(() => frame().locator("section.markdown h1").textContent()).toBe("Welcome to CoCalc Desktop");
    expect(await frame().locator("section.markdown strong").textContent()).toBe("this computer");
    expect(await frame().locator("pre.input .hljs-keyword").first().textContent()).toBe("for");
    expect(await frame().locator("pre.output.result").first().textContent()).toBe("[0, 1, 4, 9, 16, 25]");
    expect(await frame().locator("pre.output.stdout").textContent()).toBe("hello from the kiosk view\n");
    await page.evaluate(() => (window as unknown as { send: (m: unknown) => void }).send({ action: "status" }));
    expect((await replies(page, 1))[0]!.data.open_files).toEqual({ [pid]: ["welcome.ipynb"] });
  });

  it("a text file is shown as text, escaped", async () => {
    writeFileSync(join(hub.hub.runtime.folder(pid), "note.txt"), "<b>not bold</b>\nline 2\n");
    await page.evaluate((p) => (window as unknown as { send: (m: unknown) => void }).send({ action: "open", project_id: p, path: "note.txt" }), pid);
    await replies(page, 2);
    expect(await frame().locator("article.text pre").textContent()).toBe("<b>not bold</b>\nline 2\n");
    expect(await frame().locator("article.text b").count()).toBe(0);
  });

  it.each([
    [{ action: "open", project_id: "x", path: "a" }, { status: "error", mesg: "invalid project_id='x'" }],
    [{ action: "open", project_id: "0eea4501-9d44-4973-a871-9a4ddf6f6c9f", path: 7 }, { status: "error", mesg: "invalid path, it must be a string" }],
    [{ action: "nope" }, { status: "error", mesg: "Unknown action 'nope'" }],
    [null, { status: "error", mesg: 'There is no payload "data"' }],
    ["a string", { status: "error", mesg: 'The payload "data" must be an object' }],
    [{ action: "open", project_id: "0eea4501-9d44-4973-a871-9a4ddf6f6c9f", path: "a" }, { status: "error", mesg: "problem opening project 0eea4501-9d44-4973-a871-9a4ddf6f6c9f" }],
  ] as const)("%j → %j", async (msg, want) => {
    await page.evaluate((m) => (window as unknown as { send: (m: unknown) => void }).send(m), msg as unknown);
    expect((await replies(page, 1))[0]!.data).toEqual(want);
  });

  it("open of a missing file answers ack, then an error naming the file", async () => {
    await page.evaluate((p) => (window as unknown as { send: (m: unknown) => void }).send({ action: "open", project_id: p, path: "missing.txt" }), pid);
    const rs = await replies(page, 2);
    expect(rs[0]!.data.status).toBe("ack");
    expect(rs[1]!.data).toMatchObject({ status: "error", action: "open", path: "missing.txt", project_id: pid, mesg: "missing.txt does not exist" });
  });

  it("closeall closes every file", async () => {
    await page.evaluate(() => (window as unknown as { send: (m: unknown) => void }).send({ action: "closeall" }));
    expect((await replies(page, 1))[0]!.data).toEqual({ status: "done", mesg: "all files are closed" });
    expect(await frame().locator("#content").innerHTML()).toBe("");
    await page.evaluate(() => (window as unknown as { send: (m: unknown) => void }).send({ action: "status" }));
    expect((await replies(page, 1))[0]!.data.open_files).toEqual({});
  });
});

describe("a parent on an origin that is not allowed", () => {
  it("gets no reply and opens nothing (the default: the real server's rules, no loopback)", async () => {
    const hub = await startTestHub({ settings: { iframeCommHosts: ["example.com"], kioskAuth: "legacy" } });
    const pid = await exampleProject(hub);
    const parent = await servePage(parentHtml(hub.url, `${hub.url}/app?auth_token=${await token(hub)}&fullscreen=kiosk`));
    const page = await browser.newPage();
    try {
      await page.goto(parent.url);
      await page.frameLocator("#f").locator("#banner.ready").waitFor();
      await page.evaluate((p) => {
        const w = window as unknown as { send: (m: unknown) => void };
        w.send({ action: "status" });
        w.send({ action: "open", project_id: p, path: "welcome.ipynb" });
        w.send({ action: "nope" });
      }, pid);
      // Nothing comes back; give the page ample time to have answered if it were going to.
      await page.waitForTimeout(1500);
      expect(await page.evaluate(() => (window as unknown as { got: unknown[] }).got)).toEqual([]);
      expect(await page.frameLocator("#f").locator("#content").innerHTML()).toBe("");
    } finally {
      await page.close();
      await parent.close();
      await hub.stop();
    }
  });
});

describe("sign-in forms of the kiosk URL", () => {
  it("legacy servers: /projects/<id>/files/<path>?auth_token=…&fullscreen=kiosk shows the file alone", async () => {
    const hub = await startTestHub({ settings: { kioskAuth: "legacy" } });
    const page = await browser.newPage();
    try {
      const pid = await exampleProject(hub);
      await page.goto(`${hub.url}/projects/${pid}/files/README.txt?auth_token=${await token(hub)}&fullscreen=kiosk&session=`);
      await expect.poll(() => page.locator("article.text pre").textContent()).toMatch(/^This is an example project/);
    } finally {
      await page.close();
      await hub.stop();
    }
  });

  it("a token signs in only the account it was made for", async () => {
    const hub = await startTestHub({ settings: { kioskAuth: "legacy" } });
    const page = await browser.newPage();
    try {
      const other = await secondAccount(hub);
      const theirs = await newProject(hub, "theirs", other.api_key);
      const pid = await exampleProject(hub); // the admin's
      const t = await token(hub, other.account_id);
      await page.goto(`${hub.url}/projects/${theirs}/files/x?auth_token=${t}&fullscreen=kiosk`);
      await page.locator("#banner.ready").waitFor();
      // signed in as the other account: the admin's project is not theirs to see
      const res = await page.evaluate(async (p) => (await fetch(`/kiosk/file?project_id=${p}&path=README.txt`, { credentials: "same-origin" })).status, pid);
      expect(res).toBe(403);
    } finally {
      await page.close();
      await hub.stop();
    }
  });

  it("by default (as modern servers) the token in the URL is ignored; /auth/impersonate redeems it into a session", async () => {
    const hub = await startTestHub();
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    try {
      const pid = await exampleProject(hub);
      const t = await token(hub);
      await page.goto(`${hub.url}/projects/${pid}/files/README.txt?auth_token=${t}&fullscreen=kiosk`);
      await page.locator("#banner.signed-out").waitFor();
      expect(await page.locator("#content").innerHTML()).toBe("");

      // the page then sends the browser to https://<dns>/app by script, nowhere useful without dns (as a real server):
      // the session's cookie is what tells that the sign-in worked
      await page.goto(`${hub.url}/auth/impersonate?auth_token=${t}`);
      await expect.poll(async () => (await ctx.cookies()).find((c) => c.name === "remember_me")).toMatchObject({ httpOnly: true, sameSite: "Strict" });
      await page.goto(`${hub.url}/projects/${pid}/files/README.txt?fullscreen=kiosk`);
      await expect.poll(() => page.locator("article.text pre").textContent()).toMatch(/^This is an example project/);

      const bad = await page.goto(`${hub.url}/auth/impersonate?auth_token=nope`);
      expect(await bad!.text()).toBe("ERROR: impersonate error -- unknown or expired token: 'nope'");
    } finally {
      await ctx.close();
      await hub.stop();
    }
  });

  it("legacy servers have no /auth/impersonate", async () => {
    const hub = await startTestHub({ settings: { kioskAuth: "legacy" } });
    try {
      const { request } = await import("undici");
      const res = await request(`${hub.url}/auth/impersonate?auth_token=${await token(hub)}`);
      expect(res.statusCode).toBe(404);
      await res.body.dump();
    } finally {
      await hub.stop();
    }
  });
});
