/**
 * Issue 20 §1 and issue 23 §6 in Debian's Chromium against a real hub in
 * every API generation: a click on a file in Files shows the view its bytes
 * call for — an image, a PDF drawn by pdf.js, a notebook rendered (with
 * "Edit as JSON" one click away), a CSV as a table, anything else as a card
 * with its size, type and sha256 — and never puts a file that is not UTF-8
 * text into the editor or offers to save it. A text with a BOM and CRLF is
 * edited and saved with both kept. No other file changes by a byte.
 * Screenshots of each view, light and dark.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { allowProject, startTestHub, type TestHub } from "../support/hub.js";
import { sha256, writeDocFixtures } from "../support/doc-fixtures.js";
import { shoot } from "../support/screenshots.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(["v1", "current", "ai"] as const)("opening files in Files against a hub serving %s", (api) => {
  const screenshots = api === "v1";
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  let dir: string;
  let originals: Record<string, Buffer>;
  /** what the shell was asked to open with the system's app (the shell's shell.openPath, recorded) */
  const opened: string[] = [];
  const onDisk = (name: string) => readFileSync(join(dir, name));

  const open = async (name: string) => {
    await page.getByRole("option", { name, exact: true }).click();
    await page.getByRole("tab", { name: new RegExp(`^docs/${name.replace(".", "\\.")}`) }).waitFor();
  };
  const noEditor = async (name: string) => {
    expect(await page.getByRole("textbox", { name: `Editor: docs/${name}` }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Save/ }).count()).toBe(0);
  };

  beforeAll(async () => {
    hub = await startTestHub({ api });
    const pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Open files" }).project_id;
    if (api === "ai") allowProject(hub, hub.credentials.api_key, pid);
    dir = join(hub.hub.runtime.createFolder(pid), "docs");
    originals = writeDocFixtures(dir);
    a = await openApp(browser, { hub, compose: { openPath: async (p) => (opened.push(p), "") }, dataDir: mkdtempSync(join(tmpdir(), "open-e2e-")) });
    page = a.page;
    await connectTo(a, hub);
    await page.getByRole("option", { name: /Open files/ }).dblclick();
    await page.getByRole("heading", { name: "Files" }).waitFor();
    await page.getByRole("option", { name: "docs" }).click({ timeout: 30_000 });
    await page.getByRole("option", { name: "figure.png" }).waitFor({ timeout: 30_000 });
  }, 180_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it("a PNG is shown as an image, decoded, with no editor and no Save", async () => {
    await open("figure.png");
    const img = page.getByRole("img", { name: "Image: docs/figure.png" }).locator("img");
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(96);
    await noEditor("figure.png");
    if (screenshots) await shoot(page, "open-image");
  });

  it("a PDF is drawn by pdf.js", async () => {
    await open("paper.pdf");
    const pdf = page.getByRole("document", { name: "PDF: docs/paper.pdf" });
    await expect.poll(() => pdf.getAttribute("aria-busy"), { timeout: 30_000 }).toBe("false");
    // the page has ink: the title's glyphs and the blue box, not a blank canvas
    const inked = await pdf.locator("canvas").first().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! < 128) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(1000);
    await noEditor("paper.pdf");
    if (screenshots) await shoot(page, "open-pdf");
  });

  it("a notebook opens rendered, with Edit as JSON one click away", async () => {
    await open("welcome.ipynb");
    await page.getByRole("heading", { name: "Welcome" }).waitFor();
    await page.locator(".file-viewer").getByText("hello", { exact: true }).first().waitFor();
    await noEditor("welcome.ipynb");
    if (screenshots) await shoot(page, "open-notebook");
    await page.getByRole("button", { name: "Edit as JSON" }).click();
    const json = page.getByRole("textbox", { name: "Editor: docs/welcome.ipynb" });
    await expect.poll(() => json.textContent()).toContain('"nbformat": 4');
    // an edit made as JSON is shown rendered, and is still there back in the editor (unsaved: nothing written)
    await json.click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("End");
    await page.keyboard.type(' "metadata": {"edited": true},');
    await page.getByRole("button", { name: "Show rendered" }).click();
    await page.getByRole("heading", { name: "Welcome" }).waitFor();
    await page.getByRole("button", { name: "Edit as JSON" }).click();
    await expect.poll(() => json.textContent()).toContain('"edited": true');
    expect(onDisk("welcome.ipynb").equals(originals["welcome.ipynb"]!)).toBe(true);
    await page.getByRole("button", { name: "Show rendered" }).click();
    await page.getByRole("heading", { name: "Welcome" }).waitFor();
  });

  it("a CSV is a table, quoted fields and all", async () => {
    await open("data.csv");
    const table = page.getByRole("table", { name: "Table: docs/data.csv" });
    await table.getByRole("cell", { name: "Zürich" }).waitFor();
    expect(await table.getByRole("cell", { name: 'rivers "Rhône" and Saône' }).count()).toBe(1);
    expect(await table.getByRole("columnheader", { name: "note, with comma" }).count()).toBe(1);
    if (screenshots) await shoot(page, "open-csv");
  });

  it.each(["big.bin", "latin1.txt"])("%s (not UTF-8) is a card with size, type and sha256, never the editor", async (name) => {
    await open(name);
    const card = page.getByRole("region", { name: `File: docs/${name}` });
    await card.waitFor();
    expect(await card.getByLabel("SHA-256").textContent()).toBe(sha256(originals[name]!));
    expect(await card.getByLabel("Size").textContent()).toContain(`${originals[name]!.length.toLocaleString("en-US")} bytes`);
    await noEditor(name);
    if (screenshots && name === "big.bin") await shoot(page, "open-binary");
    // the system's app gets exactly the file's bytes, downloaded and checked
    await card.getByRole("button", { name: "Open with the system's app" }).click();
    await card.getByText(/Opened with the system's app/).waitFor({ timeout: 30_000 });
    expect(sha256(readFileSync(opened.at(-1)!))).toBe(sha256(originals[name]!));
  });

  it("a UTF-8 text with a BOM and CRLF is edited and saved with both kept; no other file changed", async () => {
    await open("bom-crlf.txt");
    const editor = page.getByRole("textbox", { name: "Editor: docs/bom-crlf.txt" });
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("third line\n");
    await page.keyboard.press("Control+s");
    const want = Buffer.from("\uFEFFfirst line é\r\nsecond line\r\nthird line\r\n", "utf8");
    await expect.poll(() => onDisk("bom-crlf.txt").equals(want), { timeout: 30_000 }).toBe(true);
    await page.getByText("saved", { exact: true }).waitFor();
    // saving again with nothing changed writes nothing
    await page.keyboard.press("Control+s");
    await page.getByText("No changes to save.", { exact: false }).waitFor();
    for (const [name, b] of Object.entries(originals)) if (name !== "bom-crlf.txt") expect({ name, sha: sha256(onDisk(name)) }).toEqual({ name, sha: sha256(b) });
  });

  it("a file mixing line endings is shown read-only and cannot be saved", async () => {
    await open("mixed.txt");
    await page.getByRole("note", { name: "Read-only" }).waitFor();
    expect(await page.getByRole("button", { name: /^Save/ }).count()).toBe(0);
    const editor = page.getByRole("textbox", { name: "Editor: docs/mixed.txt" });
    await editor.click();
    await page.keyboard.type("typed");
    await page.keyboard.press("Control+s");
    expect(await editor.textContent()).not.toContain("typed");
    expect(onDisk("mixed.txt").equals(originals["mixed.txt"]!)).toBe(true);
  });
});
