/**
 * Choose folders end to end in Chromium, its API bridged to the real
 * main-process router and sync engine, against a real local hub of each
 * generation: the tree of the project's folders with their sizes, tri-state
 * parents, unchecking asks keep-or-remove (the app's dialog), the copies
 * removed here are in Versions, the server keeps every byte, and checking a
 * folder again brings it back. Screenshots light and dark (v1).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openConnected, type AppPage } from "../support/app-page.js";
import { launchChromium } from "../support/browser.js";
import { allowProject, startTestHub, type TestHub } from "../support/hub.js";
import { shoot } from "../support/screenshots.js";
import { fileHashes } from "../support/sync-pair.js";

const write = (root: string, rel: string, data: string | Buffer) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), data);
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(["v1", "current", "ai"] as const)("Choose folders against a hub serving %s", (api) => {
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  let remote: string;
  let pairId: string;
  const local = mkdtempSync(join(tmpdir(), "selsync-e2e-local-"));
  const pair = () => page.getByRole("listitem", { name: "Pair Research" });
  const box = (path: string) => pair().getByRole("checkbox", { name: `Sync ${path}`, exact: true });

  beforeAll(async () => {
    hub = await startTestHub({ api, dataDir: mkdtempSync(join(tmpdir(), "selsync-e2e-hub-")), settings: { aiLimits: "off" } });
    const pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Selective project" }).project_id;
    if (api === "ai") allowProject(hub, hub.credentials.api_key, pid);
    remote = join(hub.hub.runtime.createFolder(pid), "research");
    write(remote, "readme.md", "# research\n");
    write(remote, "data/big.bin", randomBytes(2_500_000));
    write(remote, "data/raw/run1.csv", "a,b\n1,2\n");
    write(remote, "docs/paper.tex", "\\section{Intro}\n");
    write(remote, "photos/cat.jpg", randomBytes(40_000));
    const connected = await openConnected(browser, hub);
    a = connected;
    page = a.page;
    const c = await a.app.sync["sync.add"]({ name: "Research", local_path: local, profile_id: connected.profileId, project_id: pid, remote_path: "research", interval_s: 3600, ignore: [], policy: "keep-both", max_delete_pct: 50, max_file_bytes: 1e8, case_insensitive: false, keep_versions: true, versions_days: 30, versions_max_mb: 2048, skip_folders: [] });
    pairId = c.id;
    await a.app.sync["sync.now"]({ id: pairId });
    expect(fileHashes(local)).toEqual(fileHashes(remote));
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it("shows the project's folders with sizes; unchecking asks keep or remove, removes here into Versions, and deletes nothing on the server", async () => {
    const server0 = fileHashes(remote);
    await page.keyboard.press("Alt+7");
    await pair().getByRole("button", { name: "Choose folders" }).click();
    const tree = pair().getByRole("tree", { name: "Folders to sync" });
    await tree.waitFor();
    await expect.poll(() => tree.getByRole("treeitem", { name: "data", exact: true }).textContent()).toMatch(/2\.\d MB · 2 files/);
    // a parent opens to its folders; the keyboard reaches every box
    await pair().getByRole("button", { name: "Expand data" }).click();
    await box("data/raw").focus();
    await page.keyboard.press("Space");
    await expect.poll(() => box("data").getAttribute("aria-checked")).toBe("mixed");
    expect(await box("data").evaluate((e) => (e as HTMLInputElement).indeterminate)).toBe(true);
    await box("photos").click();
    expect(await box("photos").isChecked()).toBe(false);
    expect(await box("docs").isChecked()).toBe(true);
    if (api === "v1") await shoot(page, "sync-selective");
    await pair().getByRole("button", { name: "Save" }).click();
    const ask = page.getByRole("dialog", { name: "Stop syncing 2 folders?" });
    await ask.waitFor();
    await expect.poll(() => ask.textContent()).toMatch(/Nothing is deleted in the project/);
    if (api === "v1") await shoot(page, "sync-selective-ask");
    await ask.getByRole("button", { name: "Remove here" }).click();
    await expect.poll(() => pair().getByRole("button", { name: "Choose folders (2 not synced)" }).count()).toBe(1);
    expect(existsSync(join(local, "photos/cat.jpg"))).toBe(false);
    expect(existsSync(join(local, "data/raw/run1.csv"))).toBe(false);
    expect(existsSync(join(local, "data/big.bin"))).toBe(true);
    await a.app.sync["sync.now"]({ id: pairId });
    expect(fileHashes(remote)).toEqual(server0);
    const versions = (await a.app.sync["sync.versions"]({ id: pairId })).versions.filter((v) => v.why === "unselected");
    expect(versions.map((v) => v.path).sort()).toEqual(["data/raw/run1.csv", "photos/cat.jpg"]);
  }, 120_000);

  it("checking a folder again brings it back from the server and deletes nothing", async () => {
    await pair().getByRole("button", { name: /^Choose folders/ }).click();
    await box("photos").waitFor();
    await box("photos").check();
    await pair().getByRole("button", { name: "Save" }).click();
    await expect.poll(() => pair().getByRole("button", { name: "Choose folders (1 not synced)" }).count()).toBe(1);
    expect(await page.getByRole("dialog").count()).toBe(0);
    await a.app.sync["sync.now"]({ id: pairId });
    expect(readFileSync(join(local, "photos/cat.jpg")).equals(readFileSync(join(remote, "photos/cat.jpg")))).toBe(true);
    expect(existsSync(join(remote, "data/raw/run1.csv"))).toBe(true);
    expect(existsSync(join(local, "data/raw/run1.csv"))).toBe(false);
  }, 120_000);
});
