/**
 * The file viewer in Chromium: how long a 2 MB notebook takes to show after
 * its bytes arrive, as a ratio to JSON.parse of the same bytes in the same
 * page and run. "First screen" is until the first cells are rendered and laid
 * out (what the user sees); "every cell" is until the last batch is laid out.
 * Median of 5, each a fresh mount. The notebooks: one stream output of
 * 50,000 lines, and the corpus's notebooks 16 and 18 (both about 2 MB, read
 * in place) where the corpus is present.
 */
import { launchChromium } from "../test/support/browser.js";
import { referenceCorpus, type NotebookFile } from "../test/support/reference-notebooks.js";
import { serveViewerHarness } from "../test/support/viewer-harness.js";
import { median, report } from "./support/stats.js";

const RUNS = 5;

/** One code cell whose stream output is 50,000 lines, between two markdown cells. */
function hugeOutput(): NotebookFile {
  const text = Array.from({ length: 50_000 }, (_, i) => `epoch ${Math.floor(i / 100) + 1}, step ${i + 1}: loss ${(1 / (i + 1)).toFixed(6)}\n`);
  const cells = [
    { cell_type: "markdown", metadata: {}, source: "# Training log" },
    { cell_type: "code", execution_count: 1, metadata: {}, source: "train()", outputs: [{ output_type: "stream", name: "stdout", text }] },
    { cell_type: "markdown", metadata: {}, source: "Done." },
  ];
  return { name: "50,000-line stream output", text: JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }) };
}

export async function benchNotebook(): Promise<void> {
  const harness = await serveViewerHarness();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // tsx names functions with a helper the page does not have.
    await page.addInitScript("window.__name = (f) => f;");
    await page.goto(harness.url);
    await page.waitForFunction(() => "viewer" in window);
    // Load the viewer's lazily loaded renderers first: the app has them after its first file.
    await page.evaluate(() => (window as unknown as { viewer: { show(p: string, c: string): Promise<void> } }).viewer.show("warm.md", "# warm $x$"));
    const corpus = referenceCorpus();
    if (corpus.missing) console.log(`notebooks 16 and 18 skipped: ${corpus.missing}`);
    for (const nb of [hugeOutput(), ...corpus.notebooks.filter((n) => /^(16|18)-/.test(n.name))]) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) {
        runs.push(
          await page.evaluate(
            async ([path, text]) => {
              const viewer = (window as unknown as { viewer: { show(p: string, c: string): Promise<void> } }).viewer;
              const t0 = performance.now();
              JSON.parse(text);
              const parse = performance.now() - t0;
              const t1 = performance.now();
              await viewer.show(path, text);
              void document.body.offsetHeight;
              const first = performance.now() - t1;
              await new Promise<void>((done) => {
                const check = () => (document.querySelector(".notebook[data-complete=true]") ? done() : setTimeout(check, 1));
                check();
              });
              void document.body.offsetHeight;
              const all = performance.now() - t1;
              return { parse, first, all };
            },
            [`run${i}/${nb.name.replace(/[^\w.-]+/g, "-")}.ipynb`, nb.text] as const,
          ),
        );
      }
      const parse = median(runs.map((r) => r.parse));
      const first = median(runs.map((r) => r.first));
      const all = median(runs.map((r) => r.all));
      const mb = (Buffer.byteLength(nb.text) / 1e6).toFixed(2);
      const label = /^\d\d-/.test(nb.name) ? `notebook ${nb.name.slice(0, 2)}` : `notebook, ${nb.name}`;
      report(`${label} (${mb} MB) first screen`, `${first.toFixed(0)} ms, ${(first / parse).toFixed(0)}x JSON.parse of its bytes (${parse.toFixed(1)} ms); goal < 1000 ms`);
      report(`${label} (${mb} MB) every cell`, `${all.toFixed(0)} ms, ${(all / parse).toFixed(0)}x JSON.parse`);
    }
  } finally {
    await browser.close();
    await harness.close();
  }
}
