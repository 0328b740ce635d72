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
    onNavigated: (listener) => {
      const f = (frame: ReturnType<Page["mainFrame"]>) => {
        if (frame === page.mainFrame()) listener(frame.url());
      };
      page.on("framenavigated", f);
      return () => void page.off("framenavigated", f);
    },
  };
}
