/**
 * Versions retention on every hub generation, on both sides — this
 * computer's store and the project's versions folder: what is older than the
 * pair's days goes (whatever set it aside, a sync or a conflict resolution),
 * and over the size cap the oldest go first until the rest fits; what is newer
 * stays, and emptied batch folders go too.
 */
import { randomBytes } from "node:crypto";
import { existsSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localVersions, PairVersions, remoteVersionsDir } from "../../electron/services/sync/pair-versions.js";
import { batchName } from "../../electron/services/sync/versions-rules.js";
import { RemoteAgent } from "../../electron/services/transfer/remote.js";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";
import { makePair, put, type TestPair } from "../support/sync-pair.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-01T10:00:00Z");

describe.each(SYNC_HUB_MODES)("versions retention, hub --api %s", (mode) => {
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
  const pair = (o: Parameters<typeof makePair>[3]) => {
    const p = makePair(sh, project_id, home, o);
    pairs.push(p);
    return p;
  };
  /** both stores' roots: [here, in the project] */
  const stores = (p: TestPair) => [localVersions(p.stateDir).dir, join(home, remoteVersionsDir(p.cfg.id))] as const;
  /** a version laid into both stores as if a sync `daysAgo` had kept it (`tag` names its batch) */
  const seed = (p: TestPair, daysAgo: number, tag: string, path: string, bytes: Buffer | string, resolved?: "theirs") => {
    const batch = batchName(new Date(Date.now() - daysAgo * DAY), tag, resolved);
    for (const root of stores(p)) put(root, `${batch}/deleted/${path}`, bytes);
    return batch;
  };
  const listed = async (p: TestPair) => {
    const list = await new PairVersions(p.cfg.id, p.local, localVersions(p.stateDir), async () => new RemoteAgent(sh.backend, project_id)).list();
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

  it("versions older than the pair's days go, on both sides; newer ones stay", async () => {
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

  it("over the size cap the oldest go first until the rest fits, on both sides", async () => {
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
});
