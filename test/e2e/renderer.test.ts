/**
 * The renderer end to end in Debian's Chromium, its API bridged to the real
 * main-process router, against a real local hub — serving API v1 only, the
 * current generation only, and cocalc.ai (`--api ai`), with the same
 * assertions; where cocalc.ai lacks a feature (the server's copy, kiosk
 * tokens), its "not available" message is asserted instead. The v1 run also writes the screenshots of each main screen,
 * light and dark, into test/screenshots/.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { openApp, type AppPage } from "../support/app-page.js";
import { cmText } from "../support/codemirror.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { isRunning } from "../support/process.js";
import { SHOTS, shoot } from "../support/screenshots.js";

const N_PROJECTS = 2000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(() => browser?.close());

const AI_CAPABILITIES = ["account:read", "project:create", "project:list", "project:read", "project:write", "file:read", "file:write", "project:exec"];

/**
 * Many projects, made in the hub's own store: the create routes of every generation are tested elsewhere (hub-api,
 * hub-ai, ai-backend, "creates a project" below); 2,000 calls through them here would cost minutes of a loaded machine.
 * One transaction, not one commit (a journal sync) per project: 2.2 s instead of 69 s on a loaded machine.
 */
function createProjects(hub: TestHub, titles: string[]): void {
  hub.hub.store.db.transaction(() => {
    for (const title of titles) hub.hub.runtime.createFolder(hub.hub.store.createProject(hub.credentials.account_id, { title }).project_id);
  });
}

describe.each(["v1", "current", "ai"] as const)("the app against a hub serving %s", (api) => {
  const ai = api === "ai";
  /** the key the person gives the app; on cocalc.ai one made in the browser for every project there is */
  let appKey: string;
  let a: AppPage;
  let hub: TestHub;
  let dataDir: string;
  let port: number;
  let page: Page;
  const screenshots = api === "v1";
  const hubDir = () => (pid: string) => hub.hub.runtime.folder(pid);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "e2e-hub-"));
    hub = await startTestHub({ api, dataDir, settings: { aiLimits: "off" } });
    port = Number(new URL(hub.url).port);
    createProjects(hub, Array.from({ length: N_PROJECTS }, (_, i) => `Project ${String(i).padStart(4, "0")}${i === 1234 ? " Needle" : ""}`));
    appKey = ai ? hub.mintAiKey({ capabilities: AI_CAPABILITIES, projects: hub.hub.store.projectsOf(hub.credentials.account_id).map((p) => p.project_id) }) : hub.credentials.api_key;
    a = await openApp(browser, { hub });
    page = a.page;
    page.on("dialog", (d) => void d.accept());
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await hub?.stop();
  });

  it("starts at Connect with no server; a wrong key and an unreachable address say what happened", async () => {
    await page.getByRole("heading", { name: "Connect" }).waitFor();
    await page.getByLabel("Server URL").fill(hub.url);
    await page.getByLabel("API key").fill(ai ? "sk-cc-v2.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" : "sk_wrongwrongwrongwrongwron");
    await page.getByRole("button", { name: "Add with key" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent(), { timeout: 20_000 }).toMatch(/did not accept the API key/);
    await page.getByRole("button", { name: /^Remove / }).first().click();
    await page.getByRole("dialog", { name: /^Remove / }).getByRole("button", { name: "Remove", exact: true }).click();
    await page.getByLabel("Server URL").fill("http://127.0.0.1:9");
    await page.getByLabel("API key").fill("sk_whateverwhateverwhatever");
    await page.getByRole("button", { name: "Add with key" }).click();
    await expect.poll(async () => (await page.getByRole("alert").allTextContents()).join(" ")).toMatch(/Nothing answers at http:\/\/127\.0\.0\.1:9 \(connection refused\)/);
    await page.getByRole("button", { name: /^Remove / }).first().click();
    await page.getByRole("dialog", { name: /^Remove / }).getByRole("button", { name: "Remove", exact: true }).click();
  });

  it("connects with a key and lists the projects", async () => {
    await page.getByLabel("Server name").fill("Local hub");
    await page.getByLabel("Server URL").fill(hub.url);
    await page.getByLabel("API key").fill(appKey);
    await page.getByRole("button", { name: "Add with key" }).click();
    await page.getByRole("heading", { name: "Projects" }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("project-count").textContent(), { timeout: 30_000 }).toBe(`${N_PROJECTS + 1} of ${N_PROJECTS + 1}`);
    expect(await page.locator("header .server").textContent()).toContain(`API ${api}`);
  });

  it("creates a project", async () => {
    await page.getByRole("button", { name: "New project" }).click();
    await page.getByLabel("New project title").fill("Made in the app");
    await page.getByRole("button", { name: "Create" }).click();
    await expect.poll(() => page.getByTestId("project-count").textContent(), { timeout: 20_000 }).toBe(`${N_PROJECTS + 2} of ${N_PROJECTS + 2}`);
    // a scoped key never reaches a project it made: the app says where to add it
    if (ai) {
      expect(await page.getByRole("status").filter({ hasText: "cannot open it yet" }).textContent()).toContain(`${hub.url}/settings/keys`);
      // the list learns it from the refused state call, and marks the row
      await page.getByRole("option", { name: /Made in the app/ }).filter({ hasText: "no access for this key" }).waitFor({ timeout: 20_000 });
      await page.getByRole("option", { name: /Made in the app/ }).click();
      await page.getByRole("status", { name: "Key access" }).waitFor({ timeout: 20_000 });
      await shoot(page, "projects-ai");
    }
    expect(hub.hub.store.projectsOf(hub.credentials.account_id).some((p) => p.title === "Made in the app")).toBe(true);
  });

  it("finds one project among 2,000 and edits its title in place", async () => {
    await page.getByLabel("Filter projects").fill("needle");
    await expect.poll(() => page.getByTestId("project-count").textContent()).toBe(`1 of ${N_PROJECTS + 2}`);
    await page.getByRole("option", { name: /Project 1234 Needle/ }).click();
    await page.getByRole("button", { name: "Edit title" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Found the needle");
    await page.getByLabel("Title", { exact: true }).press("Enter");
    await page.getByRole("option", { name: /Found the needle/ }).waitFor();
    const rows = (await hub.v1("query", { query: { projects_all: [{ project_id: null, title: "Found the needle" }] } }).catch(() => null))?.json;
    if (api === "v1") expect((rows!.query as { projects_all: unknown[] }).projects_all.length).toBe(1);
    else expect(hub.hub.store.projectsOf(hub.credentials.account_id).filter((p) => p.title === "Found the needle").length).toBe(1);
    if (screenshots) await shoot(page, "projects");
    await page.getByLabel("Filter projects").fill("Example project");
    await page.getByRole("option", { name: /Example project/ }).dblclick();
    await page.getByRole("heading", { name: "Files" }).waitFor();
  });

  it("opens, edits and saves a file", async () => {
    await page.getByRole("option", { name: "README.txt" }).click();
    const editor = page.getByRole("textbox", { name: "Editor: README.txt" });
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("Saved from the desktop app.\n");
    await page.keyboard.press("Control+s");
    await expect.poll(() => page.getByText("saved", { exact: true }).count()).toBe(1);
    const pid = (await a.app.services["projects.list"]({})).projects.find((p) => p.title === "Example project")!.project_id;
    expect(readFileSync(join(hubDir()(pid), "README.txt"), "utf8")).toMatch(/Saved from the desktop app\.\n$/);
    if (screenshots) await shoot(page, "files");
  });

  it("makes a new folder and a new file, and opens several files at once", async () => {
    const pid = (await a.app.services["projects.list"]({})).projects.find((p) => p.title === "Example project")!.project_id;
    await page.getByRole("button", { name: "New folder" }).click();
    await page.getByLabel("New folder name").fill("notes");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("button", { name: "notes", exact: true }).waitFor(); // the breadcrumb: we are in it
    await page.getByRole("button", { name: "New file" }).click();
    await page.getByLabel("New file name").fill("todo.md");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("textbox", { name: "Editor: notes/todo.md" }).click();
    await page.keyboard.type("# To do\n");
    await page.keyboard.press("Control+s");
    await expect.poll(() => { try { return readFileSync(join(hubDir()(pid), "notes/todo.md"), "utf8"); } catch { return null; } }).toBe("# To do\n");
    // back home: select two files, open both in one go
    await page.getByRole("button", { name: "~" }).click();
    await page.getByRole("option", { name: "welcome.ipynb" }).click({ modifiers: ["Control"] });
    await page.getByRole("option", { name: "README.txt" }).click({ modifiers: ["Control"] });
    await page.getByRole("button", { name: "Open selected (2)" }).click();
    await page.getByRole("tab", { name: /welcome\.ipynb/ }).waitFor();
    expect(await page.getByRole("tab").count()).toBeGreaterThanOrEqual(3);
    await page.getByRole("tab", { name: /README\.txt/ }).click();
  });

  it("hits a save conflict and resolves it both ways", async () => {
    const pid = (await a.app.services["projects.list"]({})).projects.find((p) => p.title === "Example project")!.project_id;
    const file = join(hubDir()(pid), "README.txt");
    const editor = page.getByRole("textbox", { name: "Editor: README.txt" });
    // 1. someone changes the file on the server; my save is refused; I take theirs
    writeFileSync(file, "changed on the server\n");
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("mine 1\n");
    await page.getByRole("button", { name: /^Save/ }).click();
    const conflict = page.getByRole("alert", { name: "Save conflict" });
    await conflict.waitFor();
    // the diff view is loaded on first use: its editors fill once it has come
    await expect.poll(() => cmText(page.getByLabel("Server version"))).toBe("changed on the server\n");
    await expect.poll(() => cmText(page.getByLabel("Your version"))).toMatch(/mine 1\n$/);
    expect(readFileSync(file, "utf8")).toBe("changed on the server\n");
    if (screenshots) await shoot(page, "conflict");
    await page.getByRole("button", { name: "Take the server's (drop mine)" }).click();
    await conflict.waitFor({ state: "detached" });
    await expect.poll(() => page.getByRole("textbox", { name: "Editor: README.txt" }).textContent()).toBe("changed on the server");
    // 2. again, and this time keep mine
    writeFileSync(file, "changed again\n");
    await page.getByRole("textbox", { name: "Editor: README.txt" }).click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("mine 2");
    await page.keyboard.press("Control+s");
    await conflict.waitFor();
    await page.getByRole("button", { name: "Keep mine (overwrite the server's)" }).click();
    await conflict.waitFor({ state: "detached" });
    await expect.poll(() => readFileSync(file, "utf8")).toBe("changed on the server\nmine 2");
  });

  it("runs a command and shows stdout, stderr and a non-zero exit code apart", async () => {
    await page.getByRole("button", { name: "Console", exact: true }).click();
    await page.getByLabel("Script", { exact: true }).fill("echo out; echo err >&2; exit 3");
    await page.getByRole("button", { name: /^Run/ }).click();
    const out = page.getByRole("region", { name: "Command output" });
    await out.waitFor();
    expect(await page.getByLabel("stdout", { exact: true }).textContent()).toBe("out\n");
    expect(await page.getByLabel("stderr", { exact: true }).textContent()).toBe("err\n");
    expect(await page.getByLabel("Exit code").textContent()).toBe("3");
    if (screenshots) await shoot(page, "console");
  });

  it("cancels a long command: it is stopped on the server before the app says so", async () => {
    const pid = (await a.app.services["projects.list"]({})).projects.find((p) => p.title === "Example project")!.project_id;
    await page.getByLabel("Script", { exact: true }).fill("echo $$ > long.pid; sleep 120; touch after-cancel");
    await page.getByLabel("Timeout in seconds").fill("300");
    await page.getByRole("button", { name: /^Run/ }).click();
    const pidFile = join(hubDir()(pid), "long.pid");
    await expect.poll(() => { try { return readFileSync(pidFile, "utf8").trim().length > 0; } catch { return false; } }, { timeout: 20_000 }).toBe(true);
    const serverPid = Number(readFileSync(pidFile, "utf8"));
    await page.getByRole("button", { name: "Cancel the command" }).click();
    const note = page.getByRole("status", { name: "Command cancelled" });
    await note.waitFor({ timeout: 30_000 });
    // by the time the app says "stopped", nothing of it runs on the server (the hub no longer kills a dropped call)
    expect(isRunning(serverPid)).toBe(false);
    expect(await note.textContent()).toMatch(/cancelled and stopped on the server; none of its processes are left/);
    // shown as a cancel, not as a red error
    expect(await page.getByRole("alert").count()).toBe(0);
  }, 60_000);

  it("copies a folder to another project: 'copying…' until the copy is confirmed, then done", async () => {
    const projects = (await a.app.services["projects.list"]({})).projects;
    const src = projects.find((p) => p.title === "Example project")!.project_id;
    const target = projects.find((p) => p.title === "Project 0007")!;
    mkdirSync(join(hubDir()(src), "data/inner"), { recursive: true });
    writeFileSync(join(hubDir()(src), "data/inner/x.txt"), "copied\n");
    for (let i = 0; i < 3000; i++) writeFileSync(join(hubDir()(src), "data", `f${i}.txt`), `${i}\n`);
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    // this server copies at once: it is not offered a time to run at
    await expect.poll(() => page.getByLabel("Scheduling").textContent(), { timeout: 20_000 }).toMatch(/runs copies right away/);
    expect(await page.getByLabel("Scheduled time").count()).toBe(0);
    await page.getByLabel("Source path").fill("data");
    await page.getByLabel("Target project").selectOption(target.project_id);
    await page.getByLabel("Target path").fill("from-example");
    await page.getByRole("button", { name: "Copy", exact: true }).last().click();
    await expect.poll(() => page.getByLabel("Copy status").first().textContent()).toBe("copying…");
    await expect.poll(() => page.getByLabel("Copy status").first().textContent(), { timeout: 60_000 }).toBe("done");
    expect(readdirSync(join(hubDir()(target.project_id), "from-example")).length).toBe(3001);
    expect(readFileSync(join(hubDir()(target.project_id), "from-example/inner/x.txt"), "utf8")).toBe("copied\n");
    if (screenshots) await shoot(page, "copy");
  }, 120_000);

  it("a copy whose source is missing shows the failure in words", async () => {
    await page.getByLabel("Source path").fill("no-such-folder");
    await page.getByRole("button", { name: "Copy", exact: true }).last().click();
    await expect.poll(() => page.getByLabel("Copy status").first().textContent(), { timeout: 30_000 }).toMatch(/^failed: The copy failed: 'no-such-folder' is not \(or no longer\) in the source project/);
  });

  it("shows a notebook alone in the kiosk view, with the app's own viewer where the server's page cannot be used", async () => {
    await page.getByRole("button", { name: "Kiosk view", exact: true }).click();
    // no view of its own in the browser, and a hub as strict as real servers: the app's viewer is the default
    await expect.poll(() => page.getByRole("status", { name: "Kiosk status" }).textContent(), { timeout: 20_000 }).toMatch(/Mode: The app's own viewer/);
    await page.getByLabel("File to show").fill("welcome.ipynb");
    await page.getByRole("button", { name: "Open", exact: true }).click();
    const stage = page.getByLabel("Kiosk stage");
    await expect.poll(() => stage.getByRole("heading", { name: "Welcome to CoCalc Desktop" }).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByRole("list", { name: "Messages from the kiosk view" }).textContent(), { timeout: 20_000 }).toMatch(/done open welcome\.ipynb/);
    if (screenshots) await shoot(page, "kiosk");
    await page.getByRole("button", { name: "Close all" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Messages from the kiosk view" }).textContent()).toMatch(/done: all files are closed/);
    await expect.poll(() => stage.getByRole("heading", { name: "Welcome to CoCalc Desktop" }).count()).toBe(0);
  });

  it("opens a project from the command palette (Ctrl+K)", async () => {
    await page.keyboard.press("Control+k");
    await page.getByLabel("Command", { exact: true }).fill("open project found the needle");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Files" }).waitFor();
    expect(await page.locator("nav.side .group").textContent()).toBe("Found the needle");
  });

  it("says when the server goes away, and recovers when it is back", async () => {
    await page.getByRole("button", { name: "Projects", exact: true }).click();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await hub.stop();
    await page.getByRole("button", { name: "Refresh" }).click();
    const banner = page.getByRole("alert", { name: "Connection problem" });
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toMatch(/Nothing answers at|closed before the reply/);
    if (screenshots) await shoot(page, "offline");
    // the same server, same data, same port
    hub = await startTestHub({ api, dataDir, port, settings: { aiLimits: "off" } });
    a.hub = hub;
    await banner.waitFor({ state: "detached", timeout: 30_000 });
    await expect.poll(() => page.getByTestId("project-count").textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^\\d+ of ${N_PROJECTS + 2}$`));
  });

  it("shows the Connect screen with its servers", async () => {
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await page.getByRole("table", { name: "Servers" }).waitFor();
    expect(await page.getByRole("table", { name: "Servers" }).textContent()).toContain("Local hub");
    if (screenshots) await shoot(page, "connect");
  });
});

describe("when keys cannot be kept", () => {
  it("the Connect screen says that keys last for this run only", async () => {
    const a = await openApp(browser);
    try {
      // The test's MemoryStore has no warning; give it the one chooseSecretStore gives where no keychain answers.
      Object.assign(a.app.secrets.info, { warning: "No keychain answers here (Cannot autolaunch D-Bus without X11 $DISPLAY), so API keys are kept for this run only." });
      await a.page.reload();
      await expect.poll(() => a.page.getByRole("status").first().textContent()).toMatch(/kept for this run only/);
    } finally {
      await a.close();
    }
  });
});
