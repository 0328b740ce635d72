/** The three-way plan as a pure function: one table case per scenario of sync-anchors.md §3 (and the rules around them). */
import { describe, expect, it } from "vitest";
import type { Entry } from "../../electron/services/sync/entry.js";
import { plan, type PlanOptions } from "../../electron/services/sync/plan.js";
import { conflictName } from "../../electron/services/sync/conflict-name.js";
import { ignoreRules } from "../../electron/services/sync/ignore-rules.js";

const f = (sha: string, mtime = 0, x = false): Entry => ({ type: "f", size: sha.length, mtime, sha, x });
const d: Entry = { type: "d", size: 0, mtime: 0, sha: "", x: false };
const T = (o: Record<string, Entry>) => new Map(Object.entries(o));
const NOW = new Date(2026, 11, 1, 20, 13);
const run = (L: Record<string, Entry>, R: Record<string, Entry>, B: Record<string, Entry>, o: Partial<PlanOptions> = {}) =>
  plan(T(L), T(R), T(B), { policy: "keep-both", caseInsensitive: false, now: NOW, ignores: ignoreRules([]).ignores, maxFileBytes: 1e9, ...o });
const COPY_L = "a (conflict from local 2026-12-01 2013).txt";
const COPY_R = "a (conflict from remote 2026-12-01 2013).txt";

describe("three-way plan", () => {
  const cases: Array<[string, Parameters<typeof run>, Partial<ReturnType<typeof run>>]> = [
    ["1 new-L is uploaded", [{ "a.txt": f("L") }, {}, {}], { remote: [{ op: "put", path: "a.txt", sha: "L", x: false, expect: "absent" }], downloads: [] }],
    ["1 new-R is downloaded", [{}, { "a.txt": f("R") }, {}], { downloads: [{ path: "a.txt", from: "a.txt", size: 1, sha: "R", x: false, expect: "absent" }] }],
    ["2 edit-L replaces the remote, expecting its old content", [{ "a.txt": f("L2") }, { "a.txt": f("B") }, { "a.txt": f("B") }], { remote: [{ op: "put", path: "a.txt", sha: "L2", x: false, expect: "B" }] }],
    ["2 edit-R replaces the local, expecting its old content", [{ "a.txt": f("B") }, { "a.txt": f("R2") }, { "a.txt": f("B") }], { downloads: [{ path: "a.txt", from: "a.txt", size: 2, sha: "R2", x: false, expect: "B" }] }],
    [
      "3 edit-both-different: remote newer, the local version moves aside and goes up under the conflict name",
      [{ "a.txt": f("L", 1) }, { "a.txt": f("R", 2) }, { "a.txt": f("B") }],
      {
        local: [{ op: "rename", from: "a.txt", to: COPY_L, sha: "L", aside: true }],
        downloads: [{ path: "a.txt", from: "a.txt", size: 1, sha: "R", x: false, expect: "absent" }],
        remote: [{ op: "put", path: COPY_L, sha: "L", x: false, expect: "absent" }],
        conflicts: [{ path: "a.txt", conflict_path: COPY_L, kind: "both-edited", kept: "remote" }],
      },
    ],
    ["4 edit-both-identical only updates the base", [{ "a.txt": f("S", 1) }, { "a.txt": f("S", 2) }, { "a.txt": f("B") }], { local: [], remote: [], downloads: [], base: [{ path: "a.txt", entry: f("S", 1) }] }],
    [
      "5 new-both-different: local newer, the remote version is copied down and moved aside on the server",
      [{ "a.txt": f("L", 2) }, { "a.txt": f("R", 1) }, {}],
      {
        downloads: [{ path: COPY_R, from: "a.txt", size: 1, sha: "R", x: false, expect: "absent" }],
        remote: [
          { op: "mv", from: "a.txt", path: COPY_R, expect: "R", aside: true },
          { op: "put", path: "a.txt", sha: "L", x: false, expect: "absent" },
        ],
        conflicts: [{ path: "a.txt", conflict_path: COPY_R, kind: "both-created", kept: "local" }],
      },
    ],
    ["6 delete-L, R unchanged: deleted on the server, if it still holds the base", [{ "b.txt": f("b") }, { "a.txt": f("B"), "b.txt": f("b") }, { "a.txt": f("B"), "b.txt": f("b") }], { remote: [{ op: "rm", path: "a.txt", expect: "B" }], deletes: { local: 0, remote: 1 } }],
    ["6 delete-R, L unchanged: deleted here", [{ "a.txt": f("B") }, {}, { "a.txt": f("B") }], { local: [{ op: "delete", path: "a.txt", sha: "B" }], deletes: { local: 1, remote: 0 } }],
    ["7 delete-L vs edit-R: the edit comes back", [{}, { "a.txt": f("R2") }, { "a.txt": f("B") }], { downloads: [{ path: "a.txt", from: "a.txt", size: 2, sha: "R2", x: false, expect: "absent" }], remote: [] }],
    ["7 delete-R vs edit-L: the edit goes back up", [{ "a.txt": f("L2") }, {}, { "a.txt": f("B") }], { remote: [{ op: "put", path: "a.txt", sha: "L2", x: false, expect: "absent" }], local: [] }],
    ["8 delete-both drops the base entry", [{}, {}, { "a.txt": f("B") }], { base: [{ path: "a.txt", entry: null }], local: [], remote: [] }],
    ["9 rename-L is a move on the server", [{ "b.txt": f("B") }, { "a.txt": f("B") }, { "a.txt": f("B") }], { remote: [{ op: "mv", from: "a.txt", path: "b.txt", expect: "B" }], deletes: { local: 0, remote: 0 } }],
    ["9 rename-R is a move here", [{ "a.txt": f("B") }, { "b.txt": f("B") }, { "a.txt": f("B") }], { local: [{ op: "rename", from: "a.txt", to: "b.txt", sha: "B" }] }],
    [
      "10 rename-L vs edit-R: the edit comes back at the old path, the renamed file goes up",
      [{ "b.txt": f("B") }, { "a.txt": f("R2") }, { "a.txt": f("B") }],
      { downloads: [{ path: "a.txt", from: "a.txt", size: 2, sha: "R2", x: false, expect: "absent" }], remote: [{ op: "put", path: "b.txt", sha: "B", x: false, expect: "absent" }] },
    ],
    ["11 a new folder with a file and an empty one are mirrored, folders first", [{ n: d, "n/f": f("x"), e: d }, {}, {}], { remote: [{ op: "mkdir", path: "e" }, { op: "mkdir", path: "n" }, { op: "put", path: "n/f", sha: "x", x: false, expect: "absent" }] }],
    [
      "12 folder deleted here vs a file added in it there: the folder is made again here, the new file comes down, the old one goes",
      [{}, { p: d, "p/old": f("O"), "p/new": f("N") }, { p: d, "p/old": f("O") }],
      { remote: [{ op: "rm", path: "p/old", expect: "O" }], local: [{ op: "mkdir", path: "p" }], downloads: [{ path: "p/new", from: "p/new", size: 1, sha: "N", x: false, expect: "absent" }] },
    ],
    ["13 file→folder here is propagated: the file is removed on the server, then the folder made", [{ t: d }, { t: f("B") }, { t: f("B") }], { remote: [{ op: "rm", path: "t", expect: "B" }, { op: "mkdir", path: "t" }] }],
    [
      "13 folder here vs an edited file there: the folder wins the path, the file is kept aside",
      [{ t: d }, { t: f("R2") }, { t: f("B") }],
      { remote: [{ op: "mv", from: "t", path: "t (conflict from remote 2026-12-01 2013)", expect: "R2", aside: true }, { op: "mkdir", path: "t" }], conflicts: [{ path: "t", conflict_path: "t (conflict from remote 2026-12-01 2013)", kind: "type-change", kept: "local" }] },
    ],
    ["14 case-only rename on a case-insensitive pair is a rename", [{ "foo.txt": f("B") }, { "Foo.txt": f("B") }, { "Foo.txt": f("B") }, { caseInsensitive: true }], { remote: [{ op: "mv", from: "Foo.txt", path: "foo.txt", expect: "B" }], deletes: { local: 0, remote: 0 } }],
    [
      "15 a.txt and A.txt on the server, case-insensitive pair: one comes down, the other is reported",
      [{}, { "A.txt": f("U"), "a.txt": f("l") }, {}, { caseInsensitive: true }],
      { downloads: [{ path: "A.txt", from: "A.txt", size: 1, sha: "U", x: false, expect: "absent" }], notSynced: [{ path: "a.txt", reason: expect.stringMatching(/only in letter case/) as unknown as string }] },
    ],
    [
      "16 a sync stopped after the server's losing version was copied down: the copy is reused, no second conflict copy",
      [{ "a.txt": f("L", 2), [COPY_R]: f("R") }, { "a.txt": f("R", 1) }, { "a.txt": f("B") }],
      { downloads: [], remote: [{ op: "mv", from: "a.txt", path: COPY_R, expect: "R", aside: true }, { op: "put", path: "a.txt", sha: "L", x: false, expect: "absent" }] },
    ],
    ["17/18 an unreadable remote folder hides nothing into a deletion", [{ u: d, "u/x": f("X") }, { u: { ...d, type: "e", extra: "EACCES" } }, { u: d, "u/x": f("X") }], { local: [], remote: [], downloads: [] }],
    ["21 no changes, any size: nothing to do", [{ a: f("1", 5), b: d }, { a: f("1", 9), b: d }, { a: f("1"), b: d }], { local: [], remote: [], downloads: [], base: [] }],
    ["22 a file over the pair's size limit is reported, not synced", [{ big: { ...f("L"), size: 2e9 } }, {}, {}], { remote: [], notSynced: [{ path: "big", reason: expect.stringMatching(/larger than/) as unknown as string }] }],
    ["25 links are never synced nor deleted", [{ ln: { ...d, type: "l" } }, {}, {}], { remote: [], notSynced: [{ path: "ln", reason: expect.stringMatching(/symbolic link/) as unknown as string }] }],
    ["25 the executable bit alone is a change", [{ s: f("B", 0, true) }, { s: f("B") }, { s: f("B") }], { remote: [{ op: "put", path: "s", sha: "B", x: true, expect: "B" }] }],
    ["ignored paths are left alone on both sides, even when the base has them", [{ "x.swp": f("L2") }, {}, { "x.swp": f("B") }], { local: [], remote: [], downloads: [] }],
  ];
  it.each(cases)("%s", (_name, args, expected) => {
    expect(run(...args)).toMatchObject(expected);
  });

  it("policy newer / local / remote overwrite the loser without a copy", () => {
    const args = [{ "a.txt": f("L", 2) }, { "a.txt": f("R", 1) }, { "a.txt": f("B") }] as const;
    expect(run(...args, { policy: "newer" })).toMatchObject({ remote: [{ op: "put", path: "a.txt", expect: "R" }], conflicts: [] });
    expect(run(...args, { policy: "remote" })).toMatchObject({ downloads: [{ path: "a.txt", expect: "L" }], conflicts: [] });
    expect(run(...args, { policy: "local" })).toMatchObject({ remote: [{ op: "put", path: "a.txt", sha: "L" }] });
  });

  it("conflict names keep the extension last and never collide", () => {
    const taken = new Set(["thesis (conflict from local 2026-12-01 2013).tex"]);
    expect(conflictName("dir/thesis.tex", "local", NOW, (n) => taken.has(n.replace("dir/", "")))).toBe("dir/thesis (conflict from local 2026-12-01 2013 2).tex");
    expect(conflictName(".bashrc", "remote", NOW, () => false)).toBe(".bashrc (conflict from remote 2026-12-01 2013)");
  });
});

describe("ignore rules", () => {
  it("answer the same after many thousands of questions (the matcher is replaced now and then to bound its cache)", () => {
    const rules = ignoreRules(["*.log", "!keep.log", "build/"]);
    const answers = () => [rules.ignores("a/x.log", false), rules.ignores("a/keep.log", false), rules.ignores("build", true), rules.ignores("a/x.txt", false), rules.ignores(".git", true)];
    const first = answers();
    expect(first).toEqual([true, false, true, false, true]);
    for (let i = 0; i < 10_000; i++) rules.ignores(`d${i}/f${i}.txt`, false);
    expect(answers()).toEqual(first);
  });
});
