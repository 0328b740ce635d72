/**
 * The file viewer in Chromium: how long a 2 MB notebook takes to show after
 * its bytes arrive, as a ratio to JSON.parse of the same bytes in the same
 * page and run. "First screen" is until the first cells are rendered and laid
 * out (what the user sees); "every cell" is until the last batch is laid out.
 * Median of 5, each a fresh mount; the reference notebooks 16 and 18 (both
 * about 2 MB) are read in place.
 */
import { launchChromium } from "../test/support/browser.js";
import { referenceCorpus } from "../test/support/reference-notebooks.js";
import { serveViewerHarness } from "../test/support/viewer-harness.js";
import { median, report } from "./support/stats.js";

const RUNS = 5;

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
    for (const nb of referenceCorpus().notebooks.filter((n) => /^(16|18)-/.test(n.name))) {
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
            [`run${i}/${nb.name}`, nb.text] as const,
          ),
        );
      }
      const parse = median(runs.map((r) => r.parse));
      const first = median(runs.map((r) => r.first));
      const all = median(runs.map((r) => r.all));
      const mb = (Buffer.byteLength(nb.text) / 1e6).toFixed(2);
      report(`notebook ${nb.name.slice(0, 2)} (${mb} MB) first screen`, `${first.toFixed(0)} ms, ${(first / parse).toFixed(0)}x JSON.parse of its bytes (${parse.toFixed(1)} ms); goal < 1000 ms`);
      report(`notebook ${nb.name.slice(0, 2)} (${mb} MB) every cell`, `${all.toFixed(0)} ms, ${(all / parse).toFixed(0)}x JSON.parse`);
    }
  } finally {
    await browser.close();
    await harness.close();
  }
}
