/**
 * electron/main.ts started at login (the autostart entry's --hidden) with the
 * stand-in `electron` module: it goes straight to the tray with no window;
 * the tray's "Open CoCalc Desktop" and a second launch bring the window.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { rec, trayItem, waitForForks } from "../support/electron-standin.js";
import { waitUntil } from "../support/wait.js";

vi.mock("electron", async () => (await import("../support/electron-standin.js")).standIn);

beforeAll(async () => {
  rec.userData = mkdtempSync(join(tmpdir(), "shell-hidden-"));
  Object.assign(process.env, { XDG_CURRENT_DESKTOP: "KDE", XDG_SESSION_TYPE: "x11" });
  process.argv.push("--hidden");
  await import("../../electron/main.js");
  // start() has run once the IPC channels are there
  await waitUntil("the app to start", () => rec.ipc.size > 0 && rec.trays.length > 0, { timeout: 50_000 });
}, 60_000);

afterAll(async () => {
  process.argv.splice(process.argv.indexOf("--hidden"), 1);
  rec.appEvents.get("will-quit")?.({ preventDefault: () => undefined });
  await waitForForks();
});

describe("started at login", () => {
  it("goes straight to the tray: no window", () => {
    expect(rec.trays).toHaveLength(1);
    expect(rec.windows).toHaveLength(0);
  });

  it("the tray's Open CoCalc Desktop makes the window; a second launch brings the same one back", () => {
    trayItem("Open CoCalc Desktop").click!();
    expect(rec.windows).toHaveLength(1);
    expect(rec.windows[0]!.loaded).toEqual(["app://cocalc-desktop/index.html"]);
    rec.windows[0]!.minimized = true;
    rec.appEvents.get("second-instance")!();
    expect(rec.windows).toHaveLength(1);
    expect(rec.windows[0]!.minimized).toBe(false);
  });
});
