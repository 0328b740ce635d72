/**
 * Start at login on Linux: an XDG autostart entry
 * (`$XDG_CONFIG_HOME/autostart/cocalc-desktop.desktop`, ~/.config by
 * default) that starts the app hidden. macOS and Windows use Electron's
 * login items instead (the shell). An entry the person disabled
 * (`Hidden=true`) or wrote by hand is theirs: it is replaced only when
 * they turn the setting on again, and removed only if it is ours.
 */
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeAtomic } from "../store/write-atomic.js";

/** The flag an app started at login is given: it goes straight to the tray. */
export const HIDDEN_FLAG = "--hidden";
const MARK = "X-CoCalc-Desktop-Autostart=true";

export function autostartFile(env: NodeJS.ProcessEnv, home: string): string {
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith("/") ? env.XDG_CONFIG_HOME : join(home, ".config");
  return join(config, "autostart", "cocalc-desktop.desktop");
}

/** Desktop Entry Specification: Exec arguments with spaces or specials are double-quoted, with \ " ` $ escaped. */
export function execArg(a: string): string {
  if (/^[A-Za-z0-9_./:=@+-]+$/.test(a)) return a;
  return `"${a.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/%/g, "%%")}"`;
}

export function desktopEntry(command: string[]): string {
  return [
    "[Desktop Entry]",
    "Type=Application",
    "Name=CoCalc Desktop",
    "Comment=Keeps your folders in sync with CoCalc projects",
    `Exec=${[...command, HIDDEN_FLAG].map(execArg).join(" ")}`,
    "Terminal=false",
    "X-GNOME-Autostart-enabled=true",
    MARK,
    "",
  ].join("\n");
}

export async function readAutostart(file: string): Promise<{ enabled: boolean; ours: boolean }> {
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) return { enabled: false, ours: false };
  const ours = text.includes(MARK);
  const disabled = /^Hidden\s*=\s*true\s*$/m.test(text) || /^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
  return { enabled: ours && !disabled, ours };
}

/** Writes or removes the entry; `command` is the app's executable and the arguments it needs before ours. */
export async function setAutostart(file: string, on: boolean, command: string[]): Promise<void> {
  if (on) {
    await mkdir(join(file, ".."), { recursive: true });
    await writeAtomic(file, desktopEntry(command), 0o644);
    return;
  }
  if ((await readAutostart(file)).ours) await rm(file, { force: true });
}
