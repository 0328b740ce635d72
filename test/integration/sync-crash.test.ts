/**
 * A crash at every journal point of a sync: the headless command is run as a
 * child process that SIGKILLs itself at the point (COCALC_SYNC_CRASH_AT),
 * then run again. The second run must converge: both sides equal, every
 * version kept, exactly the one real conflict (no false ones), no temp file
 * left on either side, and every file the sync deleted or replaced on either
 * side found in that side's versions store.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOURNAL_POINTS, SyncEngine } from "../../electron/services/sync/engine.js";
import { PairState } from "../../electron/services/sync/state.js";
import { remoteVersionsDir } from "../../electron/services/sync/pair-versions.js";
import { parseStoreRel } from "../../electron/services/sync/versions-rules.js";
import { SyncCounts } from "../../shared/sync.js";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";
import { cliPairId, runSyncCli as runCli } from "../support/sync-cli.js";
import { holding, put, snapshot } from "../support/sync-pair.js";

const OLD = Date.parse("2026-11-01T10:00:00Z");

/** a versions store's files as "why path: content" lines (a crash may leave a version twice: the set holds it once) */
function kept(dir: string, rel = "", out = new Set<string>()): Set<string> {
  let names: string[];
  try {
    names = readdirSync(join(dir, rel));
  } catch {
    return out;
  }
  for (const n of names) {
    const r = rel ? `${rel}/${n}` : n;
    if (statSync(join(dir, r)).isDirectory()) kept(dir, r, out);
    else {
      const p = parseStoreRel(r);
      if (p) out.add(`${p.why} ${p.path}: ${readFileSync(join(dir, r), "utf8")}`);
    }
  }
  return out;
}
const NEW = OLD + 3600_000;

// Every generation has its own hub: the three run side by side, as most of each case is waiting on the two
// sync processes and the hub; the kill points of one run in turn (all 27 at once took up to 55 s a case).
describe.concurrent.each(SYNC_HUB_MODES)("crash at every journal point, hub --api %s", (mode) => {
  let sh: SyncHub;
  let project_id: string;
  let home: string;
  let keyFile: string;
  beforeAll(async () => {
    sh = await startSyncHub(mode);
    ({ project_id, home } = await sh.newProject());
    keyFile = join(mkdtempSync(join(tmpdir(), "key-")), "key");
    writeFileSync(keyFile, sh.hub.credentials.api_key, { mode: 0o600 });
  });
  afterAll(async () => {
    await sh?.stop();
  });

  it.sequential.each(JOURNAL_POINTS)("killed at '%s', then restarted: converges with no false conflict and nothing lost", async (point) => {
    const local = mkdtempSync(join(tmpdir(), `crash-${point}-`));
    const stateDir = mkdtempSync(join(tmpdir(), `crash-state-${point}-`));
    const remote_path = `crash-${point}`;
    const remote = join(home, remote_path);
    const id = cliPairId(local, sh.hub.url, project_id, remote_path);
    try {
      // an agreed starting point, made in-process with the same pair id and state the command uses
      for (const [n, c] of Object.entries({ "keep.txt": "keep", "edit.txt": "base", "del.txt": "to delete", "ren.txt": "renamed content", "redit.txt": "rbase", "ledit.txt": "lbase", "ldel.txt": "deleted here" })) put(local, n, c, OLD);
      const state = new PairState(stateDir);
      await new SyncEngine({ id, local_path: local, project_id, remote_path, ignore: [], policy: "keep-both", max_delete_pct: 50, max_file_bytes: 1e8 }, state, sh.backend).sync();
      state.close();
      // changes on both sides that take every phase: upload, download, local delete, local rename, conflict
      const up = randomBytes(1_500_000);
      const down = randomBytes(1_000_000);
      put(local, "up.bin", up);
      put(local, "edit.txt", "local edit", NEW);
      put(remote, "down.bin", down);
      put(remote, "edit.txt", "remote edit", OLD);
      unlinkSync(join(remote, "del.txt"));
      renameSync(join(remote, "ren.txt"), join(remote, "ren2.txt"));
      // replaced and deleted on each side: their old versions must be kept
      put(remote, "redit.txt", "remote only edit", NEW);
      put(local, "ledit.txt", "local only edit", NEW);
      unlinkSync(join(local, "ldel.txt"));

      const args = ["--local", local, "--server", sh.hub.url, "--key-file", keyFile, "--project", project_id, "--remote-path", remote_path, "--state", stateDir, "--once"];
      const crashed = await runCli(args, { COCALC_SYNC_CRASH_AT: point });
      expect(crashed.signal, crashed.stderr).toBe("SIGKILL");
      const again = await runCli(args);
      expect(again.code, again.stderr).toBe(0);
      const lines = again.stdout.trim().split("\n").map((l) => SyncCounts.strict().parse(JSON.parse(l)));
      expect(lines.at(-1)!.errors).toBe(0);
      expect(again.stderr).not.toContain(sh.hub.credentials.api_key);

      const l = snapshot(local);
      const r = snapshot(remote);
      expect(l).toEqual(r);
      expect(Buffer.from(l["up.bin"]!, "latin1").equals(up)).toBe(true);
      expect(Buffer.from(l["down.bin"]!, "latin1").equals(down)).toBe(true);
      expect(l["edit.txt"]).toBe("local edit");
      expect(holding(l, "remote edit")).toEqual([expect.stringMatching(/^edit \(conflict from remote .*\)\.txt$/)]);
      expect(Object.keys(l).filter((n) => n.includes("conflict from"))).toHaveLength(1);
      expect(l["del.txt"]).toBeUndefined();
      expect(l["ren2.txt"]).toBe("renamed content");
      expect(l["ren.txt"]).toBeUndefined();
      expect(Object.keys(l).filter((n) => n.includes(".cocalc-tmp-"))).toEqual([]);
      expect([...kept(join(stateDir, "versions"))].sort()).toEqual(["deleted del.txt: to delete", "replaced redit.txt: rbase"]);
      expect([...kept(join(home, remoteVersionsDir(id)))].sort()).toEqual(["deleted ldel.txt: deleted here", "replaced ledit.txt: lbase"]);
    } finally {
      rmSync(local, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 180_000);
});
