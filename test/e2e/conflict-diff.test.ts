/**
 * Conflicts as a real diff, in Debian's Chromium against a real hub: two
 * 200-line texts that differ in 3 lines show exactly those 3 changes; taking
 * theirs for some changes and keeping mine for the rest saves exactly that
 * text (checked on disk), in the editor's save conflict and in the sync's
 * conflict view; "Keep both" in the editor saves mine beside the file and
 * never over one that exists. Screenshots light and dark, and at 800×600.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { shoot } from "../support/screenshots.js";

/** 200 lines; `changed` maps a line number (1-based) to its text on this side */
const text = (changed: Record<number, string> = {}) => Array.from({ length: 200 }, (_, i) => changed[i + 1] ?? `line ${i + 1} of the shared text`).join("\n") + "\n";
const MINE = { 20: "line 20 as I wrote it", 100: "line 100 as I wrote it", 180: "line 180 as I wrote it" };
const THEIRS = { 20: "line 20 as they wrote it", 100: "line 100 as they wrote it", 180: "line 180 as they wrote it" };
const SYNCED = 60_000;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** "N changes…" as the diff says it */
const changes = async (where: Locator) => Number(((await where.getByRole("status", { name: "Changes" }).textContent()) ?? "").match(/^(\d+) change/)?.[1] ?? NaN);

describe("conflicts as a diff, against a hub serving v1", () => {
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  let home: string;

  beforeAll(async () => {
    hub = await startTestHub({ api: "v1" });
    a = await openApp(browser, { hub });
    page = a.page;
    await connectTo(a, hub);
    const pid = (await a.app.services["projects.list"]({})).projects.find((p) => p.title === "Example project")!.project_id;
    home = hub.hub.runtime.folder(pid);
    await page.getByRole("option", { name: /Example project/ }).dblclick();
    await page.getByRole("heading", { name: "Files" }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  /** open big.txt as `base`, change it on the server to `server`, and press Save with my edit in the editor */
  async function saveIntoConflict(name: string, server: string): Promise<Locator> {
    // opened with one character more than mine, which I delete: an unchanged text is never sent, so this is my edit
    writeFileSync(join(home, name), `${text(MINE)}x`);
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByRole("option", { name, exact: true }).click();
    const editor = page.getByRole("textbox", { name: `Editor: ${name}` });
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Backspace");
    writeFileSync(join(home, name), server);
    await page.getByRole("button", { name: /^Save/ }).first().click();
    const conflict = page.getByRole("alert", { name: "Save conflict" });
    await conflict.waitFor();
    return conflict;
  }

  it("the editor's save conflict shows exactly the 3 changes, and saves the choice made per change", async () => {
    const conflict = await saveIntoConflict("big.txt", text(THEIRS));
    await expect.poll(() => changes(conflict)).toBe(3);
    const takeTheirs = conflict.getByRole("button", { name: "Take theirs for this change" });
    expect(await takeTheirs.count()).toBe(3);
    // nothing was written yet
    expect(readFileSync(join(home, "big.txt"), "utf8")).toBe(text(THEIRS));
    await conflict.scrollIntoViewIfNeeded();
    await shoot(page, "conflict-diff");
    await page.setViewportSize({ width: 800, height: 600 });
    await conflict.scrollIntoViewIfNeeded();
    await shoot(page, "conflict-diff-800x600");
    await page.setViewportSize({ width: 1280, height: 800 });
    // theirs for the middle change only; mine for the other two
    await takeTheirs.nth(1).click();
    await expect.poll(() => changes(conflict)).toBe(2);
    await conflict.getByRole("button", { name: "Save this result" }).click();
    await conflict.waitFor({ state: "detached" });
    const want = text({ ...MINE, 100: THEIRS[100] });
    await expect.poll(() => readFileSync(join(home, "big.txt"), "utf8")).toBe(want);
    await expect.poll(() => page.getByText("saved", { exact: true }).count()).toBe(1);
  });

  it("'Keep both' saves mine beside the file, never over an existing one, and the editor takes the server's", async () => {
    writeFileSync(join(home, "kb (my copy).txt"), "already here\n");
    const conflict = await saveIntoConflict("kb.txt", text(THEIRS));
    await conflict.getByRole("button", { name: "Keep both (mine as a copy)" }).click();
    await conflict.waitFor({ state: "detached" });
    await expect.poll(() => existsSync(join(home, "kb (my copy 2).txt"))).toBe(true);
    expect(readFileSync(join(home, "kb (my copy 2).txt"), "utf8")).toBe(text(MINE));
    expect(readFileSync(join(home, "kb (my copy).txt"), "utf8")).toBe("already here\n");
    expect(readFileSync(join(home, "kb.txt"), "utf8")).toBe(text(THEIRS));
    await expect.poll(() => page.getByRole("textbox", { name: "Editor: kb.txt" }).textContent()).toContain("line 20 as they wrote it");
  });
});

describe("the sync's conflict view as a diff, against a hub serving v1", () => {
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  let remote: string;
  const local = mkdtempSync(join(tmpdir(), "diff-e2e-local-"));
  const pair = () => page.getByRole("listitem", { name: "Pair diffs" });
  const state = () => pair().getByRole("status", { name: "Sync state" }).textContent();

  beforeAll(async () => {
    hub = await startTestHub({ api: "v1" });
    const pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Diff project" }).project_id;
    remote = join(hub.hub.runtime.createFolder(pid), "diffs");
    mkdirSync(remote, { recursive: true });
    writeFileSync(join(local, "paper.txt"), text());
    a = await openApp(browser, { hub });
    page = a.page;
    await connectTo(a, hub);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it("shows exactly the 3 changes and saves the choice made per change on both sides", async () => {
    await page.keyboard.press("Alt+7");
    await page.getByRole("button", { name: "Add a pair" }).click();
    await page.getByLabel("Local folder").fill(local);
    await page.getByRole("combobox", { name: "Project", exact: true }).selectOption({ label: "Diff project" });
    await page.getByLabel("Remote folder").fill("diffs");
    await page.getByLabel("Pair name").fill("diffs");
    await page.getByRole("button", { name: "Add and sync" }).click();
    await pair().waitFor();
    await pair().getByRole("button", { name: "Sync now" }).click();
    await expect.poll(state, { timeout: SYNCED }).toMatch(/^In sync\./);
    writeFileSync(join(local, "paper.txt"), text(MINE));
    writeFileSync(join(remote, "paper.txt"), text(THEIRS));
    await pair().getByRole("button", { name: "Sync now" }).click();
    await expect.poll(() => pair().getByLabel("State", { exact: true }).textContent(), { timeout: SYNCED }).toBe("1 conflict");
    const details = pair().getByRole("button", { name: /^Conflicts \(1\)/ });
    if ((await details.getAttribute("aria-expanded")) !== "true") await details.click();
    const view = page.getByRole("region", { name: "Conflict on paper.txt" });
    await expect.poll(() => changes(view)).toBe(3);
    const takeTheirs = view.getByRole("button", { name: "Take theirs for this change" });
    expect(await takeTheirs.count()).toBe(3);
    await view.scrollIntoViewIfNeeded();
    await shoot(page, "sync-conflict-diff");
    // theirs for the first and the last change, mine for the middle one
    await takeTheirs.nth(2).click();
    await takeTheirs.nth(0).click();
    await expect.poll(() => changes(view)).toBe(1);
    await view.getByRole("button", { name: "Save this result" }).click();
    await expect.poll(() => pair().getByLabel("State", { exact: true }).textContent(), { timeout: SYNCED }).not.toMatch(/conflict/);
    await pair().getByRole("button", { name: "Sync now" }).click();
    const want = text({ ...THEIRS, 100: MINE[100] });
    // "In sync." may already show from the resolution: wait for this sync's outcome on the server first
    await expect.poll(() => readFileSync(join(remote, "paper.txt"), "utf8"), { timeout: SYNCED }).toBe(want);
    // the conflict copy is gone from both sides
    await expect.poll(() => readdirSync(remote).filter((n) => n.includes("conflict")), { timeout: SYNCED }).toEqual([]);
    await expect.poll(state, { timeout: SYNCED }).toMatch(/^In sync\./);
    expect(sha(readFileSync(join(local, "paper.txt"), "utf8"))).toBe(sha(want));
    expect(readdirSync(local).filter((n) => n.includes("conflict"))).toEqual([]);
  }, 180_000);
});
