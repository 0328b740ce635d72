/**
 * The kiosk service and navigation mode against the hub in its realistic
 * default (URL token ignored, SameSite=Strict impersonate cookie, no iframe
 * parent answered): the real router and services, and a Playwright page in
 * its own browser context standing in for the shell's partitioned view.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import type { Channel } from "../../shared/ipc/channels.js";
import type { ChannelInput, ChannelOutput } from "../../shared/ipc/contract.js";
import type { IpcResult } from "../../shared/ipc/api.js";
import { launchChromium } from "../support/browser.js";
import { secondAccount, startTestHub, type TestHub } from "../support/hub.js";
import { pageSurface, type PageSurface } from "../support/kiosk-surface.js";
import type { HubSettings } from "../../hub/context.js";
import { randomBytes } from "node:crypto";
import { kioskHostResponse } from "../../electron/services/kiosk/host-page.js";
import { NavigationController, kioskUrl } from "../../electron/services/kiosk/navigation.js";
import { kioskHostCsp } from "../../electron/security/policies.js";

const APP = { url: "app://cocalc-desktop/index.html", isMainFrame: true };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

interface Session {
  hub: TestHub;
  app: ComposedApp;
  view: PageSurface;
  dataDir: string;
  replies: { channel: string; reply: unknown }[];
  raw<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<IpcResult<ChannelOutput<C>>>;
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  pid: string;
  close(): Promise<void>;
}

async function session(o: { settings?: Partial<HubSettings>; api?: "v1" | "current"; key?: (hub: TestHub) => Promise<string>; tokenLifetimeMs?: number; browser?: Browser } = {}): Promise<Session> {
  const hub = await startTestHub({ api: o.api ?? "v1", settings: o.settings });
  const view = await pageSurface(o.browser ?? browser);
  const dataDir = mkdtempSync(join(tmpdir(), "kiosk-app-"));
  const app = await composeApp({
    dataDir,
    logFile: join(dataDir, "logs", "main.log"),
    version: "0.1.0",
    platform: "linux",
    trustedOrigins: ["app://cocalc-desktop"],
    secrets: new MemoryStore(),
    kioskSurface: async () => view,
    ...(o.tokenLifetimeMs ? { kioskTokenLifetimeMs: () => o.tokenLifetimeMs! } : {}),
  });
  const replies: Session["replies"] = [];
  const raw = async <C extends Channel>(channel: C, input: ChannelInput<C>) => {
    const r = (await app.router.handle(channel, APP, input)) as IpcResult<ChannelOutput<C>>;
    replies.push({ channel, reply: r });
    return r;
  };
  const call = async <C extends Channel>(channel: C, input: ChannelInput<C>) => {
    const r = await raw(channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.kind}: ${r.error.message}`);
    return r.value;
  };
  const key = o.key ? await o.key(hub) : hub.credentials.api_key;
  const p = await call("profiles.add", { name: "Hub", url: hub.url, api_key: key });
  await call("profiles.switch", { id: p.id });
  await call("profiles.test", { id: p.id });
  const pid = (await call("projects.list", {})).projects[0]?.project_id ?? (await call("projects.create", { title: "Mine" })).project_id;
  return {
    hub,
    app,
    view,
    dataDir,
    replies,
    raw,
    call,
    pid,
    close: async () => {
      await app.stop();
      await view.context.close();
      await hub.stop();
    },
  };
}

const text = (s: Session) => s.view.page.locator("#content").textContent({ timeout: 20_000 });

describe("navigation mode, admin key, the hub's realistic default", () => {
  let s: Session;
  beforeAll(async () => {
    s = await session();
  });
  afterAll(() => s?.close());

  it("plans navigation for a v1 server that redeems at /auth/impersonate; no password asked of an admin", async () => {
    const plan = await s.call("kiosk.plan", {});
    expect(plan).toMatchObject({ generation: "v1", sign_in: "impersonate", needs_password: false, recommended: { mode: "navigation" }, banned_for_s: 0 });
  });

  it("opens a file: the token is redeemed in the view's own session first, and never stays in its address", async () => {
    const r = await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "README.txt" });
    expect(r).toEqual({ status: "reply", reply: { status: "done", action: "open", path: "README.txt", project_id: s.pid } });
    await expect.poll(() => text(s), { timeout: 20_000 }).toMatch(/^This is an example project/);
    expect(s.view.getURL()).toBe(`${s.hub.url}/projects/${s.pid}/files/README.txt?fullscreen=kiosk&session=`);
    const cookie = (await s.view.context.cookies()).find((c) => c.name === "remember_me");
    expect(cookie).toMatchObject({ sameSite: "Strict", httpOnly: true });
  });

  it("opens paths with spaces, unicode and '#'", async () => {
    const dir = join(s.hub.hub.runtime.folder(s.pid), "talk notes");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "Grüße #2.md"), "# hash and umlaut\n");
    const r = await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "talk notes/Grüße #2.md" });
    expect(r).toMatchObject({ reply: { status: "done", path: "talk notes/Grüße #2.md" } });
    await expect.poll(() => text(s), { timeout: 20_000 }).toBe("# hash and umlaut\n");
  });

  it("status says connected and lists the open file; closeall leaves a blank page and no open files", async () => {
    const st = await s.call("kiosk.navigate", { action: "status" });
    expect(st).toMatchObject({ reply: { status: "done", connection: { status: "connected" }, open_files: { [s.pid]: ["talk notes/Grüße #2.md"] } } });
    expect(await s.call("kiosk.navigate", { action: "closeall" })).toEqual({ status: "reply", reply: { status: "done", mesg: "all files are closed" } });
    expect(s.view.getURL()).toBe("about:blank");
    expect(await s.call("kiosk.navigate", { action: "status" })).toMatchObject({ reply: { open_files: {} } });
  });
});

describe("the sign-in is judged by the session's cookie, not by where the server's redirect lands", () => {
  it("the hub's impersonate page sends the browser to https://<dns>/app by script, as the real server does", async () => {
    const hub = await startTestHub({ api: "v1", settings: { dns: "cocalc.example.org" } });
    try {
      const token = hub.hub.store.createAuthToken(hub.credentials.account_id, 60_000);
      const r = await fetch(`${hub.url}/auth/impersonate?auth_token=${token}`, { redirect: "manual" });
      expect(r.status).toBe(200);
      expect(r.headers.get("set-cookie")).toMatch(/remember_me=.*SameSite=Strict/i);
      expect(await r.text()).toContain('window.location.href = "https://cocalc.example.org/app"');
    } finally {
      await hub.stop();
    }
  });

  it.each([
    ["no dns setting (the redirect goes to https:///app, an error page)", ""],
    ["a dns setting naming a host this view cannot reach", "cocalc.example.org"],
  ])("signs in and shows the file with %s", async (_what, dns) => {
    const s = await session({ settings: { dns } });
    try {
      const r = await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "README.txt" });
      expect(r).toEqual({ status: "reply", reply: { status: "done", action: "open", path: "README.txt", project_id: s.pid } });
      await expect.poll(() => text(s), { timeout: 20_000 }).toMatch(/^This is an example project/);
      expect(s.view.getURL()).toBe(`${s.hub.url}/projects/${s.pid}/files/README.txt?fullscreen=kiosk&session=`);
    } finally {
      await s.close();
    }
  });

  it("a token the server does not know is a refusal, and the view is left blank with no token in its address", async () => {
    const hub = await startTestHub({ api: "v1" });
    const view = await pageSurface(browser);
    try {
      const nav = new NavigationController(view, { server: hub.url, ping: async () => 1 });
      expect(await nav.redeem("x".repeat(24))).toBe(false);
      expect(view.getURL()).toBe("about:blank");
      expect(await view.cookie(hub.url, "remember_me")).toBeNull();
      const token = hub.hub.store.createAuthToken(hub.credentials.account_id, 60_000);
      expect(await nav.redeem(token)).toBe(true);
      expect(await view.cookie(hub.url, "remember_me")).toMatch(/./);
    } finally {
      await view.context.close();
      await hub.stop();
    }
  });

  it("every path segment is percent-encoded, so '#', '?' and '%' stay in the path", () => {
    expect(kioskUrl("http://h:1/", "p", "a b/#1?x%.md")).toBe("http://h:1/projects/p/files/a%20b/%231%3Fx%25.md?fullscreen=kiosk&session=");
  });
});

describe("sign-in by URL token on a legacy server", () => {
  it("detects that the server has no /auth/impersonate and puts the token in the kiosk URL", async () => {
    const s = await session({ settings: { kioskAuth: "legacy" } });
    try {
      expect((await s.call("kiosk.plan", {})).sign_in).toBe("url");
      const r = await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "README.txt" });
      expect(r).toMatchObject({ reply: { status: "done" } });
      await expect.poll(() => text(s), { timeout: 20_000 }).toMatch(/^This is an example project/);
      expect(s.view.getURL()).toMatch(/\?auth_token=[A-Za-z0-9]{24}&fullscreen=kiosk/);
    } finally {
      await s.close();
    }
  });
});

describe("tokens are renewed", () => {
  const tokens = (s: Session) => s.hub.hub.store.db.all<{ token: string }>("SELECT token FROM auth_tokens").length;

  it("before they expire", async () => {
    // the server keeps tokens 3 s and the app knows it: it renews at half their life
    const s = await session({ settings: { authTokenTtlMs: 3000 }, tokenLifetimeMs: 3000 });
    try {
      await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "README.txt" });
      expect(tokens(s)).toBe(1);
      // nothing shown any more, so nothing is kept signed in: the next open renews on use
      await s.call("kiosk.navigate", { action: "closeall" });
      await new Promise((r) => setTimeout(r, 1600));
      await s.view.context.clearCookies();
      expect(await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "README.txt" })).toMatchObject({ reply: { status: "done" } });
      expect(tokens(s)).toBe(2);
      await expect.poll(() => text(s), { timeout: 20_000 }).toMatch(/^This is an example project/);
    } finally {
      await s.close();
    }
  });

  it("by themselves while a file is shown, so the screen stays signed in", async () => {
    const s = await session({ settings: { authTokenTtlMs: 4000 }, tokenLifetimeMs: 4000 });
    try {
      await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "README.txt" });
      expect(tokens(s)).toBe(1);
      const calls = s.replies.length;
      // no call from the renderer: the service renews at half the token's life and redeems it in the view
      await expect.poll(() => tokens(s), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      expect(s.replies.length).toBe(calls);
      await expect.poll(() => s.view.getURL(), { timeout: 20_000 }).toBe(`${s.hub.url}/projects/${s.pid}/files/README.txt?fullscreen=kiosk&session=`);
      await expect.poll(() => text(s), { timeout: 20_000 }).toMatch(/^This is an example project/);
    } finally {
      await s.close();
    }
  });

  it("when the server refuses one that expired early", async () => {
    // the server keeps tokens 1 s; the app believes 12 h: the refused redemption gets a new token
    const s = await session({ settings: { authTokenTtlMs: 1000 } });
    try {
      await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "README.txt" });
      await new Promise((r) => setTimeout(r, 1300));
      await s.view.context.clearCookies();
      expect(await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "README.txt" })).toMatchObject({ reply: { status: "done" } });
      await expect.poll(() => text(s), { timeout: 20_000 }).toMatch(/^This is an example project/);
      expect(s.view.getURL()).not.toMatch(/auth_token/);
    } finally {
      await s.close();
    }
  });
});

describe.each(["v1", "current"] as const)("a key whose account is not an admin (API %s)", (api) => {
  let s: Session;
  let other: Awaited<ReturnType<typeof secondAccount>>;
  beforeAll(async () => {
    s = await session({
      api,
      key: async (hub) => {
        other = await secondAccount(hub, `kiosk-${api}@example.org`, "their-secret-pw-4711");
        return other.api_key;
      },
    });
  });
  afterAll(() => s?.close());

  it("is asked for the password before any token is requested, so nothing is banned", async () => {
    expect(await s.call("kiosk.plan", {})).toMatchObject({ needs_password: true });
    const r = await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "a.txt" });
    expect(r).toMatchObject({ status: "needs-password", message: expect.stringMatching(/not an admin.*password/) });
    expect(s.hub.hub.authBans.size).toBe(0);
    expect(await s.call("kiosk.open", { project_id: s.pid, path: "a.txt" })).toMatchObject({ status: "needs-password" });
    expect(s.hub.hub.authBans.size).toBe(0);
  });

  it("a wrong password becomes the server's ban as a countdown, and the app does not ask again during it", async () => {
    const r = await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "a.txt", password: "wrong-pw" });
    const seconds = api === "v1" ? 60 : 30;
    expect(r).toEqual({ status: "banned", retry_after_s: seconds, message: `The password was not right. The server now refuses new tries for ${seconds} s.` });
    const until = [...s.hub.hub.authBans.values()][0]!;
    const again = await s.call("kiosk.open", { project_id: s.pid, path: "a.txt", password: other.password });
    expect(again).toMatchObject({ status: "banned", message: expect.stringMatching(/refuses new sign-in tries for \d+ s/) });
    expect((again as { retry_after_s: number }).retry_after_s).toBeLessThanOrEqual(seconds);
    expect([...s.hub.hub.authBans.values()][0]).toBe(until);
    expect((await s.call("kiosk.plan", {})).banned_for_s).toBeGreaterThan(0);
  });

  it("the password and the tokens appear in no log, no file, and no IPC reply but kiosk.open's", async () => {
    // after the ban: the right password (the hub's ban is lifted, as its time would)
    s.hub.hub.authBans.clear();
    (s.app.kiosk as unknown as { bans: Map<string, number> }).bans.clear();
    const r = await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "README.txt", password: other.password });
    expect(r).toMatchObject({ status: "reply" });
    const opened = await s.call("kiosk.open", { project_id: s.pid, path: "README.txt" });
    expect(opened).toMatchObject({ status: "ready" });
    s.app.log.info(`a line to be sure the log exists; kiosk sign-in for ${other.email}`);
    const tokens = s.hub.hub.store.db.all<{ token: string }>("SELECT token FROM auth_tokens").map((t) => t.token);
    expect(tokens.length).toBeGreaterThan(0);
    const secrets = [other.password, "wrong-pw", ...tokens];
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const f = join(d, n);
        if (statSync(f).isDirectory()) walk(f);
        else files.push(f);
      }
    };
    walk(s.dataDir);
    expect(files.some((f) => f.endsWith("main.log"))).toBe(true);
    for (const f of files) {
      const body = readFileSync(f, "utf8");
      for (const x of secrets) expect(body.includes(x), `${x.slice(0, 3)}… in ${f}`).toBe(false);
    }
    for (const { channel, reply } of s.replies) {
      const body = JSON.stringify(reply);
      for (const x of secrets) {
        if (channel === "kiosk.open" && tokens.includes(x)) continue;
        expect(body.includes(x), `${x.slice(0, 3)}… in the reply of ${channel}`).toBe(false);
      }
    }
    // the one reply that needs a token has it
    expect(tokens.some((t) => JSON.stringify(opened).includes(t))).toBe(true);
  });
});

describe("protocol mode from an embedding origin the server's admin listed", () => {
  // Both are on the public internet in real use; here the server is on loopback, and Chromium's
  // local-network checks would keep a public origin from framing it, so a browser without them stands in.
  let open: Browser;
  beforeAll(async () => {
    open = await launchChromium(["--disable-features=PrivateNetworkAccessForNavigations,PrivateNetworkAccessForIframes,BlockInsecurePrivateNetworkRequests,LocalNetworkAccessChecks"]);
  });
  afterAll(() => open?.close());

  it("loads the host page on that origin in the view, and drives the server's frame through it", async () => {
    // The hub's realistic origin rules with https://kiosk.example.org listed. A loopback hub cannot share a
    // site with that origin, so the frame signs in by its URL token (--kiosk-auth legacy) instead of a cookie.
    const s = await session({ settings: { iframeCommHosts: ["kiosk.example.org"], kioskAuth: "legacy" }, browser: open });
    try {
      // Playwright's routing stands in for the shell's protocol handling in the kiosk session: the same response.
      await s.view.context.route("https://kiosk.example.org/**", (route) => {
        const nonce = randomBytes(18).toString("base64");
        const r = kioskHostResponse(route.request().url(), new URL(s.hub.url).origin, nonce, kioskHostCsp(new URL(s.hub.url).origin, nonce));
        void route.fulfill({ status: r.status, headers: r.headers, body: r.body });
      });
      expect(await s.call("kiosk.configure", { embedding_origin: "https://kiosk.example.org" })).toEqual({ ok: true });
      expect(await s.call("kiosk.plan", {})).toMatchObject({ embedding_origin: "https://kiosk.example.org", recommended: { mode: "protocol" } });
      const r = await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "welcome.ipynb", mode: "protocol" });
      expect(r).toEqual({ status: "reply", reply: { status: "done", action: "open", path: "welcome.ipynb", project_id: s.pid } });
      expect(new URL(s.view.getURL()).origin).toBe("https://kiosk.example.org");
      const frame = s.view.page.frameLocator("#k");
      await expect.poll(() => frame.locator("section.markdown h1").textContent({ timeout: 1000 }).catch(() => null), { timeout: 20_000 }).toBe("Welcome to CoCalc Desktop");
      const st = await s.call("kiosk.navigate", { action: "status", mode: "protocol" });
      expect(st).toMatchObject({ reply: { status: "done", open_files: { [s.pid]: expect.arrayContaining(["welcome.ipynb"]) } } });
      expect(await s.call("kiosk.navigate", { action: "closeall", mode: "protocol" })).toEqual({ status: "reply", reply: { status: "done", mesg: "all files are closed" } });
    } finally {
      await s.close();
    }
  });

  it("says so when the server does not answer that origin", async () => {
    const s = await session({ settings: { iframeCommHosts: ["other.example.org"], kioskAuth: "legacy" }, browser: open });
    try {
      await s.view.context.route("https://kiosk.example.org/**", (route) => {
        const nonce = randomBytes(18).toString("base64");
        const r = kioskHostResponse(route.request().url(), new URL(s.hub.url).origin, nonce, kioskHostCsp(new URL(s.hub.url).origin, nonce));
        void route.fulfill({ status: r.status, headers: r.headers, body: r.body });
      });
      await s.call("kiosk.configure", { embedding_origin: "https://kiosk.example.org" });
      const r = await s.call("kiosk.navigate", { action: "open", project_id: s.pid, path: "welcome.ipynb", mode: "protocol" });
      expect(r).toEqual({ status: "reply", reply: { status: "error", mesg: "The server's kiosk page did not answer commands from https://kiosk.example.org; its admin must list that origin in iframe_comm_hosts." } });
    } finally {
      await s.close();
    }
  });
});
