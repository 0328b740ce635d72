/**
 * SyncManager on the real hub: pairs persisted across restarts, status
 * events, a conflict shown and resolved (mine / theirs), pause and resume,
 * offline with a waiting count while the server is gone and catching up when
 * it is back, remove that deletes no file, the activity log.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyncManager } from "../../electron/services/sync/manager.js";
import type { PairStatus } from "../../shared/sync.js";
import { startSyncHub, type SyncHub } from "../support/sync-hub.js";
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

describe("sync manager, hub --api v1", () => {
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
    sh = await startSyncHub("v1", { dataDir: hubData });
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
    sh = await startSyncHub("v1", { dataDir: hubData, port });
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
