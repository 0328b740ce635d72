/**
 * The shared notebook model against the fixture notebooks (every output type,
 * nbformat 3 and 4), against the 24 real notebooks in
 * ../shared/reference/notebooks when they are there (CI; read in place, not
 * copied), and against the shapes nbformat 3 and 4 allow.
 */
import { describe, expect, it } from "vitest";
import { notebookLanguage, parseNotebook, type Notebook } from "../../shared/nbformat.js";
import { fixtureNotebooks, referenceCorpus } from "../support/reference-notebooks.js";

const fixtures = fixtureNotebooks();
const corpus = referenceCorpus();
console.log(corpus.missing ? `nbformat: real-notebook corpus skipped: ${corpus.missing}` : `nbformat: real-notebook corpus: ${corpus.notebooks.length} notebooks in ${corpus.folder}`);

function parsed(text: string): Notebook {
  const r = parseNotebook(text);
  if (!r.ok) throw new Error(r.error);
  return r.notebook;
}

type RawCell = { cell_type: string; source?: string | string[]; input?: string | string[]; outputs?: unknown[] };
const join1 = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : (s ?? ""));

/** The parsed notebook keeps every cell, its source and its number of outputs, and knows every output's type. */
function parsesWhole(text: string, { unknownTypes = 0 } = {}): void {
  const raw = JSON.parse(text) as { nbformat: number; cells?: RawCell[]; worksheets?: { cells: RawCell[] }[] };
  const rawCells = raw.cells ?? raw.worksheets!.flatMap((w) => w.cells);
  const nb = parsed(text);
  expect(nb.cells.length).toBe(rawCells.length);
  nb.cells.forEach((cell, i) => {
    const r = rawCells[i]!;
    if (r.cell_type === "heading") expect(cell.source).toMatch(new RegExp(`^#{1,6} ${join1(r.source).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    else expect(cell.source).toBe(join1(r.cell_type === "code" && raw.nbformat === 3 ? r.input : r.source));
    expect(cell.outputs.length).toBe(r.outputs?.length ?? 0);
  });
  expect(nb.cells.flatMap((c) => c.outputs).filter((o) => o.output_type === "unknown").length).toBeLessThanOrEqual(unknownTypes);
}

describe("every fixture notebook", () => {
  it("covers nbformat 3 and 4, every output type and every MIME type the viewer handles", () => {
    const nbs = fixtures.map((f) => parsed(f.text));
    const raw = fixtures.map((f) => JSON.parse(f.text) as { nbformat: number });
    expect(new Set(raw.map((r) => r.nbformat))).toEqual(new Set([3, 4]));
    const outputs = nbs.flatMap((nb) => nb.cells.flatMap((c) => c.outputs));
    expect(new Set(outputs.map((o) => o.output_type))).toEqual(new Set(["stream", "error", "execute_result", "display_data", "unknown"]));
    const mimes = new Set(outputs.flatMap((o) => ("data" in o ? Object.keys(o.data) : [])));
    for (const m of ["text/html", "text/markdown", "text/latex", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/plain", "application/javascript", "application/vnd.jupyter.widget-view+json", "application/json"]) expect(mimes).toContain(m);
    const cellTypes = new Set(nbs.flatMap((nb) => nb.cells.map((c) => c.cell_type)));
    expect(cellTypes).toEqual(new Set(["markdown", "code", "raw"]));
    expect(nbs.some((nb) => nb.cells.some((c) => c.attachments && Object.keys(c.attachments).length > 0))).toBe(true);
  });
  // The fixture's one output of a future type is deliberate (the viewer says it is not shown); the corpus has none.
  it.each(fixtures.map((n) => [n.name, n.text]))("%s parses to the same cells, sources and output counts", (_name, text) => parsesWhole(text, { unknownTypes: 1 }));
});

describe("every notebook of the real-notebook corpus", () => {
  it("there are 24 of them", (ctx) => {
    if (corpus.missing) ctx.skip(corpus.missing);
    expect(corpus.notebooks.length).toBe(24);
  });
  it.each(corpus.notebooks.map((n) => [n.name, n.text]))("%s parses to the same cells, sources and output counts", (_name, text) => parsesWhole(text));
});

describe("nbformat 3 is normalised to the version 4 model", () => {
  const v3 = JSON.stringify({
    nbformat: 3,
    nbformat_minor: 0,
    metadata: { name: "" },
    worksheets: [
      {
        cells: [
          { cell_type: "heading", level: 2, metadata: {}, source: ["Title"] },
          {
            cell_type: "code",
            language: "python",
            input: ["x = 1\n", "x"],
            prompt_number: 3,
            metadata: {},
            outputs: [
              { output_type: "pyout", prompt_number: 3, text: ["1"], png: "iVBORw0KGgo=", latex: ["$x$"], html: ["<b>1</b>"], metadata: {} },
              { output_type: "stream", stream: "stderr", text: "oops\n" },
              { output_type: "pyerr", ename: "ValueError", evalue: "bad", traceback: ["\u001b[31mValueError\u001b[0m"] },
              { output_type: "display_data", svg: "<svg/>", jpeg: "/9j/", metadata: {} },
            ],
          },
        ],
      },
    ],
  });

  it("cells, sources, prompts and outputs", () => {
    const nb = parsed(v3);
    expect(nb.cells.map((c) => [c.cell_type, c.source, c.execution_count])).toEqual([
      ["markdown", "## Title", null],
      ["code", "x = 1\nx", 3],
    ]);
    expect(nb.cells[1]!.metadata.language).toBe("python");
    expect(nb.cells[1]!.outputs).toEqual([
      { output_type: "execute_result", execution_count: 3, metadata: {}, data: { "text/plain": "1", "image/png": "iVBORw0KGgo=", "text/latex": "$x$", "text/html": "<b>1</b>" } },
      { output_type: "stream", name: "stderr", text: "oops\n" },
      { output_type: "error", ename: "ValueError", evalue: "bad", traceback: ["\u001b[31mValueError\u001b[0m"] },
      { output_type: "display_data", metadata: {}, data: { "image/svg+xml": "<svg/>", "image/jpeg": "/9j/" } },
    ]);
  });
});

describe("nbformat 4, loose where real notebooks vary", () => {
  const nb4 = (cells: unknown[], metadata: unknown = {}) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells });

  it("multiline strings are a string or a list of lines", () => {
    const nb = parsed(nb4([{ cell_type: "markdown", source: ["a\n", "b"], metadata: {} }, { cell_type: "markdown", source: "c", metadata: {} }]));
    expect(nb.cells.map((c) => c.source)).toEqual(["a\nb", "c"]);
  });

  it("MIME bundles: text joined, JSON kept as JSON, wrong kinds dropped", () => {
    const nb = parsed(
      nb4([
        {
          cell_type: "code",
          source: "",
          metadata: {},
          execution_count: null,
          outputs: [{ output_type: "display_data", metadata: {}, data: { "text/plain": ["a", "b"], "application/json": { x: [1] }, "application/vnd.plotly.v1+json": { data: [] }, "image/png": 5 } }],
        },
      ]),
    );
    expect(nb.cells[0]!.outputs[0]).toMatchObject({ data: { "text/plain": "ab", "application/json": { x: [1] }, "application/vnd.plotly.v1+json": { data: [] } } });
    expect(nb.cells[0]!.outputs[0]).not.toHaveProperty("data.image/png");
  });

  it("attachments, ids, unknown output types and missing optional fields", () => {
    const nb = parsed(
      nb4([
        { id: "abc", cell_type: "markdown", source: "![x](attachment:a.png)", metadata: {}, attachments: { "a.png": { "image/png": ["iVBO", "Rw=="] } } },
        { cell_type: "code", source: "1", outputs: [{ output_type: "future_type", stuff: 1 }] },
        { cell_type: "raw", source: "raw text" },
      ]),
    );
    expect(nb.cells[0]).toMatchObject({ id: "abc", attachments: { "a.png": { "image/png": "iVBORw==" } } });
    expect(nb.cells[1]).toMatchObject({ execution_count: null, metadata: {}, outputs: [{ output_type: "unknown", original_type: "future_type" }] });
    expect(nb.cells[2]!.outputs).toEqual([]);
  });

  it.each([
    [{ kernelspec: { language: "R" } }, "r"],
    [{ language_info: { name: "julia" } }, "julia"],
    [{}, undefined],
  ])("language from metadata %j → %s", (metadata, want) => expect(notebookLanguage(parsed(nb4([], metadata)))).toBe(want));
});

describe("a file that is not a notebook gets an error that says what is wrong", () => {
  it.each([
    ["{", /not valid JSON/],
    ["[1]", /holds no JSON object/],
    ['{"nbformat": 2, "cells": []}', /nbformat 2\) is not supported/],
    ['{"cells": []}', /nbformat null\) is not supported/],
    ['{"nbformat": 4, "cells": 5}', /does not follow nbformat 4 at cells/],
    ['{"nbformat": 4, "cells": [{"source": "x"}]}', /does not follow nbformat 4 at cells\.0\.cell_type/],
    ['{"nbformat": 3, "worksheets": [{"cells": [{"cell_type": 7}]}]}', /does not follow nbformat 3 at worksheets\.0\.cell_type/],
  ])("%s", (text, want) => {
    const r = parseNotebook(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(want);
  });
});
