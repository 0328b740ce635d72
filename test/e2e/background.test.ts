/**
 * The app in the background, end to end in Chromium through the preview's
 * bridge to the real router, sync manager and a real hub: a notification's
 * click (the OS shows it; here the test clicks what the app handed to it)
 * opens the Sync view on the right pair and the right conflict side by side;
 * the Settings view saves the background settings. Screenshots (light, dark)
 * of the tray menu in each state, drawn from the tray model the shell uses,
 * and of the Settings view, go to test/screenshots/.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { cmText } from "../support/codemirror.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { shoot } from "../support/screenshots.js";
import { trayMenuPage } from "../support/tray-menu-page.js";

const SYNCED = 60_000;
type Shown = { title: string; body: string; click: () => void };

let browser: Browser;
let hub: TestHub;
let a: AppPage;
const shown: Shown[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  hub = await startTestHub({ api: "v1" });
  a = await openApp(browser, {
    hub,
    // the OS's notification centre: what the app hands it is kept, and clicked by the test; no minute between notices
    compose: { background: { ports: { notify: { show: (n, click) => void shown.push({ ...n, click }) } }, noticeGapMs: 0 } },
  });
  await connectTo(a, hub);
}, 120_000);

afterAll(async () => {
  await a?.close();
  await hub?.stop();
  await browser?.close();
});

describe("a notification's click", () => {
  it("opens the Sync view on the pair and the conflict it names", async () => {
    const pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Background project" }).project_id;
    const home = hub.hub.runtime.createFolder(pid);
    const pair = async (name: string) => {
      const local = mkdtempSync(join(tmpdir(), `bg-e2e-${name}-`));
      mkdirSync(join(home, name), { recursive: true });
      const profile_id = a.app.profiles.activeId()!;
      const c = await a.app.sync["sync.add"]({ name, local_path: local, profile_id, project_id: pid, remote_path: name, interval_s: 3600, ignore: [], policy: "keep-both", max_delete_pct: 50, max_file_bytes: 1e8, case_insensitive: false, keep_versions: true, versions_days: 30, versions_max_mb: 2048, skip_folders: [] });
      return { id: c.id, local, remote: join(home, name) };
    };
    const notes = await pair("Notes");
    const thesis = await pair("Thesis");
    const conflict = async (file: string) => {
      writeFileSync(join(thesis.local, file), `${file}: my edit on the laptop\n`);
      writeFileSync(join(thesis.remote, file), `${file}: their edit on the server\n`);
      const before = shown.length;
      await a.app.sync["sync.now"]({ id: thesis.id });
      return expect.poll(() => shown.slice(before).find((n) => n.body.startsWith(`${file} was changed`)), { timeout: SYNCED }).toBeTruthy();
    };
    for (const p of [notes, thesis]) await a.app.sync["sync.now"]({ id: p.id });
    await conflict("a.tex");
    await conflict("b.tex");
    const second = shown.find((n) => n.body.startsWith("b.tex was changed"))!;
    expect(second.title).toBe("Conflict in Thesis");

    // the page is elsewhere (Projects); the click brings the Sync view with Thesis and b.tex (not the first conflict, a.tex)
    await a.page.getByRole("heading", { name: "Projects" }).waitFor();
    second.click();
    const item = a.page.getByRole("listitem", { name: "Pair Thesis" });
    await expect.poll(() => item.getAttribute("aria-current")).toBe("true");
    expect(await a.page.getByRole("listitem", { name: "Pair Notes" }).getAttribute("aria-current")).toBeNull();
    const view = a.page.getByRole("region", { name: "Conflict on b.tex" });
    await view.waitFor();
    await expect.poll(() => cmText(view.getByLabel("My version"))).toBe("b.tex: my edit on the laptop\n");
    await expect.poll(() => cmText(view.getByLabel("Their version"))).toBe("b.tex: their edit on the server\n");
    expect(await a.page.getByRole("tab", { name: "b.tex" }).getAttribute("aria-selected")).toBe("true");
  }, 180_000);
});

describe("the Settings view", () => {
  it("saves the background settings as they are changed", async () => {
    await a.page.getByRole("button", { name: "Settings", exact: true }).click();
    const keep = a.page.getByLabel("Keep syncing when the window is closed");
    await keep.waitFor();
    expect(await keep.isChecked()).toBe(true);
    expect(await a.page.getByLabel("Start CoCalc Desktop when I log in").isDisabled()).toBe(true);
    // saved first, then shown: the box changes once the main process has it
    const notify = a.page.getByLabel("Notify me of conflicts, halted syncs and lasting errors");
    await notify.click();
    await expect.poll(() => notify.isChecked()).toBe(false);
    await a.page.getByLabel("On battery power").selectOption("pause");
    await expect.poll(async () => (await a.app.router.handle("background.settings", { url: a.page.url(), isMainFrame: true }, {})) as unknown).toMatchObject({
      ok: true,
      value: { settings: { keep_running: true, notifications: false, on_battery: "pause" } },
    });
    await shoot(a.page, "settings-background");
  }, 60_000);
});

describe("the tray menu", () => {
  it("is drawn from the tray model in each state, light and dark", async () => {
    const page = await browser.newPage({ viewport: { width: 1180, height: 560 } });
    await page.setContent(trayMenuPage());
    await page.getByRole("menu").first().waitFor();
    expect(await page.getByRole("menu").count()).toBe(4);
    await shoot(page, "tray-menu-states");
    await page.close();
  });
});
