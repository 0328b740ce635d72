/** `npm run hub -- --api ai`: the JSON line carries a fresh scoped key, shaped by --key-capabilities and --key-projects. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { HubCredentials } from "../../shared/hub-credentials.js";
import { hubEntry } from "../support/hub-entry.js";

const ROOT = join(import.meta.dirname, "..", "..");
const dataDir = mkdtempSync(join(tmpdir(), "hub-ai-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Start the CLI and wait for its line; or, when it exits first, its code and stderr. */
async function runHub(args: string[]): Promise<{ creds: HubCredentials; stop: () => Promise<void> } | { code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...hubEntry(), "--port", "0", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no line from the hub: ${out} ${err}`));
    }, 30_000);
    child.stdout.on("data", () => {
      if (!out.includes("\n")) return;
      clearTimeout(t);
      const creds = HubCredentials.parse(JSON.parse(out.split("\n")[0]!));
      resolve({
        creds,
        stop: () =>
          new Promise<void>((r) => {
            child.on("exit", () => r());
            child.kill("SIGTERM");
          }),
      });
    });
    child.on("exit", (code) => {
      clearTimeout(t);
      resolve({ code, stderr: err });
    });
  });
}

const post = async (url: string, path: string, body: unknown, key: string) => {
  const res = await request(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  return JSON.parse(await res.body.text()) as unknown;
};
const errorOf = (v: unknown) => (v as { error?: string } | null)?.error;

/** A client's start (facts §7): projects/start, then the state until it runs. */
async function startProject(url: string, project_id: string, key: string): Promise<void> {
  expect(await post(url, "/api/v2/projects/start", { project_id }, key)).toEqual({ status: "ok" });
  await expect.poll(async () => ((await post(url, "/api/conat/hub", { name: "projects.getProjectState", args: [{ project_id }] }, key)) as { state?: string }).state).toBe("running");
}

describe("hub CLI --api ai", () => {
  let example = "";
  let first: HubCredentials;

  it("prints a fresh sk-cc-v2 key with the eight capabilities over every project of the admin, and keeps credentials.json in step", async () => {
    const h = await runHub(["--data", dataDir, "--api", "ai"]);
    if (!("creds" in h)) throw new Error(`the hub did not start: ${h.stderr}`);
    try {
      first = h.creds;
      const { url, api_key: key, account_id } = h.creds;
      expect(key).toMatch(/^sk-cc-v2\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
      expect(h.creds).toMatchObject({ api: "ai", ai_product: "hosted" });
      const file = join(dataDir, "credentials.json");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(HubCredentials.parse(JSON.parse(readFileSync(file, "utf8")))).toEqual(h.creds);

      // each of the eight capabilities works on the admin's example project
      const projects = (await post(url, "/api/v2/projects/get", {}, key)) as { project_id: string }[]; // project:list
      example = projects[0]!.project_id;
      expect(((await post(url, "/api/v2/accounts/profile", {}, key)) as { profile: { account_id: string } }).profile.account_id).toBe(account_id); // account:read
      await startProject(url, example, key); // project:exec
      expect(await post(url, "/api/v2/exec", { project_id: example, command: "echo", args: ["ok"] }, key)).toMatchObject({ stdout: "ok\n" }); // project:exec
      expect(await post(url, "/api/conat/hub", { name: "projects.getProjectState", args: [{ project_id: example }] }, key)).toHaveProperty("state"); // project:read
      expect(await post(url, "/api/v2/projects/update", { project_id: example, description: "cli" }, key)).toEqual({ status: "ok" }); // project:write
      // file:read + file:write: past the scope checks, into the copy's (default) timeout
      expect(errorOf(await post(url, "/api/v2/projects/copy-path", { src_project_id: example, target_project_id: example, path: "README.txt", target_path: "c.txt", timeout: 1 }, key))).toMatch(/^timeout/);
      const made = (await post(url, "/api/v2/projects/create", { title: "by cli key" }, key)) as { project_id: string }; // project:create
      expect(made.project_id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await h.stop();
    }
  }, 60_000);

  it("--key-capabilities and --key-projects shape the key; a restart keeps the admin and mints a new key", async () => {
    const h = await runHub(["--data", dataDir, "--api", "ai", "--key-capabilities", "project:exec,project:list", "--key-projects", example]);
    if (!("creds" in h)) throw new Error(`the hub did not start: ${h.stderr}`);
    try {
      const { url, api_key: key } = h.creds;
      expect(h.creds.account_id).toBe(first.account_id);
      expect(key).not.toBe(first.api_key);
      const projects = (await post(url, "/api/v2/projects/get", {}, key)) as { project_id: string }[];
      expect(projects.length).toBe(2);
      const newer = projects.find((p) => p.project_id !== example)!.project_id;
      expect(await post(url, "/api/v2/projects/start", { project_id: example }, key)).toEqual({ status: "ok" });
      await expect.poll(async () => post(url, "/api/v2/exec", { project_id: example, command: "true" }, key)).toMatchObject({ exit_code: 0 });
      expect(errorOf(await post(url, "/api/v2/exec", { project_id: newer, command: "true" }, key))).toBe(`API key lacks required capability 'project:exec' for project ${newer}`);
      expect(errorOf(await post(url, "/api/v2/accounts/get-names", { account_ids: [h.creds.account_id] }, key))).toBe("API key lacks required capability 'account:read'");
    } finally {
      await h.stop();
    }
  }, 60_000);

  it("the same data folder started without --api ai keeps the admin and password, with a classic key again", async () => {
    const h = await runHub(["--data", dataDir]);
    if (!("creds" in h)) throw new Error(`the hub did not start: ${h.stderr}`);
    try {
      expect(h.creds).toMatchObject({ account_id: first.account_id, password: first.password });
      expect(h.creds.api).toBeUndefined();
      expect(h.creds.api_key).toMatch(/^sk_/);
      expect(await post(h.creds.url, "/api/v1/ping", {}, h.creds.api_key)).toMatchObject({ event: "pong" });
    } finally {
      await h.stop();
    }
  }, 60_000);

  it.each([
    [["--api", "ai", "--key-capabilities", "project:delete"], /invalid API key capability 'project:delete'/],
    [["--api", "ai", "--key-projects", "nope"], /invalid allowed project id 'nope'/],
    [["--api", "ai", "--ai-product", "rocket"], /--ai-product must be 'hosted'/],
    [["--api", "cocalc"], /--api must be 'v1', 'current'.*'ai'/],
  ])("refuses %j with a clear message", async (args, message) => {
    const r = await runHub(["--data", dataDir, ...args]);
    if ("creds" in r) {
      await r.stop();
      throw new Error("the hub started");
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  }, 60_000);
});
