/** The plain rules behind cancel, copy confirmation and learned capabilities, as tables. */
import { describe, expect, it } from "vitest";
import { checkCopy, copyFailure, parseTree, type TreeEntry } from "../../electron/services/copy/confirmed-copy.js";
import { describeCancel, parseStopReport, wrapCommand } from "../../electron/services/exec/cancellable.js";
import { withLearned } from "../../shared/domain.js";
import { ApiError } from "../../shared/errors.js";

const f = (size: number, mtime = 100): TreeEntry => ({ type: "f", size, mtime });
const d: TreeEntry = { type: "d", size: 4096, mtime: 100 };
const tree = (o: Record<string, TreeEntry>) => new Map(Object.entries(o));

describe("checkCopy", () => {
  const src = tree({ "": d, "a.txt": f(3), "x.log": f(9), build: d, "build/o": f(1), "sub/b.txt": f(5), sub: d });
  it.each([
    ["everything there", tree({ "": d, "a.txt": f(3), "x.log": f(9), build: d, "build/o": f(1), sub: d, "sub/b.txt": f(5) }), {}, [], []],
    ["a file missing", tree({ "": d, "a.txt": f(3), "x.log": f(9), build: d, "build/o": f(1), sub: d }), {}, ["sub/b.txt"], []],
    ["excluded ones may be missing", tree({ "": d, "a.txt": f(3), sub: d, "sub/b.txt": f(5) }), { exclude: ["*.log", "build/"] }, [], []],
    ["a size differs", tree({ "": d, "a.txt": f(2), "x.log": f(9), build: d, "build/o": f(1), sub: d, "sub/b.txt": f(5) }), {}, [], ["a.txt"]],
    ["a newer target file kept on purpose (no overwrite_newer)", tree({ "": d, "a.txt": f(2, 999), "x.log": f(9), build: d, "build/o": f(1), sub: d, "sub/b.txt": f(5) }), {}, [], []],
    ["but not with overwrite_newer", tree({ "": d, "a.txt": f(2, 999), "x.log": f(9), build: d, "build/o": f(1), sub: d, "sub/b.txt": f(5) }), { overwrite_newer: true }, [], ["a.txt"]],
    ["a file where a folder should be", tree({ "": d, "a.txt": f(3), "x.log": f(9), build: f(1), sub: d, "sub/b.txt": f(5) }), {}, ["build", "build/o"], []],
  ] as const)("%s", (_name, dst, o, missing, differing) => {
    const c = checkCopy(src, dst, o as { exclude?: string[]; overwrite_newer?: boolean });
    expect(c.missing).toEqual(missing);
    expect(c.differing).toEqual(differing);
  });

  it("parses find's records, names with tabs and newlines included", () => {
    const t = parseTree("d\t4096\t1.5\t\0f\t3\t2.25\tta\tb\nc\0garbage\0");
    expect([...t.entries()]).toEqual([
      ["", { type: "d", size: 4096, mtime: 1.5 }],
      ["ta\tb\nc", { type: "f", size: 3, mtime: 2.25 }],
    ]);
  });
});

describe("copyFailure: rsync and server texts in the person's terms", () => {
  const at = { src_path: "data", target_path: "out/data" };
  it.each([
    ["rsync: mkdir \"/p/out/data\" failed: Read-only file system (30)", /'out\/data' in the target project cannot be written/],
    ["Error: EACCES: permission denied, mkdir '/p/out'", /cannot be written/],
    ["rsync: write failed on \"/p/out/x\": No space left on device (28)", /no space left/],
    ["Error: ENOENT: no such file or directory, stat '/p/data'", /'data' is not \(or no longer\) in the source project/],
    ["file has vanished: \"/p/data/a\"", /no longer\) in the source project/],
    ["Error: ENOTDIR: not a directory, mkdir '/p/out/data'", /part of the target path 'out\/data' is a file/],
    ["Error executing command 'rsync' with args '-a' -- killed command 'rsync -a'", /stopped it before it finished/],
  ])("%s", (text, message) => {
    const e = copyFailure(new ApiError("server", text, { serverMessage: text }), at) as ApiError;
    expect(e.message).toMatch(message);
    expect(e.serverMessage).toBe(text);
    expect(e.hint).not.toBe(e.message);
  });
  it("an access refusal and other kinds pass through as they are", () => {
    const denied = new ApiError("permission", "User x does not have read access to project y", { serverMessage: "User x does not have read access to project y" });
    expect(copyFailure(denied, at)).toBe(denied);
    const net = new ApiError("network", "Nothing answers");
    expect(copyFailure(net, at)).toBe(net);
  });
});

describe("cancel: the stop report and what the person is told", () => {
  it.each([
    ["noise\ncocalc-stop: left 0\n", { kind: "left", count: 0 }],
    ["cocalc-stop: left 2", { kind: "left", count: 2 }],
    ["cocalc-stop: no-run-file\n", { kind: "no-run-file" }],
    ["cocalc-stop: bad-run-file\n", { kind: "unreadable" }],
    ["", { kind: "unreadable" }],
  ])("%j", (stdout, report) => expect(parseStopReport(stdout)).toEqual(report));

  it.each([
    [{ kind: "left", count: 0 }, true, /stopped on the server; none of its processes are left/],
    [{ kind: "left", count: 1 }, false, /but 1 of its processes is still running/],
    [{ kind: "no-run-file" }, false, /may still be running on the server/],
    [{ kind: "unreachable", why: "connection refused" }, false, /may still be running on the server \(the server could not be reached to stop it: connection refused\)/],
    [{ kind: "never-sent" }, true, /before it was sent; nothing ran/],
  ] as const)("%j", (report, stopped, message) => {
    const o = describeCancel(report);
    expect(o.stopped).toBe(stopped);
    expect(o.error).toMatchObject({ kind: "cancelled", message: expect.stringMatching(message) });
    expect(o.error.hint).not.toBe(o.error.message);
  });

  it("only a UUID request id goes into the shell text", () => {
    expect(() => wrapCommand({ project_id: "7fd43b6b-1be4-41eb-a6c0-332af4a514fb", command: "ls" }, "x; rm -rf ~")).toThrow(/UUID/);
  });
});

describe("capabilities", () => {
  it.each([
    ["v1", undefined, { copySchedule: false, createAccount: false }],
    ["v1", { copySchedule: true }, { copySchedule: true, createAccount: false }],
    ["v1", { copySchedule: false, createAccount: true }, { copySchedule: false, createAccount: true }],
    ["current", { copySchedule: true, createAccount: true }, { copySchedule: false, createAccount: false }],
  ] as const)("%s with %j", (generation, learned, want) => expect(withLearned(generation, learned)).toMatchObject(want));
});
