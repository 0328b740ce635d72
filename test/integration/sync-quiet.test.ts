/**
 * A sync with nothing to do (most syncs) ends after its plan in one
 * transaction, and leaves the state as a full sync would: no journal row,
 * `last_sync` advanced, nothing changed on either side. A sync a crash left
 * unfinished is still picked up in full even when nothing is left to do, and
 * a change after quiet syncs still goes across.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";
import { makePair, put, snapshot, type TestPair } from "../support/sync-pair.js";

describe.concurrent.each(SYNC_HUB_MODES)("a sync with nothing to do, hub --api %s", (mode) => {
  let sh: SyncHub;
  let p: TestPair;
  beforeAll(async () => {
    sh = await startSyncHub(mode);
    const { project_id, home } = await sh.newProject();
    p = makePair(sh, project_id, home);
    put(p.local, "a.txt", "here\n");
    await p.sync();
  });
  afterAll(async () => {
    p?.close();
    await sh?.stop();
  });

  it.sequential("ends in one step: no journal left, last sync advanced, nothing moved, one call", async ({ expect }) => {
    const before = p.state.meta("last_sync")!;
    const sides = [snapshot(p.local), snapshot(p.remote)];
    await new Promise((r) => setTimeout(r, 5));
    const o = await p.sync();
    expect(o.counts).toMatchObject({ uploaded: 0, downloaded: 0, deleted_local: 0, deleted_remote: 0, conflicts: 0, errors: 0, api_calls: 1 });
    expect(p.state.interrupted()).toBeNull();
    expect(Date.parse(p.state.meta("last_sync")!)).toBeGreaterThan(Date.parse(before));
    expect([snapshot(p.local), snapshot(p.remote)]).toEqual(sides);
    // the headless command told to die at a later journal point never reaches it: the sync ended before
    const run = await p.crashAt("planned");
    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    // the first point is still recorded (and still a kill point)
    expect((await p.crashAt("listed")).signal).toBe("SIGKILL");
  }, 120_000);

  it.sequential("a sync a crash left unfinished is picked up in full, though nothing is left to do", async ({ expect }) => {
    expect(p.state.interrupted()).not.toBeNull();
    const o = await p.sync();
    expect(o.counts.errors).toBe(0);
    expect(p.state.interrupted()).toBeNull();
    expect(p.state.activity().some((e) => e.text.startsWith("The last sync stopped early"))).toBe(true);
  }, 120_000);

  it.sequential("a change after quiet syncs still goes across", async ({ expect }) => {
    put(p.remote, "b.txt", "from the server\n");
    const o = await p.sync();
    expect(o.counts.downloaded).toBe(1);
    expect(readFileSync(join(p.local, "b.txt"), "utf8")).toBe("from the server\n");
  }, 120_000);
});
