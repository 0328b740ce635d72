/**
 * The Electron shell: windows, the app:// protocol, the security rules and
 * the IPC wiring. Kept thin: every decision lives in plain modules
 * (security/, ipc/router.ts, services/) that run and are tested under Node.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  net,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
  utilityProcess,
  type WebContents,
} from "electron";
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CHANNELS, IPC_PREFIX } from "../shared/ipc/channels.js";
import { composeApp, type ComposedApp } from "./services/compose.js";
import type { HubChild } from "./services/embedded-hub/embedded-hub.js";
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  canOpenExternally,
  contentSecurityPolicy,
  decideKioskNavigation,
  decideNavigation,
  kioskHostCsp,
  kioskPartition,
  originOf,
  permissionAllowed,
  rendererFileFor,
  withStyleNonce,
} from "./security/policies.js";
import { apiKeyFromRedirect, signInUrl } from "./security/sign-in.js";
import { parseLaunchArgs } from "./services/kiosk/launch-args.js";
import type { KioskSurface } from "./services/kiosk/navigation.js";
import { kioskHostResponse } from "./services/kiosk/host-page.js";
import type { StoredProfile } from "./services/store/profile-store.js";
import { afterLastWindow, onWindowClose, statusNotifierWatcherOwned, stillRunningNotice, trayLikely } from "./services/background/lifecycle.js";
import { appCommand, electronNotifications, electronTray, loginPort, startedAtLogin, wirePower } from "./shell/background.js";
import { ApiError } from "../shared/errors.js";

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const OUT = join(import.meta.dirname, "..");
const RENDERER_ROOT = join(OUT, "renderer");
const PRELOAD = join(OUT, "preload", "preload.cjs");
const HUB_ENTRY = join(OUT, "main", "hub.js");

let composed: ComposedApp | undefined;
let mainWindow: BrowserWindow | undefined;
/** the kiosk views' web contents and the one server origin each may show */
const kioskOrigins = new Map<number, string>();

// `--kiosk --profile NAME --project ID --path FILE` starts straight into presentation mode.
const launchArgs = parseLaunchArgs(process.argv);
if (launchArgs.kind === "error") {
  console.error(launchArgs.message);
  app.exit(2);
}
const kioskLaunch = launchArgs.kind === "kiosk" ? launchArgs.launch : null;
// started at login: straight to the tray, no window (unless there is no tray to come back through)
const hiddenStart = startedAtLogin({ app }, process.platform, process.argv);
let trayAvailable = false;
let quitting = false;
let tray: ReturnType<typeof electronTray> | undefined;
let stopPower: (() => void) | undefined;

function hardenContents(contents: WebContents): void {
  const decide = (url: string) => {
    const kiosk = kioskOrigins.get(contents.id);
    return kiosk ? decideKioskNavigation(url, kiosk) : decideNavigation(url);
  };
  contents.on("will-navigate", (event, url) => {
    const d = decide(url);
    if (d === "allow") return;
    event.preventDefault();
    if (d === "open-external") void shell.openExternal(url);
  });
  contents.on("will-redirect", (event, url) => {
    if (decide(url) !== "allow") event.preventDefault();
  });
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (canOpenExternally(url)) void shell.openExternal(url);
    return { action: "deny" };
  });
}

function guardSession(s: Electron.Session): void {
  s.setPermissionRequestHandler((_wc, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl)));
  s.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
}

/** The sign-in window: its own in-memory session; the redirect carrying the key is caught and never loaded. */
function signIn(server: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const partition = `signin-${randomUUID()}`;
    const s = session.fromPartition(partition);
    guardSession(s);
    // The settings are written out in each window (not spread from a constant) so static checks such as
    // electronegativity can read them.
    const win = new BrowserWindow({
      width: 520,
      height: 680,
      parent: mainWindow,
      modal: true,
      title: "Sign in",
      webPreferences: {
        partition,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
        disableBlinkFeatures: "Auxclick",
      },
    });
    let done = false;
    const finish = (key: string | null, err?: Error) => {
      if (done) return;
      done = true;
      if (!win.isDestroyed()) win.close();
      if (key) resolve(key);
      else reject(err ?? new Error("The sign-in window was closed before signing in."));
    };
    s.webRequest.onBeforeRequest({ urls: ["https://authenticated/*"] }, (details, callback) => {
      callback({ cancel: true });
      finish(apiKeyFromRedirect(details.url), new Error("The server's answer carried no API key."));
    });
    // The sign-in page lives on the server; this window may navigate there and nowhere else.
    const serverOrigin = new URL(server).origin;
    win.webContents.on("will-navigate", (event, url) => {
      if (apiKeyFromRedirect(url)) return;
      if (new URL(url).origin !== serverOrigin) event.preventDefault();
    });
    win.on("closed", () => finish(null));
    void win.loadURL(signInUrl(server));
  });
}

/** The system's own folder and file choosers, over the main window. */
async function chooseLocal(o: { kind: "folder" | "files" | "folders"; title: string }): Promise<string[]> {
  const properties: Electron.OpenDialogOptions["properties"] =
    o.kind === "folder" ? ["openDirectory", "createDirectory"] : o.kind === "folders" ? ["openDirectory", "multiSelections"] : ["openFile", "multiSelections"];
  const options: Electron.OpenDialogOptions = { title: o.title, properties };
  const r = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return r.canceled ? [] : r.filePaths;
}

/**
 * The kiosk view for navigation mode: a window with the profile's own
 * in-memory session (the server's cookies are first-party there and never
 * written to disk), no preload, navigation held to the server's origin,
 * popups to the system browser, permissions denied. On a profile with an
 * embedding origin, that origin serves the kiosk host page in this session.
 */
async function kioskSurface(profile: StoredProfile): Promise<KioskSurface> {
  const partition = kioskPartition(profile.id);
  const s = session.fromPartition(partition);
  guardSession(s);
  const serverOrigin = new URL(profile.url).origin;
  const embedding = await composed?.kiosk.embeddingOrigin(profile.id);
  if (embedding) serveKioskHost(s, embedding, serverOrigin);
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    title: "CoCalc kiosk",
    fullscreen: kioskLaunch !== null,
    autoHideMenuBar: true,
    webPreferences: {
      partition,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      disableBlinkFeatures: "Auxclick",
    },
  });
  const id = win.webContents.id;
  kioskOrigins.set(id, serverOrigin);
  let closed = false;
  win.on("closed", () => {
    closed = true;
    kioskOrigins.delete(id);
  });
  // Esc leaves full screen, as in the app's own presentation mode.
  win.webContents.on("before-input-event", (_e, input) => {
    if (input.type === "keyDown" && input.key === "Escape" && win.isFullScreen()) win.setFullScreen(false);
  });
  return {
    loadURL: (url) => win.webContents.loadURL(url),
    getURL: () => win.webContents.getURL(),
    cookie: async (url, name) => (await s.cookies.get({ url, name }))[0]?.value ?? null,
    isClosed: () => closed,
    setFullScreen: (on) => {
      if (closed) return false;
      win.setFullScreen(on);
      if (on) win.focus();
      return on;
    },
    // asked only of the app's own host page on the embedding origin (its relay), never of the server's page
    evaluate: (script) => (originOf(win.webContents.getURL()) === embedding ? win.webContents.executeJavaScript(script) : Promise.reject(new Error("not the kiosk host page"))),
  };
}

/** The kiosk host page on the embedding origin, in the kiosk session only; every other https request goes out as usual. */
function serveKioskHost(s: Electron.Session, embeddingOrigin: string, serverOrigin: string): void {
  if (s.protocol.isProtocolHandled("https")) s.protocol.unhandle("https");
  s.protocol.handle("https", async (request) => {
    if (originOf(request.url) !== embeddingOrigin) return net.fetch(request, { bypassCustomProtocolHandlers: true });
    const nonce = randomBytes(18).toString("base64");
    const r = kioskHostResponse(request.url, serverOrigin, nonce, kioskHostCsp(serverOrigin, nonce));
    return new Response(r.body, { status: r.status, headers: r.headers });
  });
}

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    show: false,
    title: "CoCalc Desktop",
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
      // A middle click must not open a link in a new window behind the open handler's back.
      disableBlinkFeatures: "Auxclick",
    },
  });
  win.once("ready-to-show", () => {
    // started into presentation mode: the window is the screen
    if (kioskLaunch) win.setFullScreen(true);
    win.show();
  });
  win.on("close", (event) => {
    const c = composed;
    if (!c || onWindowClose({ keepRunning: c.background.settings().keep_running, active: c.background.activePairs(), tray: trayAvailable, quitting }) === "close") return;
    event.preventDefault();
    void askBeforeClosing(win, c.background.activePairs());
  });
  win.on("closed", () => {
    if (mainWindow === win) mainWindow = undefined;
    composed?.background.windowGone();
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

/** No tray to come back through: closing the window would stop the pairs, so ask. */
async function askBeforeClosing(win: BrowserWindow, active: number): Promise<void> {
  const r = await dialog.showMessageBox(win, {
    type: "question",
    buttons: ["Keep syncing (minimize)", "Quit"],
    defaultId: 0,
    cancelId: 0,
    message: "Quit CoCalc Desktop?",
    detail: `${active} folder${active === 1 ? " is" : "s are"} kept in sync while the app runs; quitting stops syncing until you open it again. This desktop shows no tray icon to reach the app from.`,
  });
  if (r.response === 1) app.quit();
  else if (!win.isDestroyed()) win.minimize();
}

/** The main window: brought up, or made again after it was closed (the app kept running in the tray). */
function showMainWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function activeServerOrigin(): string | null {
  const p = composed?.profiles.active();
  try {
    return p ? new URL(p.url).origin : null;
  } catch {
    return null;
  }
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = new URL(request.url).host === APP_HOST ? rendererFileFor(request.url, RENDERER_ROOT, join) : null;
    if (!file) return new Response("Not found", { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set("X-Content-Type-Options", "nosniff");
    if (!file.endsWith(".html")) return new Response(res.body, { status: res.status, headers });
    const nonce = randomBytes(18).toString("base64");
    headers.set("Content-Security-Policy", contentSecurityPolicy(activeServerOrigin(), nonce));
    return new Response(withStyleNonce(await res.text(), nonce), { status: res.status, headers });
  });
}

function wireIpc(c: ComposedApp): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(`${IPC_PREFIX}${channel}`, (event, payload: unknown) =>
      c.router.handle(channel, { url: event.senderFrame?.url ?? "", isMainFrame: !!event.senderFrame && event.senderFrame.parent === null }, payload),
    );
  }
}

async function start(): Promise<void> {
  serveRenderer();
  guardSession(session.defaultSession);
  const userData = app.getPath("userData");
  trayAvailable = trayLikely(process.platform, process.env, process.platform === "linux" ? await statusNotifierWatcherOwned() : null);
  tray = trayAvailable ? electronTray({ Tray, Menu, nativeImage, nativeTheme }, process.platform) : undefined;
  composed = await composeApp({
    dataDir: userData,
    logFile: join(app.getPath("logs"), "main.log"),
    version: app.getVersion(),
    platform: process.platform,
    trustedOrigins: [APP_ORIGIN],
    safeStorage,
    allowBasicText: app.commandLine.getSwitchValue("password-store") === "basic",
    resolveProxy: (url) => session.defaultSession.resolveProxy(url),
    signIn,
    chooseLocal,
    reveal: async (path, how) => {
      if (how === "folder") shell.showItemInFolder(path);
      else {
        const err = await shell.openPath(path);
        if (err) throw new ApiError("not-available", `The file could not be opened: ${err}.`, { hint: "Use Show in folder, or Restore it and open it from the synced folder." });
      }
    },
    // only ever a file the app itself just downloaded into a private temp folder
    openPath: (path) => shell.openPath(path),
    spawnHub: ({ port = 0, afterCrash = false } = {}) =>
      utilityProcess.fork(HUB_ENTRY, ["--port", String(port), "--data", join(userData, "hub"), ...(afterCrash ? ["--take-over-lock"] : [])], { stdio: "pipe", serviceName: "CoCalc local hub" }) as unknown as HubChild,
    kioskSurface,
    kioskLaunch,
    emit: (event, payload) => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(`${IPC_PREFIX}event:${event}`, payload);
    },
    background: {
      ports: { tray, notify: electronNotifications({ Notification }), window: { show: showMainWindow, openFolder: (p) => void shell.openPath(p), quit: () => app.quit() } },
      login: loginPort({ app }, process.platform, {
        env: process.env,
        home: app.getPath("home"),
        command: appCommand({ execPath: process.execPath, env: process.env, packaged: app.isPackaged, appPath: app.getAppPath() }),
      }),
      trayAvailable: () => trayAvailable,
    },
  });
  wireIpc(composed);
  stopPower = wirePower({ powerMonitor, net }, composed.background);
  if (!(hiddenStart && trayAvailable)) showMainWindow();
}

/** The last window closed: stay in the tray while pairs are active (saying so the first time), else quit. */
async function lastWindowClosed(): Promise<void> {
  const c = composed;
  if (!c || afterLastWindow({ keepRunning: c.background.settings().keep_running, active: c.background.activePairs(), tray: trayAvailable }) === "quit") {
    app.quit();
    return;
  }
  if (await c.background.firstStay()) electronNotifications({ Notification })?.show(stillRunningNotice(process.platform), showMainWindow);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on("second-instance", () => {
    if (composed) showMainWindow();
  });
  app.on("activate", () => {
    if (composed) showMainWindow();
  });
  app.on("web-contents-created", (_e, contents) => hardenContents(contents));
  void app.whenReady().then(start);
  app.on("window-all-closed", () => void lastWindowClosed());
  app.on("before-quit", () => {
    quitting = true;
  });
  // Every pair is stopped through the engine's interrupt (its journal picks up next time), and waited for.
  app.on("will-quit", (event) => {
    if (!composed) return;
    const c = composed;
    composed = undefined;
    event.preventDefault();
    stopPower?.();
    tray?.destroy();
    void c.stop().finally(() => app.quit());
  });
}
