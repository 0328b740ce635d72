/**
 * SyncManager on the real hub: pairs persisted across restarts, status
 * events, conflicts shown and resolved (theirs, mine, both), pause and resume,
 * offline with a waiting count while the server is gone and catching up when
 * it is back, remove that deletes no file, the activity log.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyncManager } from "../../electron/services/sync/manager.js";
import type { PairStatus } from "../../shared/sync.js";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";
import { put } from "../support/sync-pair.js";

const OLD = Date.parse("2026-11-01T10:00:00Z");
const NEW = OLD + 3600_000;

async function until<T>(what: string, f: () => T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(SYNC_HUB_MODES)("sync manager, hub --api %s", (mode) => {
  const hubData = mkdtempSync(join(tmpdir(), "mgr-hub-"));
  const appData = mkdtempSync(join(tmpdir(), "mgr-app-"));
  const local = mkdtempSync(join(tmpdir(), "mgr-local-"));
  let sh: SyncHub;
  let port: number;
  let project_id: string;
  let home: string;
  let m: SyncManager;
  const statuses: PairStatus[] = [];
  beforeAll(async () => {
    sh = await startSyncHub(mode, { dataDir: hubData });
    port = Number(new URL(sh.hub.url).port);
    ({ project_id, home } = await sh.newProject());
    m = await SyncManager.open({ dataDir: appData, backend: async () => sh.backend, autoStart: false });
    m.onStatus((s) => statuses.push(s));
  });
  afterAll(async () => {
    await m?.close();
    await sh?.stop();
    for (const d of [hubData, appData, local]) rmSync(d, { recursive: true, force: true });
  });

  let id: string;
  it("adds a pair, syncs it and reports in-sync; the config survives a restart", async () => {
    put(local, "thesis.tex", "chapter 1\n");
    const cfg = await m.add({ local_path: local, profile_id: "local-hub", project_id, remote_path: "thesis" });
    id = cfg.id;
    const counts = await m.syncNow(id);
    expect(counts).toMatchObject({ uploaded: 1, errors: 0 });
    expect(readFileSync(join(home, "thesis", "thesis.tex"), "utf8")).toBe("chapter 1\n");
    expect(m.list()[0]!.status).toMatchObject({ state: "in-sync", last_counts: { uploaded: 1 } });
    expect(statuses.map((s) => s.state)).toContain("syncing");
    await m.close();
    m = await SyncManager.open({ dataDir: appData, backend: async () => sh.backend, autoStart: false });
    m.onStatus((s) => statuses.push(s));
    expect(m.list().map((p) => p.config)).toEqual([expect.objectContaining({ id, local_path: local, remote_path: "thesis", policy: "keep-both" })]);
    await expect(m.add({ local_path: local, profile_id: "local-hub", project_id, remote_path: "other" })).rejects.toThrow(/already synced/);
  });

  it("shows a conflict with both versions and resolves it with 'theirs'", async () => {
    put(local, "thesis.tex", "my edit\n", NEW);
    put(join(home, "thesis"), "thesis.tex", "their edit\n", OLD);
    expect((await m.syncNow(id)).conflicts).toBe(1);
    const st = m.list()[0]!.status;
    expect(st.state).toBe("conflicts");
    expect(st.conflicts[0]).toMatchObject({ path: "thesis.tex", kept: "local" });
    const v = await m.conflictVersions(id, "thesis.tex");
    expect(Buffer.from(v.mine!).toString()).toBe("my edit\n");
    expect(Buffer.from(v.theirs!).toString()).toBe("their edit\n");
    const copy = st.conflicts[0]!.conflict_path;
    await m.resolve(id, "thesis.tex", "theirs");
    await until("the resolution synced", () => !existsSync(join(home, "thesis", copy)) && readFileSync(join(home, "thesis", "thesis.tex"), "utf8") === "their edit\n");
    expect(readFileSync(join(local, "thesis.tex"), "utf8")).toBe("their edit\n");
    expect(existsSync(join(local, copy))).toBe(false);
    expect(m.list()[0]!.status.conflicts).toEqual([]);
    expect(m.activity(id).map((a) => a.text).join("\n")).toMatch(/resolved: took the server's version/);
  });

  it("resolves a conflict with 'mine': the local version on both sides, the copy gone from both", async () => {
    put(local, "notes.md", "base\n", OLD);
    await m.syncNow(id);
    put(local, "notes.md", "mine, older\n", OLD + 60_000);
    put(join(home, "thesis"), "notes.md", "theirs, newer\n", NEW);
    expect((await m.syncNow(id)).conflicts).toBe(1);
    const c = m.list()[0]!.status.conflicts.find((x) => x.path === "notes.md")!;
    // the newer remote edit is the one left at the path; mine is the copy
    expect(c).toMatchObject({ kept: "remote" });
    const v = await m.conflictVersions(id, "notes.md");
    expect(Buffer.from(v.mine!).toString()).toBe("mine, older\n");
    expect(Buffer.from(v.theirs!).toString()).toBe("theirs, newer\n");
    await m.resolve(id, "notes.md", "mine");
    await until("the resolution synced", () => !existsSync(join(home, "thesis", c.conflict_path)) && readFileSync(join(home, "thesis", "notes.md"), "utf8") === "mine, older\n");
    expect(readFileSync(join(local, "notes.md"), "utf8")).toBe("mine, older\n");
    expect(existsSync(join(local, c.conflict_path))).toBe(false);
    expect(m.list()[0]!.status.conflicts).toEqual([]);
    expect(m.activity(id).map((a) => a.text).join("\n")).toMatch(/resolved: kept the local version/);
  });

  it("resolves a conflict with 'both': both versions stay on both sides and the conflict is closed", async () => {
    put(local, "plan.txt", "base\n", OLD);
    await m.syncNow(id);
    put(local, "plan.txt", "local plan\n", NEW);
    put(join(home, "thesis"), "plan.txt", "remote plan\n", OLD + 60_000);
    expect((await m.syncNow(id)).conflicts).toBe(1);
    const c = m.list()[0]!.status.conflicts.find((x) => x.path === "plan.txt")!;
    await m.resolve(id, "plan.txt", "both");
    expect(m.list()[0]!.status.conflicts).toEqual([]);
    for (const root of [local, join(home, "thesis")]) {
      expect(readFileSync(join(root, "plan.txt"), "utf8")).toBe("local plan\n");
      expect(readFileSync(join(root, c.conflict_path), "utf8")).toBe("remote plan\n");
    }
    // closed for good: the next sync neither reopens it nor moves anything
    const again = await m.syncNow(id);
    expect(again).toMatchObject({ conflicts: 0, uploaded: 0, downloaded: 0, deleted_local: 0, deleted_remote: 0 });
  });

  it("pauses and resumes", async () => {
    await m.pause(id);
    expect(m.list()[0]).toMatchObject({ config: { paused: true }, status: { state: "paused" } });
    await m.resume(id);
    expect(m.list()[0]!.config.paused).toBe(false);
  });

  it("goes offline with the number of waiting changes while the server is gone, and catches up when it is back", async () => {
    await sh.stop();
    put(local, "offline-1.txt", "written offline\n");
    put(local, "offline-2.txt", "also offline\n");
    await expect(m.syncNow(id)).rejects.toMatchObject({ kind: "network" });
    expect(m.list()[0]!.status).toMatchObject({ state: "offline", waiting: 2, message: expect.stringMatching(/cannot be reached; 2 change\(s\) waiting/) });
    sh = await startSyncHub(mode, { dataDir: hubData, port });
    const counts = await m.syncNow(id);
    expect(counts.uploaded).toBe(2);
    expect(m.list()[0]!.status).toMatchObject({ state: "in-sync", waiting: 0 });
    expect(readFileSync(join(home, "thesis", "offline-2.txt"), "utf8")).toBe("also offline\n");
  });

  it("removing a pair deletes no file on either side", async () => {
    await m.remove(id);
    expect(m.list()).toEqual([]);
    expect(readFileSync(join(local, "thesis.tex"), "utf8")).toBe("their edit\n");
    expect(readFileSync(join(home, "thesis", "thesis.tex"), "utf8")).toBe("their edit\n");
    expect(existsSync(join(appData, "sync", id))).toBe(false);
  });

  it("watches the local folder: a new file is pushed without asking", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mgr-watch-"));
    const w = await SyncManager.open({ dataDir: mkdtempSync(join(tmpdir(), "mgr-app2-")), backend: async () => sh.backend });
    try {
      const cfg = await w.add({ local_path: dir, profile_id: "local-hub", project_id, remote_path: "watched", interval_s: 3600 });
      await until("first sync", () => w.list()[0]!.status.state === "in-sync");
      writeFileSync(join(dir, "seen.txt"), "picked up by the watcher\n");
      await until("the watcher's sync", () => existsSync(join(home, "watched", "seen.txt")));
      expect(w.list()[0]!.config.id).toBe(cfg.id);
    } finally {
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
