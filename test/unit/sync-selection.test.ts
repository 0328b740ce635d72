/** Selective sync, pure: the folder choice's schema at the boundary, what it leaves out, the plan with it, and the folder tree's sizes. */
import { describe, expect, it } from "vitest";
import type { Entry } from "../../electron/services/sync/entry.js";
import { ignoreRules } from "../../electron/services/sync/ignore-rules.js";
import { plan } from "../../electron/services/sync/plan.js";
import { excludedBy, folderSizes, newlySkipped } from "../../electron/services/sync/selection.js";
import { checkState, toggleFolder } from "../../shared/sync-selection.js";
import { PairInput, SkipFolders, SyncFolder } from "../../shared/sync.js";

describe("a folder of the selection (SyncFolder)", () => {
  const ok: Array<[string, string]> = [
    ["docs", "docs"],
    ["docs/", "docs"],
    ["./docs//sub/./", "docs/sub"],
    ["a b/ü ñ", "a b/ü ñ"],
    [".hidden", ".hidden"],
    ["..dots", "..dots"],
  ];
  it.each(ok)("%j is normalised to %j", (raw, want) => expect(SyncFolder.parse(raw)).toBe(want));

  const bad: Array<[string, RegExp]> = [
    ["../x", /leads outside/],
    ["docs/../../x", /leads outside/],
    ["docs/..", /leads outside/],
    ["/etc", /absolute path/],
    ["C:\\Users", /absolute path/],
    ["C:/Users", /absolute path/],
    ["~/x", /absolute path/],
    ["a\0b", /NUL/],
    ["", /folder itself/],
    ["./", /folder itself/],
    ["x".repeat(5000), /4096|too big|at most/i],
  ];
  it.each(bad)("%j is refused with a clear message", (raw, msg) => {
    const r = SyncFolder.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(msg);
  });

  it("a list drops duplicates and folders inside another left-out folder", () => {
    expect(SkipFolders.parse(["b", "a/x", "a", "b/", "c/d"])).toEqual(["a", "b", "c/d"]);
    expect(SkipFolders.parse(["ab", "a"])).toEqual(["a", "ab"]);
  });

  it("a pair without a choice syncs everything; a bad one is refused with the pair", () => {
    const base = { local_path: "/tmp/x", profile_id: "p", project_id: "0eea4501-9d44-4973-a871-9a4ddf6f6c9f", remote_path: "" };
    expect(PairInput.parse(base).skip_folders).toEqual([]);
    expect(PairInput.safeParse({ ...base, skip_folders: ["../up"] }).success).toBe(false);
  });
});

describe("what a choice leaves out", () => {
  it("nothing: no predicate at all (the pair behaves as without a choice)", () => {
    expect(excludedBy({})).toBeNull();
    expect(excludedBy({ skip: [], only: [] })).toBeNull();
  });
  const cases: Array<[string, Parameters<typeof excludedBy>[0], string, boolean, boolean]> = [
    ["skip: the folder itself", { skip: ["data"] }, "data", true, true],
    ["skip: inside it", { skip: ["data"] }, "data/x/y.bin", false, true],
    ["skip: a sibling with the same start", { skip: ["data"] }, "data2/x", false, false],
    ["skip: the top", { skip: ["data"] }, "top.txt", false, false],
    ["only: inside the chosen", { only: ["a/b"] }, "a/b/c.txt", false, false],
    ["only: a folder on the way stays", { only: ["a/b"] }, "a", true, false],
    ["only: a file on the way does not", { only: ["a/b"] }, "a/x.txt", false, true],
    ["only: the top's files do not", { only: ["a/b"] }, "top.txt", false, true],
    ["only: another folder", { only: ["a/b"] }, "c", true, true],
    ["only and skip: skip wins", { only: ["a"], skip: ["a/tmp"] }, "a/tmp/x", false, true],
  ];
  it.each(cases)("%s", (_, sel, path, isDir, out) => expect(excludedBy(sel)!(path, isDir)).toBe(out));

  it("newly left out: only folders not already inside a left-out one", () => {
    expect(newlySkipped(["a"], ["a", "a/b", "c"])).toEqual(["c"]);
    expect(newlySkipped(["a", "c"], ["c"])).toEqual([]);
  });
});

describe("the plan with a choice", () => {
  const f = (sha: string, mtime = 0): Entry => ({ type: "f", size: sha.length, mtime, sha, x: false });
  const T = (o: Record<string, Entry>) => new Map(Object.entries(o));
  const run = (L: Record<string, Entry>, R: Record<string, Entry>, B: Record<string, Entry>, skip: string[]) =>
    plan(T(L), T(R), T(B), { policy: "keep-both", caseInsensitive: false, now: new Date(), ignores: ignoreRules([]).ignores, maxFileBytes: 1e9, excluded: excludedBy({ skip }) });

  it("a left-out folder's changes cross neither way, and its base is forgotten", () => {
    const p = run({ "data/new-here.txt": f("N"), "data/kept.txt": f("K") }, { "data/new-there.txt": f("M"), "data/edited.txt": f("E2") }, { "data/kept.txt": f("K"), "data/edited.txt": f("E1") }, ["data"]);
    expect(p.remote).toEqual([]);
    expect(p.local).toEqual([]);
    expect(p.downloads).toEqual([]);
    expect(p.base).toEqual([
      { path: "data/kept.txt", entry: null },
      { path: "data/edited.txt", entry: null },
    ]);
  });

  it("taken back in without a base: one side's file is copied, both sides' different files are a conflict, nothing is deleted", () => {
    const p = run({ "data/only-here.txt": f("H"), "data/both.txt": f("L", 2) }, { "data/only-there.txt": f("T"), "data/both.txt": f("R", 1) }, {}, []);
    expect(p.remote.filter((x) => x.op === "rm" || x.op === "rmdir")).toEqual([]);
    expect(p.local.filter((x) => x.op === "delete" || x.op === "rmdir")).toEqual([]);
    expect(p.downloads.map((d) => d.path)).toContain("data/only-there.txt");
    expect(p.remote).toContainEqual(expect.objectContaining({ op: "put", path: "data/only-here.txt" }));
    expect(p.conflicts).toMatchObject([{ path: "data/both.txt", kind: "both-created" }]);
  });

  it("without a choice the plan is what it was: a file gone here is deleted there", () => {
    const p = run({}, { "data/kept.txt": f("K"), "x.txt": f("X") }, { "data/kept.txt": f("K"), "x.txt": f("X") }, []);
    expect(p.remote).toEqual([{ op: "rm", path: "data/kept.txt", expect: "K" }, { op: "rm", path: "x.txt", expect: "X" }]);
  });
});

describe("the folder tree's sizes", () => {
  it("counts every file once in each folder above it; ignored folders and what is in them are left out", () => {
    const entries = [
      { path: "a", type: "d", size: 0 },
      { path: "a/x.bin", type: "f", size: 100 },
      { path: "a/b", type: "d", size: 0 },
      { path: "a/b/y.bin", type: "f", size: 50 },
      { path: "a/link", type: "l", size: 9 },
      { path: "top.txt", type: "f", size: 7 },
      { path: "empty", type: "d", size: 0 },
      { path: "node_modules", type: "d", size: 0 },
      { path: "node_modules/m/z.js", type: "f", size: 1000 },
    ];
    expect(folderSizes(entries, ignoreRules([]).ignores)).toEqual([
      { path: "a", bytes: 150, files: 2 },
      { path: "a/b", bytes: 50, files: 1 },
      { path: "empty", bytes: 0, files: 0 },
    ]);
  });
});

describe("the Choose folders tree (check states and toggles)", () => {
  const folders = ["a", "a/b", "a/b/c", "a/d", "e"];
  const states: Array<[string, string[], ReturnType<typeof checkState>]> = [
    ["a", [], "on"],
    ["a", ["a"], "off"],
    ["a/b/c", ["a"], "off"],
    ["a", ["a/b/c"], "some"],
    ["a/b", ["a/b/c"], "some"],
    ["a/d", ["a/b/c"], "on"],
    ["ab", ["a"], "on"],
  ];
  it.each(states)("%s with %j left out is %s", (path, skip, want) => expect(checkState(path, skip)).toBe(want));

  const toggles: Array<[string, string, string[], string[]]> = [
    ["unchecking a folder leaves it out", "a/b", [], ["a/b"]],
    ["unchecking a partly checked parent leaves it out whole", "a", ["a/b/c"], ["a"]],
    ["checking a folder left out takes it back", "a/b", ["a/b", "e"], ["e"]],
    ["checking a folder inside a left-out parent keeps the parent's other folders out", "a/b/c", ["a"], ["a/d"]],
    ["checking a middle folder inside a left-out parent", "a/b", ["a"], ["a/d"]],
  ];
  it.each(toggles)("%s", (_, path, skip, want) => expect(toggleFolder(path, skip, folders)).toEqual(want));
});
