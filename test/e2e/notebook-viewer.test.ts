/**
 * The app's own file viewer (FileViewer, the kiosk view's third mode) in
 * Debian's Chromium, under the renderer's CSP. The viewer is mounted alone in
 * a page built from the app's renderer sources (test/support/viewer-harness)
 * and given each file's text as the kiosk view decodes it from doc.open; the kiosk view that
 * fetches the text is tested on its own. Expectations are derived from each
 * notebook's JSON here, never written down by hand.
 */
import { join } from "node:path";
import { SHOOTING, SHOTS } from "../support/screenshots.js";
import MarkdownIt from "markdown-it";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleText } from "../../renderer/src/viewer/console-text.js";
import { launchChromium } from "../support/browser.js";
import { fixtureNotebook, fixtureNotebooks, referenceCorpus } from "../support/reference-notebooks.js";
import { serveViewerHarness } from "../support/viewer-harness.js";

const fixtures = fixtureNotebooks();
const corpus = referenceCorpus();
const notebooks = corpus.notebooks;
console.log(corpus.missing ? `notebook viewer: real-notebook corpus skipped: ${corpus.missing}` : `notebook viewer: real-notebook corpus: ${notebooks.length} notebooks in ${corpus.folder}`);

let browser: Browser;
let harness: Awaited<ReturnType<typeof serveViewerHarness>>;
let page: Page;
/** Errors the page logged since the last check (console errors, CSP reports, exceptions). */
let errors: string[] = [];
/** Calls of the `pwned` binding: any script from a notebook that ran would make one. */
const pwned: string[] = [];

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchChromium(), serveViewerHarness()]);
  page = await browser.newPage({ viewport: { width: 1100, height: 850 }, colorScheme: "light" });
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text().slice(0, 300));
  });
  await page.exposeBinding("pwned", (_source, what: string) => void pwned.push(what));
  // tsx names functions with a helper the page does not have.
  await page.addInitScript("window.__name = (f) => f;");
  await page.goto(harness.url);
  await page.waitForFunction(() => "viewer" in window);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

/** Show a file and wait until it is fully rendered: every cell, every HTML frame loaded, every image decoded. */
async function show(path: string, content: string): Promise<void> {
  await page.evaluate(([p, c]) => (window as unknown as { viewer: { show(p: string, c: string): Promise<void> } }).viewer.show(p, c), [path, content] as const);
  await page.waitForFunction(() => document.querySelector(".notebook[data-complete=true], .banner.error, .viewer-markdown, .viewer-source, .viewer-text") !== null);
  // HTML frames are made when near the view: bring each near, then wait for every frame and image.
  await page.evaluate(async () => {
    const viewer = document.querySelector<HTMLElement>(".file-viewer")!;
    const top = viewer.scrollTop;
    for (let pending = document.querySelector(".nb-frame-pending"); pending; pending = document.querySelector(".nb-frame-pending")) {
      pending.scrollIntoView();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    }
    const frames = Array.from(document.querySelectorAll<HTMLIFrameElement>(".nb-frame"));
    await Promise.all(frames.map((f) => (f.contentDocument?.readyState === "complete" && f.contentDocument.body ? null : new Promise((r) => f.addEventListener("load", r, { once: true })))));
    const images = [...Array.from(document.images), ...frames.flatMap((f) => Array.from(f.contentDocument?.images ?? []))];
    await Promise.all(images.map((i) => i.decode().catch(() => undefined)));
    viewer.scrollTop = top;
  });
}

function takeErrors(): string[] {
  const e = errors;
  errors = [];
  return e;
}

// ---- expectations from the notebook's JSON ----

type Multiline = string | string[] | undefined;
type RawOutput = { output_type: string; text?: Multiline; data?: Record<string, unknown>; traceback?: string[]; ename?: string } & Record<string, unknown>;
type RawCell = { cell_type: string; source?: Multiline; input?: Multiline; level?: number; outputs?: RawOutput[]; attachments?: Record<string, unknown> };
type RawNotebook = { nbformat: number; cells?: RawCell[]; worksheets?: { cells: RawCell[] }[] };

const text = (s: Multiline): string => (Array.isArray(s) ? s.join("") : (s ?? ""));
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)/g, "");
/** Which colours a text's SGR escape sequences set: foreground, background (38/48 take 5;n or 2;r;g;b). */
function sgrColours(s: string): { fg: boolean; bg: boolean } {
  const found = { fg: false, bg: false };
  // eslint-disable-next-line no-control-regex
  for (const m of s.matchAll(/\u001b\[([0-9;]*)m/g)) {
    const p = m[1]!.split(";").map(Number);
    for (let i = 0; i < p.length; i++) {
      const n = p[i]!;
      if (n === 38 || n === 48) {
        found[n === 38 ? "fg" : "bg"] = true;
        i += p[i + 1] === 5 ? 2 : 4;
      } else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) found.fg = true;
      else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) found.bg = true;
    }
  }
  return found;
}
/** Text compared by its letters and digits only: markup, math delimiters and spacing differ between source and page. */
const letters = (s: string) => s.normalize("NFKC").replace(/[^\p{L}\p{N}]+/gu, "").toLowerCase();

const V3_MIMES: Record<string, string> = { text: "text/plain", html: "text/html", svg: "image/svg+xml", png: "image/png", jpeg: "image/jpeg", latex: "text/latex", markdown: "text/markdown", json: "application/json", javascript: "application/javascript" };

function cellsOf(nb: RawNotebook): RawCell[] {
  return nb.cells ?? (nb.worksheets ?? []).flatMap((w) => w.cells);
}

function bundleOf(o: RawOutput, v3: boolean): Record<string, unknown> {
  if (!v3) return o.data ?? {};
  const data: Record<string, unknown> = {};
  for (const [key, mime] of Object.entries(V3_MIMES)) if (key in o) data[mime] = o[key];
  return data;
}

const parser = new MarkdownIt({ html: true });

/** Each markdown heading's text (letters only), from markdown-it's tokens of the cell's source. */
function headingsOf(cell: RawCell): string[] {
  if (cell.cell_type === "heading") return [letters(text(cell.source))];
  if (cell.cell_type !== "markdown") return [];
  const tokens = parser.parse(text(cell.source), {});
  const out: string[] = [];
  tokens.forEach((t, i) => {
    if (t.type !== "heading_open") return;
    const inline = tokens[i + 1]!;
    const words = (inline.children ?? []).map((c) => (c.type === "text" || c.type === "code_inline" ? c.content : c.type === "image" ? c.content : "")).join("");
    if (letters(words)) out.push(letters(words));
  });
  return out;
}

// ---- what the page shows, per cell ----

interface OutputShown {
  type: string | null;
  mime: string | null;
  text: string;
  note: string | null;
  images: boolean[];
  frame: { tables: number; text: string } | null;
  katex: number;
  colouredSpans: number;
  backgroundSpans: number;
}
interface CellShown {
  type: string | null;
  headings: string[];
  source: string | null;
  katex: number;
  images: boolean[];
  outputs: OutputShown[];
}

async function shownCells(): Promise<CellShown[]> {
  return page.evaluate(() => {
    /** Text with typeset math read back as its TeX source (KaTeX keeps it in an annotation). */
    const withTex = (el: Element) => {
      const copy = el.cloneNode(true) as Element;
      for (const k of Array.from(copy.querySelectorAll(".katex"))) k.replaceWith(k.querySelector("annotation")?.textContent ?? "");
      return copy.textContent ?? "";
    };
    const coloured = (el: Element) => {
      const base = getComputedStyle(el).color;
      return Array.from(el.querySelectorAll("span")).filter((s) => getComputedStyle(s).color !== base).length;
    };
    const backgrounds = (el: Element) => Array.from(el.querySelectorAll("span")).filter((s) => !["rgba(0, 0, 0, 0)", "transparent"].includes(getComputedStyle(s).backgroundColor)).length;
    const loaded = (img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.src.startsWith("data:");
    return Array.from(document.querySelectorAll(".nb-cell")).map((cell) => ({
      type: cell.getAttribute("data-cell-type"),
      headings: Array.from(cell.querySelectorAll(":scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6, :scope h1, :scope h2, :scope h3, :scope h4, :scope h5, :scope h6")).map(withTex),
      source: cell.querySelector(".nb-source")?.textContent ?? null,
      katex: cell.querySelectorAll(".katex").length,
      images: Array.from(cell.querySelectorAll<HTMLImageElement>(":scope > img, :scope p img, :scope div img")).filter((i) => !i.closest(".nb-outputs")).map(loaded),
      outputs: Array.from(cell.querySelectorAll(".nb-outputs > .nb-output")).map((o) => {
        const frame = o.querySelector<HTMLIFrameElement>("iframe");
        const doc = frame?.contentDocument;
        return {
          type: o.getAttribute("data-output-type"),
          mime: o.getAttribute("data-mime"),
          text: o.textContent ?? "",
          note: o.querySelector(".nb-note")?.textContent ?? (o.classList.contains("nb-note") ? o.textContent : null),
          images: Array.from(o.querySelectorAll("img")).map(loaded),
          frame: doc ? { tables: doc.querySelectorAll("table").length, text: doc.body?.textContent ?? "" } : null,
          katex: o.querySelectorAll(".katex").length,
          colouredSpans: coloured(o),
          backgroundSpans: backgrounds(o),
        };
      }),
    }));
  });
}

/** Check one saved output against what the page shows for it; returns what is wrong, if anything. */
function checkOutput(raw: RawOutput, v3: boolean, shown: OutputShown | undefined): string | null {
  if (!shown) return "missing";
  const type = { pyout: "execute_result", pyerr: "error" }[raw.output_type] ?? raw.output_type;
  if (type === "stream") {
    const want = stripAnsi(consoleText(text(raw.text)));
    if (shown.text !== want) return `stream text differs: ${JSON.stringify(shown.text.slice(0, 80))} vs ${JSON.stringify(want.slice(0, 80))}`;
    const colours = sgrColours(text(raw.text));
    if (colours.fg && shown.colouredSpans === 0) return "stream has ANSI colours but no coloured span";
    if (colours.bg && shown.backgroundSpans === 0) return "stream has ANSI backgrounds but no span with a background";
    return null;
  }
  if (type === "error") {
    const tb = (raw.traceback ?? []).join("\n");
    // Jupyter shows the traceback, or the error's name and value when there is none.
    const want = raw.traceback?.length ? stripAnsi(consoleText(tb)) : `${raw.ename}: ${raw.evalue}`;
    if (shown.text !== want) return `error text differs: ${JSON.stringify(shown.text.slice(0, 80))} vs ${JSON.stringify(want.slice(0, 80))}`;
    if (sgrColours(tb).fg && shown.colouredSpans === 0) return "traceback not coloured";
    return null;
  }
  const data = bundleOf(raw, v3);
  const plain = typeof data["text/plain"] === "string" || Array.isArray(data["text/plain"]) ? text(data["text/plain"] as Multiline) : null;
  const has = (m: string) => data[m] !== undefined && (typeof data[m] !== "string" || (data[m] as string).trim() !== "") && (!Array.isArray(data[m]) || text(data[m] as string[]).trim() !== "");
  if (has("application/vnd.jupyter.widget-view+json")) {
    if (!shown.note?.includes("not shown")) return "widget view without a 'not shown' note";
    if (plain !== null && !shown.text.includes(stripAnsi(consoleText(plain)))) return "widget's text/plain fallback missing";
    return null;
  }
  if (has("text/html")) {
    const html = text(data["text/html"] as Multiline);
    if (!shown.frame) return "HTML output not in a frame";
    if (/<table/i.test(html) && shown.frame.tables === 0) return "HTML table not shown as a table";
    return null;
  }
  if (has("text/markdown")) return shown.mime === "text/markdown" && letters(shown.text) !== "" ? null : "markdown output missing";
  if (has("text/latex")) return shown.katex > 0 ? null : "LaTeX output not typeset";
  for (const m of ["image/svg+xml", "image/png", "image/jpeg", "image/gif"]) {
    if (has(m)) return shown.images.length === 1 && shown.images[0] ? null : `${m} not shown as a loaded image`;
  }
  if (has("application/javascript")) return shown.note?.includes("not shown") ? null : "JavaScript output without a 'not shown' note";
  if (plain !== null) return shown.text === stripAnsi(consoleText(plain)) ? null : `text/plain differs: ${JSON.stringify(shown.text.slice(0, 80))}`;
  return shown.note?.includes("not shown") || shown.note?.includes("Empty") ? null : "unknown output without a note";
}

/** Show a notebook and check every cell and output against its JSON. */
async function rendersInFull(name: string, json: string): Promise<void> {
  const nb = JSON.parse(json) as RawNotebook;
  const v3 = nb.nbformat === 3;
  const cells = cellsOf(nb);
  takeErrors();
  await show(name, json);
  expect(await page.locator(".banner.error").count()).toBe(0);
  const shown = await shownCells();
  expect(shown.length).toBe(cells.length);

  const problems: string[] = [];
  cells.forEach((cell, i) => {
    const s = shown[i]!;
    const where = `cell ${i}`;
    const wantType = cell.cell_type === "heading" ? "markdown" : cell.cell_type;
    if (s.type !== wantType) problems.push(`${where}: shown as ${s.type}, is ${cell.cell_type}`);
    const rendered = s.headings.map(letters);
    for (const h of headingsOf(cell)) if (!rendered.some((r) => r.includes(h))) problems.push(`${where}: heading "${h}" not among ${JSON.stringify(rendered)}`);
    if (cell.cell_type === "code") {
      const src = text(v3 ? cell.input : cell.source);
      if (s.source !== src) problems.push(`${where}: code differs`);
      const outs = cell.outputs ?? [];
      if (s.outputs.length !== outs.length) problems.push(`${where}: ${s.outputs.length} outputs shown of ${outs.length}`);
      outs.forEach((o, j) => {
        const wrong = checkOutput(o, v3, s.outputs[j]);
        if (wrong) problems.push(`${where} output ${j} (${o.output_type}): ${wrong}`);
      });
    }
    if (cell.cell_type === "markdown") {
      const src = text(cell.source);
      const attachments = Object.keys(cell.attachments ?? {}).filter((a) => src.includes(`attachment:${a}`));
      if (attachments.length && (s.images.length < attachments.length || !s.images.every(Boolean))) problems.push(`${where}: attachments not shown as images`);
      // Math Jupyter would typeset: $…$ with no space inside the opening dollar, $$…$$, or an equation environment.
      if (/\$\$[^$]+\$\$|\$[^\s$][^$\n]*\$|\\begin\{(equation|align)\*?\}/.test(src.replace(/```[\s\S]*?```|`[^`]*`/g, "")) && s.katex === 0) problems.push(`${where}: math not typeset`);
    }
  });
  expect(problems).toEqual([]);
  expect(takeErrors()).toEqual([]);
}

describe("every fixture notebook renders in full (every output type, nbformat 3 and 4)", () => {
  it.each(fixtures.map((n) => [n.name, n.text]))("%s", rendersInFull, 90_000);

  it("an SVG attachment stored as base64 (as JupyterLab stores a pasted image) and one stored as text show as images", async () => {
    await show("every-output.ipynb", fixtureNotebook("v4-every-output.ipynb").text);
    const sizes = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>(".nb-markdown img")).map((i) => ({ alt: i.alt, width: i.naturalWidth, loaded: i.complete && i.src.startsWith("data:image/") })),
    );
    expect(sizes).toEqual([
      { alt: "dot", width: 64, loaded: true },
      { alt: "shape", width: 60, loaded: true },
      { alt: "text shape", width: 40, loaded: true },
    ]);
  });
});

describe("every notebook of the real-notebook corpus renders in full", () => {
  it("the corpus is here", (ctx) => {
    if (corpus.missing) ctx.skip(corpus.missing);
    expect(notebooks.length).toBe(24);
  });
  it.each(notebooks.map((n) => [n.name, n.text]))("%s", rendersInFull, 90_000);
});

describe("nothing in a notebook runs", () => {
  const hostile = JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", metadata: {}, source: `# Hostile notebook\n\n<img src="x" onerror="pwned('markdown onerror')">\n\n<script>pwned('markdown script')</script>\n\n<a href="javascript:pwned('markdown link')">link</a>` },
      {
        cell_type: "code",
        execution_count: 1,
        metadata: {},
        source: "show()",
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "text/html": `<b>visible html</b><script>parent.pwned('html script'); document.title = 'pwned'; top.document.title = 'pwned'</script><img src="x" onerror="parent.pwned('html onerror')"><svg onload="parent.pwned('html svg onload')"></svg><iframe srcdoc="<script>top.pwned('nested frame')</script>"></iframe>`,
              "text/plain": "<HTML>",
            },
          },
          { output_type: "display_data", metadata: {}, data: { "image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" onload="top.pwned('svg onload')"><script>top.pwned('svg script')</script><rect width="20" height="20" fill="red"/></svg>` } },
          { output_type: "display_data", metadata: {}, data: { "application/javascript": "pwned('javascript output')", "text/plain": "<IPython.core.display.Javascript object>" } },
          { output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/markdown": `<img src="x" onerror="pwned('markdown output')"> done` } },
        ],
      },
    ],
  });

  it("a <script>, an onerror attribute, an SVG's script, a javascript: link and a JavaScript output do nothing", async () => {
    takeErrors();
    await page.evaluate(() => (document.title = "viewer"));
    // The detector works: a script in the page that calls the binding is seen.
    await page.evaluate(() => (window as unknown as { pwned(s: string): Promise<void> }).pwned("control"));
    expect(pwned).toEqual(["control"]);
    await show("hostile.ipynb", hostile);
    // Scripts would run while the frame parses and onerror fires before its load event, which show() waited for.
    const frame = page.frameLocator(".nb-frame");
    await expect.poll(() => frame.locator("b").textContent()).toBe("visible html");
    expect(await frame.locator("script, iframe, [onerror], [onload]").count()).toBe(0);
    expect(await page.locator(".file-viewer script, .file-viewer [onerror], .file-viewer [onload], .file-viewer a[href^='javascript:']").count()).toBe(0);
    await page.getByText("JavaScript output not shown").waitFor();
    await page.locator(".file-viewer a", { hasText: "link" }).click();
    expect(pwned).toEqual(["control"]);
    expect(await page.title()).toBe("viewer");
    expect(await page.locator(".nb-frame").getAttribute("sandbox")).toBe("allow-same-origin");
    // What the CSP reported while refusing (script-src) is fine; nothing else may go wrong.
    expect(takeErrors().filter((e) => !/Content Security Policy/.test(e))).toEqual([]);
  });
});

describe("a file's text shown again", () => {
  const long = fixtureNotebook("v4-long.ipynb");

  it("re-renders in place and keeps what the reader was looking at", async () => {
    await show("dataframes.ipynb", long.text);
    const viewer = page.locator(".file-viewer");
    await viewer.evaluate((v) => (v.scrollTop = 9000));
    const before = await page.evaluate(() => {
      const v = document.querySelector(".file-viewer")!;
      const box = v.getBoundingClientRect();
      const cell = document.elementFromPoint(box.left + box.width / 2, box.top + 40)!.closest(".nb-cell")!;
      return { index: cell.getAttribute("data-cell-index"), offset: cell.getBoundingClientRect().top - box.top, scrollTop: v.scrollTop };
    });
    expect(before.scrollTop).toBeGreaterThan(8000);
    // The file changed on the server: a cell above the view grew, one in view changed.
    const nb = JSON.parse(long.text) as { cells: RawCell[] };
    nb.cells[0]!.source = `${text(nb.cells[0]!.source)}\n\nAdded above.\n\nAnd more.`;
    const i = Number(before.index);
    if (nb.cells[i]!.cell_type === "code") nb.cells[i]!.source = `${text(nb.cells[i]!.source)}  # changed on the server`;
    else nb.cells[i]!.source = `${text(nb.cells[i]!.source)}\n\nChanged on the server.`;
    await page.evaluate(([p, c]) => (window as unknown as { viewer: { show(p: string, c: string): Promise<void> } }).viewer.show(p, c), ["dataframes.ipynb", JSON.stringify(nb)] as const);
    await page.getByText(/changed on the server/i).first().waitFor();
    const after = await page.evaluate((index) => {
      const v = document.querySelector(".file-viewer")!;
      const cell = document.querySelector(`.nb-cell[data-cell-index="${index}"]`)!;
      return { offset: cell.getBoundingClientRect().top - v.getBoundingClientRect().top, scrollTop: v.scrollTop };
    }, before.index);
    expect(Math.abs(after.offset - before.offset)).toBeLessThanOrEqual(2);
    expect(after.scrollTop).toBeGreaterThan(8000);
  }, 120_000);

  it("another file starts at the top", async () => {
    await show("other.ipynb", long.text);
    expect(await page.locator(".file-viewer").evaluate((v) => v.scrollTop)).toBe(0);
  }, 120_000);
});

describe("a notebook with one 50,000-line output", () => {
  const lines = Array.from({ length: 50_000 }, (_, i) => `epoch ${Math.floor(i / 100) + 1}, step ${i + 1}: loss \u001b[32m${(1 / (i + 1)).toFixed(6)}\u001b[0m\n`);
  const nb = JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# Before the long output" },
      { cell_type: "code", execution_count: 1, metadata: {}, source: "train()", outputs: [{ output_type: "stream", name: "stdout", text: lines }] },
      { cell_type: "markdown", metadata: {}, source: "# After the long output" },
    ],
  });

  it("shows the cells around it with the output's first lines at once; Show all renders the rest while the page answers", async () => {
    await page.evaluate(([p, c]) => void (window as unknown as { viewer: { show(p: string, c: string): Promise<void> } }).viewer.show(p, c), ["training.ipynb", nb] as const);
    await page.getByRole("heading", { name: "Before the long output" }).waitFor();
    await page.getByRole("heading", { name: "After the long output" }).waitFor();
    const output = page.locator(".nb-output[data-output-type=stream]");
    const shownLines = () => output.locator("pre").evaluate((p) => (p.textContent ?? "").split("\n").length - 1);
    // The first cell is on screen while the long output is not rendered in full.
    expect(await shownLines()).toBe(2_000);
    expect(await output.locator(".nb-more").textContent()).toMatch(/^48,000 more lines not shown\. Show all$/);
    expect(await output.locator("pre > span").first().locator("span").first().textContent()).toBe("1.000000");
    await output.getByRole("button", { name: "Show all" }).click();
    // The page answers input while the rest renders: the reader scrolls on.
    const viewer = page.locator(".file-viewer");
    const before = await viewer.evaluate((v) => v.scrollTop);
    await viewer.hover();
    await page.mouse.wheel(0, 600);
    await expect.poll(() => viewer.evaluate((v) => v.scrollTop)).toBeGreaterThan(before);
    await expect.poll(() => output.getAttribute("data-complete"), { timeout: 60_000 }).toBe("true");
    expect(await shownLines()).toBe(50_000);
    expect(await output.locator(".nb-more").count()).toBe(0);
    expect(await output.locator("pre").evaluate((p) => p.textContent?.split("\n").at(-2))).toBe("epoch 500, step 50000: loss 0.000020");
    // Colours carry across pieces: the last line's number is coloured like the first's.
    expect(await output.locator("pre > span").last().locator("span").last().getAttribute("class")).toBe("ansi-green-fg");
  }, 120_000);
});

describe("files other than notebooks, and broken notebooks", () => {
  it("a notebook that does not parse shows what is wrong, not a blank page", async () => {
    await show("broken.ipynb", '{"nbformat": 4, "cells": [');
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/Cannot show broken\.ipynb: This notebook is not valid JSON/);
    await show("old.ipynb", JSON.stringify({ nbformat: 2, cells: [] }));
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/nbformat 2\) is not supported/);
  });

  it("Markdown with math, source highlighted, plain text as text", async () => {
    await show("README.md", "# The title\n\nEnergy: $E = mc^2$\n\n\\begin{equation}a^2 + b^2 = c^2\\end{equation}\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n<b onclick=\"x()\">bold</b>");
    await page.getByRole("heading", { name: "The title" }).waitFor();
    expect(await page.locator(".viewer-markdown .katex").count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator(".viewer-markdown .katex-display").count()).toBe(1);
    expect(await page.locator(".viewer-markdown table th.align-center").count()).toBe(1);
    expect(await page.locator(".viewer-markdown b[onclick]").count()).toBe(0);
    await show("script.py", "def f(x):\n    return x + 1  # add one\n");
    expect(await page.locator(".viewer-source .hljs-keyword").first().textContent()).toBe("def");
    expect(await page.locator(".viewer-source").textContent()).toBe("def f(x):\n    return x + 1  # add one\n");
    await show("notes.txt", "<b>not markup</b> $x$");
    expect(await page.locator(".viewer-text").textContent()).toBe("<b>not markup</b> $x$");
    expect(await page.locator(".viewer-text b, .viewer-text .katex").count()).toBe(0);
    // The onclick above is refused while the sanitiser parses it (the CSP reports it); nothing else may go wrong.
    expect(takeErrors().filter((e) => !/Executing inline event handler violates/.test(e))).toEqual([]);
  });
});

describe("screenshots", () => {
  // Each notebook from the top, and again at the part it is picked for (its first output of that kind).
  const picks: Record<string, string | null> = {
    "01-": ".nb-output[data-mime='image/svg+xml']",
    "03-": ".nb-error",
    "07-": null,
    "08-": ".nb-markdown img",
    "12-": ".nb-output[data-mime='image/png']",
    "20-": ".nb-latex",
    "23-": ".nb-html",
  };
  const shots = [
    // The fixtures are always here; the corpus's picks where it is.
    ...fixtures.filter((n) => n.name.includes("every-output")).map((n) => [n.name, n.text, n.name.startsWith("v4") ? ".nb-output[data-mime='image/svg+xml']" : null] as const),
    ...notebooks.flatMap((n) => Object.entries(picks).filter(([p]) => n.name.startsWith(p)).map(([, focus]) => [n.name, n.text, focus] as const)),
  ];
  it("of the real-notebook corpus", (ctx) => {
    if (corpus.missing) ctx.skip(corpus.missing);
    expect(shots.length).toBeGreaterThan(2);
  });
  it.each(shots)(
    "%s, light and dark",
    async (name, json, focus) => {
      await show(name, json);
      const short = name.replace(/\.ipynb$/, "").split("-").slice(0, 3).join("-");
      for (const [part, selector] of [["top", null], ["output", focus]] as const) {
        if ((part === "output" && !selector) || !SHOOTING) continue;
        await page.locator(".file-viewer").evaluate((v, sel) => {
          const target = sel ? v.querySelector(sel) : null;
          v.scrollTop = target ? target.getBoundingClientRect().top - v.getBoundingClientRect().top + v.scrollTop - 120 : 0;
        }, selector);
        for (const scheme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          await page.waitForFunction((sc) => matchMedia(`(prefers-color-scheme: ${sc})`).matches, scheme);
          await page.screenshot({ path: join(SHOTS, `viewer-${short}${part === "output" ? "-output" : ""}-${scheme}.png`) });
        }
      }
      await page.emulateMedia({ colorScheme: "light" });
    },
    90_000,
  );
});
