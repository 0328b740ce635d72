/**
 * The Sync view end to end in Chromium, its API bridged to the real
 * main-process router and sync engine, against a real local hub of each
 * generation (v1, current, cocalc.ai) and real folders: add a pair and sync, a conflict resolved in the conflicts view,
 * pause and resume, offline (the hub stopped) with the changes waiting, and
 * catching up when the hub is back on the same data and port; removing the
 * pair deletes nothing. Screenshots light and dark (v1) go to test/screenshots/.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { cmText } from "../support/codemirror.js";
import { allowProject, startTestHub, type TestHub } from "../support/hub.js";
import { SHOTS, shoot } from "../support/screenshots.js";

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const shaOf = (file: string) => (existsSync(file) ? sha(readFileSync(file)) : null);
const SYNCED = 60_000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(() => browser?.close());

describe.each(["v1", "current", "ai"] as const)("the Sync view against a hub serving %s", (api) => {
  // the view is the same whichever server it talks to: one set of screenshots is enough
  const screenshots = api === "v1";
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  let port: number;
  let remote: string;
  const hubData = mkdtempSync(join(tmpdir(), "sync-e2e-hub-"));
  const local = mkdtempSync(join(tmpdir(), "sync-e2e-local-"));
  const pair = () => page.getByRole("listitem", { name: "Pair thesis" });
  const state = () => pair().getByRole("status", { name: "Sync state" }).textContent();

  beforeAll(async () => {
    hub = await startTestHub({ api, dataDir: hubData, settings: { aiLimits: "off" } });
    port = Number(new URL(hub.url).port);
    // made in the hub's store: every generation's create route is tested elsewhere
    const pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Sync project" }).project_id;
    // on cocalc.ai a key reaches only the projects listed for it: list this one, as its owner would in the browser
    if (api === "ai") allowProject(hub, hub.credentials.api_key, pid);
    remote = join(hub.hub.runtime.createFolder(pid), "thesis");
    mkdirSync(remote, { recursive: true });
    writeFileSync(join(remote, "notes.md"), "# from the server\n");
    writeFileSync(join(local, "thesis.tex"), "\\section{One}\nfirst draft\n");
    writeFileSync(join(local, "figure.png"), randomBytes(300_000));
    writeFileSync(join(local, "debug.log"), "ignored\n");
    a = await openApp(browser, { hub });
    page = a.page;
    page.setDefaultTimeout(15_000);
    await connectTo(a, hub);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it("adds a pair from the view (Alt+7), syncs it, and both sides hold the same files", async () => {
    await page.keyboard.press("Alt+7");
    await page.getByRole("heading", { name: "Sync" }).waitFor();
    await page.getByRole("button", { name: "Add a pair" }).click();
    await page.getByLabel("Local folder").fill(local);
    // the list of projects, once it has loaded (until then the field takes a project id typed in)
    await page.getByRole("combobox", { name: "Project", exact: true }).selectOption({ label: "Sync project" });
    await page.getByLabel("Remote folder").fill("thesis");
    await page.getByLabel("Ignore rules").fill("*.log");
    await page.getByLabel("Pair name").fill("thesis");
    await page.getByRole("button", { name: "Add and sync" }).click();
    await pair().waitFor();
    await pair().getByRole("button", { name: "Sync now" }).click();
    await expect.poll(state, { timeout: SYNCED }).toMatch(/^In sync\./);
    expect(shaOf(join(remote, "thesis.tex"))).toBe(shaOf(join(local, "thesis.tex")));
    expect(shaOf(join(remote, "figure.png"))).toBe(shaOf(join(local, "figure.png")));
    expect(shaOf(join(local, "notes.md"))).toBe(shaOf(join(remote, "notes.md")));
    expect(existsSync(join(remote, "debug.log"))).toBe(false);
    if (screenshots) await shoot(page, "sync-pairs");
  }, 120_000);

  it("shows a conflict side by side and resolves it with 'keep mine' on both sides", async () => {
    writeFileSync(join(local, "thesis.tex"), "\\section{One}\nmy edit on the laptop\n");
    writeFileSync(join(remote, "thesis.tex"), "\\section{One}\ntheir edit on the server\n");
    await pair().getByRole("button", { name: "Sync now" }).click();
    await expect.poll(() => pair().getByLabel("State", { exact: true }).textContent(), { timeout: SYNCED }).toBe("1 conflict");
    await expect.poll(state, { timeout: SYNCED }).toMatch(/^1 file changed on both sides\. Both versions are kept\.$/);
    // the pair's details are open since it was added; open them if not
    const details = pair().getByRole("button", { name: /^Conflicts \(1\)/ });
    if ((await details.getAttribute("aria-expanded")) !== "true") await details.click();
    const view = page.getByRole("region", { name: "Conflict on thesis.tex" });
    await view.waitFor();
    // both are text: a diff of the two, mine (the result) beside theirs
    await expect.poll(() => cmText(view.getByLabel("My version"))).toBe("\\section{One}\nmy edit on the laptop\n");
    expect(await cmText(view.getByLabel("Their version"))).toBe("\\section{One}\ntheir edit on the server\n");
    await view.scrollIntoViewIfNeeded();
    if (screenshots) await shoot(page, "sync-conflict");
    await view.getByRole("button", { name: "Keep mine" }).click();
    await expect.poll(() => pair().getByLabel("State", { exact: true }).textContent(), { timeout: SYNCED }).not.toMatch(/conflict/);
    await pair().getByRole("button", { name: "Sync now" }).click();
    // "In sync." may already show from the resolution: wait for this sync's outcome on the server first
    await expect.poll(() => readFileSync(join(remote, "thesis.tex"), "utf8"), { timeout: SYNCED }).toBe("\\section{One}\nmy edit on the laptop\n");
    // the conflict copy is gone from both sides once resolved
    await expect.poll(() => readdirSync(remote).sort(), { timeout: SYNCED }).toEqual(["figure.png", "notes.md", "thesis.tex"]);
    await expect.poll(state, { timeout: SYNCED }).toMatch(/^In sync\./);
    expect(readFileSync(join(local, "thesis.tex"), "utf8")).toBe("\\section{One}\nmy edit on the laptop\n");
    expect(readdirSync(local).sort()).toEqual(["debug.log", "figure.png", "notes.md", "thesis.tex"]);
    // the activity log tells what happened
    await expect.poll(() => page.getByRole("table", { name: "Activity log" }).textContent()).toMatch(/thesis\.tex/);
  }, 120_000);

  it("keeps a file the server deleted in Versions, filters the list, and restores it byte-exact; the next sync carries it back", async () => {
    const notes = readFileSync(join(remote, "notes.md"));
    unlinkSync(join(remote, "notes.md"));
    writeFileSync(join(remote, "figure.png"), randomBytes(120_000));
    const oldFigure = shaOf(join(local, "figure.png"));
    await pair().getByRole("button", { name: "Sync now" }).click();
    // "In sync." may still be the sync before the click: wait for this one's outcome first
    await expect.poll(() => existsSync(join(local, "notes.md")), { timeout: SYNCED }).toBe(false);
    await expect.poll(state, { timeout: SYNCED }).toMatch(/^In sync\./);
    const versions = page.getByRole("region", { name: "Versions of thesis" });
    const row = (path: string) => versions.getByRole("row", { name: `Version of ${path}` });
    await expect.poll(() => row("notes.md").textContent()).toMatch(/This computer.*Deleted/);
    // the figure the server replaced is kept too (and the conflict's resolution before it kept the server's old thesis.tex in the project)
    await expect.poll(() => row("figure.png").textContent()).toMatch(/This computer.*Replaced/);
    await versions.getByRole("searchbox", { name: "Filter versions" }).fill("notes");
    await expect.poll(() => versions.getByRole("row").count()).toBe(2);
    await versions.getByRole("searchbox", { name: "Filter versions" }).fill("");
    await versions.scrollIntoViewIfNeeded();
    if (screenshots) await shoot(page, "sync-versions");
    await row("notes.md").getByRole("button", { name: "Restore" }).click();
    await expect.poll(() => versions.getByRole("status").textContent()).toMatch(/Restored notes\.md/);
    expect(readFileSync(join(local, "notes.md")).equals(notes)).toBe(true);
    await pair().getByRole("button", { name: "Sync now" }).click();
    await expect.poll(() => existsSync(join(remote, "notes.md")), { timeout: SYNCED }).toBe(true);
    expect(readFileSync(join(remote, "notes.md")).equals(notes)).toBe(true);
    // restoring the figure's old version: its path is taken, so it lands beside it
    await row("figure.png").getByRole("button", { name: "Restore" }).click();
    await expect.poll(() => versions.getByRole("status").textContent()).toMatch(/restored beside it as figure \(restored .*\)\.png/);
    const beside = readdirSync(local).find((n) => n.startsWith("figure (restored "))!;
    expect(shaOf(join(local, beside))).toBe(oldFigure);
  }, 120_000);

  it("pauses and resumes", async () => {
    await pair().getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => pair().getByLabel("State", { exact: true }).textContent()).toBe("paused");
    expect(await state()).toMatch(/^Paused: nothing is synced until you resume\./);
    await expect.poll(() => pair().getByRole("button", { name: "Sync now" }).isDisabled()).toBe(true);
    await pair().getByRole("button", { name: "Resume" }).click();
    await pair().getByRole("button", { name: "Pause" }).waitFor();
    await expect.poll(() => pair().getByLabel("State", { exact: true }).textContent(), { timeout: SYNCED }).not.toBe("paused");
  }, 60_000);

  it("goes offline when the server stops, and says how many changes wait", async () => {
    await hub.stop();
    writeFileSync(join(local, "offline-1.txt"), "written while offline\n");
    writeFileSync(join(local, "offline-2.bin"), randomBytes(50_000));
    await pair()
      .getByRole("button", { name: "Sync now" })
      .click()
      .catch(() => undefined);
    await expect.poll(state, { timeout: SYNCED }).toMatch(/^Offline, [1-9]\d* changes? waiting\./);
    if (screenshots) await shoot(page, "sync-offline");
  }, 120_000);

  it("catches up when the server is back on the same data and port", async () => {
    hub = await startTestHub({ api, dataDir: hubData, port, settings: { aiLimits: "off" } });
    a.hub = hub;
    await expect.poll(state, { timeout: 90_000 }).toMatch(/^In sync\./);
    expect(readFileSync(join(remote, "offline-1.txt"), "utf8")).toBe("written while offline\n");
    expect(shaOf(join(remote, "offline-2.bin"))).toBe(shaOf(join(local, "offline-2.bin")));
  }, 120_000);

  it("removes the pair, saying it deletes nothing, and deletes nothing", async () => {
    await pair().getByRole("button", { name: "Remove…" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Remove the pair" });
    expect(await confirm.textContent()).toMatch(/never deletes a file/);
    await confirm.getByRole("button", { name: "Remove the pair (keep all files)" }).click();
    await pair().waitFor({ state: "detached" });
    for (const f of ["thesis.tex", "figure.png", "notes.md", "offline-1.txt", "offline-2.bin"]) {
      expect(existsSync(join(local, f)), f).toBe(true);
      expect(existsSync(join(remote, f)), f).toBe(true);
    }
  }, 60_000);
});
