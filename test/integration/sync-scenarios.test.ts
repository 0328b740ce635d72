/**
 * The sync scenarios of sync-anchors.md §3 (those that can happen on Linux)
 * and more, each on the real local hub and real folders, in every hub
 * generation: the final content of both sides is asserted, and that no
 * version of any file was lost.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../electron/services/backend/backend.js";
import { PairLock } from "../../electron/services/sync/lock.js";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";
import { holding, makePair, put, snapshot, type TestPair } from "../support/sync-pair.js";

const T0 = Date.parse("2026-11-01T10:00:00Z");
const OLD = T0;
const NEW = T0 + 3600_000;

/** A Backend that runs `hook` once, right after the first call matching `when` returned. */
function after(b: Backend, when: (method: string, args: unknown[]) => boolean, hook: () => void | Promise<void>): Backend {
  let done = false;
  return new Proxy(b, {
    get(t, prop, r) {
      const v = Reflect.get(t, prop, r) as unknown;
      if (typeof v !== "function") return v;
      return async (...args: unknown[]) => {
        const out = await (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
        if (!done && when(String(prop), args)) {
          done = true;
          await hook();
        }
        return out;
      };
    },
  });
}
const isList = (m: string, a: unknown[]) => m === "exec" && JSON.stringify(a[0]).includes('"list"');
const isRead = (m: string, a: unknown[]) => m === "exec" && JSON.stringify(a[0]).includes('"read"');

/** A Backend that runs `hook` once, just before the first call matching `when` goes out. */
function beforeCall(b: Backend, when: (method: string, args: unknown[]) => boolean, hook: () => void): Backend {
  let done = false;
  return new Proxy(b, {
    get(t, prop, r) {
      const v = Reflect.get(t, prop, r) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        if (!done && when(String(prop), args)) {
          done = true;
          hook();
        }
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

// Every generation has its own hub: the three run side by side, as most of a sync is waiting on the hub. The
// scenarios of one run in turn: side by side as well (15 syncs at once in this one thread, hub included), 17a
// ran past its 60 s on a loaded machine.
describe.concurrent.each(SYNC_HUB_MODES)("sync scenarios, hub --api %s", (mode) => {
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

  const pair = (o: Parameters<typeof makePair>[3] = {}) => {
    const p = makePair(sh, project_id, home, o);
    pairs.push(p);
    return p;
  };
  /** both sides hold the same files, and each given content is on both sides */
  const converged = (p: TestPair, ...kept: string[]) => {
    const l = snapshot(p.local);
    const r = snapshot(p.remote);
    expect(l).toEqual(r);
    for (const c of kept) expect(holding(l, c).length, `a version was lost: ${JSON.stringify(c)}`).toBeGreaterThan(0);
    return l;
  };
  /** a pair already in sync with `files` on both sides */
  const synced = async (files: Record<string, string>, o: Parameters<typeof makePair>[3] = {}) => {
    const p = pair(o);
    for (const [k, v] of Object.entries(files)) put(p.local, k, v, OLD);
    const out = await p.sync();
    expect(out.counts.errors).toBe(0);
    converged(p, ...Object.values(files));
    return p;
  };

  it.sequential("1a new-L: a new local file is copied to the server, byte-exact", async () => {
    const p = pair();
    put(p.local, "a.txt", "local new\n");
    const out = await p.sync();
    expect(out.counts).toMatchObject({ uploaded: 1, downloaded: 0, errors: 0 });
    expect(readFileSync(join(p.remote, "a.txt"), "utf8")).toBe("local new\n");
    converged(p);
  });

  it.sequential("1b new-R: a new remote file is copied here", async () => {
    const p = pair();
    put(p.remote, "r.txt", "remote new\n");
    const out = await p.sync();
    expect(out.counts).toMatchObject({ uploaded: 0, downloaded: 1 });
    converged(p, "remote new\n");
  });

  it.sequential("2a edit-L replaces the remote file", async () => {
    const p = await synced({ "e.txt": "v1\n" });
    put(p.local, "e.txt", "v2 local\n");
    expect((await p.sync()).counts).toMatchObject({ uploaded: 1, conflicts: 0 });
    expect(converged(p)["e.txt"]).toBe("v2 local\n");
  });

  it.sequential("2b edit-R replaces the local file", async () => {
    const p = await synced({ "e.txt": "v1\n" });
    put(p.remote, "e.txt", "v2 remote\n");
    expect((await p.sync()).counts).toMatchObject({ downloaded: 1, conflicts: 0 });
    expect(converged(p)["e.txt"]).toBe("v2 remote\n");
  });

  it.sequential("3 edit-both-different keeps both: the newer at the path, the other as a conflict copy on both sides", async () => {
    const p = await synced({ "doc.tex": "base\n" });
    put(p.local, "doc.tex", "mine\n", OLD);
    put(p.remote, "doc.tex", "theirs\n", NEW);
    const out = await p.sync();
    expect(out.counts.conflicts).toBe(1);
    const s = converged(p, "mine\n", "theirs\n");
    expect(s["doc.tex"]).toBe("theirs\n");
    const copy = holding(s, "mine\n")[0]!;
    expect(copy).toMatch(/^doc \(conflict from local \d{4}-\d\d-\d\d \d{4}\)\.tex$/);
    expect(out.conflicts).toEqual([expect.objectContaining({ path: "doc.tex", conflict_path: copy, kind: "both-edited", kept: "remote" })]);
    expect((await p.sync()).counts).toMatchObject({ uploaded: 0, downloaded: 0, conflicts: 0 });
  });

  it.sequential("4 edit-both-identical is no conflict and moves nothing", async () => {
    const p = await synced({ "same.txt": "base\n" });
    put(p.local, "same.txt", "same edit\n", OLD);
    put(p.remote, "same.txt", "same edit\n", NEW);
    const out = await p.sync();
    expect(out.counts).toMatchObject({ uploaded: 0, downloaded: 0, conflicts: 0 });
    expect(Object.keys(converged(p))).toEqual(["same.txt"]);
  });

  it.sequential("5 new-both-different at the same path keeps both", async () => {
    const p = pair();
    put(p.local, "n.txt", "local n\n", NEW);
    put(p.remote, "n.txt", "remote n\n", OLD);
    const out = await p.sync();
    expect(out.conflicts[0]).toMatchObject({ kind: "both-created", kept: "local" });
    const s = converged(p, "local n\n", "remote n\n");
    expect(s["n.txt"]).toBe("local n\n");
    expect(holding(s, "remote n\n")[0]).toMatch(/^n \(conflict from remote .*\)\.txt$/);
  });

  it.sequential("6a delete-L with the remote unchanged deletes it on the server", async () => {
    const p = await synced({ "d.txt": "bye\n", "stay1.txt": "1", "stay2.txt": "2" });
    unlinkSync(join(p.local, "d.txt"));
    expect((await p.sync()).counts).toMatchObject({ deleted_remote: 1 });
    expect(existsSync(join(p.remote, "d.txt"))).toBe(false);
    converged(p, "1", "2");
  });

  it.sequential("6b delete-R with the local unchanged deletes it here", async () => {
    const p = await synced({ "d.txt": "bye\n", "stay1.txt": "1", "stay2.txt": "2" });
    unlinkSync(join(p.remote, "d.txt"));
    expect((await p.sync()).counts).toMatchObject({ deleted_local: 1 });
    expect(existsSync(join(p.local, "d.txt"))).toBe(false);
    converged(p, "1", "2");
  });

  it.sequential("7a delete-L vs edit-R: the edit survives and comes back here", async () => {
    const p = await synced({ "k.txt": "v1\n", "o.txt": "o" });
    unlinkSync(join(p.local, "k.txt"));
    put(p.remote, "k.txt", "edited remotely\n");
    const out = await p.sync();
    expect(out.counts).toMatchObject({ deleted_remote: 0, downloaded: 1 });
    expect(converged(p, "edited remotely\n")["k.txt"]).toBe("edited remotely\n");
  });

  it.sequential("7b delete-R vs edit-L: the edit survives and goes back up", async () => {
    const p = await synced({ "k.txt": "v1\n", "o.txt": "o" });
    unlinkSync(join(p.remote, "k.txt"));
    put(p.local, "k.txt", "edited locally\n");
    expect((await p.sync()).counts).toMatchObject({ deleted_local: 0, uploaded: 1 });
    converged(p, "edited locally\n");
  });

  it.sequential("8 delete-both drops the path from the base, and the next sync does nothing", async () => {
    const p = await synced({ "gone.txt": "x", "o.txt": "o" });
    unlinkSync(join(p.local, "gone.txt"));
    unlinkSync(join(p.remote, "gone.txt"));
    const out = await p.sync();
    expect(out.counts).toMatchObject({ deleted_local: 0, deleted_remote: 0, errors: 0 });
    expect(p.state.base().has("gone.txt")).toBe(false);
    converged(p, "o");
  });

  it.sequential("9a rename-L is a rename on the server (no content sent)", async () => {
    const p = await synced({ "old name.txt": "content that moves\n", "o.txt": "o" });
    renameSync(join(p.local, "old name.txt"), join(p.local, "new name.txt"));
    const ino = statSync(join(p.remote, "old name.txt")).ino;
    const out = await p.sync();
    expect(out.counts).toMatchObject({ uploaded: 0, deleted_remote: 0 });
    expect(statSync(join(p.remote, "new name.txt")).ino).toBe(ino);
    expect(Object.keys(converged(p, "content that moves\n")).sort()).toEqual(["new name.txt", "o.txt"]);
  });

  it.sequential("9b rename-R into a new folder is a rename here", async () => {
    const p = await synced({ "f.txt": "moving\n", "o.txt": "o" });
    mkdirSync(join(p.remote, "sub"));
    renameSync(join(p.remote, "f.txt"), join(p.remote, "sub", "f.txt"));
    const ino = statSync(join(p.local, "f.txt")).ino;
    expect((await p.sync()).counts).toMatchObject({ downloaded: 0, deleted_local: 0 });
    expect(statSync(join(p.local, "sub", "f.txt")).ino).toBe(ino);
    converged(p, "moving\n");
  });

  it.sequential("9c rename plus edit on the same side: the edited content arrives at the new path", async () => {
    const p = await synced({ "r.txt": "before\n", "o.txt": "o" });
    renameSync(join(p.local, "r.txt"), join(p.local, "r2.txt"));
    put(p.local, "r2.txt", "after\n");
    await p.sync();
    const s = converged(p, "after\n");
    expect(s["r2.txt"]).toBe("after\n");
    expect(s["r.txt"]).toBeUndefined();
  });

  it.sequential("10 rename-L vs edit-R: the edited content survives at the old path, the renamed file exists", async () => {
    const p = await synced({ "paper.md": "draft\n", "o.txt": "o" });
    renameSync(join(p.local, "paper.md"), join(p.local, "paper-final.md"));
    put(p.remote, "paper.md", "draft with remote edits\n");
    await p.sync();
    const s = converged(p, "draft\n", "draft with remote edits\n");
    expect(s["paper-final.md"]).toBe("draft\n");
    expect(s["paper.md"]).toBe("draft with remote edits\n");
  });

  it.sequential("11 folders created (with files, nested and empty) are mirrored both ways", async () => {
    const p = pair();
    put(p.local, "L/deep/er/f.txt", "lf");
    mkdirSync(join(p.local, "L-empty"));
    put(p.remote, "R/g.txt", "rg");
    mkdirSync(join(p.remote, "R-empty", "inner"), { recursive: true });
    await p.sync();
    const s = converged(p, "lf", "rg");
    expect(s).toHaveProperty(["L-empty/"]);
    expect(s).toHaveProperty(["R-empty/inner/"]);
  });

  it.sequential("12 folder deleted here vs file added inside it on the server: the new file survives", async () => {
    const p = await synced({ "proj/a.txt": "a", "proj/b.txt": "b", "keep.txt": "k", "k2.txt": "k2", "k3.txt": "k3" });
    rmSync(join(p.local, "proj"), { recursive: true });
    put(p.remote, "proj/new.txt", "added on the server\n");
    await p.sync();
    const s = converged(p, "added on the server\n");
    expect(s["proj/new.txt"]).toBe("added on the server\n");
    expect(s["proj/a.txt"]).toBeUndefined();
  });

  it.sequential("13a file→folder here is propagated", async () => {
    const p = await synced({ "thing": "was a file", "o.txt": "o" });
    unlinkSync(join(p.local, "thing"));
    put(p.local, "thing/inside.txt", "now a folder");
    await p.sync();
    const s = converged(p, "now a folder");
    expect(s["thing/"]).toBe("");
  });

  it.sequential("13b folder→file on the server is propagated", async () => {
    const p = await synced({ "thing/x.txt": "x", "o.txt": "o" });
    rmSync(join(p.remote, "thing"), { recursive: true });
    put(p.remote, "thing", "now a file");
    await p.sync();
    expect(converged(p, "now a file")["thing"]).toBe("now a file");
  });

  it.sequential("13c file→folder here vs an edit of that file on the server: the edit is kept as a conflict copy", async () => {
    const p = await synced({ "item": "v1", "o.txt": "o" });
    unlinkSync(join(p.local, "item"));
    put(p.local, "item/child.txt", "child");
    put(p.remote, "item", "remote edit of the file");
    const out = await p.sync();
    expect(out.conflicts[0]).toMatchObject({ path: "item", kind: "type-change", kept: "local" });
    const s = converged(p, "child", "remote edit of the file");
    expect(s["item/"]).toBe("");
  });

  it.sequential("14 case-only rename (case-insensitive pair) is a rename, the only copy is never wiped", async () => {
    const p = await synced({ "Foo.txt": "only copy\n", "o.txt": "o" }, { case_insensitive: true });
    renameSync(join(p.local, "Foo.txt"), join(p.local, "foo.txt"));
    const out = await p.sync();
    expect(out.counts).toMatchObject({ uploaded: 0, deleted_remote: 0, errors: 0 });
    expect(Object.keys(converged(p, "only copy\n")).sort()).toEqual(["foo.txt", "o.txt"]);
  });

  it.sequential("14b a name that differs only in Unicode form (NFC→NFD) is a rename", async () => {
    const nfc = "caf\u00e9.txt";
    const nfd = "cafe\u0301.txt";
    const p = await synced({ [nfc]: "accent\n", "o.txt": "o" });
    renameSync(join(p.local, nfc), join(p.local, nfd));
    expect((await p.sync()).counts).toMatchObject({ uploaded: 0, deleted_remote: 0 });
    expect(Object.keys(converged(p, "accent\n")).sort()).toEqual([nfd, "o.txt"]);
  });

  it.sequential("15 a.txt and A.txt on the server, case-insensitive pair: one syncs, the other is reported, nothing overwritten", async () => {
    const p = pair({ case_insensitive: true });
    put(p.remote, "A.txt", "upper\n");
    put(p.remote, "a.txt", "lower\n");
    const out = await p.sync();
    expect(Object.keys(snapshot(p.local))).toEqual(["A.txt"]);
    expect(readFileSync(join(p.local, "A.txt"), "utf8")).toBe("upper\n");
    expect(out.notSynced).toEqual([expect.objectContaining({ path: "a.txt", reason: expect.stringMatching(/only in letter case/) })]);
    expect(readFileSync(join(p.remote, "a.txt"), "utf8")).toBe("lower\n");
    expect(readFileSync(join(p.remote, "A.txt"), "utf8")).toBe("upper\n");
  });

  it.sequential("downloads are read while local moves and deletions run, and nothing is written here before they are done", async () => {
    const p = await synced({ "gone.txt": "deleted on the server\n", "stays.txt": "kept\n" });
    unlinkSync(join(p.remote, "gone.txt"));
    put(p.remote, "new/one.txt", "new on the server\n", NEW);
    put(p.remote, "new/two.txt", "also new\n", NEW);
    let atFirstRead: { point: string | undefined; local: Record<string, string> } | null = null;
    const b = beforeCall(sh.backend, isRead, () => {
      atFirstRead = { point: p.state.interrupted()?.point, local: snapshot(p.local) };
    });
    const out = await p.sync(b);
    expect(out.counts).toMatchObject({ downloaded: 2, deleted_local: 1, errors: 0 });
    // the read went out before phase 1: the local deletion not yet done, no download written (nor a temp)
    expect(atFirstRead).toEqual({ point: "planned", local: { "gone.txt": "deleted on the server\n", "stays.txt": "kept\n" } });
    converged(p, "new on the server\n", "also new\n", "kept\n");
  });

  it.sequential("17a the server going away mid-sync and coming back: the next sync converges with no false conflict", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "hub-away-"));
    let own = await startSyncHub(mode, { dataDir });
    const port = Number(new URL(own.hub.url).port);
    const { project_id: pid, home: h } = await own.newProject();
    const p = makePair(own, pid, h);
    try {
      put(p.local, "up.bin", randomBytes(2_000_000));
      for (let i = 0; i < 5; i++) put(p.remote, `down${i}.bin`, randomBytes(700_000));
      const b = after(own.backend, (m, a) => m === "exec" && JSON.stringify(a[0]).includes('"read"'), () => own.stop());
      await expect(p.sync(b)).rejects.toMatchObject({ kind: expect.stringMatching(/network|timeout/) });
      expect(readdirSync(p.local).filter((n) => n.includes(".cocalc-tmp-"))).toEqual([]);
      own = await startSyncHub(mode, { dataDir, port });
      const out = await p.sync(own.backend);
      expect(out.counts.conflicts).toBe(0);
      expect(snapshot(p.local)).toEqual(snapshot(p.remote));
      expect((await p.sync(own.backend)).counts).toMatchObject({ api_calls: 1, uploaded: 0, downloaded: 0 });
    } finally {
      p.close();
      await own.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.sequential("17b the key becoming invalid mid-sync: an auth error, nothing half-done, and a good key converges", async () => {
    const p = await synced({ "a.txt": "a", "b.txt": "b" });
    put(p.local, "a.txt", "a2");
    put(p.remote, "b.txt", "b2");
    const bad = sh.backendWithKey("sk_notavalidkeyanymore00000000");
    let switched = false;
    const flipping = new Proxy(sh.backend, {
      get(t, prop, r) {
        const target = switched ? bad : t;
        const v = Reflect.get(target, prop, r) as unknown;
        if (typeof v !== "function") return v;
        return async (...args: unknown[]) => {
          const out = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (prop === "exec") switched = true;
          return out;
        };
      },
    });
    await expect(p.sync(flipping)).rejects.toMatchObject({ kind: "auth" });
    expect(readFileSync(join(p.remote, "a.txt"), "utf8")).toBe("a");
    const out = await p.sync();
    expect(out.counts.conflicts).toBe(0);
    expect(converged(p, "a2", "b2")["a.txt"]).toBe("a2");
  });

  it.sequential("18a the server folder suddenly empty halts the pair; nothing is deleted here", async () => {
    const p = await synced({ "t1.tex": "1", "t2.tex": "2", "t3.tex": "3" });
    for (const n of ["t1.tex", "t2.tex", "t3.tex"]) unlinkSync(join(p.remote, n));
    const out = await p.sync();
    expect(out.halted).toMatch(/came back empty.*Nothing was deleted/);
    expect(Object.keys(snapshot(p.local)).sort()).toEqual(["t1.tex", "t2.tex", "t3.tex"]);
  });

  it.sequential("18b deleting more than max_delete_pct halts with a message and deletes nothing", async () => {
    const files = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}.txt`, `c${i}`]));
    const p = await synced(files);
    for (let i = 0; i < 6; i++) unlinkSync(join(p.remote, `f${i}.txt`));
    const out = await p.sync();
    expect(out.halted).toMatch(/would delete 6 of 8 files.*limit of 50 %/);
    expect(Object.keys(snapshot(p.local))).toHaveLength(8);
  });

  it.sequential("18c the server folder gone altogether halts the pair", async () => {
    const p = await synced({ "x.txt": "x" });
    rmSync(p.remote, { recursive: true });
    const out = await p.sync();
    expect(out.halted).toMatch(/is gone from the project/);
    expect(snapshot(p.local)).toEqual({ "x.txt": "x" });
  });

  it.sequential("19 a local file changed while it is uploaded is not committed; the next round sends the new content", async () => {
    const p = await synced({ "live.txt": "v1", "o.txt": "o" });
    put(p.local, "live.txt", "v2");
    // the scan runs beside the listing: v3 is written once the scan has hashed v2 (its cache row says so),
    // so the plan sends v2 and the upload finds v3
    const v2 = createHash("sha256").update("v2").digest("hex");
    const b = after(sh.backend, isList, async () => {
      while (p.state.localCache().get("live.txt")?.sha !== v2) await new Promise((r) => setTimeout(r, 2));
      put(p.local, "live.txt", "v3 written during the sync");
    });
    const out = await p.sync(b);
    expect(out.deferred).toBe(1);
    expect(readFileSync(join(p.remote, "live.txt"), "utf8")).toBe("v1");
    await p.sync();
    expect(converged(p, "v3 written during the sync")["live.txt"]).toBe("v3 written during the sync");
  });

  it.sequential("20 a remote file changed between listing and commit: the compare-and-swap refuses, a conflict next round keeps both", async () => {
    const p = await synced({ "cas.txt": "v1", "o.txt": "o" });
    put(p.local, "cas.txt", "local edit", OLD);
    const b = after(sh.backend, isList, () => put(p.remote, "cas.txt", "remote edit during the sync", NEW));
    const out = await p.sync(b);
    expect(out.deferred).toBe(1);
    expect(readFileSync(join(p.remote, "cas.txt"), "utf8")).toBe("remote edit during the sync");
    const next = await p.sync();
    expect(next.counts.conflicts).toBe(1);
    converged(p, "local edit", "remote edit during the sync");
  });

  it.sequential("21 a sync with no changes is exactly one API call, and an mtime-only change is not an edit", async () => {
    const p = await synced({ "a.txt": "a", "d/b.txt": "b" });
    expect((await p.sync()).counts).toMatchObject({ api_calls: 1, uploaded: 0, downloaded: 0 });
    utimesSync(join(p.local, "a.txt"), NEW / 1000, NEW / 1000);
    utimesSync(join(p.remote, "d/b.txt"), NEW / 1000, NEW / 1000);
    expect((await p.sync()).counts).toMatchObject({ api_calls: 1, uploaded: 0, downloaded: 0, conflicts: 0 });
  });

  it.sequential("22 a 3 MB file goes up and comes back down byte-exact (chunked writes and reads)", async () => {
    const big = randomBytes(3 * 1024 * 1024);
    const p = pair();
    put(p.local, "big.bin", big);
    const out = await p.sync();
    expect(out.counts.uploaded).toBe(1);
    expect(out.counts.api_calls).toBeGreaterThanOrEqual(1 + Math.ceil((big.length * 4) / 3 / 640_000) + 1);
    expect(readFileSync(join(p.remote, "big.bin")).equals(big)).toBe(true);
    const big2 = randomBytes(3 * 1024 * 1024 + 17);
    put(p.remote, "big.bin", big2);
    await p.sync();
    expect(readFileSync(join(p.local, "big.bin")).equals(big2)).toBe(true);
  });

  it.sequential("23 binary, non-UTF-8, empty and byte-list-looking files are byte-exact both ways", async () => {
    const p = pair();
    put(p.local, "bin.dat", Buffer.from([0, 1, 2, 255, 254, 10, 13]));
    put(p.local, "latin1.txt", Buffer.from("caf\xe9\n", "latin1"));
    put(p.remote, "empty", "");
    put(p.remote, "bytes.txt", "104,101,108,108,111");
    await p.sync();
    const s = converged(p);
    expect(Buffer.from(s["bin.dat"]!, "latin1")).toEqual(Buffer.from([0, 1, 2, 255, 254, 10, 13]));
    expect(s["empty"]).toBe("");
    expect(s["bytes.txt"]).toBe("104,101,108,108,111");
  });

  it.sequential("24 hostile names (newline, leading dash, quotes, unicode) sync intact; links out are not followed", async () => {
    const p = pair();
    const names = ["new\nline.txt", "-rf", "it's \"quoted\".txt", "名前 with space.txt", "dir with space/--x"];
    names.forEach((n, i) => put(i % 2 ? p.remote : p.local, n, `n${i}`));
    const outside = mkdtempSync(join(tmpdir(), "outside-"));
    mkdirSync(p.remote, { recursive: true });
    symlinkSync(outside, join(p.remote, "escape"));
    symlinkSync("/etc/passwd", join(p.local, "passwd-link"));
    const out = await p.sync();
    for (const [i, n] of names.entries()) {
      expect(readFileSync(join(p.local, n), "utf8")).toBe(`n${i}`);
      expect(readFileSync(join(p.remote, n), "utf8")).toBe(`n${i}`);
    }
    expect(out.notSynced.map((x) => x.path).sort()).toEqual(["escape", "passwd-link"]);
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(p.remote, "passwd-link"))).toBe(false);
    rmSync(outside, { recursive: true });
  });

  it.sequential("25 the executable bit is kept both ways", async () => {
    const p = pair();
    put(p.local, "run.sh", "#!/bin/sh\necho hi\n");
    chmodSync(join(p.local, "run.sh"), 0o755);
    put(p.remote, "tool", "#!/bin/sh\n");
    chmodSync(join(p.remote, "tool"), 0o700);
    await p.sync();
    expect(statSync(join(p.remote, "run.sh")).mode & 0o100).toBe(0o100);
    expect(statSync(join(p.local, "tool")).mode & 0o100).toBe(0o100);
    chmodSync(join(p.local, "run.sh"), 0o644);
    await p.sync();
    expect(statSync(join(p.remote, "run.sh")).mode & 0o100).toBe(0);
  });

  it.sequential("ignored: defaults are never synced, and newly ignored files are left alone on both sides", async () => {
    const p = await synced({ "notes.log": "log v1", "keep.txt": "k", "k2.txt": "k2" });
    put(p.local, "node_modules/pkg/index.js", "module");
    put(p.local, ".git/HEAD", "ref");
    put(p.local, ".doc.swp", "swap");
    p.cfg.ignore = ["*.log"];
    unlinkSync(join(p.local, "notes.log"));
    put(p.remote, "other.log", "remote log");
    await p.sync();
    expect(readFileSync(join(p.remote, "notes.log"), "utf8")).toBe("log v1");
    expect(existsSync(join(p.local, "other.log"))).toBe(false);
    expect(existsSync(join(p.remote, "node_modules"))).toBe(false);
    expect(existsSync(join(p.remote, ".git"))).toBe(false);
    expect(existsSync(join(p.remote, ".doc.swp"))).toBe(false);
  });

  it.sequential("policy 'local' makes the local version win a conflict without a copy; 'remote' the remote one", async () => {
    const a = await synced({ "c.txt": "base" }, { policy: "local" });
    put(a.local, "c.txt", "L", OLD);
    put(a.remote, "c.txt", "R", NEW);
    await a.sync();
    expect(converged(a)).toEqual({ "c.txt": "L" });
    const b = await synced({ "c.txt": "base" }, { policy: "remote" });
    put(b.local, "c.txt", "L", NEW);
    put(b.remote, "c.txt", "R", OLD);
    await b.sync();
    expect(converged(b)).toEqual({ "c.txt": "R" });
  });

  it.sequential("one process at a time per pair; a stale lock of a dead process is taken over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lock-"));
    const first = await PairLock.acquire(dir);
    writeFileSync(join(dir, "lock"), String(process.pid));
    await expect(PairLock.acquire(join(dir))).resolves.toBeDefined(); // same process: it is ours
    const { spawnSync } = await import("node:child_process");
    const live = spawnSync("sh", ["-c", "echo $$"]).stdout.toString().trim(); // a pid that has exited
    writeFileSync(join(dir, "lock"), live);
    const taken = await PairLock.acquire(dir);
    expect(readFileSync(join(dir, "lock"), "utf8")).toBe(String(process.pid));
    writeFileSync(join(dir, "lock"), "1"); // pid 1 is alive
    await expect(PairLock.acquire(dir)).rejects.toThrow(/being synced by another process \(pid 1\)/);
    await taken.release();
    await first.release();
    rmSync(dir, { recursive: true });
  });
});
