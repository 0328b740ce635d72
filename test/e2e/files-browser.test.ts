/**
 * The file browser in Debian's Chromium, its API bridged to the real
 * main-process router, against a real hub serving v1 and cocalc.ai (issue 23,
 * point 1): rename (F2), move (drag onto a folder, and "Move to…"),
 * duplicate, delete → trash → undo → restore, empty the trash, several
 * selected at once, a name that exists refused, search with a result opened
 * at its line, the hidden toggle (Ctrl+H), sort, and "open with the system's
 * app". Every action is checked on the project's disk, not only on screen.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { allowProject, startTestHub, type TestHub } from "../support/hub.js";
import { shoot } from "../support/screenshots.js";

const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const BETA = ["import os", "", "def main():", "    pass", "", "", "# the needle is here", "main()", ""].join("\n");

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(["v1", "ai"] as const)("the file browser against a hub serving %s", (api) => {
  const screenshots = api === "v1";
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  let home: string;
  const opened: string[] = [];

  const list = () => page.getByRole("listbox", { name: "Files in this folder" });
  const row = (name: string) => list().getByRole("option", { name, exact: true });
  const names = () => list().getByRole("option").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
  const notice = () => page.getByRole("status", { name: "Notice" });
  const select = async (...ns: string[]) => {
    if ((await page.getByRole("option", { selected: true }).count()) > 0) await list().press("Escape").catch(() => undefined);
    for (const n of ns) await row(n).click({ modifiers: ["Control"] });
  };
  const onDisk = (rel: string) => existsSync(join(home, rel));

  beforeAll(async () => {
    hub = await startTestHub({ api });
    const pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Browser project" }).project_id;
    if (api === "ai") allowProject(hub, hub.credentials.api_key, pid);
    home = hub.hub.runtime.createFolder(pid);
    mkdirSync(join(home, "docs"));
    mkdirSync(join(home, ".cocalc-sync"));
    writeFileSync(join(home, "alpha.txt"), "alpha\n");
    writeFileSync(join(home, "beta.py"), BETA);
    writeFileSync(join(home, "zeta.csv"), "a,b\n".repeat(500));
    writeFileSync(join(home, "taken.txt"), "keep me\n");
    writeFileSync(join(home, ".hidden-notes"), "hidden\n");
    const now = Date.now() / 1000;
    utimesSync(join(home, "alpha.txt"), now - 180, now - 180);
    utimesSync(join(home, "beta.py"), now - 7200, now - 7200);
    utimesSync(join(home, "zeta.csv"), now - 86_400 * 3, now - 86_400 * 3);
    a = await openApp(browser, {
      hub,
      compose: {
        openPath: async (p) => {
          opened.push(p);
          return "";
        },
      },
    });
    page = a.page;
    await connectTo(a, hub);
    // a cocalc.ai hub runs commands only in a started project: started the way the app starts one
    if (api === "ai") await a.app.services["projects.action"]({ project_id: pid, action: "start" });
    await page.getByLabel("Filter projects").fill("Browser project");
    await page.getByRole("option", { name: /Browser project/ }).dblclick();
    await row("alpha.txt").waitFor({ timeout: 60_000 });
  }, 180_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it("lists folders first with sizes and relative times, hides dotfiles until Ctrl+H, never the sync's folder, and sorts", async () => {
    expect(await names()).toEqual(["docs", "alpha.txt", "beta.py", "taken.txt", "zeta.csv"]);
    expect(readdirSync(home)).toEqual(expect.arrayContaining([".hidden-notes", ".cocalc-sync"]));
    expect(await row("alpha.txt").textContent()).toMatch(/alpha\.txt6 B3 minutes ago$/);
    expect(await row("zeta.csv").locator(".col-mtime").getAttribute("title")).toMatch(/20\d\d/);
    await page.keyboard.press("Control+h");
    await expect.poll(names).toEqual(["docs", ".hidden-notes", "alpha.txt", "beta.py", "taken.txt", "zeta.csv"]);
    await page.keyboard.press("Control+h");
    await expect.poll(names).toEqual(["docs", "alpha.txt", "beta.py", "taken.txt", "zeta.csv"]);
    await page.getByRole("button", { name: "Sort by size" }).click();
    await expect.poll(names).toEqual(["docs", "zeta.csv", "beta.py", "taken.txt", "alpha.txt"]);
    await page.getByRole("button", { name: "Sort by modified" }).click();
    await expect.poll(names).toEqual(["docs", "taken.txt", "alpha.txt", "beta.py", "zeta.csv"]);
    await page.getByRole("button", { name: "Sort by modified" }).click();
    await expect.poll(names).toEqual(["docs", "zeta.csv", "beta.py", "alpha.txt", "taken.txt"]);
    if (screenshots) await shoot(page, "files-browser");
    await page.getByRole("button", { name: "Sort by name" }).click();
    await expect.poll(names).toEqual(["docs", "alpha.txt", "beta.py", "taken.txt", "zeta.csv"]);
  });

  it("renames in place with F2, undoes it, and refuses a name that exists without replacing it", async () => {
    await select("alpha.txt");
    await page.keyboard.press("F2");
    // Delete in the name field edits the name; it never deletes the file
    await page.getByLabel("New name for alpha.txt").press("Delete");
    expect(await page.getByLabel("New name for alpha.txt").inputValue()).toBe(".txt");
    expect(onDisk("alpha.txt")).toBe(true);
    await page.getByLabel("New name for alpha.txt").fill("renamed.txt");
    await page.keyboard.press("Enter");
    await expect.poll(() => onDisk("renamed.txt") && !onDisk("alpha.txt")).toBe(true);
    await expect.poll(() => notice().textContent()).toMatch(/Renamed alpha\.txt to renamed\.txt\./);
    await row("renamed.txt").waitFor();
    await notice().getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => onDisk("alpha.txt") && !onDisk("renamed.txt")).toBe(true);
    await row("alpha.txt").waitFor();

    await select("alpha.txt");
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByLabel("New name for alpha.txt").fill("taken.txt");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/'taken\.txt' already exists\. Nothing was replaced\./);
    expect(readFileSync(join(home, "taken.txt"), "utf8")).toBe("keep me\n");
    expect(readFileSync(join(home, "alpha.txt"), "utf8")).toBe("alpha\n");
  });

  it("moves several selected by dragging them onto a folder, and back with Move to…", async () => {
    await select("alpha.txt", "beta.py");
    await row("alpha.txt").dragTo(row("docs"));
    await expect.poll(() => onDisk("docs/alpha.txt") && onDisk("docs/beta.py") && !onDisk("alpha.txt") && !onDisk("beta.py")).toBe(true);
    expect(sha(join(home, "docs/beta.py"))).toBe(createHash("sha256").update(BETA).digest("hex"));
    await expect.poll(() => notice().textContent()).toMatch(/Moved 2 items to ~\/docs\./);
    await expect.poll(names).toEqual(["docs", "taken.txt", "zeta.csv"]);

    await row("docs").click();
    await row("beta.py").waitFor();
    await select("alpha.txt", "beta.py");
    await page.getByRole("button", { name: "Move to…" }).click();
    const dialog = page.getByRole("dialog", { name: "Move to a folder" });
    await dialog.getByLabel("Destination folder").fill("");
    if (screenshots) await shoot(page, "files-move");
    await dialog.getByRole("button", { name: "Move", exact: true }).click();
    await expect.poll(() => onDisk("alpha.txt") && onDisk("beta.py") && readdirSync(join(home, "docs")).length === 0).toBe(true);
    await page.getByRole("button", { name: "~", exact: true }).click();
    await row("alpha.txt").waitFor();
  });

  it("duplicates several at once beside themselves, byte for byte", async () => {
    await select("zeta.csv", "docs");
    await page.getByRole("button", { name: "Duplicate" }).click();
    await expect.poll(() => onDisk("zeta (copy).csv") && onDisk("docs (copy)")).toBe(true);
    expect(sha(join(home, "zeta (copy).csv"))).toBe(sha(join(home, "zeta.csv")));
    await row("zeta (copy).csv").waitFor();
  });

  it("deletes into the project's .trash, undoes it, deletes again, restores from the Trash view, and empties it", async () => {
    await select("alpha.txt", "zeta (copy).csv");
    await list().press("Delete");
    await expect.poll(() => onDisk(".trash/alpha.txt") && onDisk(".trash/zeta (copy).csv") && !onDisk("alpha.txt")).toBe(true);
    await notice().getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => onDisk("alpha.txt") && onDisk("zeta (copy).csv") && !onDisk(".trash/alpha.txt")).toBe(true);
    expect(readFileSync(join(home, "alpha.txt"), "utf8")).toBe("alpha\n");

    await row("alpha.txt").waitFor();
    await select("alpha.txt", "zeta (copy).csv");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await expect.poll(() => onDisk(".trash/alpha.txt") && !onDisk("alpha.txt")).toBe(true);
    await page.getByRole("button", { name: "Trash", exact: true }).click();
    const trash = page.getByRole("listbox", { name: "Items in the trash" });
    await trash.getByRole("option", { name: "alpha.txt" }).click();
    if (screenshots) await shoot(page, "files-trash");
    await page.getByRole("button", { name: /^Restore/ }).click();
    await expect.poll(() => onDisk("alpha.txt") && !onDisk(".trash/alpha.txt")).toBe(true);
    expect(readFileSync(join(home, "alpha.txt"), "utf8")).toBe("alpha\n");
    await expect.poll(() => trash.getByRole("option").count()).toBe(1);
    await page.getByRole("button", { name: "Empty trash" }).click();
    await page.getByRole("alertdialog", { name: "Delete for ever?" }).getByRole("button", { name: "Delete for ever" }).click();
    await expect.poll(() => readdirSync(join(home, ".trash")).length).toBe(0);
    await page.getByText(/The trash is empty\./).waitFor();
    if (screenshots) await shoot(page, "files-trash-empty");
    await page.getByRole("button", { name: "Back to files" }).click();
  });

  it("searches names and contents (Ctrl+Shift+F) and opens a line where it is", async () => {
    writeFileSync(join(home, "docs/needle-notes.md"), "nothing here\n");
    await page.keyboard.press("Control+Shift+F");
    await page.getByLabel("Search for").fill("needle");
    await page.keyboard.press("Enter");
    const namesFound = page.getByRole("listbox", { name: "Names matching" });
    const lines = page.getByRole("listbox", { name: "Lines matching" });
    await namesFound.getByRole("option", { name: "docs/needle-notes.md" }).waitFor();
    await lines.getByRole("option", { name: "beta.py:7" }).waitFor();
    if (screenshots) await shoot(page, "files-search");
    await lines.getByRole("option", { name: "beta.py:7" }).click();
    await expect.poll(() => page.locator(".cm-activeLine").textContent()).toBe("# the needle is here");
    expect(readFileSync(join(home, "beta.py"), "utf8").split("\n")[6]).toBe("# the needle is here");
    await page.getByRole("button", { name: "Close search" }).click();
  });

  it("opens a file with the system's app from a byte-exact copy", async () => {
    await select("zeta.csv");
    await page.getByRole("button", { name: "Open with system app" }).click();
    await expect.poll(() => opened.length).toBe(1);
    expect(sha(opened[0]!)).toBe(sha(join(home, "zeta.csv")));
  });

  it("fits a window of 800×600", async () => {
    if (!screenshots) return;
    await page.setViewportSize({ width: 800, height: 600 });
    await shoot(page, "files-browser-800x600");
    await page.getByRole("button", { name: "Trash", exact: true }).click();
    await page.getByText(/The trash is empty\./).waitFor();
    await shoot(page, "files-trash-800x600");
    await page.getByRole("button", { name: "Back to files" }).click();
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByLabel("Search for").fill("main");
    await page.keyboard.press("Enter");
    await page.getByRole("listbox", { name: "Lines matching" }).getByRole("option", { name: "beta.py:3" }).waitFor();
    await shoot(page, "files-search-800x600");
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
