/**
 * Selective sync, on every hub generation, through the sync manager the app
 * uses (its folder tree, its folder choice, its syncs): leaving folders out
 * and taking them back deletes nothing on the server; the local copies are
 * kept or moved into Versions as chosen and restore byte-exact; changes in a
 * left-out folder cross neither way, and once it is back they do, with both
 * versions kept where both sides differ; the base never turns a folder taken
 * back into "deleted on one side".
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyncManager } from "../../electron/services/sync/manager.js";
import { UNSELECTING } from "../../electron/services/sync/runner.js";
import { countingBackend, type CallCounter } from "../../electron/services/transfer/counting.js";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";
import { fileHashes, makePair, put } from "../support/sync-pair.js";

const T0 = Date.parse("2026-11-01T10:00:00Z");


/** every file of `before` is still there with the same bytes */
function nothingLost(before: Record<string, string>, after: Record<string, string>) {
  for (const [p, h] of Object.entries(before)) expect(after[p], p).toBe(h);
}

describe.each(SYNC_HUB_MODES)("selective sync, hub --api %s", (mode) => {
  let sh: SyncHub;
  let project_id: string;
  let home: string;
  let dataDir: string;
  let m: SyncManager;
  /** the engine's and the tree's calls to the server */
  const calls: CallCounter = { calls: 0 };
  const temps: string[] = [];
  beforeAll(async () => {
    sh = await startSyncHub(mode);
    ({ project_id, home } = await sh.newProject());
    dataDir = mkdtempSync(join(tmpdir(), "selsync-app-"));
    m = await SyncManager.open({ dataDir, backend: async () => countingBackend(sh.backend, calls), autoStart: false });
  });
  afterAll(async () => {
    await m?.close();
    await sh?.stop();
    for (const t of [dataDir, ...temps]) rmSync(t, { recursive: true, force: true });
  });

  let n = 0;
  const newPair = async () => {
    const local = mkdtempSync(join(tmpdir(), "selsync-local-"));
    temps.push(local);
    const remote_path = `sel-${++n}`;
    const cfg = await m.add({ local_path: local, profile_id: "local", project_id, remote_path, max_delete_pct: 100 });
    return { id: cfg.id, local, remote: join(home, remote_path) };
  };
  const synced = async (id: string) => {
    const c = await m.syncNow(id);
    const s = m.list().find((p) => p.config.id === id)!.status;
    expect(s.message).toBeNull();
    expect(c.errors).toBe(0);
    return c;
  };
  const seed = (local: string) => {
    const big = randomBytes(300_000);
    put(local, "top.txt", "top", T0);
    put(local, "docs/a.txt", "alpha", T0);
    put(local, "docs/sub/b.bin", randomBytes(5000), T0);
    put(local, "data/big.bin", big, T0);
    put(local, "data/c.txt", "charlie", T0);
    put(local, "photos/p.jpg", randomBytes(2000), T0);
    return { big };
  };

  it("the folder tree: every server folder with its size, from one listing", async () => {
    const p = await newPair();
    seed(p.local);
    await synced(p.id);
    // gone here (not synced yet): the tree says so, for the keep-or-remove question
    rmSync(join(p.local, "photos"), { recursive: true });
    const before = calls.calls;
    const tree = await m.folderTree(p.id);
    expect(calls.calls - before).toBe(1);
    expect(tree).toEqual([
      { path: "data", bytes: 300_000 + 7, files: 2, here: true },
      { path: "docs", bytes: 5 + 5000, files: 2, here: true },
      { path: "docs/sub", bytes: 5000, files: 1, here: true },
      { path: "photos", bytes: 2000, files: 1, here: false },
    ]);
  });

  it("leaving folders out keeps or removes local copies as chosen and deletes nothing on the server; taking them back deletes nothing either", async () => {
    const p = await newPair();
    const { big } = seed(p.local);
    await synced(p.id);
    const server0 = fileHashes(p.remote);
    expect(Object.keys(server0)).toHaveLength(6);

    // photos: local copy kept; data: removed here (into Versions)
    expect(await m.setSelection(p.id, ["photos"], "keep")).toEqual({ moved: 0, kept: [] });
    put(p.local, "data/local-only.txt", "only here", T0);
    expect(await m.setSelection(p.id, ["photos", "data"], "remove")).toEqual({ moved: 2, kept: ["data/local-only.txt"] });
    expect(existsSync(join(p.local, "photos/p.jpg"))).toBe(true);
    expect(existsSync(join(p.local, "data/big.bin"))).toBe(false);
    expect(existsSync(join(p.local, "data/c.txt"))).toBe(false);
    // a file the server does not hold stays where it is
    expect(readFileSync(join(p.local, "data/local-only.txt"), "utf8")).toBe("only here");
    await synced(p.id);
    nothingLost(server0, fileHashes(p.remote));
    expect(existsSync(join(p.remote, "data/local-only.txt"))).toBe(false);

    // removed copies restore byte-exact from Versions
    const kept = (await m.versions(p.id)).filter((v) => v.why === "unselected" && v.side === "here");
    expect(kept.map((v) => v.path).sort()).toEqual(["data/big.bin", "data/c.txt"]);
    expect(await m.restoreVersion(p.id, kept.find((v) => v.path === "data/big.bin")!.id)).toEqual({ path: "data/big.bin" });
    expect(readFileSync(join(p.local, "data/big.bin")).equals(big)).toBe(true);
    await synced(p.id);
    nothingLost(server0, fileHashes(p.remote));

    // everything back in: nothing deleted on either side, the rest comes down
    const local1 = fileHashes(p.local);
    expect(await m.setSelection(p.id, [], "keep")).toEqual({ moved: 0, kept: [] });
    await synced(p.id);
    const server2 = fileHashes(p.remote);
    nothingLost(server0, server2);
    nothingLost(local1, fileHashes(p.local));
    expect(readFileSync(join(p.local, "data/c.txt"), "utf8")).toBe("charlie");
    expect(readFileSync(join(p.remote, "data/local-only.txt"), "utf8")).toBe("only here");
    expect(fileHashes(p.local)).toEqual(server2);
  });

  it("changes in a left-out folder cross neither way; taken back in they do, and where both differ both versions are kept", async () => {
    const p = await newPair();
    seed(p.local);
    await synced(p.id);
    await m.setSelection(p.id, ["photos", "data"], "keep");
    put(p.remote, "photos/p.jpg", "edited on the server", T0 + 120_000);
    put(p.local, "photos/new-here.txt", "new here", T0);
    put(p.remote, "data/new-there.txt", "new there", T0);
    put(p.local, "data/c.txt", "edited here", T0 + 60_000);
    unlinkSync(join(p.remote, "data/big.bin"));
    put(p.local, "docs/a.txt", "alpha edited", T0 + 60_000);
    const server1 = fileHashes(p.remote);
    const local1 = fileHashes(p.local);
    await synced(p.id);
    // the synced folder crossed; the left-out ones did not, either way
    expect(readFileSync(join(p.remote, "docs/a.txt"), "utf8")).toBe("alpha edited");
    expect(fileHashes(p.remote)).toEqual({ ...server1, "docs/a.txt": local1["docs/a.txt"] });
    expect(fileHashes(p.local)).toEqual(local1);

    await m.setSelection(p.id, [], "keep");
    await synced(p.id);
    const server2 = fileHashes(p.remote);
    const local2 = fileHashes(p.local);
    expect(local2).toEqual(server2);
    // nothing deleted on either side: the file deleted on the server while left out comes back from here
    const apart = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith("docs/")));
    contentsKept(apart(local1), local2);
    contentsKept(apart(server1), server2);
    expect(existsSync(join(p.remote, "data/big.bin"))).toBe(true);
    expect(readFileSync(join(p.local, "photos/new-here.txt"), "utf8")).toBe("new here");
    expect(readFileSync(join(p.remote, "photos/new-here.txt"), "utf8")).toBe("new here");
    expect(readFileSync(join(p.local, "data/new-there.txt"), "utf8")).toBe("new there");
    // both edited while apart: the newer stays at the path, the other is kept beside it on both sides
    expect(readFileSync(join(p.local, "photos/p.jpg"), "utf8")).toBe("edited on the server");
    const copies = Object.keys(local2).filter((k) => k.startsWith("photos/p (conflict from local "));
    expect(copies).toHaveLength(1);
    expect(local2[copies[0]!]).toBe(local1["photos/p.jpg"]);
    const cConflict = Object.keys(local2).filter((k) => k.startsWith("data/c (conflict from "));
    expect(cConflict).toHaveLength(1);
    expect([local2["data/c.txt"], local2[cConflict[0]!]].sort()).toEqual([local1["data/c.txt"], server1["data/c.txt"]].sort());
  });

  it("a file deleted on one side while its folder was left out is never deleted on the other when it is taken back", async () => {
    const p = await newPair();
    seed(p.local);
    await synced(p.id);
    await m.setSelection(p.id, ["docs"], "keep");
    unlinkSync(join(p.local, "docs/a.txt"));
    unlinkSync(join(p.remote, "docs/sub/b.bin"));
    const before = { ...fileHashes(p.local), ...fileHashes(p.remote) };
    await synced(p.id);
    await m.setSelection(p.id, [], "keep");
    await synced(p.id);
    // each side's copy came back to the side that deleted it
    expect(fileHashes(p.local)).toEqual(fileHashes(p.remote));
    nothingLost(before, fileHashes(p.remote));
    expect(existsSync(join(p.remote, "docs/a.txt"))).toBe(true);
    expect(existsSync(join(p.local, "docs/sub/b.bin"))).toBe(true);
  });

  it("killed while it removes a left-out folder's copies here: nothing is lost, the next run finishes it, the server keeps everything", async () => {
    const tp = makePair(sh, project_id, home, { max_delete_pct: 100 });
    try {
      seed(tp.local);
      expect((await tp.cli(["--once"])).code).toBe(0);
      const all = fileHashes(tp.local);
      const server0 = fileHashes(tp.remote);
      const crashed = await tp.cli(["--once", "--skip", "data", "--remove-skipped"], { COCALC_SYNC_CRASH_AT: UNSELECTING });
      expect(crashed.signal).toBe("SIGKILL");
      // one file went into Versions before the kill, the other is still in place
      expect(Object.keys(fileHashes(tp.local)).filter((k) => k.startsWith("data/"))).toHaveLength(1);
      const again = await tp.cli(["--once", "--skip", "data", "--remove-skipped"]);
      expect(again.code).toBe(0);
      expect(existsSync(join(tp.local, "data"))).toBe(false);
      nothingLost(server0, fileHashes(tp.remote));
      // every file is here or in this computer's versions store, byte for byte
      const store = fileHashes(join(tp.stateDir, "versions"));
      const inStore = new Set(Object.values(store));
      for (const [p, h] of Object.entries(all)) expect(fileHashes(tp.local)[p] === h || inStore.has(h), p).toBe(true);
    } finally {
      tp.close();
    }
  }, 300_000);

  it("headless: --skip and --only leave folders out, --remove-skipped moves the copies here into Versions, the server keeps everything", async () => {
    const tp = makePair(sh, project_id, home, { max_delete_pct: 100 });
    try {
      seed(tp.local);
      const first = await tp.cli(["--once"]);
      expect(first.code).toBe(0);
      const server0 = fileHashes(tp.remote);
      const run = await tp.cli(["--once", "--skip", "data/", "--skip", "./photos", "--remove-skipped"]);
      expect(run.code).toBe(0);
      expect(existsSync(join(tp.local, "data"))).toBe(false);
      expect(existsSync(join(tp.local, "photos"))).toBe(false);
      nothingLost(server0, fileHashes(tp.remote));
      const listed = await tp.cli(["--versions"]);
      expect(listed.stdout.split("\n").filter((l) => l.includes("\tunselected\t"))).toHaveLength(3);
      put(tp.local, "top2.txt", "not under docs", T0);
      put(tp.local, "docs/new.txt", "under docs", T0);
      expect((await tp.cli(["--once", "--only", "docs"])).code).toBe(0);
      expect(existsSync(join(tp.remote, "docs/new.txt"))).toBe(true);
      expect(existsSync(join(tp.remote, "top2.txt"))).toBe(false);
      nothingLost(server0, fileHashes(tp.remote));
      const bad = await tp.cli(["--once", "--only", "../etc"]);
      expect(bad.code).toBe(64);
      expect(bad.stderr).toMatch(/--only: '..\/etc' leads outside the pair's folder/);
      // everything back: the removed folders come down again, nothing is deleted anywhere
      expect((await tp.cli(["--once"])).code).toBe(0);
      expect(fileHashes(tp.local)).toEqual(fileHashes(tp.remote));
      nothingLost(server0, fileHashes(tp.local));
    } finally {
      tp.close();
    }
  }, 300_000);
});

/** every content of `before` is still somewhere in `after` (a conflict may have moved it beside its path) */
function contentsKept(before: Record<string, string>, after: Record<string, string>) {
  const have = new Set(Object.values(after));
  for (const [p, h] of Object.entries(before)) expect(have.has(h), p).toBe(true);
}
