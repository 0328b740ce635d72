/**
 * electron/main.ts loaded with a stand-in `electron` module (the one test
 * double the project allows, and only here): it registers exactly the
 * contract's channels, makes windows with the secure settings, installs the
 * navigation, window-open and permission guards, serves the renderer with
 * its CSP, and starts the embedded hub as the default server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CHANNELS, IPC_PREFIX } from "../../shared/ipc/channels.js";
import { waitUntil } from "../support/wait.js";

const ROOT = join(import.meta.dirname, "..", "..");
const rec = vi.hoisted(() => ({
  schemes: [] as unknown[],
  appEvents: new Map<string, (...a: unknown[]) => unknown>(),
  ipc: new Map<string, (event: unknown, payload: unknown) => unknown>(),
  windows: [] as { options: Record<string, unknown>; loaded: string[] }[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  permissionRequest: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void),
  permissionCheck: undefined as undefined | ((wc: unknown, p: string, origin: string) => boolean),
  opened: [] as string[],
  fetched: [] as string[],
  forks: [] as { args: string[]; child: ChildProcess }[],
  beforeRequest: [] as { filter: unknown; handler: (d: { url: string }, cb: (r: unknown) => void) => void }[],
  partitions: [] as string[],
  singleInstance: 0,
  userData: "",
}));

vi.mock("electron", () => {
  const webContents = () => {
    const handlers = new Map<string, (...a: unknown[]) => void>();
    return { handlers, on: (e: string, f: (...a: unknown[]) => void) => handlers.set(e, f), setWindowOpenHandler: (f: unknown) => handlers.set("window-open", f as never), send: () => undefined };
  };
  class BrowserWindow {
    webContents = webContents();
    record: { options: Record<string, unknown>; loaded: string[] };
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: [] };
      rec.windows.push(this.record);
    }
    once() {}
    on() {}
    show() {}
    close() {}
    isDestroyed() {
      return false;
    }
    loadURL(u: string) {
      this.record.loaded.push(u);
      return Promise.resolve();
    }
    static getAllWindows() {
      return [];
    }
  }
  const session = {
    setPermissionRequestHandler: (f: typeof rec.permissionRequest) => (rec.permissionRequest = f),
    setPermissionCheckHandler: (f: typeof rec.permissionCheck) => (rec.permissionCheck = f),
    resolveProxy: async () => "DIRECT",
    webRequest: { onBeforeRequest: (filter: unknown, handler: (typeof rec.beforeRequest)[number]["handler"]) => rec.beforeRequest.push({ filter, handler }) },
  };
  return {
    app: {
      requestSingleInstanceLock: () => (rec.singleInstance++, true),
      on: (e: string, f: (...a: unknown[]) => unknown) => rec.appEvents.set(e, f),
      whenReady: () => Promise.resolve(),
      getPath: (n: string) => join(rec.userData, n === "userData" ? "" : n),
      getVersion: () => "0.1.0",
      commandLine: { getSwitchValue: () => "" },
      quit: () => undefined,
    },
    BrowserWindow,
    ipcMain: { handle: (c: string, f: (event: unknown, payload: unknown) => unknown) => rec.ipc.set(c, f) },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => rec.schemes.push(...s),
      handle: (scheme: string, f: (req: Request) => Promise<Response>) => rec.protocolHandlers.set(scheme, f),
    },
    net: { fetch: async (u: string) => (rec.fetched.push(u), new Response("<html></html>", { headers: { "content-type": "text/html" } })) },
    session: { defaultSession: session, fromPartition: (p: string) => (rec.partitions.push(p), session) },
    shell: { openExternal: async (u: string) => void rec.opened.push(u) },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => "" },
    // utilityProcess.fork runs the real hub, from its sources, with the arguments main.ts gives.
    utilityProcess: {
      fork: (_entry: string, args: string[]) => {
        const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "hub", "cli.ts"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        rec.forks.push({ args, child });
        return child;
      },
    },
  };
});

beforeAll(async () => {
  rec.userData = mkdtempSync(join(tmpdir(), "shell-"));
  await import("../../electron/main.js");
  // start() runs after whenReady(); wait until the window exists
  await waitUntil("the main window", () => rec.windows.length > 0, { timeout: 50_000 });
}, 60_000);

afterAll(async () => {
  const quit = rec.appEvents.get("will-quit");
  quit?.({ preventDefault: () => undefined });
  for (const f of rec.forks) {
    if (f.child.exitCode === null) await new Promise((r) => f.child.once("exit", r));
  }
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
});
