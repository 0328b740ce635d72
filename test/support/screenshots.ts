/** Screenshots of a screen in the light and the dark theme, into test/screenshots/<screen>-<scheme>.png. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

export const SHOTS = join(import.meta.dirname, "..", "screenshots");

export async function shoot(page: Page, screen: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // the page has taken the scheme when its CSS says so
    await page.waitForFunction((dark) => matchMedia("(prefers-color-scheme: dark)").matches === dark, scheme === "dark");
    await page.screenshot({ path: join(SHOTS, `${screen}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: "light" });
}
