/**
 * The Files view moving files to and from this computer, in Chromium, its
 * API bridged to the real main-process router and transfer layer, against a
 * real local hub: a folder with a binary file downloaded, a file and a folder
 * uploaded by path, a file dropped onto the listing uploaded by its bytes.
 * Each is compared byte for byte (sha256 on both sides); progress reaches the
 * page; cancel stops a transfer and leaves nothing half-written.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { SHOOTING, SHOTS } from "../support/screenshots.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TransferProgress } from "../../shared/sync.js";
import { launchChromium } from "../support/browser.js";
import { connectTo, openApp, type AppPage } from "../support/app-page.js";
import { newProject, startTestHub, type TestHub } from "../support/hub.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Every file under `dir`, relative path → sha256 (folders as "dir"). */
function tree(dir: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, { [`${r}/`]: "dir" }, tree(dir, r));
    else if (e.isFile()) out[r] = sha(readFileSync(join(dir, r)));
  }
  return out;
}

/** The progress events the page received (window.cocalc.on, as the Files view listens). */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __progress: unknown[]; cocalc: { on: (e: string, l: (p: unknown) => void) => void } };
    w.__progress = [];
    w.cocalc.on("transfer.progress", (p) => w.__progress.push(p));
  });
}
const progressSeen = (page: Page) => page.evaluate(() => (window as unknown as { __progress: TransferProgress[] }).__progress);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(() => browser?.close());

describe("files to and from this computer", () => {
  let hub: TestHub;
  let a: AppPage;
  let page: Page;
  let pid: string;
  let home: string;
  const local = mkdtempSync(join(tmpdir(), "xfer-e2e-"));

  beforeAll(async () => {
    hub = await startTestHub({ api: "v1" });
    pid = await newProject(hub, "Transfer project");
    home = hub.hub.runtime.createFolder(pid);
    mkdirSync(join(home, "data/sub"), { recursive: true });
    writeFileSync(join(home, "data/bin.dat"), randomBytes(3 * 1024 * 1024 + 17)); // larger than one request body
    writeFileSync(join(home, "data/notes.txt"), "λ notes\r\nwith CRLF\n");
    writeFileSync(join(home, "data/sub/latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x00, 0xff]));
    writeFileSync(join(home, "data/sub/empty"), "");
    a = await openApp(browser, { hub });
    page = a.page;
    page.setDefaultTimeout(15_000);
    await connectTo(a, hub);
    await page.getByLabel("Filter projects").fill("Transfer project");
    await page.getByRole("option", { name: /Transfer project/ }).dblclick();
    await page.getByRole("heading", { name: "Files" }).waitFor();
    await recordProgress(page);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  }, 90_000);

  it("downloads a folder with a binary, a non-UTF-8 and an empty file, byte for byte, with progress", async () => {
    const into = join(local, "downloads");
    mkdirSync(into);
    await page.getByRole("option", { name: "data" }).click({ modifiers: ["Control"] });
    await page.getByRole("button", { name: "Download (1)…" }).click();
    // no Electron here: the chooser says so and the path field is what remains
    await page.getByRole("button", { name: "Choose…" }).click();
    await page.getByText("There is no folder chooser here").waitFor();
    await page.getByLabel("Download folder").fill(into);
    await page.getByRole("button", { name: "Download", exact: true }).click();
    await expect.poll(() => page.getByRole("status", { name: "Transfer result" }).textContent(), { timeout: 30_000 }).toMatch(/4 files, 3\.0 MB, each checked by its sha256/);
    expect(tree(join(into, "data"))).toEqual(tree(join(home, "data")));
    const seen = await progressSeen(page);
    expect(seen.length).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ files_done: 4, files_total: 4, bytes_total: 3 * 1024 * 1024 + 17 + 20 + 6 });
    expect(last.bytes_done).toBe(last.bytes_total);
  }, 90_000);

  it("refuses to download into a folder that does not exist, and says what to do", async () => {
    await page.getByRole("option", { name: "data" }).click({ modifiers: ["Control"] });
    await page.getByRole("button", { name: "Download (1)…" }).click();
    await page.getByLabel("Download folder").fill(join(local, "nowhere"));
    await page.getByRole("button", { name: "Download", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/does not exist on this computer.*Choose an existing folder/);
    await page.getByRole("button", { name: "Close" }).click();
    await page.getByRole("option", { name: "data" }).click({ modifiers: ["Control"] }); // unselect
  }, 90_000);

  it("uploads a file and a folder by their paths, byte for byte", async () => {
    const src = join(local, "up");
    mkdirSync(join(src, "folder/deeper"), { recursive: true });
    writeFileSync(join(src, "photo.bin"), randomBytes(1_500_000));
    writeFileSync(join(src, "folder/a.txt"), "a\n");
    writeFileSync(join(src, "folder/deeper/b.bin"), randomBytes(70_000));
    await page.getByRole("button", { name: "Upload…" }).click();
    await page.getByLabel("Paths to upload").fill(`${join(src, "photo.bin")}\n${join(src, "folder")}`);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await expect.poll(() => page.getByRole("status", { name: "Transfer result" }).textContent(), { timeout: 30_000 }).toMatch(/Upload of 2 items to ~\/: 3 files/);
    expect(sha(readFileSync(join(home, "photo.bin")))).toBe(sha(readFileSync(join(src, "photo.bin"))));
    expect(tree(join(home, "folder"))).toEqual(tree(join(src, "folder")));
    // the listing shows them
    await page.getByRole("option", { name: "photo.bin" }).waitFor();
    await page.getByRole("option", { name: "folder" }).waitFor();
  }, 90_000);

  it("uploads a file dropped onto the listing, by its bytes, into the open folder", async () => {
    await page.getByRole("option", { name: "folder" }).click();
    await page.getByRole("button", { name: "folder", exact: true }).waitFor(); // the breadcrumb
    const bytes = randomBytes(2 * 1024 * 1024 + 333); // three chunks
    const listing = page.getByRole("listbox", { name: "Files in this folder" });
    const dt = await page.evaluateHandle((b64) => {
      const bin = atob(b64);
      const u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([u8], "dropped ü.bin", { type: "application/octet-stream" }));
      return dt;
    }, bytes.toString("base64"));
    await listing.dispatchEvent("dragover", { dataTransfer: dt });
    await listing.dispatchEvent("drop", { dataTransfer: dt });
    await expect.poll(() => page.getByRole("status", { name: "Transfer result" }).textContent(), { timeout: 30_000 }).toMatch(/1 dropped file to ~\/folder: 1 file, 2\.0 MB/);
    expect(sha(readFileSync(join(home, "folder", "dropped ü.bin")))).toBe(sha(bytes));
    await page.getByRole("option", { name: "dropped ü.bin" }).waitFor();
    // the staging copy is gone
    expect(readdirSync(join(dirname(a.app.profiles.file), "staging"))).toEqual([]);
  }, 90_000);

  it("cancels a download: it stops, says so, and leaves no file half-written", async () => {
    // large enough that the download is still running after two screenshots: reads are 2.4 MB each
    writeFileSync(join(home, "huge.bin"), randomBytes(64 * 1024 * 1024));
    const into = join(local, "cancelled");
    mkdirSync(into);
    await page.getByRole("button", { name: "~" }).click();
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByRole("option", { name: "huge.bin" }).click({ modifiers: ["Control"] });
    await page.getByRole("button", { name: "Download (1)…" }).click();
    await page.getByLabel("Download folder").fill(into);
    await page.getByRole("button", { name: "Download", exact: true }).click();
    // progress reaches the page and is on screen before cancelling
    await expect.poll(async () => (await progressSeen(page)).some((p) => p.current === "huge.bin" && p.bytes_done > 0 && p.bytes_done < p.bytes_total), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.getByLabel("Transfer progress text").textContent()).toMatch(/^0 of 1 file, [\d.]+ [KM]B of 64 MB · huge\.bin$/);
    for (const scheme of SHOOTING ? (["light", "dark"] as const) : []) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `transfer-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: "light" });
    await page.getByRole("status", { name: "Transfer" }).getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent(), { timeout: 30_000 }).toMatch(/The download was cancelled/);
    expect(readdirSync(into)).toEqual([]);
  }, 120_000);
});
