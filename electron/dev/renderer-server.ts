/**
 * Serves the built renderer (out/renderer) on 127.0.0.1 the way the app://
 * protocol handler does: the same CSP (frames only from the active server),
 * a fresh style nonce per page load, nothing outside the folder. For
 * `npm run preview` and the end-to-end tests; not part of the app's build.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { contentSecurityPolicy, rendererFileFor, withStyleNonce } from "../security/policies.js";

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".json": "application/json" };

export const ROOT = join(import.meta.dirname, "..", "..");
export const RENDERER_OUT = join(ROOT, "out", "renderer");

/** Build the app once if its renderer is not built yet (a bare `vitest run` on a fresh checkout). */
export function ensureRendererBuilt(): void {
  if (existsSync(join(RENDERER_OUT, "index.html"))) return;
  const r = spawnSync(join(ROOT, "node_modules", ".bin", "electron-vite"), ["build"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error("electron-vite build failed");
}

/** `root` is another built page to serve the same way (the viewer's test harness); by default the renderer. */
export async function serveRenderer(frameOrigin: () => string | null, root = RENDERER_OUT): Promise<{ url: string; close: () => Promise<void> }> {
  if (root === RENDERER_OUT) ensureRendererBuilt();
  const server: Server = createServer((req, res) => {
    const file = rendererFileFor(`app://cocalc-desktop${req.url ?? "/"}`, root, join);
    if (!file || !existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not found");
      return;
    }
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    if (type.startsWith("text/html")) {
      const nonce = randomBytes(18).toString("base64");
      res.writeHead(200, { "content-type": type, "content-security-policy": contentSecurityPolicy(frameOrigin(), nonce), "x-content-type-options": "nosniff", "cache-control": "no-store" });
      res.end(withStyleNonce(readFileSync(file, "utf8"), nonce));
      return;
    }
    res.writeHead(200, { "content-type": type, "x-content-type-options": "nosniff" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
