/**
 * The console in Debian's Chromium against a real hub (v1 and cocalc.ai),
 * the hub as strict as real servers (no partial output, a dropped call does
 * not stop a command): a 10-second loop's lines appear while it runs, in
 * colour, stdout and stderr apart; a cancel keeps what came; a command
 * stopped at its timeout says so in the server's words and keeps its output
 * (it used to be taken for a lost connection and show nothing).
 * Screenshots light and dark, and at 800×600.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { shoot } from "../support/screenshots.js";

const LOOP = `for i in $(seq 1 10); do printf '\\033[32mtick %s\\033[0m\\n' "$i"; echo "warn $i" >&2; sleep 1; done`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

// Each generation has its own hub and page, and its tests wait on commands that run for seconds: the two side by
// side in the one browser, the tests of one in turn.
describe.concurrent.each(["v1", "ai"] as const)("the console against a hub serving %s", (api) => {
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  const screenshots = api === "v1";
  const ticks = async (label: string) => ((await page.getByRole("region", { name: label }).getByLabel("stdout", { exact: true }).textContent()) ?? "").match(/^tick \d+$/gm)?.length ?? 0;

  beforeAll(async () => {
    hub = await startTestHub({ api });
    a = await openApp(browser, { hub });
    page = a.page;
    await connectTo(a, hub);
    await page.getByRole("option", { name: /Example project/ }).dblclick();
    await page.getByRole("button", { name: "Console", exact: true }).click();
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it.sequential("shows a 10-second loop's lines while it runs, in colour, stdout and stderr apart, then the exit code", async ({ expect }) => {
    await page.getByLabel("Script", { exact: true }).fill(LOOP);
    await page.getByRole("button", { name: /^Run/ }).click();
    const live = page.getByRole("region", { name: "Output so far" });
    await expect.poll(() => ticks("Output so far"), { timeout: 9_000 }).toBeGreaterThanOrEqual(3);
    // still running: the lines came before the end
    expect(await page.getByRole("button", { name: "Cancel the command" }).count()).toBe(1);
    expect(await live.getByLabel("stderr", { exact: true }).textContent()).toMatch(/^warn 1\nwarn 2\n/);
    expect(await live.getByLabel("stdout", { exact: true }).textContent()).not.toMatch(/warn/);
    // the colour codes are colours, not text
    expect(await live.locator(".ansi-green-fg").count()).toBeGreaterThan(0);
    expect(await live.getByLabel("stdout", { exact: true }).textContent()).not.toContain("[32m");
    if (screenshots) await shoot(page, "console-live");
    const done = page.getByRole("region", { name: "Command output" });
    await done.waitFor({ timeout: 30_000 });
    expect(await done.getByLabel("Exit code").textContent()).toBe("0");
    expect(await ticks("Command output")).toBe(10);
  }, 60_000);

  it.sequential("keeps what came when the command is cancelled", async ({ expect }) => {
    await page.getByRole("button", { name: /^Run/ }).click();
    await expect.poll(() => ticks("Output so far"), { timeout: 9_000 }).toBeGreaterThanOrEqual(3);
    const before = await ticks("Output so far");
    await page.getByRole("button", { name: "Cancel the command" }).click();
    await page.getByRole("status", { name: "Command cancelled" }).waitFor({ timeout: 30_000 });
    const kept = page.getByRole("region", { name: "Output before the cancel" });
    await kept.waitFor();
    expect(await ticks("Output before the cancel")).toBeGreaterThanOrEqual(before);
    expect(await kept.getByLabel("stderr", { exact: true }).textContent()).toMatch(/^warn 1\nwarn 2\nwarn 3\n/);
    if (screenshots) {
      await page.setViewportSize({ width: 800, height: 600 });
      await kept.scrollIntoViewIfNeeded();
      await shoot(page, "console-cancelled-800x600");
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  }, 60_000);

  it.sequential("a command stopped at its timeout says so and keeps its output; the app is not 'reconnecting'", async ({ expect }) => {
    await page.getByLabel("Script", { exact: true }).fill("echo started; sleep 30");
    await page.getByLabel("Timeout in seconds").fill("3");
    await page.getByRole("button", { name: /^Run/ }).click();
    const alert = page.getByRole("alert").filter({ hasText: "timeout" });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/stopped after its 3 s timeout/);
    expect(await page.getByRole("alert", { name: "Connection problem" }).count()).toBe(0);
    expect(await page.getByText("reconnecting…").count()).toBe(0);
    expect(await page.getByRole("region", { name: "Output before it stopped" }).getByLabel("stdout", { exact: true }).textContent()).toBe("started\n");
    await page.getByLabel("Timeout in seconds").fill("30");
  }, 60_000);
});
