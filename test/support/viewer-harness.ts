/**
 * Builds the FileViewer harness (test/support/viewer-harness) with Vite, as
 * the app's renderer is built, under the renderer's own CSP (its meta tag,
 * and the header serveRenderer sends), and serves it on 127.0.0.1.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import react from "@vitejs/plugin-react";
import { build } from "vite";
import { ROOT, serveRenderer } from "../../electron/dev/renderer-server.js";
import config from "../../electron.vite.config.js";

const rendererBuild = (config as { renderer: { build: { assetsInlineLimit: number | ((file: string) => boolean | undefined) } } }).renderer.build;

/** Outside out/: the harness is never packaged with the app nor scanned as part of it. */
export const HARNESS_OUT = join(ROOT, "test-results", "viewer-harness");
const HARNESS_SRC = join(import.meta.dirname, "viewer-harness");

export async function buildViewerHarness(): Promise<void> {
  await build({
    root: HARNESS_SRC,
    configFile: false,
    logLevel: "warn",
    plugins: [react()],
    // As the app's renderer is built (electron.vite.config.ts), fonts not inlined included.
    build: { outDir: HARNESS_OUT, emptyOutDir: true, minify: true, assetsInlineLimit: rendererBuild.assetsInlineLimit },
  });
  // The renderer's CSP meta (and nonce meta), verbatim, so the harness cannot be laxer than the app.
  const rendererHtml = readFileSync(join(ROOT, "renderer", "index.html"), "utf8");
  const metas = rendererHtml.match(/<meta\s+http-equiv="Content-Security-Policy"[\s\S]*?\/>|<meta name="csp-nonce"[^>]*\/>/g);
  if (!metas || metas.length !== 2) throw new Error("renderer/index.html: CSP meta tags not found");
  const file = join(HARNESS_OUT, "index.html");
  writeFileSync(file, readFileSync(file, "utf8").replace(/<!-- CSP-META:[^>]*-->/, metas.join("\n")));
}

/** Build the harness and serve it: the page is at `${url}`. */
export async function serveViewerHarness(): Promise<{ url: string; close: () => Promise<void> }> {
  await buildViewerHarness();
  return serveRenderer(() => null, HARNESS_OUT);
}
