/**
 * The file browser's pure decisions, as tables: what is listed and in which
 * order, times as a person reads them, which moves are allowed, and how the
 * actions' replies read.
 */
import { describe, expect, it } from "vitest";
import { relativeTime, sortEntries, visibleEntries, fileKind } from "../../renderer/src/views/files/entries.js";
import { describe as describeAction } from "../../renderer/src/views/files/actions.js";
import { checkMove, checkTrash } from "../../electron/services/files/ops-paths.js";
import { readActionReply, readContentHits, readNameHits, readTrashList } from "../../electron/services/files/ops-replies.js";
import { namePattern } from "../../electron/services/files/ops-scripts.js";
import { restoreTarget } from "../../electron/services/files/file-ops-service.js";
import { isRunnable } from "../../electron/services/files/runnable.js";

const e = (name: string, isdir = false, size = 0, mtime = 0) => ({ name, isdir, size, mtime });

describe("what a folder shows", () => {
  const entries = [e("b.txt", false, 5, 30), e("A.txt", false, 50, 10), e(".hidden"), e(".cocalc-sync", true), e("src", true, 0, 20), e("a10.txt", false, 1, 40), e("a9.txt", false, 2, 50)];
  it.each([
    ["home, hidden off", "", false, ["b.txt", "A.txt", "src", "a10.txt", "a9.txt"]],
    ["home, hidden on: the sync's folder still never", "", true, ["b.txt", "A.txt", ".hidden", "src", "a10.txt", "a9.txt"]],
    ["a subfolder, hidden on: a folder of that name is the person's own", "sub", true, ["b.txt", "A.txt", ".hidden", ".cocalc-sync", "src", "a10.txt", "a9.txt"]],
  ])("%s", (_, dir, hidden, want) => {
    expect(visibleEntries(entries, dir, hidden).map((x) => x.name)).toEqual(want);
  });

  it.each([
    [{ key: "name", desc: false }, ["src", "A.txt", "a9.txt", "a10.txt", "b.txt"]],
    [{ key: "name", desc: true }, ["src", "b.txt", "a10.txt", "a9.txt", "A.txt"]],
    [{ key: "size", desc: true }, ["src", "A.txt", "b.txt", "a9.txt", "a10.txt"]],
    [{ key: "mtime", desc: false }, ["src", "A.txt", "b.txt", "a10.txt", "a9.txt"]],
  ] as const)("sorted by %j, folders first", (order, want) => {
    expect(sortEntries(visibleEntries(entries, "", false), order).map((x) => x.name)).toEqual(want);
  });

  it.each([
    [0, "just now"],
    [45, "45 seconds ago"],
    [180, "3 minutes ago"],
    [7200, "2 hours ago"],
    [86_400 * 1.2, "yesterday"],
    [86_400 * 3, "3 days ago"],
    [86_400 * 400, "last year"],
  ])("%s s ago reads %s", (ago, want) => {
    expect(relativeTime(1_000_000 - ago, 1_000_000)).toBe(want);
  });

  it.each([
    [e("x", true), "folder"],
    [e("a.ipynb"), "notebook"],
    [e("p.PNG"), "image"],
    [e("d.csv"), "data"],
    [e("m.py"), "code"],
    [e("README"), "text"],
    [e("blob.bin"), "other"],
  ])("%j has the icon of a %s", (entry, kind) => {
    expect(fileKind(entry)).toBe(kind);
  });
});

describe("which moves are allowed", () => {
  it("leaves out what is already there, and refuses a folder into itself or two of one name", () => {
    expect(checkMove(["a/x", "b/y", "d/z"], "d")).toEqual([
      { from: "a/x", to: "d/x" },
      { from: "b/y", to: "d/y" },
    ]);
    expect(() => checkMove(["d"], "d/sub")).toThrow(/cannot be moved into itself/);
    expect(() => checkMove(["d"], "d")).toThrow(/into itself/);
    expect(() => checkMove(["a/x", "b/x"], "")).toThrow(/Two of the selected items are called 'x'/);
    expect(() => checkMove([""], "d")).toThrow(/home folder/);
  });
  it("never deletes the trash itself, and a folder takes what is inside it along", () => {
    expect(checkTrash(["d", "d/x", "e"], "delete")).toEqual(["d", "e"]);
    expect(() => checkTrash([".trash/x"], "delete")).toThrow(/is in the trash/);
    expect(() => checkTrash([".trash"], "delete")).toThrow(/is in the trash/);
  });
  it.each([
    ["docs/a.txt", "a.txt", "docs/a.txt"],
    [null, "a.txt", "a.txt"],
    ["../../etc/passwd", "a.txt", "a.txt"],
    ["/etc/passwd", "a.txt", "a.txt"],
    [".trash/x", "x", "x"],
  ])("a trash item recorded as %j goes back to %j", (origin, name, want) => {
    expect(restoreTarget(origin, name)).toBe(want);
  });
});

describe("the actions' replies", () => {
  it("reads what was done and the first problem, in the user's words", () => {
    const r = readActionReply({ stdout: "ok\t./a\t./d/a\0exists\t./d/b\0", stderr: "", exit_code: 3 }, "move the selection");
    expect(r.moved).toEqual([{ from: "a", to: "d/a" }]);
    expect(r.problem?.message).toBe("Could not move the selection: 'd/b' already exists. Nothing was replaced.");
    const perm = readActionReply({ stdout: "failed\t./x\tmv: cannot move './x': Permission denied\0", stderr: "", exit_code: 3 }, "delete 'x'");
    expect(perm.problem?.hint).toMatch(/permission denied/);
    expect(perm.problem?.message).not.toMatch(/mv:/);
  });
  it("reads the trash with each item's origin", () => {
    const out = "1\tf\t6\t1700000000.5\ta.txt\0" + "1\td\t4096\t1700000001\tdir\0" + "\0ORIGINS\0".slice(1) + "a.txt\tdocs/a.txt\0";
    expect(readTrashList(out).map((x) => [x.name, x.isdir, x.origin])).toEqual([
      ["dir", true, null],
      ["a.txt", false, "docs/a.txt"],
    ]);
  });
  it("reads search hits a page at a time, and says when the search ran out of time", () => {
    expect(readNameHits("./a/needle\0./b\0./c\0", 2)).toEqual({ hits: [{ path: "a/needle", line: null, text: null }, { path: "b", line: null, text: null }], more: true, timed_out: false });
    expect(readContentHits("./x.py\x007:# needle: here\n./y\x002:b\nTIMEOUT\0\n", 10)).toEqual({
      hits: [
        { path: "x.py", line: 7, text: "# needle: here" },
        { path: "y", line: 2, text: "b" },
      ],
      more: false,
      timed_out: true,
    });
    expect(readNameHits("./../x\0", 5).hits).toEqual([]);
  });
  it("makes a literal name pattern of what was typed", () => {
    expect(namePattern("a*b?[c]\\")).toBe("*a\\*b\\?\\[c\\]\\\\*");
  });
});

describe("what each action says, and how it is undone", () => {
  it.each([
    [{ kind: "rename", path: "d/a.txt", new_name: "b.txt" }, [{ from: "d/a.txt", to: "d/b.txt" }], "Renamed a.txt to b.txt.", { kind: "rename", path: "d/b.txt", new_name: "a.txt" }],
    [{ kind: "move", paths: ["a", "b"], dest_dir: "d" }, [{ from: "a", to: "d/a" }, { from: "b", to: "d/b" }], "Moved 2 items to ~/d.", { kind: "move", paths: ["d/a", "d/b"], dest_dir: "" }],
    [{ kind: "duplicate", paths: ["a.txt"] }, [{ from: "a.txt", to: "a (copy).txt" }], "Made a (copy).txt.", { kind: "trash", paths: ["a (copy).txt"] }],
    [{ kind: "trash", paths: ["d/a.txt"] }, [{ from: "d/a.txt", to: ".trash/a (2).txt" }], "Moved a.txt to the trash.", { kind: "restore", names: ["a (2).txt"] }],
  ] as const)("%j", (action, moved, text, undo) => {
    expect(describeAction(action as never, [...moved])).toEqual({ text, undo });
  });
});

describe("what is never handed to the system to open", () => {
  it.each([
    ["setup.EXE", true],
    ["run.sh", true],
    ["app.desktop", true],
    ["x.AppImage", true],
    ["Installer.pkg", true],
    ["report.pdf", false],
    ["photo.jpeg", false],
    [".bashrc", false],
    ["data.xlsx", false],
  ])("%s: %s", (name, runnable) => {
    expect(isRunnable(name)).toBe(runnable);
  });
});
