/**
 * Seen on a walk through the preview (issue 23 §6), in Debian's Chromium
 * against a real hub: a server whose test fails is kept in the list but never
 * replaces the working one; "are you sure?" is the app's own dialog, so
 * Remove and closing an unsaved tab work where the browser cancels
 * window.confirm silently (as Playwright does here: no dialog handler); the
 * embedded hub, killed, is started again by the app, and the header's one
 * connection state follows the calls: "reconnecting…", then "connected".
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { nodeHubSpawner } from "../../electron/services/embedded-hub/embedded-hub.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { hubEntry } from "../support/hub-entry.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe("dialogs and the active server, against a hub serving v1", () => {
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  let working: string;
  const active = async () => (await a.app.services["profiles.list"]({})).active;
  const names = async () => (await a.app.services["profiles.list"]({})).profiles.map((p) => p.name);

  beforeAll(async () => {
    hub = await startTestHub({ api: "v1" });
    a = await openApp(browser, { hub });
    page = a.page;
    working = await connectTo(a, hub);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it("a server whose test fails is listed with why, and the working one stays active", async () => {
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    for (const [name, url, key] of [
      ["Wrong key", hub.url, "sk_wrongwrongwrongwrongwron"],
      ["Nobody home", "http://127.0.0.1:9", "sk_whateverwhateverwhatever"],
    ] as const) {
      await page.getByLabel("Server name").fill(name);
      await page.getByLabel("Server URL").fill(url);
      await page.getByLabel("API key").fill(key);
      await page.getByRole("button", { name: "Add with key" }).click();
      await expect.poll(async () => (await page.getByRole("alert").allTextContents()).join(" ")).toMatch(/did not accept the API key|Nothing answers at/);
      await expect.poll(names).toContain(name);
      expect(await active()).toBe(working);
      expect(await page.locator("header .server").textContent()).toContain("Local hub");
    }
  });

  it("Remove asks in the app's own dialog: Cancel keeps the server, Remove removes it", async () => {
    await page.getByRole("button", { name: "Remove Wrong key" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove Wrong key?" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await names()).toContain("Wrong key");
    await page.getByRole("button", { name: "Remove Wrong key" }).click();
    await dialog.getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(names).not.toContain("Wrong key");
    expect(await active()).toBe(working);
  });

  it("closing a tab with unsaved changes asks in the app's own dialog", async () => {
    const pid = (await a.app.services["projects.list"]({})).projects.find((p) => p.title === "Example project")!.project_id;
    const before = readFileSync(join(hub.hub.runtime.folder(pid), "README.txt"), "utf8");
    await page.getByRole("button", { name: "Projects", exact: true }).click();
    await page.getByRole("option", { name: /Example project/ }).dblclick();
    await page.getByRole("option", { name: "README.txt" }).click();
    await page.getByRole("textbox", { name: "Editor: README.txt" }).click();
    await page.keyboard.type("not to be kept ");
    await page.getByRole("button", { name: "Close README.txt" }).click();
    const dialog = page.getByRole("dialog", { name: "Close README.txt without saving?" });
    await dialog.getByRole("button", { name: "Keep editing" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await page.getByRole("tab", { name: /README\.txt/ }).count()).toBe(1);
    await page.getByRole("button", { name: "Close README.txt" }).click();
    await dialog.getByRole("button", { name: "Close without saving" }).click();
    await expect.poll(() => page.getByRole("tab", { name: /README\.txt/ }).count()).toBe(0);
    expect(readFileSync(join(hub.hub.runtime.folder(pid), "README.txt"), "utf8")).toBe(before);
  });
});

describe("the embedded hub ('This computer')", () => {
  let a: AppPage;
  afterAll(async () => {
    await a?.close();
  });

  it("is started again when it dies; the header says 'reconnecting…' until calls answer again, then 'connected'", async () => {
    const hubData = mkdtempSync(join(tmpdir(), "e2e-embedded-hub-"));
    const real = nodeHubSpawner({ entry: hubEntry(), dataDir: hubData });
    // While `down`, a start fails as a hub that cannot start does (a real process that exits at once): the
    // hub stays down for as long as the test looks, instead of racing a restart that takes under a second.
    let down = false;
    const spawnHub: typeof real = (o) => (down ? spawn(process.execPath, ["-e", "process.exit(3)"], { stdio: ["pipe", "pipe", "pipe"] }) : real(o));
    a = await openApp(browser, { compose: { spawnHub } });
    const page = a.page;
    const connection = () => page.getByRole("status", { name: "Connection" }).textContent();
    await page.getByRole("option", { name: /Example project/ }).waitFor({ timeout: 30_000 });
    await expect.poll(connection).toBe("connected");
    down = true;
    process.kill(a.app.hub!.pid!, "SIGKILL");
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByRole("alert", { name: "Connection problem" }).waitFor();
    expect(await page.getByText("reconnecting…").count()).toBe(1);
    down = false;
    await page.getByRole("alert", { name: "Connection problem" }).waitFor({ state: "detached", timeout: 60_000 });
    await expect.poll(connection).toBe("connected");
    await page.getByRole("option", { name: /Example project/ }).waitFor({ timeout: 30_000 });
    expect(a.app.hub!.restarts).toBe(1);
  }, 120_000);
});
