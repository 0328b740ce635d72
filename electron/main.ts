/**
 * The Electron shell: windows, the app:// protocol and the security rules.
 * Kept thin; every decision lives in plain modules (security/policies.ts,
 * services/) that run and are tested under Node.
 */
import { app, BrowserWindow, net, protocol, session, shell, type WebContents } from "electron";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  canOpenExternally,
  contentSecurityPolicy,
  decideNavigation,
  permissionAllowed,
  rendererFileFor,
} from "./security/policies.js";

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const RENDERER_ROOT = join(import.meta.dirname, "..", "renderer");
const PRELOAD = join(import.meta.dirname, "..", "preload", "preload.cjs");

function hardenContents(contents: WebContents): void {
  contents.on("will-navigate", (event, url) => {
    const d = decideNavigation(url);
    if (d === "allow") return;
    event.preventDefault();
    if (d === "open-external") void shell.openExternal(url);
  });
  contents.on("will-redirect", (event, url) => {
    if (decideNavigation(url) !== "allow") event.preventDefault();
  });
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (canOpenExternally(url)) void shell.openExternal(url);
    return { action: "deny" };
  });
}

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    show: false,
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
  win.once("ready-to-show", () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on("second-instance", () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on("web-contents-created", (_e, contents) => hardenContents(contents));
  void app.whenReady().then(() => {
    protocol.handle(APP_SCHEME, async (request) => {
      const file = new URL(request.url).host === APP_HOST ? rendererFileFor(request.url, RENDERER_ROOT, join) : null;
      if (!file) return new Response("Not found", { status: 404 });
      const res = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(res.headers);
      headers.set("Content-Security-Policy", contentSecurityPolicy(null));
      headers.set("X-Content-Type-Options", "nosniff");
      return new Response(res.body, { status: res.status, headers });
    });
    for (const s of [session.defaultSession]) {
      s.setPermissionRequestHandler((_wc, permission, callback, details) =>
        callback(permissionAllowed(permission, details.requestingUrl)),
      );
      s.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
    }
    createMainWindow();
  });
  app.on("window-all-closed", () => app.quit());
}
