/**
 * The kiosk view end to end in Chromium: the renderer bridged to the real
 * router, against the local hub in its realistic default unless a test says
 * otherwise. Protocol mode where the hub accepts the app's origin, the
 * automatic fall back to the app's viewer where it does not, navigation
 * mode in a page of its own, the password asked first and the ban as a
 * countdown, and presentation mode surviving the hub going away. Writes the
 * kiosk screenshots, light and dark.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { openApp, type AppPage } from "../support/app-page.js";
import { secondAccount, startTestHub, type TestHub } from "../support/hub.js";
import { pageSurface, type PageSurface } from "../support/kiosk-surface.js";
import { SHOTS, shoot } from "../support/screenshots.js";
import type { HubSettings } from "../../hub/context.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(() => browser?.close());

/** Connect through the Connect view and open the example project's kiosk view. */
async function toKiosk(page: Page, hub: TestHub, key = hub.credentials.api_key): Promise<void> {
  page.setDefaultTimeout(20_000);
  await page.getByRole("heading", { name: "Connect" }).waitFor();
  await page.getByLabel("Server name").fill("Local hub");
  await page.getByLabel("Server URL").fill(hub.url);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Add with key" }).click();
  await page.getByRole("heading", { name: "Projects" }).waitFor();
  await page.getByRole("option", { name: /Example project|Student project/ }).first().dblclick();
  await page.getByRole("heading", { name: "Files" }).waitFor();
  await page.getByRole("button", { name: "Kiosk view", exact: true }).click();
  await page.getByRole("radiogroup", { name: "How to show the file" }).waitFor();
}

const messages = (page: Page) => page.getByRole("list", { name: "Messages from the kiosk view" }).textContent({ timeout: 1000 }).catch(() => "");
const modeLine = (page: Page) => page.getByRole("status", { name: "Kiosk status" }).textContent();
const stage = (page: Page) => page.getByLabel("Kiosk stage");

describe("protocol mode, the hub accepting the app's origin (--iframe-loopback)", () => {
  let a: AppPage;
  beforeAll(async () => {
    const hub = await startTestHub({ settings: { iframeStrict: false } });
    a = await openApp(browser, { hub });
    await toKiosk(a.page, hub);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await a?.hub.stop();
  });

  it("opens the notebook in the server's frame, signed in by redemption, and shows each command's replies", async () => {
    const page = a.page;
    await page.getByRole("radio", { name: "The server's kiosk page (commands)" }).check();
    await page.getByLabel("File to show").fill("welcome.ipynb");
    await page.getByRole("button", { name: "Open", exact: true }).click();
    const frame = page.frameLocator("iframe[title='Kiosk view of welcome.ipynb']");
    await expect.poll(() => frame.locator("section.markdown h1").textContent({ timeout: 1000 }).catch(() => null), { timeout: 20_000 }).toBe("Welcome to CoCalc Desktop");
    // the open queued until the frame answered, then its ack and done, matched to it
    await expect.poll(() => messages(page), { timeout: 20_000 }).toMatch(/done open welcome\.ipynb[\s\S]*ack open welcome\.ipynb/);
    await page.getByRole("button", { name: "Status" }).click();
    await expect.poll(() => modeLine(page), { timeout: 20_000 }).toMatch(/Connection: connected · Open: welcome\.ipynb/);
    await page.getByLabel("File to show").fill("README.txt");
    await page.getByRole("button", { name: "Open", exact: true }).click();
    await expect.poll(() => messages(page), { timeout: 20_000 }).toMatch(/^done open README\.txt/);
    await expect.poll(() => frame.locator("article.text pre").textContent({ timeout: 1000 }).catch(() => null), { timeout: 20_000 }).toMatch(/^This is an example project/);
    await page.getByLabel("File to show").fill("missing.txt");
    await page.getByRole("button", { name: "Open", exact: true }).click();
    await expect.poll(() => messages(page), { timeout: 20_000 }).toMatch(/^error open missing\.txt: missing\.txt does not exist/);
    await page.getByRole("button", { name: "Close all" }).click();
    await expect.poll(() => messages(page), { timeout: 20_000 }).toMatch(/^done: all files are closed/);
  });
});

describe("the hub's realistic default: its kiosk page ignores the app's frame", () => {
  let a: AppPage;
  beforeAll(async () => {
    a = await openApp(browser, { viewport: { width: 1200, height: 800 } });
    await toKiosk(a.page, a.hub);
  }, 60_000);
  afterAll(() => a?.close());

  it("falls back to the app's viewer by itself, says why, and never leaves a blank frame", async () => {
    const page = a.page;
    await page.getByRole("radio", { name: "The server's kiosk page (commands)" }).check();
    await page.getByLabel("File to show").fill("welcome.ipynb");
    await page.getByRole("button", { name: "Open", exact: true }).click();
    // while the page has not answered, the frame is covered
    await expect.poll(() => page.getByText("Waiting for the server's kiosk page to answer…").count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByRole("status", { name: "Kiosk mode note" }).textContent({ timeout: 1000 }).catch(() => ""), { timeout: 30_000 }).toMatch(/did not answer within a few seconds/);
    expect(await page.locator("iframe[title^='Kiosk view of']").count()).toBe(0);
    await expect.poll(() => stage(page).getByRole("heading", { name: "Welcome to CoCalc Desktop" }).count(), { timeout: 20_000 }).toBe(1);
    expect(await modeLine(page)).toMatch(/Mode: The app's own viewer/);
  });

  it("'Show in kiosk view' from the file browser shows the file alone", async () => {
    const page = a.page;
    await page.getByRole("button", { name: "Files", exact: true }).click();
    await page.getByRole("option", { name: "README.txt" }).click();
    await page.getByRole("button", { name: "Show in kiosk view" }).click();
    await expect.poll(() => stage(page).textContent(), { timeout: 20_000 }).toMatch(/This is an example project/);
    expect(await page.getByLabel("File to show").inputValue()).toBe("README.txt");
  });
});

describe("navigation mode, in a page of its own standing in for the shell's view", () => {
  let a: AppPage;
  let view: PageSurface;
  beforeAll(async () => {
    view = await pageSurface(browser);
    a = await openApp(browser, { compose: { kioskSurface: async () => view } });
    await toKiosk(a.page, a.hub);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await view?.context.close();
  });

  it("is the default on a v1 server, and opens paths with spaces, unicode and '#' signed in by redemption", async () => {
    const page = a.page;
    expect(await page.getByRole("radio", { name: "The server's kiosk page (navigation)" }).isChecked()).toBe(true);
    const pid = (await a.app.router.handle("projects.list", { url: page.url(), isMainFrame: true }, {})) as { value: { projects: { project_id: string }[] } };
    const dir = join(a.hub.hub.runtime.folder(pid.value.projects[0]!.project_id), "Vorträge 2026");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "Teil #1 – Einführung.md"), "Grüße aus dem Kiosk\n");
    await page.getByLabel("File to show").fill("Vorträge 2026/Teil #1 – Einführung.md");
    await page.getByRole("button", { name: "Open", exact: true }).click();
    await expect.poll(() => messages(page), { timeout: 20_000 }).toMatch(/^done open Vorträge 2026\/Teil #1 – Einführung\.md/);
    await expect.poll(() => view.page.locator("#content").textContent({ timeout: 1000 }).catch(() => null), { timeout: 20_000 }).toBe("Grüße aus dem Kiosk\n");
    expect(view.getURL()).not.toMatch(/auth_token/);
    await page.getByRole("button", { name: "Status" }).click();
    await expect.poll(() => modeLine(page), { timeout: 20_000 }).toMatch(/Connection: connected · Open: Vorträge 2026\/Teil #1 – Einführung\.md/);
  });
});

describe("a key whose account is not an admin", () => {
  let a: AppPage;
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
    const other = await secondAccount(hub, "student@example.org", "their-password-123");
    await hub.v1("create_project", { title: "Student project" }, other.api_key);
    const view = await pageSurface(browser);
    a = await openApp(browser, { hub, compose: { kioskSurface: async () => view } });
    await toKiosk(a.page, hub, other.api_key);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it("is asked for the password before anything is sent; a wrong one becomes a plain countdown", async () => {
    const page = a.page;
    const box = page.getByRole("group", { name: "Password for the server's kiosk page" });
    await box.waitFor();
    await page.getByLabel("File to show").fill("a.txt");
    expect(await page.getByRole("button", { name: "Open", exact: true }).isDisabled()).toBe(true);
    expect(hub.hub.authBans.size).toBe(0);
    await page.getByLabel("Account password").fill("not-the-password");
    await page.getByRole("button", { name: "Open", exact: true }).click();
    const timer = page.getByRole("timer", { name: "Sign-in locked" });
    await expect.poll(() => timer.textContent({ timeout: 1000 }).catch(() => ""), { timeout: 20_000 }).toMatch(/The password was not right\. The server now refuses new tries for 60 s\. You can try again in (60|59|58) s\./);
    const first = Number(/again in (\d+) s/.exec((await timer.textContent())!)![1]);
    await expect.poll(async () => Number(/again in (\d+) s/.exec((await timer.textContent()) ?? "")?.[1]), { timeout: 20_000 }).toBeLessThan(first);
    expect(await page.getByRole("button", { name: "Open", exact: true }).isDisabled()).toBe(true);
    expect(await page.getByText(/#\{BAN_TIME_MS/).count()).toBe(0);
    if (process.env.KIOSK_SHOTS !== "0") await shoot(page, "kiosk-password");
  });
});

describe("presentation mode survives the hub going away", () => {
  it("keeps the last render with an 'offline' mark, and updates by itself when the hub is back and the notebook changed", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "kiosk-present-"));
    const settings: Partial<HubSettings> = {};
    let hub = await startTestHub({ dataDir, settings });
    const port = Number(new URL(hub.url).port);
    const a = await openApp(browser, { hub });
    try {
      const page = a.page;
      await toKiosk(page, hub);
      const pid = ((await a.app.router.handle("projects.list", { url: page.url(), isMainFrame: true }, {})) as { value: { projects: { project_id: string }[] } }).value.projects[0]!.project_id;
      const nb = join(hub.hub.runtime.folder(pid), "welcome.ipynb");
      await page.getByLabel("File to show").fill("welcome.ipynb");
      await page.getByRole("button", { name: "Add to playlist" }).click();
      await page.getByRole("button", { name: "Open", exact: true }).click();
      await expect.poll(() => stage(page).getByRole("heading", { name: "Welcome to CoCalc Desktop" }).count(), { timeout: 20_000 }).toBe(1);
      await shoot(page, "kiosk-view");
      await page.getByRole("button", { name: /^Present/ }).click();
      await expect.poll(() => page.locator(".kiosk.presenting").count()).toBe(1);
      expect(await page.getByRole("button", { name: "Close all" }).count()).toBe(0);
      await shoot(page, "presentation");

      await hub.stop();
      await expect.poll(() => page.getByRole("status", { name: "offline" }).count(), { timeout: 30_000 }).toBe(1);
      expect(await stage(page).getByRole("heading", { name: "Welcome to CoCalc Desktop" }).count()).toBe(1);
      await shoot(page, "presentation-offline");

      hub = await startTestHub({ dataDir, port, settings });
      const changed = JSON.parse(readFileSync(nb, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
      changed.cells[0]!.source = "# Back after the outage\n";
      writeFileSync(nb, JSON.stringify(changed));
      await expect.poll(() => stage(page).getByRole("heading", { name: "Back after the outage" }).count(), { timeout: 40_000 }).toBe(1);
      await expect.poll(() => page.getByRole("status", { name: "offline" }).count(), { timeout: 20_000 }).toBe(0);
      expect(await page.locator(".kiosk.presenting").count()).toBe(1);
      await page.keyboard.press("Escape");
      await expect.poll(() => page.locator(".kiosk.presenting").count()).toBe(0);
    } finally {
      await a.close().catch(() => undefined);
      await hub.stop();
    }
  }, 120_000);
});

describe("presenting at once, from a file picked in the project", () => {
  let a: AppPage;
  beforeAll(async () => {
    a = await openApp(browser, { viewport: { width: 1000, height: 700 } });
    await toKiosk(a.page, a.hub);
  }, 60_000);
  afterAll(() => a?.close());

  it("with nothing open, the stage says what to do, also when presenting", async () => {
    const page = a.page;
    await expect.poll(() => stage(page).getByRole("note").textContent({ timeout: 1000 }).catch(() => "")).toMatch(/No file is open\. Choose one/);
    await page.getByRole("button", { name: /^Present/ }).click();
    await expect.poll(() => page.locator(".kiosk.presenting").count()).toBe(1);
    await expect.poll(() => stage(page).getByRole("note").textContent({ timeout: 1000 }).catch(() => "")).toMatch(/^Nothing is open to present\. Press Esc, choose a file/);
    await shoot(page, "present-nothing-open");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator(".kiosk.presenting").count()).toBe(0);
  });

  it("the file is picked from the project's folders, and PageDown, Space, ↓, Shift+Space, End and Home scroll it at once when presenting, wherever focus is", async () => {
    const page = a.page;
    const pid = ((await a.app.router.handle("projects.list", { url: page.url(), isMainFrame: true }, {})) as { value: { projects: { project_id: string }[] } }).value.projects[0]!.project_id;
    const talks = join(a.hub.hub.runtime.folder(pid), "talks");
    mkdirSync(talks, { recursive: true });
    writeFileSync(join(talks, "long.md"), Array.from({ length: 300 }, (_, i) => `Line ${i + 1} of the talk\n`).join("\n"));
    await page.getByRole("button", { name: "Choose…" }).click();
    const picker = page.getByRole("dialog", { name: "Choose the file to show" });
    await picker.getByRole("button", { name: "talks/", exact: true }).click();
    await shoot(page, "kiosk-file-picker");
    await picker.getByRole("button", { name: "long.md", exact: true }).click();
    expect(await page.getByLabel("File to show").inputValue()).toBe("talks/long.md");
    await expect.poll(() => stage(page).textContent(), { timeout: 20_000 }).toMatch(/Line 1 of the talk/);
    await page.getByRole("button", { name: /^Present/ }).click();
    await expect.poll(() => page.locator(".kiosk.presenting").count()).toBe(1);
    // the file viewer is what scrolls in the stage
    const top = () => stage(page).locator(".file-viewer").evaluate((el) => el.scrollTop);
    expect(await top()).toBe(0);
    // no click first: the keys a clicker or a keyboard sends scroll the file straight away
    await page.keyboard.press("PageDown");
    await expect.poll(top).toBeGreaterThan(0);
    const afterPageDown = await top();
    // focus can move while presenting (a file arriving, going full screen): the keys still scroll the file
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("Space");
    await expect.poll(top).toBeGreaterThan(afterPageDown);
    const afterSpace = await top();
    await page.keyboard.press("ArrowDown");
    await expect.poll(top).toBeGreaterThan(afterSpace);
    const afterDown = await top();
    await page.keyboard.press("Shift+Space");
    await expect.poll(top).toBeLessThan(afterDown);
    await page.keyboard.press("End");
    const bottom = () => stage(page).locator(".file-viewer").evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop);
    await expect.poll(bottom).toBeLessThan(2);
    await page.keyboard.press("Home");
    await expect.poll(top).toBe(0);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator(".kiosk.presenting").count()).toBe(0);
  });
});

describe("the app's own viewer reads the file by its proven bytes", () => {
  let a: AppPage;
  beforeAll(async () => {
    a = await openApp(browser);
    await toKiosk(a.page, a.hub);
  }, 60_000);
  afterAll(() => a?.close());

  it("a notebook that is not UTF-8, or not JSON, is named with a clear message; a good one is shown after it", async () => {
    const page = a.page;
    const pid = ((await a.app.router.handle("projects.list", { url: page.url(), isMainFrame: true }, {})) as { value: { projects: { project_id: string }[] } }).value.projects[0]!.project_id;
    const home = a.hub.hub.runtime.folder(pid);
    writeFileSync(join(home, "latin1.ipynb"), Buffer.from('{"cells": [], "metadata": {"author": "Ren\xe9"}, "nbformat": 4, "nbformat_minor": 5}', "latin1"));
    writeFileSync(join(home, "broken.ipynb"), '{"cells": [');
    const openFile = async (name: string) => {
      await page.getByLabel("File to show").fill(name);
      await page.getByRole("button", { name: "Open", exact: true }).click();
    };
    await openFile("latin1.ipynb");
    await expect.poll(() => page.getByRole("alert").allTextContents(), { timeout: 20_000 }).toContainEqual(expect.stringContaining("latin1.ipynb is not UTF-8 text, so the viewer cannot show it."));
    await openFile("broken.ipynb");
    await expect.poll(() => stage(page).getByRole("alert").allTextContents(), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/^Cannot show broken\.ipynb: This notebook is not valid JSON/));
    await openFile("welcome.ipynb");
    await expect.poll(() => stage(page).getByRole("heading", { name: "Welcome to CoCalc Desktop" }).count(), { timeout: 20_000 }).toBe(1);
  }, 90_000);
});
