/**
 * What the shell does when its windows close, and whether this desktop shows
 * a tray icon at all. Pure decisions (table-tested); the D-Bus question is
 * asked by the caller.
 */
import { execFile } from "node:child_process";

export interface Staying {
  /** the "keep running in the background" setting */
  keepRunning: boolean;
  /** pairs that are not paused */
  active: number;
  /** a tray icon is there to come back through */
  tray: boolean;
}

/** The last window closed: the app stays only with a tray to come back through and a pair to keep in step. */
export function afterLastWindow(s: Staying): "quit" | "stay" {
  return s.tray && s.keepRunning && s.active > 0 ? "stay" : "quit";
}

/** The window is closing. Without a tray, closing it would stop pairs the person may not know about: ask. */
export function onWindowClose(s: Staying & { quitting: boolean }): "close" | "ask" {
  return !s.quitting && !s.tray && s.keepRunning && s.active > 0 ? "ask" : "close";
}

/**
 * Whether a tray icon will be seen. Linux shows one through a StatusNotifier host (KDE, GNOME with the
 * AppIndicator extension, most others) or an XEmbed tray on X11; GNOME without the extension has neither.
 */
export function trayLikely(platform: string, env: NodeJS.ProcessEnv, watcherOwned: boolean | null): boolean {
  if (platform !== "linux") return true;
  if (watcherOwned !== null) return watcherOwned || (!/gnome/i.test(env.XDG_CURRENT_DESKTOP ?? "") && env.XDG_SESSION_TYPE !== "wayland");
  return !/gnome/i.test(env.XDG_CURRENT_DESKTOP ?? "");
}

/** Asks the session bus whether a StatusNotifier host runs; null when the bus cannot be asked. */
export function statusNotifierWatcherOwned(): Promise<boolean | null> {
  const args = [
    "--session",
    "--dest=org.freedesktop.DBus",
    "--type=method_call",
    "--print-reply",
    "/org/freedesktop/DBus",
    "org.freedesktop.DBus.NameHasOwner",
    "string:org.kde.StatusNotifierWatcher",
  ];
  return new Promise((resolve) => {
    execFile("dbus-send", args, { timeout: 2000 }, (err, stdout) => resolve(err ? null : /boolean true/.test(stdout) ? true : /boolean false/.test(stdout) ? false : null));
  });
}

/** The first time the app stays in the background, where it went and how to quit, in this desktop's words. */
export function stillRunningNotice(platform: string): { title: string; body: string } {
  const where =
    platform === "darwin" ? "its icon in the menu bar" : platform === "win32" ? "its icon in the notification area of the taskbar (under ^ if hidden)" : "its icon in the system tray";
  return { title: "CoCalc Desktop keeps your folders in sync", body: `It is still running: open it or quit from ${where}. You can change this in Settings.` };
}
