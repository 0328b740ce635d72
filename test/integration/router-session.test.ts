/**
 * A scripted session through the real router and services against a real
 * hub: every feature channel, then a search of every IPC reply, the log file
 * and every file the app wrote for the API key and the password. It runs
 * three times, with the same assertions: against the hub serving API v1
 * only, the current generation (v2 + conat) only, and cocalc.ai (`--api ai`,
 * a scoped key with every capability and the admin's projects at start).
 * Where cocalc.ai lacks a feature, the "not available" message is asserted
 * instead; where its scoped key cannot reach a new project, the permission
 * message, and then the person widens the key as they would in the browser.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import { isRunning } from "../support/process.js";
import { allowProject, startTestHub, type TestHub } from "../support/hub.js";
import { routerClient } from "../support/router-client.js";
import { openedText, saveInput } from "../support/doc-fixtures.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** What kiosk.open answers with a cocalc.ai key: no token can be had, so the app's own viewer it is. */
const KIOSK_ON_AI = { ok: false, error: { kind: "not-available", message: "This server gives no sign-in token for an API key.", hint: "Use the app's own viewer." } };

describe.each(["v1", "current", "ai"] as const)("a session through the router, API %s", (generation) => {
const ai = generation === "ai";
let hub: TestHub;
let app: ComposedApp;
let dataDir: string;
const replies: unknown[] = [];

const { raw, call } = routerClient(() => app, (r) => replies.push(r));

beforeAll(async () => {
  // copies between two projects need both running: a free cocalc.ai plan runs one (limits are tested in project-lifecycle.test.ts)
  hub = await startTestHub({ api: generation, settings: { aiLimits: "off" } });
  dataDir = mkdtempSync(join(tmpdir(), "app-data-"));
  app = await composeApp({ dataDir, logFile: join(dataDir, "logs", "main.log"), version: "0.1.0", platform: "linux", trustedOrigins: ["app://cocalc-desktop"], secrets: new MemoryStore() });
});
afterAll(async () => {
  await app?.stop();
  await hub?.stop();
});

describe("features", () => {
  let pid: string;
  let profileId: string;

  it("starts with no server, and says what to do", async () => {
    const r = await raw("projects.list", {});
    expect(r).toMatchObject({ ok: false, error: { kind: "not-configured", hint: expect.stringMatching(/Add a server/) } });
  });

  it("adds a server with a key and tests it", async () => {
    const p = await call("profiles.add", { name: "Local hub", url: `${hub.url}/`, api_key: hub.credentials.api_key });
    profileId = p.id;
    expect(p).toMatchObject({ name: "Local hub", url: hub.url, has_key: true });
    const t = await call("profiles.test", { id: p.id });
    expect(t).toMatchObject({ generation, account_id: hub.credentials.account_id, email_address: "admin@localhost" });
    expect(t.capabilities).toMatchObject({ generation, copyDelete: generation === "v1", upgrades: generation === "v1", copy: ai ? "app" : "server", scopedKeys: ai });
    expect((await call("profiles.list", {})).profiles[0]).toMatchObject({ account_id: hub.credentials.account_id, generation });
  });

  it("a profile whose key is gone says so", async () => {
    const ref = app.profiles.get(profileId)!.key_ref;
    expect((await call("profiles.rename", { id: profileId, name: "Local hub" })).has_key).toBe(true);
    await app.secrets.delete(ref);
    expect((await call("profiles.rename", { id: profileId, name: "Local hub" })).has_key).toBe(false);
    expect((await call("profiles.list", {})).profiles.find((p) => p.id === profileId)!.has_key).toBe(false);
    await app.secrets.set(ref, hub.credentials.api_key);
  });

  it("a wrong key is an auth error that says what to do", async () => {
    const bad = await call("profiles.add", { name: "Bad key", url: hub.url, api_key: "sk_wrongwrongwrongwrongwron" });
    const r = await raw("profiles.test", { id: bad.id });
    expect(r).toMatchObject({ ok: false, error: { kind: "auth", hint: expect.stringMatching(/API key/) } });
    await call("profiles.remove", { id: bad.id });
  });

  it("creates, lists, renames and reads a project", async () => {
    const made = await call("projects.create", { title: "From the app", description: "d" });
    pid = made.project_id;
    if (ai) {
      // a scoped key never reaches a project it made: the app says so, and marks it once refused
      expect(made.notice).toMatch(new RegExp(`cannot open it yet: add it to the key's projects in Settings → SSH & API keys at ${hub.url}/settings/keys`));
      expect((await call("projects.list", {})).projects.find((p) => p.project_id === pid)).toMatchObject({ title: "From the app", key_denied: "project:read" });
      const refused = await raw("projects.update", { project_id: pid, title: "Renamed in place" });
      expect(refused).toMatchObject({
        ok: false,
        error: { kind: "permission", capability: "project:write", project_id: pid, message: expect.stringContaining(`lacks the capability 'project:write' for the project ${pid}`), hint: expect.stringContaining(`${hub.url}/settings/keys`) },
      });
      allowProject(hub, hub.credentials.api_key, pid);
    } else expect(made.notice).toBeUndefined();
    const listed = (await call("projects.list", {})).projects.find((p) => p.project_id === pid);
    expect(listed).toMatchObject({ title: "From the app", key_denied: null });
    await call("projects.update", { project_id: pid, title: "Renamed in place" });
    // cocalc.ai's collaborator list names people but not who owns the project
    const me = ai ? { group: null, name: "Local Admin" } : { group: "owner" };
    expect(await call("projects.get", { project_id: pid })).toMatchObject({ title: "Renamed in place", users: { [hub.credentials.account_id]: me } });
  });

  it("saves a new file, refuses a stale save (writing nothing), saves over the current one", async () => {
    const first = await call("doc.save", saveInput(pid, "notes/a.txt", "one\n", null));
    expect(first).toEqual({ status: "saved", sha256: sha("one\n") });
    // someone else changes the file on the server
    writeFileSync(join(hub.hub.runtime.folder(pid), "notes/a.txt"), "theirs\n");
    const stale = await call("doc.save", saveInput(pid, "notes/a.txt", "mine\n", sha("one\n")));
    expect(stale).toEqual({ status: "conflict", server_sha256: sha("theirs\n") });
    expect(readFileSync(join(hub.hub.runtime.folder(pid), "notes/a.txt"), "utf8")).toBe("theirs\n");
    expect(await call("doc.save", saveInput(pid, "notes/a.txt", "mine\n", sha("theirs\n")))).toMatchObject({ status: "saved" });
    // a new file over an existing one is a conflict too
    expect(await call("doc.save", saveInput(pid, "notes/a.txt", "x", null))).toEqual({ status: "conflict", server_sha256: sha("mine\n") });
    expect(openedText(await call("doc.open", { project_id: pid, path: "notes/a.txt" }))).toBe("mine\n");
    expect(await raw("doc.open", { project_id: pid, path: "nope.txt" })).toMatchObject({ ok: false, error: { kind: "not-found" } });
  });

  it("lists a folder whose names have spaces, quotes, tabs, newlines, non-ASCII and a leading dash", async () => {
    const names = ["plain.txt", "with space.md", "quote'\"d", "tab\there", "new\nline", "ünïcødé ✓.txt", "-rf", "$(echo hi)"];
    const dir = join(hub.hub.runtime.folder(pid), "odd");
    mkdirSync(join(dir, "sub dir"), { recursive: true });
    for (const n of names) writeFileSync(join(dir, n), n);
    const r = await call("files.list", { project_id: pid, path: "odd" });
    expect(r.entries.map((e) => e.name)).toEqual(["sub dir", ...[...names].sort((a, b) => a.localeCompare(b))]);
    expect(r.entries[0]).toMatchObject({ isdir: true });
    expect(r.entries.find((e) => e.name === "plain.txt")).toMatchObject({ isdir: false, size: 9 });
    await call("files.mkdir", { project_id: pid, path: "odd/made here" });
    expect(statSync(join(dir, "made here")).isDirectory()).toBe(true);
    expect(await raw("files.list", { project_id: pid, path: "../.." })).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
  });

  it("runs a command: stdout, stderr and a non-zero exit code apart", async () => {
    const r = await call("exec.run", { request_id: randomUUID(), project_id: pid, command: "echo out; echo err >&2; exit 4", bash: true });
    expect(r).toMatchObject({ stdout: "out\n", stderr: "err\n", exit_code: 4 });
  });

  it("cancels a long command, which stops on the server, and says so only then", async () => {
    const request_id = randomUUID();
    const running = raw("exec.run", { request_id, project_id: pid, command: "echo $$ > long.pid; sleep 60", bash: true, timeout: 120 });
    const pidFile = join(hub.hub.runtime.folder(pid), "long.pid");
    for (let i = 0; i < 600; i++) {
      try {
        if (readFileSync(pidFile, "utf8").trim()) break;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const serverPid = Number(readFileSync(pidFile, "utf8"));
    const c = await call("exec.cancel", { request_id });
    expect(c).toMatchObject({ cancelled: true, stopped: true });
    // the hub no longer kills a command whose call was dropped: this is the app's doing, done before it said so
    expect(isRunning(serverPid)).toBe(false);
    expect(await running).toMatchObject({ ok: false, error: { kind: "cancelled", message: c.message } });
    expect(await call("exec.cancel", { request_id })).toEqual({ cancelled: false });
  });

  it("copies a folder to another project and reports it done once it is there", async () => {
    const target = (await call("projects.create", { title: "Copy target" })).project_id;
    if (ai) allowProject(hub, hub.credentials.api_key, target);
    const done = await call("copy.start", { src_project_id: pid, src_path: "notes", target_project_id: target, target_path: "copied" });
    // cocalc.ai's own copy cannot be followed: there the app copies, every file checked by its sha256
    expect(done).toMatchObject({ status: "done", confirmed_by: ai ? "hash-verified" : "target-check" });
    expect(readFileSync(join(hub.hub.runtime.folder(target), "copied/a.txt"), "utf8")).toBe("mine\n");
    // the single-user server keeps no record of it: the list is empty on v1 and missing on current
    const list = await raw("copy.list", { src_project_id: pid, pending: false });
    if (generation === "v1") expect(list).toMatchObject({ ok: true, value: { copies: [] } });
    else expect(list).toMatchObject({ ok: false, error: { kind: "not-available", message: expect.stringMatching(/does not offer a list of copy operations/) } });
  });

  it("an app-side copy (cocalc.ai) cancelled says the app stopped it, not that the server may still finish it", async () => {
    // the server's own copies (v1, current): "the server may still finish it", in copy-confirmed.test.ts
    if (!ai) return;
    const target = (await call("projects.create", { title: "Cancel target" })).project_id;
    if (ai) allowProject(hub, hub.credentials.api_key, target);
    const src = join(hub.hub.runtime.folder(pid), "many");
    mkdirSync(src, { recursive: true });
    const body = (i: number) => `${i}\n`.repeat(20_000);
    for (let i = 0; i < 60; i++) writeFileSync(join(src, `f${i}.txt`), body(i));
    const request_id = randomUUID();
    const copy = raw("copy.start", { request_id, src_project_id: pid, src_path: "many", target_project_id: target, target_path: "many" });
    await expect.poll(async () => (await call("copy.cancel", { request_id })).cancelled, { timeout: 20_000, interval: 20 }).toBe(true);
    const r = await copy;
    expect(r).toMatchObject({ ok: false, error: { kind: "cancelled" } });
    expect(r.ok ? "" : r.error.message).toBe(
      "The copy was cancelled. The app was making it itself and has stopped: no file in the target is half-written, and unless the cancel came in its last step (putting the files in place) nothing arrived there.",
    );
    // whatever arrived is whole
    const dir = join(hub.hub.runtime.folder(target), "many");
    for (const f of existsSync(dir) ? readdirSync(dir) : []) expect(readFileSync(join(dir, f), "utf8")).toBe(body(Number(f.slice(1, -4))));
  });

  it("gives the kiosk frame its steps: redeem the token at /auth/impersonate, then the file (the hub's realistic default)", async () => {
    if (ai) {
      // no sign-in token can be had with a cocalc.ai key: the view is the app's own, and nothing is signed in
      const k = await raw("kiosk.open", { project_id: pid, path: "notes/a.txt" });
      expect(JSON.stringify(k)).not.toMatch(/auth_token=/);
      expect(k).toMatchObject(KIOSK_ON_AI);
      return;
    }
    const k = await call("kiosk.open", { project_id: pid, path: "notes/a.txt" });
    expect(k).toMatchObject({ status: "ready", origin: hub.url, sign_in: "impersonate" });
    const steps = (k as { steps: string[] }).steps;
    expect(steps[0]).toMatch(new RegExp(`^${hub.url}/auth/impersonate\\?auth_token=[A-Za-z0-9]{24}$`));
    expect(steps[1]).toBe(`${hub.url}/projects/${pid}/files/notes/a.txt?fullscreen=kiosk&session=`);
    const ups = await raw("upgrades.available", {});
    if (generation === "v1") expect(ups.ok && ups.value.total).toMatchObject({ cores: 4 });
    else expect(ups).toMatchObject({ ok: false, error: { kind: "not-available" } });
  });

  it("removing a profile removes its key", async () => {
    const ref = app.profiles.get(profileId)!.key_ref;
    expect(await app.secrets.get(ref)).toBe(hub.credentials.api_key);
    // a sender-refused call whose URL carries the key is logged, redacted
    await app.router.handle("app.info", { url: `https://evil.example/?api_key=${hub.credentials.api_key}`, isMainFrame: true }, {});
    await call("profiles.remove", { id: profileId });
    expect(await app.secrets.get(ref)).toBeNull();
  });

  it("no key or password appears in any IPC reply, log line or file the app wrote", async () => {
    const secrets = [hub.credentials.api_key, hub.credentials.password, "sk_wrongwrongwrongwrongwron"];
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d, { withFileTypes: true })) (f.isDirectory() ? walk : (p: string) => files.push(p))(join(d, f.name));
    };
    walk(dataDir);
    const log = readFileSync(join(dataDir, "logs", "main.log"), "utf8");
    expect(log).toMatch(/refused an IPC call/); // the log has content to search
    expect(files.length).toBeGreaterThanOrEqual(2);
    const texts = [JSON.stringify(replies), ...files.map((f) => readFileSync(f, "utf8"))];
    for (const s of secrets) for (const t of texts) expect(t.includes(s), `found a secret in ${t.slice(0, 80)}`).toBe(false);
  });
});
});
