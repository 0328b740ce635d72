/**
 * The stand-in `electron` module (the one test double the project allows, and
 * only for the shell's wiring tests): records what electron/main.ts asks of
 * Electron, and lets a test play Electron's part (app events, tray clicks,
 * notification clicks, power events). utilityProcess.fork runs the real hub.
 * A test file mocks "electron" with `standIn` and reads `rec`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { hubEntry } from "./hub-entry.js";

const ROOT = join(import.meta.dirname, "..", "..");

type Fn = (...a: unknown[]) => unknown;
export interface WindowRecord {
  options: Record<string, unknown>;
  loaded: string[];
  contentsId: number;
  handlers: Map<string, Fn>;
  sent: { channel: string; payload: unknown }[];
  destroyed: boolean;
  minimized: boolean;
  shown: number;
}
export interface MenuItemRecord {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItemRecord[];
}
export interface TrayRecord {
  images: unknown[];
  tooltip: string;
  menu: MenuItemRecord[];
  handlers: Map<string, Fn>;
  destroyed: boolean;
}
export interface NotificationRecord {
  title: string;
  body: string;
  handlers: Map<string, Fn>;
  shown: boolean;
}

export const rec = {
  schemes: [] as unknown[],
  appEvents: new Map<string, Fn>(),
  ipc: new Map<string, (event: unknown, payload: unknown) => unknown>(),
  windows: [] as WindowRecord[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  permissionRequest: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void),
  permissionCheck: undefined as undefined | ((wc: unknown, p: string, origin: string) => boolean),
  opened: [] as string[],
  fetched: [] as string[],
  forks: [] as { args: string[]; child: ChildProcess }[],
  beforeRequest: [] as { filter: unknown; handler: (d: { url: string }, cb: (r: unknown) => void) => void }[],
  partitions: [] as string[],
  sessionProtocols: new Map<string, (req: Request) => Promise<Response>>(),
  fullScreen: [] as boolean[],
  singleInstance: 0,
  userData: "",
  dialogs: [] as { parent: unknown; options: Record<string, unknown> }[],
  dialogAnswer: { canceled: false, filePaths: [] as string[] },
  messageBoxes: [] as Record<string, unknown>[],
  messageBoxAnswer: 0,
  trays: [] as TrayRecord[],
  notifications: [] as NotificationRecord[],
  power: new Map<string, Fn>(),
  onBattery: false,
  online: true,
  /** how many times the app asked whether the network is up */
  onlineAsked: 0,
  loginItems: [] as { openAtLogin: boolean; args?: string[] }[],
  openedPaths: [] as string[],
  quitCalls: 0,
  /** set when the app really ended (app.quit with no will-quit handler holding it back) */
  exited: false,
  /** called at the moment the app ends, to see what state it left */
  onExit: undefined as undefined | (() => void),
};

/** Electron's quit sequence: before-quit, then will-quit; the app ends unless will-quit is held back. */
function quit(): void {
  rec.quitCalls++;
  rec.appEvents.get("before-quit")?.({ preventDefault: () => undefined });
  let held = false;
  rec.appEvents.get("will-quit")?.({ preventDefault: () => (held = true) });
  if (!held && !rec.exited) {
    rec.onExit?.();
    rec.exited = true;
  }
}

let ids = 0;
function webContents(sent: WindowRecord["sent"]) {
  const handlers = new Map<string, Fn>();
  return {
    id: ++ids,
    handlers,
    on: (e: string, f: Fn) => handlers.set(e, f),
    off: () => undefined,
    setWindowOpenHandler: (f: unknown) => handlers.set("window-open", f as Fn),
    send: (channel: string, payload: unknown) => sent.push({ channel, payload }),
    loadURL: async () => undefined,
    getURL: () => "about:blank",
  };
}

class BrowserWindow {
  record: WindowRecord;
  webContents: ReturnType<typeof webContents>;
  constructor(options: Record<string, unknown>) {
    const sent: WindowRecord["sent"] = [];
    this.webContents = webContents(sent);
    this.record = { options, loaded: [], contentsId: this.webContents.id, handlers: new Map(), sent, destroyed: false, minimized: false, shown: 0 };
    rec.windows.push(this.record);
  }
  once() {}
  on(e: string, f: Fn) {
    this.record.handlers.set(e, f);
  }
  show() {
    this.record.shown++;
  }
  focus() {}
  minimize() {
    this.record.minimized = true;
  }
  isMinimized() {
    return this.record.minimized;
  }
  restore() {
    this.record.minimized = false;
  }
  setFullScreen(on: boolean) {
    rec.fullScreen.push(on);
  }
  isFullScreen() {
    return false;
  }
  /** as Electron closes a window: "close" (which may be prevented), then "closed" */
  close() {
    let prevented = false;
    this.record.handlers.get("close")?.({ preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.record.destroyed = true;
    this.record.handlers.get("closed")?.();
  }
  isDestroyed() {
    return this.record.destroyed;
  }
  loadURL(u: string) {
    this.record.loaded.push(u);
    return Promise.resolve();
  }
  static getAllWindows() {
    return [];
  }
}

class Tray {
  record: TrayRecord;
  constructor(image: unknown) {
    this.record = { images: [image], tooltip: "", menu: [], handlers: new Map(), destroyed: false };
    rec.trays.push(this.record);
  }
  setImage(i: unknown) {
    this.record.images.push(i);
  }
  setToolTip(t: string) {
    this.record.tooltip = t;
  }
  setContextMenu(m: { items: MenuItemRecord[] }) {
    this.record.menu = m.items;
  }
  on(e: string, f: Fn) {
    this.record.handlers.set(e, f);
  }
  destroy() {
    this.record.destroyed = true;
  }
}

class Notification {
  record: NotificationRecord;
  constructor(o: { title: string; body: string }) {
    this.record = { ...o, handlers: new Map(), shown: false };
    rec.notifications.push(this.record);
  }
  static isSupported() {
    return true;
  }
  on(e: string, f: Fn) {
    this.record.handlers.set(e, f);
  }
  show() {
    this.record.shown = true;
  }
}

const image = (buffers: Buffer[]) => ({
  buffers,
  template: false,
  addRepresentation(r: { buffer: Buffer }) {
    buffers.push(r.buffer);
  },
  setTemplateImage(on: boolean) {
    this.template = on;
  },
});

const session = {
  setPermissionRequestHandler: (f: typeof rec.permissionRequest) => (rec.permissionRequest = f),
  setPermissionCheckHandler: (f: typeof rec.permissionCheck) => (rec.permissionCheck = f),
  resolveProxy: async () => "DIRECT",
  webRequest: { onBeforeRequest: (filter: unknown, handler: (typeof rec.beforeRequest)[number]["handler"]) => rec.beforeRequest.push({ filter, handler }) },
};

export const standIn = {
  app: {
    requestSingleInstanceLock: () => (rec.singleInstance++, true),
    on: (e: string, f: Fn) => rec.appEvents.set(e, f),
    whenReady: () => Promise.resolve(),
    getPath: (n: string) => join(rec.userData, n === "userData" ? "" : n),
    getVersion: () => "0.1.0",
    getAppPath: () => ROOT,
    isPackaged: false,
    commandLine: { getSwitchValue: () => "" },
    quit,
    exit: (code: number) => {
      throw new Error(`the app exited with ${code}`);
    },
    setLoginItemSettings: (s: { openAtLogin: boolean; args?: string[] }) => rec.loginItems.push(s),
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
  },
  BrowserWindow,
  Tray,
  Menu: { buildFromTemplate: (items: MenuItemRecord[]) => ({ items }) },
  nativeImage: { createFromBuffer: (b: Buffer) => image([b]) },
  nativeTheme: { shouldUseDarkColors: false },
  Notification,
  powerMonitor: { on: (e: string, f: Fn) => rec.power.set(e, f), isOnBatteryPower: () => rec.onBattery },
  ipcMain: { handle: (c: string, f: (event: unknown, payload: unknown) => unknown) => rec.ipc.set(c, f) },
  protocol: {
    registerSchemesAsPrivileged: (s: unknown[]) => rec.schemes.push(...s),
    handle: (scheme: string, f: (req: Request) => Promise<Response>) => rec.protocolHandlers.set(scheme, f),
  },
  dialog: {
    showOpenDialog: async (parent: unknown, options: Record<string, unknown>) => (rec.dialogs.push({ parent, options }), rec.dialogAnswer),
    showMessageBox: async (_parent: unknown, options: Record<string, unknown>) => (rec.messageBoxes.push(options), { response: rec.messageBoxAnswer }),
  },
  net: {
    fetch: async (u: string | Request) => (rec.fetched.push(typeof u === "string" ? u : u.url), new Response("<html></html>", { headers: { "content-type": "text/html" } })),
    isOnline: () => (rec.onlineAsked++, rec.online),
  },
  session: {
    defaultSession: session,
    fromPartition: (p: string) => {
      rec.partitions.push(p);
      return {
        ...session,
        protocol: {
          isProtocolHandled: (scheme: string) => rec.sessionProtocols.has(`${p} ${scheme}`),
          unhandle: (scheme: string) => rec.sessionProtocols.delete(`${p} ${scheme}`),
          handle: (scheme: string, f: (req: Request) => Promise<Response>) => rec.sessionProtocols.set(`${p} ${scheme}`, f),
        },
      };
    },
  },
  shell: {
    openExternal: async (u: string) => void rec.opened.push(u),
    openPath: async (p: string) => (rec.openedPaths.push(p), ""),
  },
  safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => "" },
  // utilityProcess.fork runs the real hub, from its sources, with the arguments main.ts gives.
  utilityProcess: {
    fork: (_entry: string, args: string[]) => {
      const child = spawn(process.execPath, [...hubEntry(), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      rec.forks.push({ args, child });
      return child;
    },
  },
};

/** A tray menu item by its label path ("Pause all", "For 1 hour"), from the menu main.ts last set. */
export function trayItem(...path: (string | RegExp)[]): MenuItemRecord {
  let items = rec.trays.at(-1)?.menu ?? [];
  let found: MenuItemRecord | undefined;
  for (const want of path) {
    found = items.find((i) => (typeof want === "string" ? i.label === want : want.test(i.label ?? "")));
    if (!found) throw new Error(`no tray item ${String(want)} in ${items.map((i) => i.label ?? "---").join(" | ")}`);
    items = found.submenu ?? [];
  }
  return found!;
}

/** Ends the hub children main.ts started (after the app's will-quit stopped them). */
export async function waitForForks(): Promise<void> {
  for (const f of rec.forks) {
    if (f.child.exitCode === null) await new Promise((r) => f.child.once("exit", r));
  }
}
