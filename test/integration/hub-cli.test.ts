/** `npm run hub`: one JSON line once ready, credentials.json at 0600, the same admin on a restart. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { HubCredentials as Credentials } from "../../shared/hub-credentials.js";
import { hubEntry } from "../support/hub-entry.js";

const ROOT = join(import.meta.dirname, "..", "..");
const dataDir = mkdtempSync(join(tmpdir(), "hub-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Start the CLI, wait for its first line, give it a moment to print anything more, stop it. */
async function runHub(args: string[]): Promise<{ lines: string[]; creds: Credentials; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...hubEntry(), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no line from the hub: ${out}`)), 50_000);
    child.stdout.on("data", () => {
      if (out.includes("\n")) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on("exit", (c) => reject(new Error(`hub exited ${c}`)));
  });
  const creds = Credentials.parse(JSON.parse(out.split("\n")[0]!));
  // a request through the hub, then look again: still exactly one line
  await request(`${creds.url}/api/v1/ping`, { method: "POST", headers: { authorization: `Bearer ${creds.api_key}` } }).then((r) => r.body.text());
  return {
    lines: out.split("\n").filter(Boolean),
    creds,
    stop: () =>
      new Promise<void>((r) => {
        child.on("exit", () => r());
        child.kill("SIGTERM");
      }),
  };
}

describe("hub CLI", () => {
  let first: Credentials;
  it("prints exactly one JSON line of admin credentials, on 127.0.0.1, and writes them 0600", async () => {
    const h = await runHub(["--port", "0", "--data", dataDir]);
    await h.stop();
    expect(h.lines.length).toBe(1);
    first = h.creds;
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.api_key).toMatch(/^sk_[A-Za-z0-9]{24}$/);
    const file = join(dataDir, "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(first);
    // the example project: a notebook and a text file
    const projects = join(dataDir, "projects");
    const [example] = readdirSync(projects);
    expect(existsSync(join(projects, example!, "welcome.ipynb"))).toBe(true);
    expect(existsSync(join(projects, example!, "README.txt"))).toBe(true);
  });

  it("reuses the admin account and key of a data folder on the next start", async () => {
    const h = await runHub(["--port", "0", "--data", dataDir]);
    try {
      expect(h.creds.account_id).toBe(first.account_id);
      expect(h.creds.api_key).toBe(first.api_key);
      const res = await request(`${h.creds.url}/api/v1/query`, {
        method: "POST",
        headers: { authorization: `Bearer ${h.creds.api_key}`, "content-type": "application/json" },
        body: JSON.stringify({ query: { projects_all: [{ project_id: null, title: null }] } }),
      });
      const rows = (JSON.parse(await res.body.text()) as { query: { projects_all: { title: string }[] } }).query.projects_all;
      expect(rows.map((r) => r.title)).toEqual(["Example project"]);
    } finally {
      await h.stop();
    }
  });

  it("refuses a bad option with a clear message", async () => {
    const child = spawn(process.execPath, [...hubEntry(), "--port", "abc"], { cwd: ROOT });
    let err = "";
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect(code).toBe(2);
    expect(err).toMatch(/--port must be a whole number/);
  });

  it("is realistic by default, and kinder only when told: --create-account, --copy-mode kucalc", async () => {
    const post = (url: string, key: string, event: string, body: unknown) =>
      request(`${url}/api/v1/${event}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> }));
    const account = { email_address: "new@example.org", password: "abcdefgh", agreed_to_terms: true };
    const plain = await runHub(["--port", "0", "--data", mkdtempSync(join(tmpdir(), "hub-cli-real-"))]);
    try {
      expect(await post(plain.creds.url, plain.creds.api_key, "create_account", account)).toEqual({ status: 400, json: { error: "unknown message event type 'create_account'" } });
    } finally {
      await plain.stop();
    }
    const kind = await runHub(["--port", "0", "--data", mkdtempSync(join(tmpdir(), "hub-cli-kind-")), "--create-account", "--copy-mode", "kucalc", "--exec-kill-on-disconnect"]);
    try {
      expect(await post(kind.creds.url, kind.creds.api_key, "create_account", account)).toMatchObject({ status: 200, json: { event: "account_created" } });
      // the queue answers a copy id to follow
      const pid = String((await post(kind.creds.url, kind.creds.api_key, "create_project", { title: "p" })).json.project_id);
      const copy = await post(kind.creds.url, kind.creds.api_key, "copy_path_between_projects", { src_project_id: pid, src_path: "x", target_project_id: pid, target_path: "y" });
      expect(copy.json.copy_path_id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await kind.stop();
    }
    const bad = spawn(process.execPath, [...hubEntry(), "--copy-mode", "queue"], { cwd: ROOT });
    let err = "";
    bad.stderr.on("data", (b: Buffer) => (err += b.toString()));
    expect(await new Promise<number | null>((r) => bad.on("exit", r))).toBe(2);
    expect(err).toMatch(/--copy-mode must be 'single-user'/);
  }, 120_000);
});
