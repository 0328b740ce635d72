/**
 * The Files view, the console and Connect tell the truth, in Debian's
 * Chromium against a real hub in each API generation (issue 9, points 4, 5,
 * 6, 10): a double-click on a folder while the listing is slow lands in that
 * folder and never in a stale row; a path that became a file says so and
 * opens it; a 1.2 MB file keeps Save and its state in view and is saved;
 * a typed key is checked in the form; the header says when a key is refused;
 * a missing working folder is named. Screenshots of each, light and dark.
 *
 * The listing is slow the way real servers are slow: a folder of 2,000
 * entries, in a project that was stopped (idle) and takes 3 s to start again,
 * as a real server's did (facts §9).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { shoot } from "../support/screenshots.js";

/** many entries, but few enough that Playwright's role queries (which compute every row's name) stay quick */
const BIG_FOLDER_ENTRIES = 2_000;
const PROJECT_START_MS = 3000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(["v1", "current"] as const)("Files, console and Connect against a hub serving %s", (api) => {
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  let pid: string;
  let home: string;
  const screenshots = api === "v1";

  const crumbs = () => page.getByRole("navigation", { name: "Folder" }).textContent();
  const inViewport = async (loc: ReturnType<Page["getByRole"]>) => {
    const box = await loc.boundingBox();
    const vp = page.viewportSize()!;
    return !!box && box.y >= 0 && box.y + box.height <= vp.height && box.x >= 0 && box.x + box.width <= vp.width;
  };

  beforeAll(async () => {
    hub = await startTestHub({ api, projectStartMs: PROJECT_START_MS });
    a = await openApp(browser, { hub });
    page = a.page;
    page.on("dialog", (d) => void d.accept());
    await connectTo(a, hub);
    pid = (await a.app.services["projects.list"]({})).projects.find((p) => p.title === "Example project")!.project_id;
    home = hub.hub.runtime.folder(pid);
    // the same file name in home and in the big folder: a stale row must never open the other one
    writeFileSync(join(home, "notes.txt"), "home notes\n");
    mkdirSync(join(home, "big"));
    writeFileSync(join(home, "big/notes.txt"), "big folder notes\n");
    for (let i = 0; i < BIG_FOLDER_ENTRIES; i++) writeFileSync(join(home, "big", `entry-${String(i).padStart(5, "0")}.dat`), "");
    mkdirSync(join(home, "swap"));
    writeFileSync(join(home, "swap/inside.txt"), "inside\n");
    await page.getByRole("option", { name: /Example project/ }).dblclick();
    await page.getByRole("heading", { name: "Files" }).waitFor();
    await page.getByRole("option", { name: "notes.txt" }).waitFor({ timeout: 30_000 });
  }, 180_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it("a double-click on a folder while its listing is slow lands in that folder, once", async () => {
    hub.hub.runtime.stop(pid); // idle: the next call waits for it to start again
    await page.getByRole("option", { name: "big" }).dblclick();
    // the old rows are gone at once: nothing stale is left to click
    await page.getByText("Listing big…").waitFor();
    expect(await page.getByRole("option", { name: "notes.txt" }).count()).toBe(0);
    await page.getByRole("option", { name: "entry-00000.dat" }).waitFor({ timeout: 30_000 });
    expect(await crumbs()).toBe("~big");
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(await page.getByRole("tab").count()).toBe(0);
  });

  it("a click where a stale row was, while the new folder loads, opens nothing", async () => {
    await page.getByRole("button", { name: "~", exact: true }).click();
    const homeNotes = page.getByRole("option", { name: "notes.txt" });
    await homeNotes.waitFor();
    const box = (await homeNotes.boundingBox())!;
    hub.hub.runtime.stop(pid);
    await page.getByRole("option", { name: "big" }).click();
    await page.getByText("Listing big…").waitFor();
    // where home's notes.txt was: today it would have opened big/notes.txt
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.getByRole("option", { name: "entry-00000.dat" }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole("tab").count()).toBe(0);
    expect(await crumbs()).toBe("~big");
  });

  it("a folder that became a file says so, and offers to open it", async () => {
    await page.getByRole("button", { name: "~", exact: true }).click();
    await page.getByRole("option", { name: "swap" }).click();
    await page.getByRole("option", { name: "inside.txt" }).waitFor();
    rmSync(join(home, "swap"), { recursive: true });
    writeFileSync(join(home, "swap"), "now a file\n");
    await page.getByRole("button", { name: "Refresh" }).click();
    const note = page.getByRole("alert", { name: "Not a folder" });
    await note.waitFor();
    expect(await note.textContent()).toMatch(/swap is a file, not a folder/);
    expect(await page.getByText("Empty folder.").count()).toBe(0);
    if (screenshots) await shoot(page, "files-not-a-folder");
    await page.getByRole("button", { name: "Open swap" }).click();
    await expect.poll(() => page.getByRole("textbox", { name: "Editor: swap" }).textContent()).toBe("now a file");
    await page.getByRole("button", { name: "Close swap" }).click();
  });

  it("a 1.2 MB file keeps the tabs, Save and its state in view, and Ctrl+S saves it", async () => {
    const line = "The quick brown fox jumps over the lazy dog, 0123456789.\n";
    const original = line.repeat(Math.ceil(1_200_000 / line.length));
    writeFileSync(join(home, "large.txt"), original);
    await page.getByRole("button", { name: "~", exact: true }).click();
    await page.getByRole("option", { name: "large.txt" }).click();
    const editor = page.getByRole("textbox", { name: "Editor: large.txt" });
    await editor.waitFor({ timeout: 30_000 });
    // a scroller of the window's height, not the document's
    const editorBox = (await page.locator(".editor").boundingBox())!;
    expect(editorBox.height).toBeLessThan(page.viewportSize()!.height);
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("edited at the end\n");
    const state = page.getByText("unsaved changes", { exact: true });
    expect(await inViewport(state)).toBe(true);
    await page.keyboard.press("Control+s");
    const saved = page.getByText("saved", { exact: true });
    await saved.waitFor({ timeout: 30_000 });
    expect(await inViewport(saved)).toBe(true);
    expect(await inViewport(page.getByRole("button", { name: /^Save/ }))).toBe(true);
    expect(await inViewport(page.getByRole("tab", { name: /large\.txt/ }))).toBe(true);
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(readFileSync(join(home, "large.txt"), "utf8")).toBe(`${original}edited at the end\n`);
    if (screenshots) await shoot(page, "files-large");
  });

  it("a working folder that does not exist is named in the console", async () => {
    await page.getByRole("button", { name: "Console", exact: true }).click();
    await page.getByLabel("Script", { exact: true }).fill("pwd");
    await page.getByLabel("Working folder").fill("no/such folder");
    await page.getByRole("button", { name: /^Run/ }).click();
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.first().textContent()).toMatch(/^The folder 'no\/such folder' does not exist in this project, so the command did not run\./);
    // neither the server's words nor the app's own wrapper, not even folded away as details
    expect(await alert.first().textContent()).not.toMatch(/spawn|ENOENT|errno|cocalc-desktop/);
    if (screenshots) await shoot(page, "console-missing-folder");
    await page.getByLabel("Working folder").fill("");
  });

  it("a key typed with a space, or too short, is caught in the form", async () => {
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await page.getByLabel("Server URL").fill(hub.url);
    const add = page.getByRole("button", { name: "Add with key" });
    await page.getByLabel("API key", { exact: true }).fill("sk_abcd efgh12345");
    expect(await page.getByRole("alert", { name: "API key problem" }).textContent()).toMatch(/cannot contain spaces/);
    expect(await add.isDisabled()).toBe(true);
    if (screenshots) await shoot(page, "connect-key-check");
    await page.getByLabel("API key", { exact: true }).fill("sk_12");
    expect(await page.getByRole("alert", { name: "API key problem" }).textContent()).toMatch(/is too short/);
    expect(await add.isDisabled()).toBe(true);
    expect(await page.getByText(/bug in the app/).count()).toBe(0);
  });

  it("a server that refuses its key is listed with why, and the working one stays active and 'connected'", async () => {
    const status = page.getByRole("status", { name: "Connection" });
    await expect.poll(() => status.textContent()).toBe("connected");
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await page.getByLabel("Server URL").fill(hub.url);
    await page.getByLabel("Server name").fill("Wrong key");
    await page.getByLabel("API key", { exact: true }).fill("sk_wrongwrongwrongwrongwron");
    await page.getByRole("button", { name: "Add with key" }).click();
    await expect.poll(async () => (await page.getByRole("alert").allTextContents()).join(" ")).toMatch(/key is not valid on this server|did not accept the API key/);
    // the server's own text is only in the folded details
    expect(await page.getByRole("alert").first().locator("div").first().textContent()).not.toMatch(/MUST provide|No account found/);
    await expect.poll(() => page.getByRole("table", { name: "Servers" }).textContent()).toMatch(/Wrong key/);
    expect(await page.locator("header .server").textContent()).toContain("Local hub");
    expect(await status.textContent()).toBe("connected");
    if (screenshots) await shoot(page, "connect-key-refused");
  });

});
