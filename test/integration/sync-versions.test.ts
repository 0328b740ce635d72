/**
 * Versions, on every hub generation: what a sync deletes or replaces on
 * either side is kept (here in the pair's store, in the project in its
 * versions folder), restores byte-exact, and is never synced itself;
 * retention, on both sides, removes what is older than the pair's days
 * (whatever set it aside) and, over the size cap, the oldest first.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localVersions, PairVersions, remoteVersionsDir } from "../../electron/services/sync/pair-versions.js";
import { batchName } from "../../electron/services/sync/versions-rules.js";
import { RemoteAgent } from "../../electron/services/transfer/remote.js";
import type { VersionEntry } from "../../shared/sync.js";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";
import { makePair, put, snapshot, type TestPair } from "../support/sync-pair.js";

const T0 = Date.parse("2026-11-01T10:00:00Z");
const DAY = 86_400_000;

describe.each(SYNC_HUB_MODES)("versions, hub --api %s", (mode) => {
  let sh: SyncHub;
  let project_id: string;
  let home: string;
  const pairs: TestPair[] = [];
  beforeAll(async () => {
    sh = await startSyncHub(mode);
    ({ project_id, home } = await sh.newProject());
  });
  afterAll(async () => {
    for (const p of pairs) p.close();
    await sh?.stop();
  });
  const pair = (o: Parameters<typeof makePair>[3] = {}, h = home, pid = project_id) => {
    const p = makePair(sh, pid, h, o);
    pairs.push(p);
    return p;
  };
  const versionsOf = (p: TestPair, pid = project_id) => new PairVersions(p.cfg.id, p.local, localVersions(p.stateDir), async () => new RemoteAgent(sh.backend, pid));
  const only = (list: VersionEntry[], path: string, side: VersionEntry["side"]) => list.filter((v) => v.path === path && v.side === side);
  const synced = async (p: TestPair) => {
    const o = await p.sync();
    expect(o.halted).toBeNull();
    expect(o.counts.errors).toBe(0);
    return o;
  };

  it("a file deleted on the server is kept here and restores byte-exact; the next sync carries it back", async () => {
    const p = pair({ max_delete_pct: 100 });
    const bytes = randomBytes(300_000);
    put(p.local, "docs/thesis.pdf", bytes, T0);
    put(p.local, "keep.txt", "stay", T0);
    await synced(p);
    rmSync(join(p.remote, "docs"), { recursive: true });
    await synced(p);
    expect(existsSync(join(p.local, "docs/thesis.pdf"))).toBe(false);
    const v = versionsOf(p);
    const kept = only(await v.list(), "docs/thesis.pdf", "here");
    expect(kept).toMatchObject([{ why: "deleted", size: bytes.length }]);
    // its folder was deleted too: the restore makes it again
    expect(await v.restore(kept[0]!.id)).toBe("docs/thesis.pdf");
    expect(readFileSync(join(p.local, "docs/thesis.pdf")).equals(bytes)).toBe(true);
    await synced(p);
    expect(readFileSync(join(p.remote, "docs/thesis.pdf")).equals(bytes)).toBe(true);
  });

  it("a file overwritten here by a server edit keeps its old version; restoring onto the taken path puts it beside", async () => {
    const p = pair();
    put(p.local, "notes.txt", "version one", T0);
    await synced(p);
    put(p.remote, "notes.txt", "version two from the server", T0 + 60_000);
    await synced(p);
    expect(readFileSync(join(p.local, "notes.txt"), "utf8")).toBe("version two from the server");
    const v = versionsOf(p);
    const kept = only(await v.list(), "notes.txt", "here");
    expect(kept).toMatchObject([{ why: "replaced", size: "version one".length }]);
    const at = await v.restore(kept[0]!.id, new Date(2026, 11, 7, 9, 5));
    expect(at).toBe("notes (restored 2026-12-07 0905).txt");
    expect(readFileSync(join(p.local, at), "utf8")).toBe("version one");
    expect(readFileSync(join(p.local, "notes.txt"), "utf8")).toBe("version two from the server");
    await synced(p);
    expect(readFileSync(join(p.remote, at), "utf8")).toBe("version one");
  });

  it("the same on the project's side: a file deleted or replaced there because of a change here is kept in the project, and restores byte-exact", async () => {
    const p = pair();
    const old = randomBytes(200_000);
    put(p.local, "data.bin", old, T0);
    put(p.local, "gone.txt", "deleted here", T0);
    put(p.local, "other.txt", "x", T0);
    await synced(p);
    put(p.local, "data.bin", randomBytes(1000), T0 + 60_000);
    unlinkSync(join(p.local, "gone.txt"));
    await synced(p);
    expect(existsSync(join(p.remote, "gone.txt"))).toBe(false);
    const store = join(home, remoteVersionsDir(p.cfg.id));
    expect(existsSync(store)).toBe(true);
    const list = await versionsOf(p).list();
    expect(only(list, "gone.txt", "project")).toMatchObject([{ why: "deleted", size: "deleted here".length }]);
    const replaced = only(list, "data.bin", "project");
    expect(replaced).toMatchObject([{ why: "replaced", size: old.length }]);
    // nothing of this computer's store was added by changes made here
    expect(list.filter((x) => x.side === "here")).toEqual([]);
    const at = await versionsOf(p).restore(replaced[0]!.id);
    expect(at).toMatch(/^data \(restored .*\)\.bin$/);
    expect(readFileSync(join(p.local, at)).equals(old)).toBe(true);
    const del = only(list, "gone.txt", "project")[0]!;
    expect(await versionsOf(p).restore(del.id)).toBe("gone.txt");
    await synced(p);
    expect(readFileSync(join(p.remote, "gone.txt"), "utf8")).toBe("deleted here");
    expect(readFileSync(join(p.remote, at)).equals(old)).toBe(true);
  });

  it("retention trims the oldest first, on both sides", async () => {
    const p = pair({ max_delete_pct: 100, versions_max_mb: 1 });
    const a = randomBytes(600_000);
    const b = randomBytes(600_000);
    for (const [n, c] of [["a.bin", a], ["b.bin", b], ["c.bin", a], ["d.bin", b], ["z.txt", "z"]] as const) put(p.local, n, c, T0);
    await synced(p);
    unlinkSync(join(p.remote, "a.bin"));
    unlinkSync(join(p.local, "c.bin"));
    await synced(p);
    unlinkSync(join(p.remote, "b.bin"));
    unlinkSync(join(p.local, "d.bin"));
    await synced(p);
    const list = await versionsOf(p).list();
    // 1.2 MB does not fit in 1 MB: the older goes, the newer stays, on each side
    expect(list.filter((v) => v.side === "here").map((v) => v.path)).toEqual(["b.bin"]);
    expect(list.filter((v) => v.side === "project").map((v) => v.path)).toEqual(["d.bin"]);
  });

  /** both stores' roots: [here, in the project] */
  const stores = (p: TestPair) => [localVersions(p.stateDir).dir, join(home, remoteVersionsDir(p.cfg.id))] as const;
  /** a version laid into both stores as if a sync `daysAgo` had kept it (`tag` names its batch) */
  const seed = (p: TestPair, daysAgo: number, tag: string, path: string, bytes: Buffer | string, resolved?: "theirs") => {
    const batch = batchName(new Date(Date.now() - daysAgo * DAY), tag, resolved);
    for (const root of stores(p)) put(root, `${batch}/deleted/${path}`, bytes);
    return batch;
  };
  const listed = async (p: TestPair) => {
    const list = await versionsOf(p).list();
    return { here: list.filter((v) => v.side === "here").map((v) => v.path).sort(), project: list.filter((v) => v.side === "project").map((v) => v.path).sort() };
  };
  /** one sync that keeps a version on each side: a file deleted on the server (kept here), one deleted here (kept there) */
  const keepOneEach = async (p: TestPair, here: string, there: string) => {
    unlinkSync(join(p.remote, here));
    unlinkSync(join(p.local, there));
    const o = await p.sync();
    expect(o.halted).toBeNull();
    expect(o.counts).toMatchObject({ errors: 0, deleted_local: 1, deleted_remote: 1 });
  };

  it("retention: versions older than the pair's days go, on both sides; newer ones stay", async () => {
    const p = pair({ max_delete_pct: 100 });
    for (const n of ["from-server.txt", "from-here.txt", "stay.txt"]) put(p.local, n, `${n}\n`, T0);
    expect((await p.sync()).counts.errors).toBe(0);
    const old = seed(p, 40, "old", "old.txt", "forty days old");
    const oldResolved = seed(p, 31, "res", "old-resolved.txt", "a month old", "theirs");
    seed(p, 10, "mid", "mid.txt", "ten days old");
    await keepOneEach(p, "from-server.txt", "from-here.txt");
    expect(await listed(p)).toEqual({ here: ["from-server.txt", "mid.txt"], project: ["from-here.txt", "mid.txt"] });
    for (const root of stores(p)) for (const b of [old, oldResolved]) expect(existsSync(join(root, b)), `${root}/${b}`).toBe(false);
  });

  it("retention: over the size cap the oldest go first until the rest fits, on both sides", async () => {
    const p = pair({ max_delete_pct: 100, versions_max_mb: 1 });
    put(p.local, "from-server.bin", randomBytes(300_000), T0);
    put(p.local, "from-here.bin", randomBytes(300_000), T0);
    put(p.local, "stay.txt", "stay", T0);
    expect((await p.sync()).counts.errors).toBe(0);
    seed(p, 3, "s3", "three-days.bin", randomBytes(300_000));
    seed(p, 2, "s2", "two-days.bin", randomBytes(300_000));
    seed(p, 1, "s1", "one-day.bin", randomBytes(300_000));
    // 4 × 300,000 bytes do not fit in 1 MiB; 3 do: only the oldest goes, not the one just kept
    await keepOneEach(p, "from-server.bin", "from-here.bin");
    expect(await listed(p)).toEqual({ here: ["from-server.bin", "one-day.bin", "two-days.bin"], project: ["from-here.bin", "one-day.bin", "two-days.bin"] });
  });
  it("nothing in a versions store is ever synced, even when the pair is the whole home folder", async () => {
    const proj = await sh.newProject();
    const p = pair({ remote_path: "", max_delete_pct: 100 }, proj.home, proj.project_id);
    put(p.local, "a.txt", "one", T0);
    put(p.local, "b.txt", "two", T0);
    put(p.local, "c.txt", "three", T0);
    await synced(p);
    put(p.local, "a.txt", "one, edited here", T0 + 60_000);
    unlinkSync(join(p.local, "b.txt"));
    unlinkSync(join(p.remote, "c.txt"));
    await synced(p);
    await synced(p);
    const list = await versionsOf(p, proj.project_id).list();
    expect(list.map((v) => `${v.side} ${v.why} ${v.path}`).sort()).toEqual(["here deleted c.txt", "project deleted b.txt", "project replaced a.txt"]);
    const l = snapshot(p.local);
    expect(Object.keys(l).sort()).toEqual(["a.txt"]);
    expect(Object.keys(l).some((k) => k.includes("cocalc-sync") || k.includes("versions"))).toBe(false);
    // and the local store is outside the local folder
    expect(localVersions(p.stateDir).dir.startsWith(p.local)).toBe(false);
  });

  it("headless: --versions lists both sides, --restore PATH [--at TIME] puts the chosen one back", async () => {
    const p = pair({ max_delete_pct: 100 });
    put(p.local, "a.txt", "first", T0);
    put(p.local, "b.txt", "bee", T0);
    await synced(p);
    put(p.remote, "a.txt", "second", T0 + 60_000);
    await synced(p);
    put(p.remote, "a.txt", "third", T0 + 120_000);
    unlinkSync(join(p.local, "b.txt"));
    await synced(p);
    const listed = await p.cli(["--versions"]);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split("\n").map((l) => l.split("\t"));
    expect(lines.map((l) => `${l[1]} ${l[2]} ${l[4]}`).sort()).toEqual(["here replaced a.txt", "here replaced a.txt", "project deleted b.txt"]);
    // newest first: --at the older of a.txt's two versions takes that one
    const aTimes = lines.filter((l) => l[4] === "a.txt").map((l) => l[0]!);
    expect(aTimes[0]! > aTimes[1]!).toBe(true);
    const firstAt = aTimes[1]!;
    rmSync(join(p.local, "a.txt"));
    const r = await p.cli(["--restore", "a.txt", "--at", firstAt]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(p.local, "a.txt"), "utf8")).toBe("first");
    const b = await p.cli(["--restore", "b.txt"]);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(join(p.local, "b.txt"), "utf8")).toBe("bee");
    const none = await p.cli(["--restore", "nothing.txt"]);
    expect(none.code).toBe(65);
    expect(none.stderr).toContain("No version of nothing.txt is kept");
  }, 240_000);

  it("with versions off, nothing is kept (the setting is honoured)", async () => {
    const p = pair({ keep_versions: false, max_delete_pct: 100 });
    put(p.local, "a.txt", "one", T0);
    put(p.local, "b.txt", "two", T0);
    await synced(p);
    unlinkSync(join(p.remote, "a.txt"));
    unlinkSync(join(p.local, "b.txt"));
    await synced(p);
    expect(await versionsOf(p).list()).toEqual([]);
  });
});
