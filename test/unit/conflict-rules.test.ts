import { describe, expect, it } from "vitest";
import { lineBreakOf, myCopyName } from "../../renderer/src/conflict-rules.js";

describe("myCopyName: where Keep both puts my version", () => {
  it.each([
    ["README.txt", 1, "README (my copy).txt"],
    ["notes/todo.md", 1, "notes/todo (my copy).md"],
    ["notes/todo.md", 3, "notes/todo (my copy 3).md"],
    [".bashrc", 1, ".bashrc (my copy)"],
    ["a.dir/Makefile", 1, "a.dir/Makefile (my copy)"],
    ["archive.tar.gz", 2, "archive.tar (my copy 2).gz"],
  ])("%s (%i) → %s", (path, n, want) => expect(myCopyName(path, n)).toBe(want));
});

describe("lineBreakOf: the diff splits lines so that the result is byte-exact", () => {
  it.each([
    ["a\nb\n", "a\nc\n", "\n"],
    ["a\r\nb\r\n", "a\r\nc\r\n", "\r\n"],
    // one side mixed, or a lone CR: every CR stays a character of its line
    ["a\r\nb\n", "a\r\nc\r\n", "\n"],
    ["a\rb\r\n", "a\r\n", "\n"],
    ["a\r\n", "one line", "\n"],
    ["", "", "\n"],
  ])("%j / %j → %j", (a, b, want) => expect(lineBreakOf(a, b)).toBe(want));
});
