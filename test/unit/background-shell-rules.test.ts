/**
 * The shell's decisions when windows close, whether a tray will be seen,
 * battery pace, and the XDG autostart entry on real files.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { afterLastWindow, onWindowClose, trayLikely } from "../../electron/services/background/lifecycle.js";
import { paceFor } from "../../electron/services/background/controller.js";
import { autostartFile, desktopEntry, execArg, readAutostart, setAutostart } from "../../electron/services/background/autostart.js";

describe("when windows close", () => {
  it.each([
    [{ keepRunning: true, active: 2, tray: true }, "stay", "close"],
    [{ keepRunning: true, active: 0, tray: true }, "quit", "close"],
    [{ keepRunning: false, active: 2, tray: true }, "quit", "close"],
    [{ keepRunning: true, active: 1, tray: false }, "quit", "ask"],
    [{ keepRunning: false, active: 1, tray: false }, "quit", "close"],
  ] as const)("%j: last window %s, closing %s", (s, last, close) => {
    expect(afterLastWindow(s)).toBe(last);
    expect(onWindowClose({ ...s, quitting: false })).toBe(close);
    // quitting never asks
    expect(onWindowClose({ ...s, quitting: true })).toBe("close");
  });
});

describe("whether a tray icon will be seen", () => {
  it.each([
    ["darwin", {}, null, true],
    ["win32", {}, null, true],
    ["linux", { XDG_CURRENT_DESKTOP: "KDE" }, true, true],
    ["linux", { XDG_CURRENT_DESKTOP: "ubuntu:GNOME" }, true, true],
    ["linux", { XDG_CURRENT_DESKTOP: "ubuntu:GNOME" }, false, false],
    ["linux", { XDG_CURRENT_DESKTOP: "GNOME" }, null, false],
    ["linux", { XDG_CURRENT_DESKTOP: "XFCE", XDG_SESSION_TYPE: "x11" }, false, true],
    ["linux", { XDG_CURRENT_DESKTOP: "sway", XDG_SESSION_TYPE: "wayland" }, false, false],
  ] as const)("%s %j, watcher %s → %s", (platform, env, watcher, want) => {
    expect(trayLikely(platform, env, watcher)).toBe(want);
  });
});

describe("syncing on battery", () => {
  it.each([
    ["normal", true, { hold: false, factor: 1 }],
    ["slower", true, { hold: false, factor: 5 }],
    ["pause", true, { hold: true, factor: 1 }],
    ["pause", false, { hold: false, factor: 1 }],
    ["slower", false, { hold: false, factor: 1 }],
  ] as const)("%s, on battery %s", (mode, on, want) => {
    expect(paceFor(mode, on)).toEqual(want);
  });
});

describe("the XDG autostart entry", () => {
  it("lives in $XDG_CONFIG_HOME/autostart, or ~/.config when unset or relative", () => {
    expect(autostartFile({ XDG_CONFIG_HOME: "/x/cfg" }, "/home/me")).toBe("/x/cfg/autostart/cocalc-desktop.desktop");
    expect(autostartFile({}, "/home/me")).toBe("/home/me/.config/autostart/cocalc-desktop.desktop");
    expect(autostartFile({ XDG_CONFIG_HOME: "rel" }, "/home/me")).toBe("/home/me/.config/autostart/cocalc-desktop.desktop");
  });

  it("quotes Exec arguments as the Desktop Entry spec says", () => {
    expect(execArg("/opt/CoCalc/cocalc-desktop")).toBe("/opt/CoCalc/cocalc-desktop");
    expect(execArg('/home/me/My Apps/$x "a"`b`\\ 100%')).toBe('"/home/me/My Apps/\\$x \\"a\\"\\`b\\`\\\\ 100%%"');
    expect(desktopEntry(["/a b/electron", "/app"])).toMatch(/^Exec="\/a b\/electron" \/app --hidden$/m);
  });

  it("is written, read back, and removed; an entry the person wrote is never removed", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "autostart-")), "autostart", "cocalc-desktop.desktop");
    expect(await readAutostart(file)).toEqual({ enabled: false, ours: false });
    await setAutostart(file, true, ["/opt/cocalc/cocalc-desktop"]);
    expect(readFileSync(file, "utf8")).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(await readAutostart(file)).toEqual({ enabled: true, ours: true });
    // turned off in the desktop's own settings (Hidden=true): ours, but not enabled
    writeFileSync(file, `${readFileSync(file, "utf8")}Hidden=true\n`);
    expect(await readAutostart(file)).toEqual({ enabled: false, ours: true });
    await setAutostart(file, false, []);
    expect(existsSync(file)).toBe(false);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, "[Desktop Entry]\nType=Application\nExec=my-own-wrapper\n");
    await setAutostart(file, false, []);
    expect(readFileSync(file, "utf8")).toContain("my-own-wrapper");
  });
});
