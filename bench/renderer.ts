/**
 * The renderer in Chromium: how long from a keystroke in the project filter
 * (5,000 projects) to the list updated and painted, median of 50, next to a
 * bare input→text update on the same page; and the size of its JavaScript,
 * gzipped, next to React alone.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { installBridge } from "../electron/dev/chromium-bridge.js";
import { RENDERER_OUT, serveRenderer } from "../electron/dev/renderer-server.js";
import { composeApp } from "../electron/services/compose.js";
import { MemoryStore } from "../electron/services/secrets/secret-store.js";
import { startHub } from "../hub/app.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { median, report } from "./support/stats.js";

const N = 5000;
const KEYS = 50;

export async function benchRenderer(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ui-"));
  const hub = await startHub({ dataDir: join(dir, "hub"), projectStartMs: 0 });
  const owner = hub.credentials.account_id;
  hub.hub.store.db.transaction(() => {
    for (let i = 0; i < N; i++) hub.hub.store.createProject(owner, { title: `Project ${i} ${["alpha", "beta", "gamma", "delta"][i % 4]}` });
  });
  const holder: { app?: Awaited<ReturnType<typeof composeApp>> } = {};
  const renderer = await serveRenderer(() => null);
  const app = (holder.app = await composeApp({ dataDir: join(dir, "app"), logFile: join(dir, "app.log"), version: "bench", platform: "linux", trustedOrigins: [new URL(renderer.url).origin], secrets: new MemoryStore() }));
  await app.services["profiles.add"]({ name: "bench", url: hub.url, api_key: hub.credentials.api_key });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await installBridge(page, app.router);
    // tsx keeps function names with a helper the page does not have; give it a no-op one.
    await page.addInitScript("window.__name = (f) => f;");
    await page.goto(renderer.url);
    await page.waitForFunction((n) => document.querySelector('[data-testid="project-count"]')?.textContent === `${n} of ${n}`, N + 1, { timeout: 60_000 });
    const times = await page.evaluate(async (keys) => {
      const input = document.querySelector<HTMLInputElement>('input[aria-label="Filter projects"]')!;
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      // React flushes an input event's update before dispatchEvent returns; reading a layout
      // property then forces style and layout, so t1 - t0 is the app's whole work for the key
      // (the wait for the next frame is the display's, and is left out).
      const layout = () => document.body.offsetHeight;
      const probe = document.createElement("div");
      document.body.appendChild(probe);
      const app: number[] = [];
      const bare: number[] = [];
      const words = ["P", "Pr", "Pro", "Proj", "Proje", "Project", "Project ", "Project 1", "Project 12", "Project 1", "Project ", "al", "alp", "alph", "alpha", "gamma", "g", "", "1", "12"];
      for (let i = 0; i < keys; i++) {
        const value = words[i % words.length]!;
        const t0 = performance.now();
        setValue.call(input, value);
        input.dispatchEvent(new Event("input", { bubbles: true }));
        layout();
        app.push(performance.now() - t0);
        await frame();
        const t1 = performance.now();
        probe.textContent = `${value} ${i}`;
        layout();
        bare.push(performance.now() - t1);
        await frame();
      }
      return { app, bare };
    }, KEYS);
    const a = median(times.app);
    const b = median(times.bare);
    report("project filter keystroke, 5,000 projects (median of 50)", `${a.toFixed(2)} ms, ${(a / b).toFixed(1)}x a bare text update with layout (${b.toFixed(2)} ms); goal < 16 ms`);
  } finally {
    await browser.close();
    await app.stop();
    await renderer.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
  reportSizes();
}

/**
 * The renderer's JavaScript, gzipped: what the first screen loads (the
 * scripts index.html names, and the chunks it preloads) and all of it (the
 * viewer and the editor are chunks loaded on first use), each next to React
 * and ReactDOM alone.
 */
export function reportSizes(): void {
  const gz = (f: string) => gzipSync(readFileSync(join(RENDERER_OUT, f))).length;
  const html = readFileSync(join(RENDERER_OUT, "index.html"), "utf8");
  const first = [...html.matchAll(/<script[^>]*\ssrc="\.\/([^"]+\.js)"|<link[^>]*rel="modulepreload"[^>]*href="\.\/([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]!);
  const all = readdirSync(join(RENDERER_OUT, "assets")).filter((f) => f.endsWith(".js")).map((f) => join("assets", f));
  const firstGz = first.reduce((n, f) => n + gz(f), 0);
  const allGz = all.reduce((n, f) => n + gz(f), 0);
  const require = createRequire(import.meta.url);
  const cjs = (pkg: string, file: string) => readFileSync(join(dirname(require.resolve(pkg)), "cjs", file));
  const react = gzipSync(Buffer.concat([cjs("react", "react.production.js"), cjs("react-dom", "react-dom-client.production.js")])).length;
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  report("renderer first screen JavaScript, gzipped", `${kb(firstGz)}, ${(firstGz / react).toFixed(1)}x React + ReactDOM alone (${kb(react)}); goal < 400 KB`);
  report("renderer JavaScript in all, gzipped", `${kb(allGz)}, ${(allGz / react).toFixed(1)}x React + ReactDOM alone, in ${all.length} chunks (the viewer and the editor load on first use)`);
}
