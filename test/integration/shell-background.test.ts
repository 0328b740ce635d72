/**
 * The app in the background, through electron/main.ts with the stand-in
 * `electron` module, the real sync manager and the real embedded hub: the
 * tray shows every pair and its items drive the manager; closing the last
 * window keeps the pairs running (a notice the first time); a second launch
 * shows the window; a wake or the network coming back syncs at once; battery
 * holds pairs; start at login writes the XDG entry; a conflict is notified
 * and its click opens it; quitting waits for the engine's interrupt.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { IPC_PREFIX } from "../../shared/ipc/channels.js";
import { PairState } from "../../electron/services/sync/state.js";
import { rec, trayItem, waitForForks } from "../support/electron-standin.js";
import { waitUntil } from "../support/wait.js";

vi.mock("electron", async () => (await import("../support/electron-standin.js")).standIn);

const appFrame = { senderFrame: { url: "app://cocalc-desktop/index.html", parent: null } };
type Reply = { ok: boolean; value?: any; error?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const ipc = (c: string, payload: unknown = {}) => rec.ipc.get(`${IPC_PREFIX}${c}`)!(appFrame, payload) as Promise<Reply>;
const pairs = async () => (await ipc("sync.list")).value.pairs as { config: { id: string; paused: boolean }; status: { state: string; message: string | null; progress: { bytes_done: number } | null; last_counts: Record<string, number> | null; last_sync: string | null } }[];
const tray = () => rec.trays.at(-1)!;
const SYNCED = 60_000;

/**
 * The pair has settled: its last sync changed nothing and ended a while ago, longer than the watcher's
 * debounce (a download here is seen by the watcher and followed by one more sync). From then on only a
 * wake, the network coming back or the hourly listing make it look at the server again.
 */
async function settled(): Promise<void> {
  await waitUntil(
    "the pair to settle",
    async () => {
      const s = (await pairs())[0]!.status;
      const c = s.last_counts;
      const quiet = s.state === "in-sync" && c && [c.uploaded, c.downloaded, c.deleted_local, c.deleted_remote].every((n) => n === 0);
      return quiet && Date.now() - Date.parse(s.last_sync!) > 4000;
    },
    { timeout: SYNCED, interval: 200 },
  );
}

const local = mkdtempSync(join(tmpdir(), "bg-local-"));
const config = mkdtempSync(join(tmpdir(), "bg-config-"));
let remoteDir = "";
/** a path in the pair's project folder; refused until the pair is made, so a failed setup never writes into the working directory */
function remote(...parts: string[]): string {
  if (!remoteDir) throw new Error("the pair was not made: an earlier test failed");
  return join(remoteDir, ...parts);
}
let pairId = "";

beforeAll(async () => {
  rec.userData = mkdtempSync(join(tmpdir(), "shell-bg-"));
  // a desktop with a tray (KDE on X11), and the autostart entry kept in a folder of the test's own
  Object.assign(process.env, { XDG_CURRENT_DESKTOP: "KDE", XDG_SESSION_TYPE: "x11", XDG_CONFIG_HOME: config });
  await import("../../electron/main.js");
  await waitUntil("the main window", () => rec.windows.length > 0, { timeout: 50_000 });
}, 60_000);

afterAll(async () => {
  if (!rec.exited) rec.appEvents.get("will-quit")?.({ preventDefault: () => undefined });
  await waitForForks();
});

describe("the app in the background", () => {
  it("makes a tray icon (drawn PNGs) that says no folder is synced yet", async () => {
    await waitUntil("the tray", () => rec.trays.length === 1);
    const img = tray().images[0] as { buffers: Buffer[] };
    expect(img.buffers.map((b) => b.subarray(1, 4).toString())).toEqual(["PNG", "PNG"]);
    expect(tray().tooltip).toBe("CoCalc Desktop: no folder is synced");
    expect(trayItem("No folder is synced yet").enabled).toBe(false);
  });

  it("shows a pair in the tray; Pause all (until resumed, 1 hour), Resume, Sync all now and Open folder drive the sync manager", async () => {
    const profile = (await ipc("profiles.list")).value.profiles[0];
    // the local hub's first answer can take a while on a loaded machine: asked again until it comes
    const project = await waitUntil("the example project", async () => {
      const r = await ipc("projects.list");
      return r.ok && r.value.projects.find((p: { title: string }) => p.title === "Example project");
    }, { timeout: SYNCED, interval: 500 });
    remoteDir = join(rec.userData, "hub", "projects", project.project_id, "bg");
    writeFileSync(join(local, "a.txt"), "from here\n");
    const added = await ipc("sync.add", { name: "Thesis", local_path: local, profile_id: profile.id, project_id: project.project_id, remote_path: "bg", interval_s: 3600 });
    expect(added.error).toBeUndefined();
    pairId = added.value.id;
    await waitUntil("the pair in sync in the tray", () => /^Thesis: in sync · last sync /.test(tray().menu[0]?.label ?? ""), { timeout: SYNCED });
    expect(tray().tooltip).toBe("CoCalc Desktop: 1 folder in sync");
    expect(readFileSync(remote("a.txt"), "utf8")).toBe("from here\n");

    trayItem("Pause all", "Until resumed").click!();
    await waitUntil("paused", async () => (await pairs())[0]!.status.state === "paused");
    await waitUntil("the pause saved", () => JSON.parse(readFileSync(join(rec.userData, "sync", "pairs.json"), "utf8")).pairs[0].paused === true);
    await waitUntil("the tray says paused", () => tray().tooltip === "CoCalc Desktop: paused");
    trayItem("Resume").click!();
    await waitUntil("resumed", async () => !(await pairs())[0]!.config.paused);

    await waitUntil("the resume saved", () => JSON.parse(readFileSync(join(rec.userData, "sync", "pairs.json"), "utf8")).pairs[0].paused === false);
    trayItem("Pause all", "For 1 hour").click!();
    await waitUntil("the timed pause in the menu", () => rec.trays.at(-1)!.menu.some((i) => /^Resume \(paused until .+\)$/.test(i.label ?? "")));
    const saved = await waitUntil("the timed pause saved", () => {
      const b = JSON.parse(readFileSync(join(rec.userData, "background.json"), "utf8"));
      return b.pause ? b : null;
    });
    expect(saved.pause.ids).toEqual([pairId]);
    expect(Date.parse(saved.pause.until) - Date.now()).toBeGreaterThan(3_500_000);
    trayItem(/^Resume \(paused until/).click!();
    await waitUntil("resumed", async () => !(await pairs())[0]!.config.paused);
    await waitUntil("the timed pause forgotten", () => JSON.parse(readFileSync(join(rec.userData, "background.json"), "utf8")).pause === null);

    // the server's change arrives at once, not at the next listing (60 s)
    writeFileSync(remote("from-server.txt"), "from the server\n");
    trayItem("Sync all now").click!();
    await waitUntil("the server's file here", () => existsSync(join(local, "from-server.txt")), { timeout: SYNCED });

    trayItem("Open a pair's local folder", `Thesis (${local})`).click!();
    expect(rec.openedPaths).toEqual([local]);
  }, 180_000);

  it("closing the last window keeps the app and the pair running; the first time a notice says where it went", async () => {
    const w = rec.windows[0]!;
    w.handlers.get("close")!({ preventDefault: () => undefined });
    w.destroyed = true;
    w.handlers.get("closed")!();
    await rec.appEvents.get("window-all-closed")!();
    await waitUntil("the notice", () => rec.notifications.find((n) => n.title === "CoCalc Desktop keeps your folders in sync"));
    expect(rec.notifications.at(-1)!.body).toMatch(/system tray/);
    expect(rec.quitCalls).toBe(0);
    // still syncing, window or not: a wake syncs at once
    await settled();
    writeFileSync(remote("while-closed.txt"), "synced with no window\n");
    rec.power.get("resume")!();
    await waitUntil("the file synced with no window", () => existsSync(join(local, "while-closed.txt")), { timeout: SYNCED });
  }, 90_000);

  it("a second launch shows the window; closing it again gives no second notice", async () => {
    const before = rec.windows.length;
    rec.appEvents.get("second-instance")!();
    expect(rec.windows.length).toBe(before + 1);
    expect(rec.windows.at(-1)!.loaded).toEqual(["app://cocalc-desktop/index.html"]);
    const notices = rec.notifications.length;
    const w = rec.windows.at(-1)!;
    w.destroyed = true;
    w.handlers.get("closed")!();
    await rec.appEvents.get("window-all-closed")!();
    expect(rec.quitCalls).toBe(0);
    expect(rec.notifications.length).toBe(notices);
    rec.appEvents.get("second-instance")!();
  });

  it("when the network comes back, the pair syncs at once", async () => {
    await settled();
    writeFileSync(remote("network-back.txt"), "after the network came back\n");
    rec.online = false;
    const asked = rec.onlineAsked;
    await waitUntil("the app to see the network down", () => rec.onlineAsked > asked, { timeout: 20_000 });
    rec.online = true;
    await waitUntil("the file synced once the network is back", () => existsSync(join(local, "network-back.txt")), { timeout: SYNCED });
  }, 90_000);

  it("on battery, with 'pause' chosen, the pair is held and says why; plugged in, it syncs again", async () => {
    expect((await ipc("background.configure", { on_battery: "pause" })).value.settings.on_battery).toBe("pause");
    rec.power.get("on-battery")!();
    await waitUntil("held on battery", async () => (await pairs())[0]!.status.message?.startsWith("Paused on battery power"));
    expect((await pairs())[0]!.status.state).toBe("paused");
    // not saved as paused: a restart on mains power syncs as usual
    expect(JSON.parse(readFileSync(join(rec.userData, "sync", "pairs.json"), "utf8")).pairs[0].paused).toBe(false);
    rec.power.get("on-ac")!();
    await waitUntil("syncing again", async () => (await pairs())[0]!.status.state === "in-sync", { timeout: SYNCED });
  }, 90_000);

  it("start at login (Linux): an XDG autostart entry that starts the app hidden, removed when turned off", async () => {
    const entry = join(config, "autostart", "cocalc-desktop.desktop");
    const on = await ipc("background.configure", { start_at_login: true });
    expect(on.value).toMatchObject({ settings: { start_at_login: true }, tray_available: true, login_available: true });
    expect(readFileSync(entry, "utf8")).toMatch(/^Exec=.* --hidden$/m);
    await ipc("background.configure", { start_at_login: false });
    expect(existsSync(entry)).toBe(false);
  });

  it("a new conflict is notified, naming the file; its click opens that conflict in the window", async () => {
    writeFileSync(join(local, "a.txt"), "my edit\n");
    writeFileSync(remote("a.txt"), "their edit\n");
    const before = rec.notifications.length;
    trayItem("Sync all now").click!();
    const n = await waitUntil("the conflict's notification", () => rec.notifications.slice(before).find((x) => x.title === "Conflict in Thesis"), { timeout: SYNCED });
    expect(n.body).toMatch(/^a\.txt was changed on both sides/);
    await waitUntil("the tray says it needs you", () => tray().tooltip.startsWith("CoCalc Desktop needs you. Thesis: 1 conflict"));
    // the window's page runs (it asks for what waits), then the click reaches it as a push
    expect((await ipc("background.takeOpen")).value).toEqual({ open: null });
    const w = rec.windows.at(-1)!;
    n.handlers.get("click")!();
    expect(w.sent.at(-1)).toEqual({ channel: `${IPC_PREFIX}event:sync.open`, payload: { pair_id: pairId, conflict_path: "a.txt" } });
    // with the window closed, the click makes one, whose page finds the request waiting
    w.destroyed = true;
    w.handlers.get("closed")!();
    const windows = rec.windows.length;
    n.handlers.get("click")!();
    expect(rec.windows.length).toBe(windows + 1);
    expect((await ipc("background.takeOpen")).value).toEqual({ open: { pair_id: pairId, conflict_path: "a.txt" } });
    await ipc("sync.resolve", { id: pairId, path: "a.txt", choice: "mine" });
  }, 90_000);

  it("Quit (from the tray) stops the pair through the engine's interrupt and waits for it before the app ends", async () => {
    mkdirSync(join(local, "big"), { recursive: true });
    writeFileSync(join(local, "big", "data.bin"), randomBytes(64 * 1024 * 1024));
    trayItem("Sync all now").click!();
    await waitUntil("the big upload under way", async () => ((await pairs())[0]!.status.progress?.bytes_done ?? 0) > 0, { timeout: SYNCED, interval: 20 });
    const lock = join(rec.userData, "sync", pairId, "lock");
    expect(existsSync(lock)).toBe(true);
    let lockAtExit: boolean | null = null;
    rec.onExit = () => {
      lockAtExit = existsSync(lock);
    };
    trayItem("Quit CoCalc Desktop").click!();
    await waitUntil("the app to end", () => rec.exited, { timeout: SYNCED });
    // the pair was closed (its lock given back) before the app ended
    expect(lockAtExit).toBe(false);
    // and the engine stopped mid-sync: its journal marks the sync as interrupted, for the next one to pick up
    const state = new PairState(join(rec.userData, "sync", pairId));
    expect(state.interrupted()).not.toBeNull();
    state.close();
    expect(tray().destroyed).toBe(true);
  }, 120_000);
});
