/** The file viewer's plain rules: terminal control characters, which MIME type is shown, how a file is shown. */
import { describe, expect, it } from "vitest";
import { consoleText } from "../../renderer/src/viewer/console-text.js";
import { viewKindOf } from "../../renderer/src/viewer/kind.js";
import { chooseMime } from "../../renderer/src/viewer/mime.js";

describe("consoleText applies \\r and \\b as a terminal does", () => {
  it.each([
    ["plain\ntext", "plain\ntext"],
    ["10%\r50%\r100%", "100%"],
    ["progress 1/3\rprogress 2/3\rdone", "doneress 2/3"],
    ["abc\b\bX", "aXc"],
    ["abc\b\b\b\b\bZ", "Zbc"],
    ["line\r\n", "line\n"],
    ["a\r\nb\r\n", "a\nb\n"],
    ["1/2 [===>...]\b\b\b\b\b\b\b\b\b\b\b\b\b2/2 [=======]", "2/2 [=======]"],
    ["_\bN_\bA", "NA"],
    ["\u001b[31mred\u001b[0m\rR", "\u001b[31mRed\u001b[0m"],
    ["", ""],
  ])("%j → %j", (text, want) => expect(consoleText(text)).toBe(want));
});

describe("chooseMime picks the richest type it can show safely", () => {
  it.each([
    [{ "text/plain": "p", "text/html": "<b>h</b>" }, { kind: "show", mime: "text/html", value: "<b>h</b>" }],
    [{ "text/plain": "p", "text/latex": "$x$", "image/png": "iVBO" }, { kind: "show", mime: "text/latex", value: "$x$" }],
    [{ "text/plain": "p", "image/png": "iVBO" }, { kind: "show", mime: "image/png", value: "iVBO" }],
    [{ "text/plain": "p", "image/jpeg": "/9j/" }, { kind: "show", mime: "image/jpeg", value: "/9j/" }],
    [{ "text/plain": "p", "image/svg+xml": "<svg/>", "image/png": "iVBO" }, { kind: "show", mime: "image/svg+xml", value: "<svg/>" }],
    [{ "text/plain": "p", "text/markdown": "**m**" }, { kind: "show", mime: "text/markdown", value: "**m**" }],
    [{ "text/plain": "only" }, { kind: "show", mime: "text/plain", value: "only" }],
    [{ "text/plain": "p", "text/html": "   " }, { kind: "show", mime: "text/plain", value: "p" }],
    [{ "application/javascript": "alert(1)", "text/plain": "<Javascript>" }, { kind: "not-run", mime: "application/javascript", fallback: "<Javascript>" }],
    [{ "application/javascript": "alert(1)", "text/html": "<div/>" }, { kind: "show", mime: "text/html", value: "<div/>" }],
    [{ "application/vnd.jupyter.widget-view+json": { model_id: "x" }, "text/plain": "IntSlider(value=3)" }, { kind: "not-run", mime: "application/vnd.jupyter.widget-view+json", fallback: "IntSlider(value=3)" }],
    [{ "application/vnd.jupyter.widget-view+json": { model_id: "x" } }, { kind: "not-run", mime: "application/vnd.jupyter.widget-view+json" }],
    [{ "application/vnd.plotly.v1+json": { data: [] } }, { kind: "unknown", mimes: ["application/vnd.plotly.v1+json"] }],
    [{}, { kind: "unknown", mimes: [] }],
  ])("%j", (bundle, want) => expect(chooseMime(bundle)).toEqual(want));
});

describe("viewKindOf chooses the renderer by extension", () => {
  it.each([
    ["a.ipynb", { kind: "notebook" }],
    ["dir/My Notebook.IPYNB", { kind: "notebook" }],
    ["README.md", { kind: "markdown" }],
    ["notes.markdown", { kind: "markdown" }],
    ["x.py", { kind: "source", language: "py" }],
    ["src/lib.rs", { kind: "source", language: "rs" }],
    ["a.jl", { kind: "source", language: "julia" }],
    ["plot.R", { kind: "source", language: "r" }],
    ["Makefile", { kind: "source", language: "makefile" }],
    ["paper.tex", { kind: "source", language: "latex" }],
    ["notes.txt", { kind: "text" }],
    ["LICENSE", { kind: "text" }],
    [".bashrc", { kind: "text" }],
    ["data.unknownext", { kind: "text" }],
    ["archive.ipynb.bak", { kind: "text" }],
  ])("%s → %j", (path, want) => expect(viewKindOf(path)).toEqual(want));
});
