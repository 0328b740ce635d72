/**
 * The shell's side of living in the background, from Electron's pieces
 * passed in as narrow interfaces (main.ts gives the real ones, the wiring
 * test a stand-in): the tray icon and its menu from the tray model, the OS's
 * notifications, start at login, and power and network events.
 */
import type { MenuItemConstructorOptions, NativeImage } from "electron";
import type { BackgroundController, NotifyPort, TrayPort } from "../services/background/controller.js";
import { trayIconPngs, type Panel } from "../services/background/tray-icon.js";
import type { MenuItemModel, TrayAction, TrayState } from "../services/background/tray-model.js";
import type { LoginPort } from "../services/background/service.js";
import { autostartFile, HIDDEN_FLAG, setAutostart } from "../services/background/autostart.js";

interface TrayLike {
  setImage(i: NativeImage): void;
  setToolTip(t: string): void;
  setContextMenu(m: unknown): void;
  on(e: "click", f: () => void): unknown;
  destroy(): void;
}
export interface TrayPieces {
  Tray: new (image: NativeImage) => TrayLike;
  Menu: { buildFromTemplate(t: MenuItemConstructorOptions[]): unknown };
  nativeImage: { createFromBuffer(b: Buffer, o?: { scaleFactor?: number }): NativeImage };
  nativeTheme: { shouldUseDarkColors: boolean };
}

function template(items: MenuItemModel[], act: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((i) => {
    if (i.type === "separator") return { type: "separator" };
    if (i.type === "submenu") return { label: i.label, enabled: i.enabled, submenu: template(i.items, act) };
    const a = i.action;
    return { label: i.label, enabled: i.enabled, click: a ? () => act(a) : undefined };
  });
}

/** The tray icon, made at its first update; macOS draws it as a template image (its own light or dark). */
export function electronTray(p: TrayPieces, platform: string): TrayPort & { destroy(): void } {
  let tray: TrayLike | null = null;
  let gone = false;
  let lastAct: ((a: TrayAction) => void) | null = null;
  const icon = (state: TrayState): NativeImage => {
    const panel: Panel = platform === "darwin" || !p.nativeTheme.shouldUseDarkColors ? "light" : "dark";
    const [one, two] = trayIconPngs(state, panel);
    const img = p.nativeImage.createFromBuffer(one!.png, { scaleFactor: 1 });
    img.addRepresentation({ scaleFactor: 2, buffer: two!.png });
    if (platform === "darwin" && state !== "needs-you") img.setTemplateImage(true);
    return img;
  };
  return {
    update(model, act) {
      // the app is quitting: no icon comes back
      if (gone) return;
      lastAct = act;
      if (!tray) {
        tray = new p.Tray(icon(model.state));
        // a click on the icon (Windows, some Linux panels) opens the window; macOS opens the menu
        if (platform !== "darwin") tray.on("click", () => lastAct?.({ kind: "open-window" }));
      } else tray.setImage(icon(model.state));
      tray.setToolTip(model.tooltip);
      tray.setContextMenu(p.Menu.buildFromTemplate(template(model.menu, act)));
    },
    destroy() {
      gone = true;
      tray?.destroy();
      tray = null;
    },
  };
}

interface NotificationLike {
  on(e: "click" | "close", f: () => void): unknown;
  show(): void;
}
export interface NotificationPieces {
  Notification: { new (o: { title: string; body: string }): NotificationLike; isSupported(): boolean };
}

/** The OS's notifications; each is held until clicked or closed (else its click may be collected with it). */
export function electronNotifications(p: NotificationPieces): NotifyPort | undefined {
  if (!p.Notification.isSupported()) return undefined;
  const live = new Set<NotificationLike>();
  return {
    show(n, onClick) {
      const note = new p.Notification({ title: n.title, body: n.body });
      live.add(note);
      note.on("click", () => {
        live.delete(note);
        onClick();
      });
      note.on("close", () => live.delete(note));
      note.show();
    },
  };
}

export interface LoginPieces {
  app: { setLoginItemSettings(s: { openAtLogin: boolean; args?: string[] }): void; getLoginItemSettings(): { wasOpenedAtLogin?: boolean } };
}

/** Start at login: login items on macOS and Windows (started with --hidden), an XDG autostart entry on Linux. */
export function loginPort(p: LoginPieces, platform: string, o: { env: NodeJS.ProcessEnv; home: string; command: string[] }): LoginPort {
  if (platform === "linux") return { set: (on) => setAutostart(autostartFile(o.env, o.home), on, o.command) };
  return { set: async (on) => p.app.setLoginItemSettings({ openAtLogin: on, args: [HIDDEN_FLAG] }) };
}

/** Started at login (the autostart entry's flag, or macOS's own record): straight to the tray. */
export function startedAtLogin(p: LoginPieces, platform: string, argv: readonly string[]): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return platform === "darwin" && p.app.getLoginItemSettings().wasOpenedAtLogin === true;
}

/** The command an autostart entry runs: the AppImage itself, the packaged app, or Electron with the app's folder. */
export function appCommand(o: { execPath: string; env: NodeJS.ProcessEnv; packaged: boolean; appPath: string }): string[] {
  if (o.env.APPIMAGE) return [o.env.APPIMAGE];
  return o.packaged ? [o.execPath] : [o.execPath, o.appPath];
}

export interface PowerPieces {
  powerMonitor: { on(e: "resume" | "on-battery" | "on-ac", f: () => void): unknown; isOnBatteryPower(): boolean };
  net: { isOnline(): boolean };
}

/** Wake, battery and network: every pair syncs soon after a wake or when the network is back. */
export function wirePower(p: PowerPieces, c: BackgroundController, pollMs = 5000): () => void {
  p.powerMonitor.on("resume", () => c.wake("the computer woke"));
  p.powerMonitor.on("on-battery", () => c.setOnBattery(true));
  p.powerMonitor.on("on-ac", () => c.setOnBattery(false));
  c.setOnBattery(p.powerMonitor.isOnBatteryPower());
  // Electron's main process has no "online" event: the network's state is asked every few seconds
  let online = p.net.isOnline();
  const timer = setInterval(() => {
    const now = p.net.isOnline();
    if (now && !online) c.wake("the network is back");
    online = now;
  }, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}
