/**
 * A pair's state keeps its trees in memory between syncs; these cases are
 * where that memory could go stale: another process writing the same
 * database (the headless command), a caller holding a tree while the base
 * changes, and a transaction that rolls back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Entry } from "../../electron/services/sync/entry.js";
import sqlite from "node-sqlite3-wasm";
import { PairState } from "../../electron/services/sync/state.js";

const file = (sha: string): Entry => ({ type: "f", size: 1, mtime: 0, sha, x: false });
let dir: string;
let a: PairState;
let b: PairState;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pair-state-"));
  a = new PairState(dir);
  b = new PairState(dir);
});
afterEach(() => {
  a.close();
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("pair state in memory", () => {
  it("sees what another connection (the headless command) wrote since it last read", () => {
    a.setBase("x.txt", file("1".repeat(64)));
    expect(a.base().get("x.txt")?.sha).toBe("1".repeat(64));
    expect(a.remote().size).toBe(0);
    expect(a.localCache().size).toBe(0);

    b.setBase("x.txt", file("2".repeat(64)));
    b.saveRemote("full", "id1", [["r.txt", file("3".repeat(64))]], []);
    b.setCache("x.txt", { key: "1:5:6:7", sha: "2".repeat(64) });

    expect(a.base().get("x.txt")?.sha).toBe("2".repeat(64));
    expect([...a.remote().keys()]).toEqual(["r.txt"]);
    expect(a.localCache().get("x.txt")?.key).toBe("1:5:6:7");
    expect(a.meta("remote_id")).toBe("id1");
  });

  it("a tree a sync holds does not change under it (base, remote and hash cache), and one nobody writes is not copied", () => {
    a.setBase("x.txt", file("1".repeat(64)));
    a.saveRemote("full", "id1", [["r.txt", file("1".repeat(64))]], []);
    a.setCache("x.txt", { key: "1:2:3:4", sha: "1".repeat(64) });
    const base = a.base();
    const remote = a.remote();
    const cache = a.localCache();
    // a sync that writes nothing (most of them) costs no copy of 10,000 paths
    expect(a.base()).toBe(base);
    expect(a.remote()).toBe(remote);
    expect(a.localCache()).toBe(cache);

    a.setBase("x.txt", null);
    a.setBase("y.txt", file("2".repeat(64)));
    a.saveRemote("delta", "id2", [["s.txt", file("2".repeat(64))]], ["r.txt"]);
    a.setCache("x.txt", null);
    a.setCache("y.txt", { key: "5:6:7:8", sha: "2".repeat(64) });
    expect([...base.keys()]).toEqual(["x.txt"]);
    expect([...remote.keys()]).toEqual(["r.txt"]);
    expect([...cache.keys()]).toEqual(["x.txt"]);
    expect([...a.base().keys()]).toEqual(["y.txt"]);
    expect([...a.remote().keys()]).toEqual(["s.txt"]);
    expect([...a.localCache().keys()]).toEqual(["y.txt"]);
    // what this connection holds now is what the database holds
    expect([...b.base().keys()]).toEqual(["y.txt"]);
    expect([...b.remote().keys()]).toEqual(["s.txt"]);
    expect([...b.localCache().keys()]).toEqual(["y.txt"]);
  });

  it("after a rollback holds what the database holds", () => {
    a.setBase("x.txt", file("1".repeat(64)));
    a.base();
    expect(() =>
      a.transaction(() => {
        a.setBase("x.txt", null);
        a.setBase("y.txt", file("2".repeat(64)));
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    expect([...a.base().keys()]).toEqual(["x.txt"]);
    expect([...b.base().keys()]).toEqual(["x.txt"]);
  });

  it("applies a delta listing to the remote tree it holds, and an unchanged one writes nothing", () => {
    a.saveRemote("full", "id1", [["r.txt", file("1".repeat(64))], ["s.txt", file("2".repeat(64))]], []);
    a.remote();
    a.saveRemote("delta", "id2", [["t.txt", file("3".repeat(64))]], ["r.txt"]);
    expect([...a.remote().keys()].sort()).toEqual(["s.txt", "t.txt"]);
    expect([...b.remote().keys()].sort()).toEqual(["s.txt", "t.txt"]);
    a.saveRemote("delta", "id2", [], []);
    expect(b.meta("remote_id")).toBe("id2");
    expect([...a.remote().keys()].sort()).toEqual(["s.txt", "t.txt"]);
  });
});

describe("grouped writes (a sync's local moves and deletions)", () => {
  it("are seen by another connection once a group commits, and what was done is committed when the work fails midway", async () => {
    await a.grouped(async (step) => {
      for (let i = 0; i < 300; i++) {
        step();
        a.setBase(`g${i}`, file("4".repeat(64)));
        await Promise.resolve();
      }
      // a group of 256 is committed, the rest not yet: the other connection sees exactly the first group
      expect(b.base().size).toBe(256);
    });
    expect(b.base().size).toBe(300);

    const failed = a.grouped(async (step) => {
      step();
      a.setBase("done-before-the-error", file("5".repeat(64)));
      // a transaction that fails inside the group drops its own writes, and only those
      expect(() =>
        a.transaction(() => {
          a.setBase("half-done", file("6".repeat(64)));
          throw new Error("a step failed");
        }),
      ).toThrow("a step failed");
      throw new Error("the disk went away");
    });
    await expect(failed).rejects.toThrow("the disk went away");
    expect(b.base().get("done-before-the-error")?.sha).toBe("5".repeat(64));
    expect(b.base().has("half-done")).toBe(false);
  });
});

describe("pair state from an earlier version", () => {
  it("opens a database with the old four-column hash cache: base and remote kept, the cache dropped (it only costs a rehash)", () => {
    const old = mkdtempSync(join(tmpdir(), "pair-state-old-"));
    try {
      const db = new sqlite.Database(join(old, "state.sqlite"));
      db.exec(`CREATE TABLE base (path TEXT PRIMARY KEY, type TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, sha TEXT NOT NULL, x INTEGER NOT NULL);
        CREATE TABLE remote (path TEXT PRIMARY KEY, type TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, sha TEXT NOT NULL, x INTEGER NOT NULL, extra TEXT NOT NULL);
        CREATE TABLE localcache (path TEXT PRIMARY KEY, size TEXT NOT NULL, mtime_ns TEXT NOT NULL, ctime_ns TEXT NOT NULL, ino TEXT NOT NULL, sha TEXT NOT NULL);
        INSERT INTO base VALUES ('thesis.tex', 'f', 1, 0, '${"4".repeat(64)}', 0);
        INSERT INTO remote VALUES ('thesis.tex', 'f', 1, 0, '${"4".repeat(64)}', 0, '');
        INSERT INTO localcache VALUES ('thesis.tex', '1', '5', '6', '7', '${"4".repeat(64)}');`);
      db.close();
      const s = new PairState(old);
      expect(s.base().get("thesis.tex")?.sha).toBe("4".repeat(64));
      expect(s.remote().get("thesis.tex")?.sha).toBe("4".repeat(64));
      expect(s.localCache().size).toBe(0);
      s.setCache("thesis.tex", { key: "1:5:6:7", sha: "4".repeat(64) });
      s.setBase("new.txt", file("5".repeat(64)));
      s.close();
      const again = new PairState(old);
      expect(again.localCache().get("thesis.tex")?.key).toBe("1:5:6:7");
      expect(again.base().size).toBe(2);
      again.close();
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });
});
