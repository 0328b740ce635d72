/**
 * What a headless no-change sync costs, counted by the hub: after a first
 * run has learned the server (generation, exec route, read size — kept with
 * the pair's state), a run of a 200-file pair with nothing to do is one HTTP
 * request, in every generation, however long ago the last run was. The wall time is measured and printed, not
 * asserted (the machine's load decides it).
 */
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";
import { runSyncCli } from "../support/sync-cli.js";
import { editRemembered } from "../support/cli-connection.js";

describe.each(SYNC_HUB_MODES)("a headless no-change sync of 200 files, hub --api %s", (mode) => {
  let sh: SyncHub;
  beforeAll(async () => {
    sh = await startSyncHub(mode);
  });
  afterAll(() => sh?.stop());

  it("is one HTTP request once the first run has learned the server", async () => {
    const { project_id, home } = await sh.newProject();
    mkdirSync(join(home, "pair"));
    for (let i = 0; i < 200; i++) writeFileSync(join(home, "pair", `f${i}.txt`), `file ${i}\n`.repeat(i + 1));
    const keyFile = join(mkdtempSync(join(tmpdir(), "key-")), "key");
    writeFileSync(keyFile, sh.hub.credentials.api_key, { mode: 0o600 });
    const args = ["--local", mkdtempSync(join(tmpdir(), "cost-local-")), "--server", sh.hub.url, "--key-file", keyFile, "--project", project_id, "--remote-path", "pair", "--state", mkdtempSync(join(tmpdir(), "cost-state-")), "--once"];
    const first = await runSyncCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout.trim().split("\n").at(-1)!)).toMatchObject({ downloaded: 200 });

    const before = sh.hub.hub.traffic.requests.length;
    const t0 = performance.now();
    const again = await runSyncCli(args);
    const wall = Math.round(performance.now() - t0);
    expect(again.code, again.stderr).toBe(0);
    const sent = sh.hub.hub.traffic.requests.slice(before);
    console.log(`no-change headless sync, ${mode}: ${sent.length} HTTP request(s), ${wall} ms wall (process start included)`);
    expect(sent.map((r) => r.path)).toHaveLength(1);
    expect(JSON.parse(again.stdout.trim().split("\n").at(-1)!)).toMatchObject({ uploaded: 0, downloaded: 0, api_calls: 1 });

    // a day later (the remembered time moved back, not waited for): the project is not asked about first
    const stateDir = args[args.indexOf("--state") + 1]!;
    const dayAgo = Date.now() - 24 * 3600_000;
    editRemembered(stateDir, (r) => ({ ...r, reached: { project_id, at: dayAgo } }));
    const beforeLater = sh.hub.hub.traffic.requests.length;
    const later = await runSyncCli(args);
    expect(later.code, later.stderr).toBe(0);
    expect(sh.hub.hub.traffic.requests.slice(beforeLater).map((r) => r.path)).toHaveLength(1);
    expect(JSON.parse(later.stdout.trim().split("\n").at(-1)!)).toMatchObject({ uploaded: 0, downloaded: 0, api_calls: 1 });
    expect(later.stderr).not.toMatch(/Starting the project/);
    // and what it reached is remembered anew
    expect(editRemembered(stateDir, (r) => r).reached!.at).toBeGreaterThan(dayAgo);
  }, 240_000);
});
