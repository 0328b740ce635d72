/**
 * The app's renderer in Debian's Chromium, its window.cocalc bridged to the
 * real main-process router (services, profiles, the real HTTP client),
 * talking to a real local hub.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { installBridge } from "../../electron/dev/chromium-bridge.js";
import { serveRenderer } from "../../electron/dev/renderer-server.js";
import { composeApp, type ComposedApp, type ComposeOptions } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import { startTestHub, type TestHub } from "./hub.js";
import type { ApiMode } from "../../hub/app.js";

/**
 * How long a Playwright step (click, waitFor) waits for the page's state: generous, because on a
 * busy machine a render or a hub call can take seconds; a step that is really broken still fails.
 */
export const UI_WAIT_MS = 25_000;

export interface AppPage {
  page: Page;
  hub: TestHub;
  app: ComposedApp;
  close(): Promise<void>;
}

export async function openApp(
  browser: Browser,
  o: { api?: ApiMode; colorScheme?: "light" | "dark"; hub?: TestHub; viewport?: { width: number; height: number }; compose?: Partial<ComposeOptions>; dataDir?: string } = {},
): Promise<AppPage> {
  const hub = o.hub ?? (await startTestHub({ api: o.api ?? "both" }));
  const holder: { app?: ComposedApp } = {};
  const renderer = await serveRenderer(() => {
    const p = holder.app?.profiles.active();
    return p ? new URL(p.url).origin : null;
  });
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "app-e2e-"));
  const app = (holder.app = await composeApp({
    dataDir,
    logFile: join(dataDir, "main.log"),
    version: "e2e",
    platform: "linux",
    trustedOrigins: [new URL(renderer.url).origin],
    secrets: new MemoryStore(),
    ...o.compose,
  }));
  const page = await browser.newPage({ colorScheme: o.colorScheme ?? "light", viewport: o.viewport ?? { width: 1280, height: 800 } });
  page.setDefaultTimeout(UI_WAIT_MS);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // the app's own errors count; a server's page in the kiosk frame (its 404 for a missing file) is not the app
    const where = m.location().url;
    if (where && new URL(where).origin !== new URL(renderer.url).origin) return;
    errors.push(m.text());
  });
  const bridge = await installBridge(page, app.router);
  app.setEmit((event, payload) => void bridge.emit(event, payload).catch(() => undefined));
  await page.goto(renderer.url);
  const a = app;
  return {
    page,
    hub,
    app: a,
    close: async () => {
      await page.close();
      await a.stop();
      await renderer.close();
      if (!o.hub) await hub.stop();
      if (errors.length) throw new Error(`the page logged errors:\n${errors.join("\n")}`);
    },
  };
}

/**
 * What a person does first: add the hub as a server (with its admin's key unless another is given), make it
 * the active one, and reload: the page is on Projects. Returns the server's profile id.
 */
export async function connectTo(a: AppPage, hub: TestHub, api_key = hub.credentials.api_key): Promise<string> {
  const { id } = await a.app.services["profiles.add"]({ name: "Local hub", url: hub.url, api_key });
  await a.app.services["profiles.switch"]({ id });
  await a.page.reload();
  await a.page.getByRole("heading", { name: "Projects" }).waitFor();
  return id;
}

/**
 * For one describe block: before its tests, the hub `makeHub` starts and the app in a page of `browser()`,
 * connected to it (connectTo); after them, both stopped. The fields are filled once the block's beforeAll ran.
 */
export function connectedApp(browser: () => Browser, makeHub: () => Promise<TestHub>): { hub: TestHub; a: AppPage; page: Page } {
  const s = {} as { hub: TestHub; a: AppPage; page: Page };
  beforeAll(async () => {
    s.hub = await makeHub();
    s.a = await openApp(browser(), { hub: s.hub });
    s.page = s.a.page;
    await connectTo(s.a, s.hub);
  }, 120_000);
  afterAll(async () => {
    await s.a?.close();
    await s.hub?.stop();
  });
  return s;
}

/** The app with the hub set up as its active server in Connect (as a person would), on the Projects view. */
export async function openConnected(browser: Browser, hub: TestHub): Promise<AppPage & { profileId: string }> {
  const a = await openApp(browser, { hub });
  return { ...a, profileId: await connectTo(a, hub) };
}

