/** The versions stores' pure rules: layout names, retention (oldest first), restored names, which version a restore takes. */
import { describe, expect, it } from "vitest";
import type { VersionEntry } from "../../shared/sync.js";
import { batchName, batchTime, parseStoreRel, parseVersionId, pickVersion, restoredName, toPrune } from "../../electron/services/sync/versions-rules.js";
import { guardDeletes, guardEmpty } from "../../electron/services/sync/phase-guard.js";

const DAY = 86_400_000;
const NOW = new Date("2026-12-07T12:00:00.000Z");
const item = (rel: string, daysAgo: number, size: number) => ({ rel, at: new Date(NOW.getTime() - daysAgo * DAY), size });

describe("versions layout", () => {
  it("a batch's name sorts by time and reads back to the same ms", () => {
    const a = batchName(new Date("2026-01-02T03:04:05.006Z"), "abc123");
    expect(a).toBe("2026-01-02T03-04-05.006Z_abc123");
    expect(batchTime(a)?.toISOString()).toBe("2026-01-02T03:04:05.006Z");
    expect(batchName(new Date("2026-01-02T03:04:05.007Z"), "000") > a).toBe(true);
    const r = batchName(new Date("2026-01-02T03:04:05.006Z"), "abc123", "mine");
    expect(r).toBe("2026-01-02T03-04-05.006Z_abc123.mine");
    expect(batchTime(r)?.toISOString()).toBe("2026-01-02T03:04:05.006Z");
  });
  it.each([
    ["2026-01-02T03-04-05.006Z_ab/deleted/x/y.txt", { why: "deleted", path: "x/y.txt" }],
    ["2026-01-02T03-04-05.006Z_ab/replaced/y.txt", { why: "replaced", path: "y.txt" }],
    ["2026-01-02T03-04-05.006Z_ab/other/y.txt", null],
    // what a conflict resolution set aside: its batch is named for it
    ["2026-01-02T03-04-05.006Z_ab.theirs/replaced/y.txt", { why: "replaced", path: "y.txt", resolved: "theirs" }],
    ["2026-01-02T03-04-05.006Z_ab.merged/deleted/y (conflict).txt", { why: "deleted", path: "y (conflict).txt", resolved: "merged" }],
    ["2026-01-02T03-04-05.006Z_ab.other/replaced/y.txt", null],
    ["notabatch/deleted/y.txt", null],
    ["2026-01-02T03-04-05.006Z_ab/deleted", null],
  ])("%s is read as %j", (rel, want) => {
    const p = parseStoreRel(rel);
    if (want === null) expect(p).toBeNull();
    else expect(p).toMatchObject(want);
  });
  it("ids name a side and a stored path; anything else is refused", () => {
    expect(parseVersionId("here:2026-01-02T03-04-05.006Z_ab/deleted/a")).toEqual({ side: "here", rel: "2026-01-02T03-04-05.006Z_ab/deleted/a" });
    expect(parseVersionId("project:2026-01-02T03-04-05.006Z_ab/replaced/a/b")?.side).toBe("project");
    expect(parseVersionId("there:2026-01-02T03-04-05.006Z_ab/deleted/a")).toBeNull();
    expect(parseVersionId("here:../etc/passwd")).toBeNull();
  });
});

describe("retention", () => {
  const cases: Array<[string, ReturnType<typeof item>[], { days: number; maxBytes: number }, string[]]> = [
    ["nothing to do", [item("a", 1, 10), item("b", 2, 10)], { days: 30, maxBytes: 100 }, []],
    ["older than the days go", [item("new", 1, 10), item("old", 31, 10), item("older", 40, 10)], { days: 30, maxBytes: 100 }, ["older", "old"]],
    ["over the cap: oldest first until it fits", [item("a", 1, 40), item("b", 2, 40), item("c", 3, 40)], { days: 30, maxBytes: 90 }, ["c"]],
    ["over the cap by a lot: only the newest that fit stay", [item("a", 1, 40), item("b", 2, 40), item("c", 3, 40)], { days: 30, maxBytes: 40 }, ["c", "b"]],
    ["a single version larger than the cap goes", [item("big", 1, 500)], { days: 30, maxBytes: 100 }, ["big"]],
    ["ties in time go by path", [item("b", 5, 10), item("a", 5, 10)], { days: 30, maxBytes: 10 }, ["a"]],
  ];
  it.each(cases)("%s", (_n, items, o, gone) => {
    expect(toPrune(items, { now: NOW, ...o }).map((i) => i.rel)).toEqual(gone);
  });
});

describe("restore", () => {
  const at = new Date(2026, 11, 7, 9, 5);
  it.each([
    ["notes.txt", 1, "notes (restored 2026-12-07 0905).txt"],
    ["dir/archive.tar.gz", 1, "dir/archive.tar (restored 2026-12-07 0905).gz"],
    ["Makefile", 1, "Makefile (restored 2026-12-07 0905)"],
    [".bashrc", 1, ".bashrc (restored 2026-12-07 0905)"],
    ["a/notes.txt", 2, "a/notes (restored 2026-12-07 0905 2).txt"],
  ])("%s taken → %s", (p, n, want) => expect(restoredName(p, at, n)).toBe(want));

  const v = (path: string, at: string): VersionEntry => ({ id: `here:${at}/${path}`, path, at, side: "here", size: 1, why: "deleted" });
  const list = [v("a", "2026-12-01T10:00:00.000Z"), v("a", "2026-12-03T10:00:00.000Z"), v("b", "2026-12-05T10:00:00.000Z")];
  it("takes the newest version of the path, or the newest at or before --at", () => {
    expect(pickVersion(list, "a")?.at).toBe("2026-12-03T10:00:00.000Z");
    expect(pickVersion(list, "a", new Date("2026-12-02T00:00:00Z"))?.at).toBe("2026-12-01T10:00:00.000Z");
    expect(pickVersion(list, "a", new Date("2026-11-01T00:00:00Z"))?.at).toBe("2026-12-01T10:00:00.000Z");
    expect(pickVersion(list, "c")).toBeNull();
  });
});

describe("guards", () => {
  const base = { baseFiles: 10, remoteLive: true, localLive: true, remoteMissing: false, maxDeletePct: 50 };
  it.each([
    ["both sides hold files", base, null],
    ["the server came back empty", { ...base, remoteLive: false }, /server came back empty/],
    ["the local folder is empty", { ...base, localLive: false }, /local folder is empty/],
    ["nothing synced before", { ...base, baseFiles: 0, remoteLive: false }, null],
    ["limit 100 %", { ...base, remoteLive: false, maxDeletePct: 100 }, null],
    ["the server folder is missing (a first sync makes it)", { ...base, remoteLive: false, remoteMissing: true }, null],
  ])("%s", (_n, s, want) => {
    const r = guardEmpty(s);
    if (want === null) expect(r).toBeNull();
    else expect(r).toMatch(want);
  });
  it.each([
    [{ local: 2, remote: 0 }, 10, 10, null],
    [{ local: 3, remote: 3 }, 10, 50, /delete 6 of 10 files \(3 here, 3 on the server\)/],
    [{ local: 5, remote: 0 }, 10, 50, null],
    [{ local: 9, remote: 0 }, 10, 100, null],
  ])("deletes %j of %d at limit %d", (d, b, pct, want) => {
    const r = guardDeletes(d, b, pct);
    if (want === null) expect(r).toBeNull();
    else expect(r).toMatch(want);
  });
});
