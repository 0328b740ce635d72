/**
 * Issue 20 §5 in Debian's Chromium against a real hub in every API
 * generation, slowed as a real server under load answers (replyMsPerMB): a
 * large file opened in Files shows, where it will appear, its name, a
 * progress bar and "1.2 MB of 3.4 MB" from the real reads, then the text in
 * the editor. Cancel stops the reads: nothing opens, no error is shown, and
 * no read reaches the hub after the one already sent. Screenshots
 * `open-progress-{light,dark}`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { forgetReadSize } from "../../electron/services/transfer/read-size.js";
import { launchChromium } from "../support/browser.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { allowProject, startTestHub, type TestHub } from "../support/hub.js";
import { shoot } from "../support/screenshots.js";
import { waitUntil } from "../support/wait.js";

/** 3.4 MB of text (3.2 MiB, as the app writes sizes) */
const BIG = "a line of a large text file, read in pieces\n".repeat(77_300);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

// Each generation has its own hub and page, and waits mostly on replies slowed on purpose: the three side by
// side in the one browser, the tests of one in turn.
describe.concurrent.each(["v1", "current", "ai"] as const)("a large file opening in Files against a hub serving %s", (api) => {
  const screenshots = api === "v1";
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  const status = () => page.getByRole("region", { name: /^Opening / }).getByRole("status");

  beforeAll(async () => {
    hub = await startTestHub({ api });
    const pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Large files" }).project_id;
    if (api === "ai") allowProject(hub, hub.credentials.api_key, pid);
    const dir = hub.hub.runtime.createFolder(pid);
    writeFileSync(join(dir, "big.txt"), BIG);
    writeFileSync(join(dir, "other.txt"), BIG);
    a = await openApp(browser, { hub, dataDir: mkdtempSync(join(tmpdir(), "open-progress-e2e-")) });
    page = a.page;
    await connectTo(a, hub);
    await page.getByRole("option", { name: /Large files/ }).dblclick();
    await page.getByRole("heading", { name: "Files" }).waitFor();
    await page.getByRole("option", { name: "big.txt" }).waitFor({ timeout: 30_000 });
  }, 180_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it.sequential("shows the file's name, a progress bar and how much has arrived where it opens, then the text", async ({ expect }) => {
    forgetReadSize(hub.url);
    // about a second per piece of 640 KB
    hub.hub.settings.replyMsPerMB = 1200;
    try {
      await page.getByRole("option", { name: "big.txt", exact: true }).click();
      const region = page.getByRole("region", { name: "Opening big.txt" });
      await region.getByRole("heading", { name: "big.txt" }).waitFor();
      // a piece has arrived: the bar and the words say how much of the file's size
      await expect.poll(() => status().textContent(), { timeout: 60_000 }).toMatch(/^[1-9][\d.]* (KB|MB) of 3\.2 MB$/);
      const bar = region.getByRole("progressbar", { name: "Reading big.txt" });
      expect(Number(await bar.getAttribute("value"))).toBeGreaterThan(0);
      expect(Number(await bar.getAttribute("max"))).toBe(BIG.length);
      expect(await page.getByRole("textbox", { name: "Editor: big.txt" }).count()).toBe(0);
      if (screenshots) await shoot(page, "open-progress");
      // then the text, in the same place
      const editor = page.getByRole("textbox", { name: "Editor: big.txt" });
      await editor.waitFor({ timeout: 60_000 });
      expect(await editor.textContent()).toContain("a line of a large text file, read in pieces");
      expect(await region.count()).toBe(0);
    } finally {
      hub.hub.settings.replyMsPerMB = 0;
    }
  }, 120_000);

  it.sequential("Cancel stops the reads: nothing opens, no error, no read after the one in flight", async ({ expect }) => {
    forgetReadSize(hub.url);
    hub.hub.settings.replyMsPerMB = 2000;
    try {
      await page.getByRole("option", { name: "other.txt", exact: true }).click();
      await expect.poll(() => status().textContent(), { timeout: 60_000 }).toMatch(/^[1-9][\d.]* (KB|MB) of 3\.2 MB$/);
      const atCancel = hub.hub.traffic.requests.length;
      await page.getByRole("region", { name: "Opening other.txt" }).getByRole("button", { name: "Cancel" }).click();
      await page.getByRole("region", { name: "Opening other.txt" }).waitFor({ state: "detached" });
      expect(await page.getByRole("tab", { name: /^other\.txt/ }).count()).toBe(0);
      expect(await page.getByRole("alert").count()).toBe(0);
      // the read already sent finishes on the server; after it nothing more comes
      const settled = async () => {
        await waitUntil("the hub to have answered everything", () => hub.hub.traffic.inflight === 0, { timeout: 60_000 });
        await new Promise((r) => setTimeout(r, 500));
        return hub.hub.traffic.requests.slice(atCancel).filter((r) => r.path.startsWith("/api/")).length;
      };
      const after = await settled();
      expect(after).toBeLessThanOrEqual(1);
      expect(await settled()).toBe(after);
    } finally {
      hub.hub.settings.replyMsPerMB = 0;
    }
  }, 120_000);
});
