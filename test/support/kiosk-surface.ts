/**
 * A Playwright page in its own browser context standing in for the shell's
 * partitioned kiosk view: the same KioskSurface the Electron view gives.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { KioskSurface } from "../../electron/services/kiosk/navigation.js";

export interface PageSurface extends KioskSurface {
  evaluate(script: string): Promise<unknown>;
  context: BrowserContext;
  page: Page;
}

export async function pageSurface(browser: Browser, o: { colorScheme?: "light" | "dark" } = {}): Promise<PageSurface> {
  const context = await browser.newContext({ colorScheme: o.colorScheme ?? "light", viewport: { width: 1000, height: 700 } });
  // Tests send traffic only to loopback: a redirect elsewhere (the server's `https://<dns>/app`) fails here, as it would
  // on a server with no dns setting. Routes a test adds later (an embedding origin it serves) take precedence.
  await context.route(
    (u) => !["127.0.0.1", "localhost", "[::1]"].includes(u.hostname) && u.protocol !== "data:" && u.protocol !== "about:",
    (route) => route.abort("namenotresolved"),
  );
  const page = await context.newPage();
  return {
    context,
    page,
    loadURL: async (url) => {
      await page.goto(url, { waitUntil: "load" });
    },
    getURL: () => page.url(),
    // a browser page cannot fill the screen; the shell's window can
    setFullScreen: () => false,
    evaluate: (script) => page.evaluate(script),
    cookie: async (url, name) => (await context.cookies(url)).find((c) => c.name === name)?.value ?? null,
  };
}
