/**
 * Resolving a conflict loses nothing, on every hub generation, through the
 * real router: whatever a resolution replaces or deletes on this computer is
 * kept first in the pair's versions store, and what the next sync then
 * replaces or deletes in the project is kept in its versions folder — each
 * saying which resolution set it aside — and every one of them restores
 * byte-exact. A version kept in the project opens (and shows in its folder)
 * from a proven download inside the pair's store, never in the synced folder.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import { SyncManager } from "../../electron/services/sync/manager.js";
import type { VersionEntry } from "../../shared/sync.js";
import { allowProject, startAiProject, startTestHub, type TestHub } from "../support/hub.js";
import { routerClient } from "../support/router-client.js";
import { put } from "../support/sync-pair.js";

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const OLD = Date.parse("2026-11-01T10:00:00Z");
const NEW = OLD + 3600_000;

describe.each(["v1", "current", "ai"] as const)("conflict resolutions keep versions, hub --api %s", (api) => {
  let hub: TestHub;
  let app: ComposedApp;
  let dataDir: string;
  let pid: string;
  let remote: string;
  let id: string;
  const local = mkdtempSync(join(tmpdir(), "resolve-local-"));
  const revealed: Array<{ path: string; how: string; sha: string; size: number; mode: number }> = [];
  const { raw, call } = routerClient(() => app);

  beforeAll(async () => {
    hub = await startTestHub({ api, settings: { aiLimits: "off" } });
    dataDir = mkdtempSync(join(tmpdir(), "resolve-data-"));
    app = await composeApp({
      dataDir,
      logFile: join(dataDir, "main.log"),
      version: "t",
      platform: "linux",
      trustedOrigins: ["app://cocalc-desktop"],
      secrets: new MemoryStore(),
      // the real engine, driven by the test's Sync now (no timers of its own)
      makeSyncManager: (d) => SyncManager.open({ dataDir: d.dataDir, backend: d.backends, autoStart: false }),
      // the edge: the shell's open / show in folder, recording the file it was given and its bytes then
      reveal: async (path, how) => {
        const b = readFileSync(path);
        revealed.push({ path, how, sha: sha(b), size: b.length, mode: statSync(path).mode & 0o777 });
      },
    });
    pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Resolve" }).project_id;
    if (api === "ai") {
      allowProject(hub, hub.credentials.api_key, pid);
      await startAiProject(hub, pid);
    }
    remote = join(hub.hub.runtime.createFolder(pid), "thesis");
    const p = await call("profiles.add", { name: "Local hub", url: hub.url, api_key: hub.credentials.api_key });
    await call("profiles.switch", { id: p.id });
    id = (await call("sync.add", { local_path: local, profile_id: p.id, project_id: pid, remote_path: "thesis" })).id;
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await hub?.stop();
    rmSync(local, { recursive: true, force: true });
  });

  const synced = async () => {
    const c = await call("sync.now", { id });
    expect(c.errors).toBe(0);
    return c;
  };
  const conflictOf = async (path: string) => (await call("sync.list", {})).pairs[0]!.status.conflicts.find((c) => c.path === path)!;

  // one pair of versions per file: mine (this computer) and theirs (the server); which is newer decides which stays at the path
  const B = () => randomBytes(50_000 + Math.floor(Math.random() * 50_000));
  const files = {
    "a.bin": { mine: B(), theirs: B(), newer: "mine", choice: "theirs" },
    "b.bin": { mine: B(), theirs: B(), newer: "theirs", choice: "theirs" },
    "c.bin": { mine: B(), theirs: B(), newer: "theirs", choice: "mine" },
    "d.bin": { mine: B(), theirs: B(), newer: "mine", choice: "mine" },
    "m.txt": { mine: Buffer.from("line 1\nmine\nline 3\n"), theirs: Buffer.from("line 1\ntheirs\nline 3\n"), newer: "mine", choice: "merged" },
  } as const;
  const MERGED = "line 1\nmine\ntheirs\nline 3\n";
  const copies: Record<string, string> = {};

  it("every way of resolving keeps what it replaced or deleted, on both sides, saying why; each restores byte-exact", async () => {
    for (const name of Object.keys(files)) put(local, name, `base of ${name}\n`, OLD - 60_000);
    await synced();
    for (const [name, f] of Object.entries(files)) {
      put(local, name, f.mine, f.newer === "mine" ? NEW : OLD);
      put(remote, name, f.theirs, f.newer === "mine" ? OLD : NEW);
    }
    expect((await synced()).conflicts).toBe(5);
    for (const [name, f] of Object.entries(files)) {
      const c = await conflictOf(name);
      expect(c.kept).toBe(f.newer === "mine" ? "local" : "remote");
      copies[name] = c.conflict_path;
    }

    for (const [name, f] of Object.entries(files)) {
      if (f.choice === "merged") {
        await call("sync.resolve", { id, path: name, choice: "merged", text: MERGED, mine_sha256: sha(f.mine), theirs_sha256: sha(f.theirs) });
      } else await call("sync.resolve", { id, path: name, choice: f.choice });
    }
    await synced();

    // the chosen version on both sides, the other copy gone from both
    for (const [name, f] of Object.entries(files)) {
      const want = f.choice === "merged" ? sha(MERGED) : sha(f[f.choice]);
      expect(sha(readFileSync(join(local, name))), name).toBe(want);
      expect(sha(readFileSync(join(remote, name))), name).toBe(want);
      expect(existsSync(join(local, copies[name]!))).toBe(false);
      expect(existsSync(join(remote, copies[name]!))).toBe(false);
    }

    // what each resolution set aside: [side, why, path, the bytes]
    const kept: Array<[VersionEntry["side"], VersionEntry["why"], string, Buffer, NonNullable<VersionEntry["resolved"]>]> = [
      // a: took theirs over mine at the path; the server's path (mine) replaced, its copy (theirs) deleted
      ["here", "replaced", "a.bin", files["a.bin"].mine, "theirs"],
      ["project", "replaced", "a.bin", files["a.bin"].mine, "theirs"],
      ["project", "deleted", copies["a.bin"]!, files["a.bin"].theirs, "theirs"],
      // b: theirs was at the path; my copy deleted on both sides
      ["here", "deleted", copies["b.bin"]!, files["b.bin"].mine, "theirs"],
      ["project", "deleted", copies["b.bin"]!, files["b.bin"].mine, "theirs"],
      // c: kept mine over theirs at the path
      ["here", "replaced", "c.bin", files["c.bin"].theirs, "mine"],
      ["project", "replaced", "c.bin", files["c.bin"].theirs, "mine"],
      ["project", "deleted", copies["c.bin"]!, files["c.bin"].mine, "mine"],
      // d: mine was at the path; their copy deleted on both sides
      ["here", "deleted", copies["d.bin"]!, files["d.bin"].theirs, "mine"],
      ["project", "deleted", copies["d.bin"]!, files["d.bin"].theirs, "mine"],
      // m: both versions, on both sides
      ["here", "replaced", "m.txt", files["m.txt"].mine, "merged"],
      ["here", "deleted", copies["m.txt"]!, files["m.txt"].theirs, "merged"],
      ["project", "replaced", "m.txt", files["m.txt"].mine, "merged"],
      ["project", "deleted", copies["m.txt"]!, files["m.txt"].theirs, "merged"],
    ];
    const { versions } = await call("sync.versions", { id });
    const resolvedOnes = versions.filter((v) => v.resolved);
    expect(resolvedOnes.map((v) => `${v.side} ${v.why} ${v.path} ${v.resolved} ${v.size}`).sort()).toEqual(kept.map(([s, w, p, b, r]) => `${s} ${w} ${p} ${r} ${b.length}`).sort());

    for (const [side, why, path, bytes] of kept) {
      const v = resolvedOnes.find((x) => x.side === side && x.why === why && x.path === path)!;
      const { path: to } = await call("sync.restoreVersion", { id, version_id: v.id });
      expect(sha(readFileSync(join(local, to))), `${side} ${why} ${path} → ${to}`).toBe(sha(bytes));
    }
  }, 240_000);

  it("a version kept in the project opens and shows in its folder from a proven download inside the pair's store", async () => {
    const { versions } = await call("sync.versions", { id });
    const there = versions.find((v) => v.side === "project" && v.path === "c.bin" && v.why === "replaced")!;
    const here = versions.find((v) => v.side === "here" && v.path === "c.bin" && v.why === "replaced")!;
    const want = sha(files["c.bin"].theirs);
    const store = join(dataDir, "sync", id, "versions");
    for (const how of ["open", "folder"] as const) {
      revealed.length = 0;
      await call("sync.revealVersion", { id, version_id: there.id, how });
      expect(revealed).toHaveLength(1);
      const r = revealed[0]!;
      expect(r).toMatchObject({ how, sha: want, size: files["c.bin"].theirs.length });
      expect(r.path.startsWith(join(store, ".opened") + "/")).toBe(true);
      expect(r.path.startsWith(local)).toBe(false);
      expect(r.mode & 0o111).toBe(0);
    }
    // the downloaded copies are not versions
    expect((await call("sync.versions", { id })).versions).toHaveLength(versions.length);
    revealed.length = 0;
    await call("sync.revealVersion", { id, version_id: here.id, how: "open" });
    expect(revealed).toMatchObject([{ how: "open", sha: want }]);
    expect(revealed[0]!.path.startsWith(store + "/")).toBe(true);
  });

  it("a program or script is shown in its folder, never opened", async () => {
    // a restore starts a sync of its own: Sync now until the server holds what this computer does
    const until = async (what: () => Promise<boolean> | boolean) => expect.poll(async () => (await synced(), await what()), { timeout: 60_000 }).toBe(true);
    put(local, "run.sh", "#!/bin/sh\necho one\n", OLD);
    await until(() => existsSync(join(remote, "run.sh")));
    put(local, "run.sh", "#!/bin/sh\necho two\n", NEW);
    const scriptVersion = async () => (await call("sync.versions", { id })).versions.find((x) => x.side === "project" && x.path === "run.sh");
    await until(async () => (await scriptVersion()) !== undefined);
    const v = (await scriptVersion())!;
    revealed.length = 0;
    expect(await raw("sync.revealVersion", { id, version_id: v.id, how: "open" })).toMatchObject({ ok: false, error: { kind: "permission", message: expect.stringMatching(/program or script/) } });
    expect(revealed).toEqual([]);
    await call("sync.revealVersion", { id, version_id: v.id, how: "folder" });
    expect(revealed).toMatchObject([{ how: "folder", sha: sha("#!/bin/sh\necho one\n") }]);
  });
});
