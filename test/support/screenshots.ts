/** Screenshots of a screen in the light and the dark theme, into test/screenshots/<screen>-<scheme>.png, when SHOOTING. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

export const SHOTS = join(import.meta.dirname, "..", "screenshots");

/**
 * Screenshots are taken by `npm run screenshots` (SCREENSHOTS=1), not by every `npm test`: about 100 of
 * them in two themes cost a minute of the suite's CPU, and they are pictures for people, not checks.
 */
export const SHOOTING = process.env.SCREENSHOTS === "1";

export async function shoot(page: Page, screen: string): Promise<void> {
  if (!SHOOTING) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // the page has taken the scheme when its CSS says so
    await page.waitForFunction((dark) => matchMedia("(prefers-color-scheme: dark)").matches === dark, scheme === "dark");
    await page.screenshot({ path: join(SHOTS, `${screen}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: "light" });
}
