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

  it("hands out copies: a tree held by a sync does not change under it", () => {
    a.setBase("x.txt", file("1".repeat(64)));
    const held = a.base();
    a.setBase("x.txt", null);
    a.setBase("y.txt", file("2".repeat(64)));
    expect([...held.keys()]).toEqual(["x.txt"]);
    expect([...a.base().keys()]).toEqual(["y.txt"]);
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
