/**
 * Projects at a glance and their start, in Debian's Chromium against the hub
 * in cocalc.ai mode (which starts nothing by itself and runs one project at
 * a time on a free plan, facts §7): state badges and Start/Stop on the rows,
 * relative times (v1), "Starting the project…" while the app brings one up
 * before a listing, the plan's limit with a button that stops the running
 * project, Stop shown as the server confirms it, a rename in the sidebar at
 * once, delete with the app's own confirmation and Undo. Screenshots light
 * and dark.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { connectedApp } from "../support/app-page.js";
import { startTestHub } from "../support/hub.js";
import { shoot } from "../support/screenshots.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const row = (page: Page, title: string) => page.getByRole("option", { name: new RegExp(title) });

describe("cocalc.ai: starts and a free plan's limit", () => {
  let example: string;
  let second: string;
  const s = connectedApp(
    () => browser,
    async () => {
      // the second project exists before the hub's start key is minted, so the key lists it
      const seed = await startTestHub({ api: "ai" });
      second = seed.hub.store.createProject(seed.credentials.account_id, { title: "Thesis" }).project_id;
      seed.hub.runtime.createFolder(second);
      await seed.hub.runtime.start(second);
      seed.hub.runtime.stopAll();
      const dataDir = seed.dataDir;
      await seed.close();
      const hub = await startTestHub({ api: "ai", dataDir, projectStartMs: 2500 });
      example = hub.hub.store.projectsOf(hub.credentials.account_id).find((p) => p.title === "Example project")!.project_id;
      writeFileSync(join(hub.hub.runtime.folder(example), "notes.txt"), "notes\n");
      return hub;
    },
  );

  it("opening a stopped project's files shows 'Starting the project…' until it runs, then the listing", async () => {
    expect(s.hub.hub.runtime.state(example)).toBe("stopped");
    await row(s.page, "Example project").dblclick();
    const banner = s.page.getByRole("status", { name: "Project starting" });
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/^Starting the project “Example project”…/);
    await shoot(s.page, "project-starting");
    await s.page.getByRole("option", { name: "notes.txt" }).waitFor();
    await banner.waitFor({ state: "detached" });
    expect(s.hub.hub.runtime.state(example)).toBe("running");
  });

  it("the list shows each project's state as a badge", async () => {
    await s.page.getByRole("button", { name: "Projects" }).click();
    await s.page.getByRole("button", { name: "Refresh" }).click();
    await expect.poll(() => row(s.page, "Example project").locator("[data-state]").getAttribute("data-state")).toBe("running");
    await expect.poll(() => row(s.page, "Thesis").locator("[data-state]").getAttribute("data-state")).toBe("stopped");
    await shoot(s.page, "projects-badges-ai");
    const size = s.page.viewportSize()!;
    await s.page.setViewportSize({ width: 800, height: 600 });
    await shoot(s.page, "projects-badges-ai-800x600");
    await s.page.setViewportSize(size);
  });

  it("Start on a second project: the plan's limit says what to stop, and its button stops it and starts this one", async () => {
    await s.page.getByRole("button", { name: "Start Thesis" }).click();
    const alert = s.page.getByRole("alert").filter({ hasText: "Your plan runs one project at a time" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Your plan runs one project at a time: stop “Example project” and try again.");
    expect(await alert.textContent()).not.toMatch(/COCALC_RUNTIME|runtime_sponsor/);
    await shoot(s.page, "project-limit");
    const size = s.page.viewportSize()!;
    await s.page.setViewportSize({ width: 800, height: 600 });
    await shoot(s.page, "project-limit-800x600");
    await s.page.setViewportSize(size);
    await alert.getByRole("button", { name: "Stop “Example project”" }).click();
    await expect.poll(() => s.hub.hub.runtime.state(second)).not.toBe("stopped");
    expect(s.hub.hub.runtime.state(example)).toBe("stopped");
    await expect.poll(() => row(s.page, "Example project").locator("[data-state]").getAttribute("data-state")).toBe("stopped");
    await expect.poll(() => row(s.page, "Thesis").locator("[data-state]").getAttribute("data-state")).toMatch(/starting|running/);
  });

  it("Stop on a row changes the badge once the server confirms it", async () => {
    await expect.poll(() => s.hub.hub.runtime.state(second)).toBe("running");
    await s.page.getByRole("button", { name: "Stop Thesis" }).click();
    await expect.poll(() => row(s.page, "Thesis").locator("[data-state]").getAttribute("data-state")).toBe("stopped");
    expect(s.hub.hub.runtime.state(second)).toBe("stopped");
  });

  it("delete is not offered on cocalc.ai, and the details say where to do it; upgrades and ids are not shown raw", async () => {
    await row(s.page, "Thesis").click();
    await s.page.getByText("delete it in the browser").waitFor();
    expect(await s.page.getByRole("button", { name: "Delete project…" }).count()).toBe(0);
  });
});

describe("v1: times, palette, rename, delete", () => {
  const s = connectedApp(() => browser, () => startTestHub({ api: "v1" }));

  it("times are relative with the exact one on hover; upgrades in units", async () => {
    const when = row(s.page, "Example project").locator(".d");
    await expect.poll(() => when.textContent()).toMatch(/ago|now/);
    expect(await when.getAttribute("title")).toMatch(/\d{4}/);
    await row(s.page, "Example project").click();
    await s.page.getByLabel("Available upgrades").waitFor();
    expect(await s.page.getByLabel("Available upgrades").textContent()).toMatch(/GB memory.*idle timeout 1 day|idle timeout 1 day|GB/);
  });

  it("Start from the command palette; the row's badge follows", async () => {
    await s.page.keyboard.press("Control+k");
    await s.page.getByLabel("Command", { exact: true }).fill("Start project: Example");
    await s.page.keyboard.press("Enter");
    await expect.poll(() => row(s.page, "Example project").locator("[data-state]").getAttribute("data-state")).toMatch(/starting|running/);
  });

  it("a rename shows in the sidebar at once", async () => {
    await row(s.page, "Example project").dblclick();
    await s.page.getByRole("button", { name: "Projects" }).click();
    await row(s.page, "Example project").click();
    await s.page.getByRole("button", { name: "Edit title" }).click();
    await s.page.getByLabel("Title", { exact: true }).fill("Renamed example");
    await s.page.keyboard.press("Enter");
    await expect.poll(() => s.page.getByLabel("Open project").textContent()).toBe("Renamed example");
  });

  it("delete asks in the app, marks the project deleted on the server, and Undo restores it", async () => {
    const pid = s.hub.hub.store.projectsOf(s.hub.credentials.account_id)[0]!.project_id;
    await s.page.getByRole("button", { name: "Delete project…" }).click();
    await s.page.getByRole("group", { name: "Confirm delete" }).getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => s.hub.hub.store.project(pid)?.deleted).toBe(true);
    await s.page.getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => s.hub.hub.store.project(pid)?.deleted).toBe(false);
  });
});
