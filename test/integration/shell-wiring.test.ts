/**
 * electron/main.ts loaded with a stand-in `electron` module (the one test
 * double the project allows, and only here): it registers exactly the
 * contract's channels, makes windows with the secure settings, installs the
 * navigation, window-open and permission guards, serves the renderer with
 * its CSP, and starts the embedded hub as the default server. It is started
 * with the kiosk flags, and makes the kiosk view: its own session, held to
 * the server's origin, the host page on a profile's embedding origin.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CHANNELS, IPC_PREFIX } from "../../shared/ipc/channels.js";
import { rec, waitForForks } from "../support/electron-standin.js";
import { waitUntil } from "../support/wait.js";

vi.mock("electron", async () => (await import("../support/electron-standin.js")).standIn);

const LAUNCH_PROJECT = "0eea4501-9d44-4973-a871-9a4ddf6f6c9f";

beforeAll(async () => {
  rec.userData = mkdtempSync(join(tmpdir(), "shell-"));
  // started as `npm start -- --kiosk …` passes them (Chromium's own switches mixed in)
  process.argv.push("--no-sandbox", "--kiosk", "--profile", "This computer", "--project", LAUNCH_PROJECT, "--path", "talks/a b #1.ipynb");
  await import("../../electron/main.js");
  // start() runs after whenReady(); wait until the window exists
  await waitUntil("the main window", () => rec.windows.length > 0, { timeout: 50_000 });
}, 60_000);

afterAll(async () => {
  process.argv.splice(process.argv.indexOf("--no-sandbox"), 9);
  const quit = rec.appEvents.get("will-quit");
  quit?.({ preventDefault: () => undefined });
  await waitForForks();
});

const appFrame = { senderFrame: { url: "app://cocalc-desktop/index.html", parent: null } };

describe("electron/main.ts wiring", () => {
  it("registers the app:// scheme as standard and secure before ready, and takes the single-instance lock", () => {
    expect(rec.schemes).toEqual([{ scheme: "app", privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(rec.singleInstance).toBe(1);
  });

  it("registers exactly the contract's channels", () => {
    expect([...rec.ipc.keys()].sort()).toEqual(CHANNELS.map((c) => `${IPC_PREFIX}${c}`).sort());
  });

  it("creates the main window sandboxed, context-isolated, without Node, with the bundled preload, on app://", () => {
    const w = rec.windows[0]!;
    expect(w.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: expect.stringMatching(/preload[/\\]preload\.cjs$/),
    });
    expect(w.loaded).toEqual(["app://cocalc-desktop/index.html"]);
  });

  it("denies navigation away and new windows, sending web links to the system browser", () => {
    const created = rec.appEvents.get("web-contents-created")!;
    const handlers = new Map<string, (...a: unknown[]) => unknown>();
    created({}, { on: (e: string, f: (...a: unknown[]) => unknown) => handlers.set(e, f), setWindowOpenHandler: (f: (...a: unknown[]) => unknown) => handlers.set("open", f) });
    const nav = (url: string) => {
      let prevented = false;
      handlers.get("will-navigate")!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(nav("app://cocalc-desktop/other.html")).toBe(false);
    expect(nav("https://cocalc.com/")).toBe(true);
    expect(nav("file:///etc/passwd")).toBe(true);
    expect(rec.opened).toEqual(["https://cocalc.com/"]);
    expect(handlers.get("open")!({ url: "https://example.org/" })).toEqual({ action: "deny" });
    expect(handlers.get("open")!({ url: "file:///x" })).toEqual({ action: "deny" });
    expect(rec.opened).toEqual(["https://cocalc.com/", "https://example.org/"]);
    let attached = true;
    handlers.get("will-attach-webview")!({ preventDefault: () => (attached = false) });
    expect(attached).toBe(false);
  });

  it("denies permission requests by default", () => {
    const answers: boolean[] = [];
    for (const p of ["media", "geolocation", "notifications"]) rec.permissionRequest!({}, p, (ok) => answers.push(ok), { requestingUrl: "app://cocalc-desktop/index.html" });
    expect(answers).toEqual([false, false, false]);
    expect(rec.permissionCheck!({}, "media", "https://cocalc.com")).toBe(false);
  });

  it("serves the renderer from app:// with a strict CSP, and nothing outside it", async () => {
    const handle = rec.protocolHandlers.get("app")!;
    const ok = await handle(new Request("app://cocalc-desktop/index.html"));
    expect(ok.headers.get("content-security-policy")).toMatch(/default-src 'self'; script-src 'self';.*frame-src http:\/\/127\.0\.0\.1:\d+/);
    expect(rec.fetched.at(-1)).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    expect((await handle(new Request("app://elsewhere/index.html"))).status).toBe(404);
  });

  it("starts the local hub on a free loopback port and adds it as 'This computer', whose projects answer", async () => {
    expect(rec.forks.length).toBe(1);
    expect(rec.forks[0]!.args).toEqual(["--port", "0", "--data", join(rec.userData, "hub")]);
    const ipc = (c: string, payload: unknown, event: unknown = appFrame) => rec.ipc.get(`${IPC_PREFIX}${c}`)!(event, payload) as Promise<{ ok: boolean; value?: Record<string, never[]>; error?: unknown }>;
    const list = await ipc("profiles.list", {});
    expect(list.value!.profiles).toEqual([expect.objectContaining({ name: "This computer", embedded: true, has_key: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) })]);
    const projects = await ipc("projects.list", {});
    expect((projects.value!.projects as { title: string }[]).map((p) => p.title)).toEqual(["Example project"]);
    // the same channel from a subframe (the kiosk iframe) is refused
    const refused = await ipc("projects.list", {}, { senderFrame: { url: "app://cocalc-desktop/index.html", parent: {} } });
    expect(refused).toMatchObject({ ok: false, error: { kind: "forbidden" } });
  });

  it("gets a key by signing in: a separate sandboxed window with its own session; the redirect is caught and cancelled", async () => {
    const ipc = (c: string, payload: unknown) => rec.ipc.get(`${IPC_PREFIX}${c}`)!(appFrame, payload) as Promise<{ ok: boolean; value?: { name: string; has_key: boolean }; error?: unknown }>;
    const before = rec.windows.length;
    const pending = ipc("profiles.signIn", { name: "Signed in", url: "http://127.0.0.1:9" });
    await waitUntil("the sign-in window", () => rec.windows.length > before, { interval: 20 });
    const w = rec.windows.at(-1)!;
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, partition: expect.stringMatching(/^signin-/) });
    expect(w.options.webPreferences).not.toHaveProperty("preload");
    expect(rec.partitions.at(-1)).toBe((w.options.webPreferences as { partition: string }).partition);
    expect(w.loaded).toEqual(["http://127.0.0.1:9/app?get_api_key=cocalc-desktop"]);
    const hook = rec.beforeRequest.at(-1)!;
    expect(hook.filter).toEqual({ urls: ["https://authenticated/*"] });
    let answer: unknown;
    hook.handler({ url: "https://authenticated/?api_key=sk_signedinkey0000000000" }, (r) => (answer = r));
    expect(answer).toEqual({ cancel: true });
    const added = await pending;
    expect(added).toMatchObject({ ok: true, value: { name: "Signed in", has_key: true } });
  });

  it("answers the folder and file choosers with the system's own dialog over the main window", async () => {
    const ipc = (c: string, payload: unknown) => rec.ipc.get(`${IPC_PREFIX}${c}`)!(appFrame, payload) as Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
    rec.dialogAnswer = { canceled: false, filePaths: ["/home/me/thesis"] };
    expect(await ipc("desktop.chooseFolder", { title: "Local folder" })).toEqual({ ok: true, value: { path: "/home/me/thesis" } });
    expect(rec.dialogs.at(-1)).toMatchObject({ options: { title: "Local folder", properties: ["openDirectory", "createDirectory"] } });
    expect(rec.dialogs.at(-1)!.parent).toBeTruthy();
    rec.dialogAnswer = { canceled: false, filePaths: ["/a.bin", "/b.txt"] };
    expect(await ipc("desktop.chooseFiles", {})).toEqual({ ok: true, value: { paths: ["/a.bin", "/b.txt"] } });
    expect(rec.dialogs.at(-1)!.options.properties).toEqual(["openFile", "multiSelections"]);
    rec.dialogAnswer = { canceled: true, filePaths: [] };
    expect(await ipc("desktop.chooseFolder", {})).toEqual({ ok: true, value: { path: null } });
  });

  it("takes the kiosk flags from the command line: the renderer is told, and the window is the screen", async () => {
    const ipc = (c: string, payload: unknown) => rec.ipc.get(`${IPC_PREFIX}${c}`)!(appFrame, payload) as Promise<{ ok: boolean; value?: unknown }>;
    expect(await ipc("kiosk.launch", {})).toEqual({ ok: true, value: { launch: { profile: "This computer", project_id: LAUNCH_PROJECT, path: "talks/a b #1.ipynb" } } });
  });

  it("makes the kiosk view with its own session, no preload, navigation held to the server, popups out, permissions denied", async () => {
    const ipc = (c: string, payload: unknown) => rec.ipc.get(`${IPC_PREFIX}${c}`)!(appFrame, payload) as Promise<{ ok: boolean; value?: { reply?: Record<string, unknown> }; error?: unknown }>;
    const server = ((await ipc("profiles.list", {})).value as unknown as { profiles: { url: string }[] }).profiles[0]!.url;
    expect(await ipc("kiosk.configure", { embedding_origin: "https://kiosk.example.org/" })).toEqual({ ok: true, value: { ok: true } });
    const before = rec.windows.length;
    const st = await ipc("kiosk.navigate", { action: "status" });
    expect(st).toMatchObject({ ok: true, value: { status: "reply", reply: { status: "done", connection: { status: "connected" }, open_files: {} } } });
    expect(rec.windows.length).toBe(before + 1);
    const w = rec.windows.at(-1)!;
    expect(w.options).toMatchObject({ fullscreen: true });
    expect(w.options.webPreferences).toMatchObject({ partition: "kiosk-this-computer", contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webviewTag: false });
    expect(w.options.webPreferences).not.toHaveProperty("preload");
    expect(rec.partitions).toContain("kiosk-this-computer");
    expect(rec.permissionCheck!({}, "media", server)).toBe(false);

    // The app's guard on every web contents, applied to the kiosk view's: the server's origin only.
    const created = rec.appEvents.get("web-contents-created")!;
    const handlers = new Map<string, (...a: unknown[]) => unknown>();
    const wc = { id: w.contentsId, on: (e: string, f: (...a: unknown[]) => unknown) => handlers.set(e, f), setWindowOpenHandler: (f: (...a: unknown[]) => unknown) => handlers.set("open", f) };
    created({}, wc);
    const nav = (url: string) => {
      let prevented = false;
      handlers.get("will-navigate")!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    const opened = rec.opened.length;
    expect(nav(`${server}/projects/x/files/a.ipynb?fullscreen=kiosk`)).toBe(false);
    expect(nav(`${server}/app`)).toBe(false);
    expect(nav("about:blank")).toBe(false);
    expect(nav("https://elsewhere.example.org/")).toBe(true);
    expect(nav("app://cocalc-desktop/index.html")).toBe(true);
    expect(nav("file:///etc/passwd")).toBe(true);
    expect(rec.opened.slice(opened)).toEqual(["https://elsewhere.example.org/"]);
    expect(handlers.get("open")!({ url: "https://docs.example.org/" })).toEqual({ action: "deny" });
    expect(rec.opened.at(-1)).toBe("https://docs.example.org/");
    // presentation mode fills the screen with the kiosk window
    expect(await ipc("kiosk.present", { on: true })).toEqual({ ok: true, value: { full_screen: true } });
    expect(rec.fullScreen.at(-1)).toBe(true);
  });

  it("serves the kiosk host page on the profile's embedding origin, in the kiosk session only, framing the server and nothing else", async () => {
    const ipc = (c: string, payload: unknown) => rec.ipc.get(`${IPC_PREFIX}${c}`)!(appFrame, payload) as Promise<{ ok: boolean; value?: unknown }>;
    const server = new URL(((await ipc("profiles.list", {})).value as { profiles: { url: string }[] }).profiles[0]!.url).origin;
    const handle = rec.sessionProtocols.get("kiosk-this-computer https")!;
    expect(handle).toBeDefined();
    expect(rec.sessionProtocols.has("kiosk-this-computer app")).toBe(false);
    const frame = `${server}/projects/${LAUNCH_PROJECT}/files/a.ipynb?fullscreen=kiosk`;
    const page = await handle(new Request(`https://kiosk.example.org/cocalc-desktop-kiosk-host?frame=${encodeURIComponent(frame)}`));
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain(`frame-src ${server}`);
    expect(csp).toMatch(/default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'/);
    const html = await page.text();
    expect(html).toContain(`<iframe id="k" src="${frame.replace(/&/g, "&#38;")}"`);
    expect(html).toContain(`var SERVER = ${JSON.stringify(server)};`);
    // a frame URL on another origin is not loaded
    const other = await (await handle(new Request(`https://kiosk.example.org/cocalc-desktop-kiosk-host?frame=${encodeURIComponent("https://evil.example.org/")}`))).text();
    expect(other).toContain('<iframe id="k" src="about:blank"');
    expect((await handle(new Request("https://kiosk.example.org/other"))).status).toBe(404);
    // every other https request goes out unchanged
    await handle(new Request("https://cdn.example.org/x.js"));
    expect(rec.fetched.at(-1)).toBe("https://cdn.example.org/x.js");
  });
});
