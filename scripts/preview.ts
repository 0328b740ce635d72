/**
 * `npm run preview`: the app in Chromium where no Electron binary is at hand.
 * The renderer is served as the app serves it, its window.cocalc is bridged
 * to the real main-process router, and the local hub starts as the default
 * server. Data go to ~/.cocalc-desktop-preview (or --data DIR).
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { installBridge } from "../electron/dev/chromium-bridge.js";
import { ROOT, serveRenderer } from "../electron/dev/renderer-server.js";
import { composeApp } from "../electron/services/compose.js";
import { nodeHubSpawner } from "../electron/services/embedded-hub/embedded-hub.js";

const { values } = parseArgs({ options: { data: { type: "string" }, headless: { type: "boolean", default: !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY } } });
const dataDir = values.data ?? join(homedir(), ".cocalc-desktop-preview");

// The renderer server asks the app for the active server's origin (its CSP frame-src) on each page load.
const holder: { app?: Awaited<ReturnType<typeof composeApp>> } = {};
const renderer = await serveRenderer(() => {
  const p = holder.app?.profiles.active();
  return p ? new URL(p.url).origin : null;
});
const app = (holder.app = await composeApp({
  dataDir,
  logFile: join(dataDir, "logs", "main.log"),
  version: "preview",
  platform: process.platform,
  trustedOrigins: [new URL(renderer.url).origin],
  spawnHub: nodeHubSpawner({ entry: ["--import", "tsx", join(ROOT, "hub", "cli.ts")], dataDir: join(dataDir, "hub") }),
  logToConsole: true,
}));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: values.headless,
  args: ["--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--app=${renderer.url}`],
});
const page = await browser.newPage({ viewport: null });
const bridge = await installBridge(page, app.router);
app.setEmit((event, payload) => void bridge.emit(event, payload));
await page.goto(renderer.url);
console.log(values.headless ? `Running headless (no display): the app is at ${renderer.url} in the controlled browser; stop with Ctrl+C.` : "The app is open in Chromium; close the window or press Ctrl+C to stop.");
const stop = async () => {
  await browser.close().catch(() => undefined);
  await app.stop();
  await renderer.close();
  process.exit(0);
};
page.on("close", () => void stop());
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
