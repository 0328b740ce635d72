/**
 * The app's cocalc.ai adapter against the hub in `--api ai` mode: every error
 * text of cocalc-ai-facts §1.6 and §2 that the hub answers becomes a typed
 * ApiError whose message says what happened and whose hint says what to do
 * (for a scoped key: which capability, which project, and the page where the
 * key is widened). Then each operation with a key that may, and with one that
 * may not.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AiClient } from "../../electron/services/api/ai-client.js";
import { decodeCurrentReply } from "../../electron/services/api/current-client.js";
import { AiBackend } from "../../electron/services/backend/ai-backend.js";
import { HttpTransport, type RawReply } from "../../electron/services/http/transport.js";
import { ApiError, type ApiErrorKind } from "../../shared/errors.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";
import { basic, bearer, secondAccount, startAiProject, startTestHub, type TestHub } from "../support/hub.js";
import { waitForExit } from "../support/process.js";

const transport = new HttpTransport();
const noRetry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
const WRONG = "sk-cc-v2.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

let hub: TestHub;
let admin: string;
/** every capability, the example project only */
let K: string;
/** the admin's example project, in K's list */
let PA: string;
/** the admin's project outside K's list */
let PX: string;
/** another account's project */
let PB: string;

beforeAll(async () => {
  hub = await startTestHub({ api: "ai" });
  admin = hub.credentials.account_id;
  PA = hub.hub.store.projectsOf(admin)[0]!.project_id;
  PX = hub.hub.store.createProject(admin, { title: "outside the key" }).project_id;
  hub.hub.runtime.createFolder(PX);
  const other = await secondAccount(hub);
  PB = hub.hub.store.createProject(other.account_id, { title: "someone else's" }).project_id;
  hub.hub.runtime.createFolder(PB);
  // the raw adapter starts nothing: commands and the project bridge need PA running (facts §7)
  await startAiProject(hub, PA);
  K = hub.mintAiKey({ capabilities: ["account:read", "project:create", "project:list", "project:read", "project:write", "file:read", "file:write", "project:exec"], projects: [PA] });
});
afterAll(async () => {
  await hub?.stop();
  await transport.close();
});

const backend = (key: string, server = hub.url) => new AiBackend(new AiClient(server, key, transport, noRetry));

async function fails(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error("the call should have failed");
}

/** A raw reply of the hub, decoded as the app decodes every cocalc.ai reply. */
async function decoded(path: string, body: unknown, authorization?: string): Promise<ApiError> {
  const res = await request(`${hub.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  const raw: RawReply = { status: res.statusCode, contentType: String(res.headers["content-type"] ?? ""), text: await res.body.text() };
  try {
    decodeCurrentReply("the call", [z.unknown()], raw);
  } catch (e) {
    return e as ApiError;
  }
  throw new Error(`no error in ${raw.text}`);
}

describe("every error text of facts §1.6, as the app reads it", () => {
  it.each<[string, string, unknown, string | undefined, ApiErrorKind, RegExp]>([
    ["no Authorization on the hub bridge", "/api/conat/hub", { name: "system.ping", args: [] }, undefined, "auth", /^You must provide authentication via an API key\.$/],
    ["no Authorization on the project bridge", "/api/conat/project", { project_id: "00000000-0000-4000-8000-000000000000", name: "ping", args: [] }, undefined, "auth", /^You must provide authentication via an API key\.$/],
    ["a wrong key on the hub bridge", "/api/conat/hub", { name: "system.ping", args: [] }, bearer(WRONG), "auth", /^must be signed in and MUST provide an api key \(cookies are not allowed\)$/],
    ["a classic-format key on the hub bridge", "/api/conat/hub", { name: "system.ping", args: [] }, basic("sk_legacy-account-key"), "auth", /^must be signed in and MUST provide an api key/],
    ["a wrong key on the project bridge", "/api/conat/project", { project_id: "00000000-0000-4000-8000-000000000000", name: "ping", args: [] }, bearer(WRONG), "auth", /^must sign in with an account API key$/],
    ["a wrong key on projects/get", "/api/v2/projects/get", {}, bearer(WRONG), "auth", /^Must be signed in\.$/],
    ["a wrong key on projects/update", "/api/v2/projects/update", {}, bearer(WRONG), "auth", /^Must be signed in to update project\.$/],
    ["a wrong key on projects/create", "/api/v2/projects/create", {}, bearer(WRONG), "auth", /^must be signed in with a valid account API key$/],
    ["a wrong key on exec", "/api/v2/exec", {}, bearer(WRONG), "auth", /^must be signed in$/],
    ["an unknown scheme", "/api/conat/hub", { name: "system.ping", args: [] }, "Token abc", "auth", /^Unknown authorization type/],
  ])("%s → %s", async (_n, path, body, auth, kind, text) => {
    const e = await decoded(path, body, auth);
    expect(e.kind).toBe(kind);
    expect(e.serverMessage).toMatch(text);
    expect(e.message).toMatch(/did not accept the API key|received no API key/);
    expect(e.hint).toMatch(/API key/);
  });

  it.each<[string, () => Promise<ApiError>, ApiErrorKind, RegExp, RegExp]>([
    ["a hub RPC off the allowlist", () => decoded("/api/conat/hub", { name: "system.deleteAccount", args: [] }, bearer(K)), "not-available", /^API keys are not allowed to call hub RPC 'system\.deleteAccount'$/, /only a few hub functions/],
    ["user-query", () => decoded("/api/v2/user-query", { query: {} }, bearer(K)), "not-available", /^API keys are not allowed to use user-query$/, /browser session/],
    ["browser bootstrap with a key", () => decoded("/api/v2/auth/bootstrap", {}, bearer(K)), "not-available", /^API keys are not allowed to use browser bootstrap$/, /browser session/],
    ["key management", () => decoded("/api/v2/api-keys", { action: "get" }, bearer(K)), "not-available", /^API keys cannot manage account API keys$/, /browser session/],
    ["a project-scoped RPC without project_id", () => decoded("/api/conat/hub", { name: "projects.getProjectState", args: [{}] }, bearer(K)), "invalid-params", /^API key project capability check requires project_id$/, /bug in the app/],
    ["the account_id override on update", () => decoded("/api/v2/projects/update", { project_id: PA, account_id: admin, title: "x" }, bearer(K)), "invalid-params", /^The `account_id` field cannot be specified by API keys\.$/, /bug in the app/],
    ["listing another account's projects", () => decoded("/api/v2/projects/get", { account_id: "11111111-2222-4333-8444-555555555555" }, bearer(K)), "permission", /^API keys may only list projects for their own account$/, /collaborator/],
    ["not a collaborator, project bridge", () => decoded("/api/conat/project", { project_id: PB, name: "ping", args: [] }, bearer(hub.mintAiKey({ capabilities: ["project:exec"], projects: [PB] }))), "permission", /^user must be a collaborator on the project$/, /collaborator/],
    ["not a collaborator, exec", () => decoded("/api/v2/exec", { project_id: PB, command: "true" }, bearer(hub.mintAiKey({ capabilities: ["project:exec"], projects: [PB] }))), "permission", /^user must be a collaborator on project$/, /collaborator/],
    ["an unknown project function", () => decoded("/api/conat/project", { project_id: PA, name: "system.nonexistent", args: [] }, bearer(K)), "not-available", /^Error: unknown function 'system\.nonexistent' -- available functions are/, /version of CoCalc without/],
  ])("%s", async (_n, make, kind, text, hint) => {
    const e = await make();
    expect(e.kind).toBe(kind);
    expect(e.serverMessage).toMatch(text);
    expect(e.hint).toMatch(hint);
  });

  it("a missing capability, account-wide: permission naming the capability and where to widen the key", async () => {
    const e = await fails(backend(hub.mintAiKey({ capabilities: ["project:read"], projects: [PA] })).listProjects());
    expect(e).toMatchObject({ kind: "permission", capability: "project:list", serverMessage: "API key lacks required capability 'project:list'" });
    expect(e.project_id).toBeUndefined();
    expect(e.message).toBe("This API key may not be used for listing projects: it lacks the capability 'project:list'.");
    expect(e.hint).toBe(`Widen this key on the server: Settings → SSH & API keys at ${hub.url}/settings/keys — give it 'project:list'.`);
  });

  it("a project outside the key's list: permission naming the capability, the project and where to widen the key", async () => {
    const e = await fails(backend(K).exec({ project_id: PX, command: "true" }));
    expect(e).toMatchObject({ kind: "permission", capability: "project:exec", project_id: PX, serverMessage: `API key lacks required capability 'project:exec' for project ${PX}` });
    expect(e.message).toBe(`This API key may not be used for running a command: it lacks the capability 'project:exec' for the project ${PX}.`);
    expect(e.hint).toBe(`Widen this key on the server: Settings → SSH & API keys at ${hub.url}/settings/keys — give it 'project:exec' and add the project ${PX} to its projects.`);
  });

  it("the bridge's 408 timeout is a timeout the app may retry", async () => {
    const slow = await startTestHub({ api: "ai", projectStartMs: 120_000 });
    try {
      const c = new AiClient(slow.url, slow.credentials.api_key, transport, noRetry);
      const pid = slow.hub.store.projectsOf(slow.credentials.account_id)[0]!.project_id;
      const e = await fails(c.project(pid, "system.listing", [{ path: "" }], { bridgeTimeoutMs: 1000 }));
      expect(e).toMatchObject({ kind: "timeout", retryable: true });
      expect(e.serverMessage).toMatch(/code='408' $/);
    } finally {
      await slow.stop();
    }
  });
});

describe("the operations, with a key that may (facts §2.2 reply shapes)", () => {
  it("identity from the private profile", async () => {
    expect(await backend(K).whoAmI()).toEqual({ account_id: admin, email_address: "admin@localhost", is_admin: true });
  });

  it("a wrong key's empty profile is an auth error, not an account", async () => {
    const e = await fails(backend(WRONG).whoAmI());
    expect(e.kind).toBe("auth");
    expect(e.message).toMatch(/empty profile/);
    expect(e.hint).toContain(`${hub.url}/settings/keys`);
  });

  it("the list: every project, each with a state where the key may read it, and the refused ones marked", async () => {
    const list = await backend(K).listProjects();
    expect(list.map((p) => p.project_id).sort()).toEqual([PA, PX].sort());
    expect(list.find((p) => p.project_id === PA)).toMatchObject({ state: expect.any(String), key_denied: null, last_edited: null });
    expect(list.find((p) => p.project_id === PX)).toMatchObject({ title: "outside the key", state: null, key_denied: "project:read" });
  });

  it("one project: title from the list, state and named collaborators; outside the list, what the key lacked", async () => {
    expect(await backend(K).getProject(PA)).toMatchObject({ project_id: PA, state: expect.any(String), users: { [admin]: { group: null, name: "Local Admin" } }, key_denied: null });
    expect(await backend(K).getProject(PX)).toMatchObject({ title: "outside the key", state: null, users: {}, key_denied: "project:read" });
    expect(await fails(backend(K).getProject(PB))).toMatchObject({ kind: "permission", message: expect.stringMatching(/not among this account's projects/) });
  });

  it("update, start, stop; each refused outside the list with its own capability", async () => {
    await backend(K).updateProject(PA, { description: "changed by the app" });
    expect(hub.hub.store.project(PA)!.description).toBe("changed by the app");
    await backend(K).projectAction(PA, "restart");
    expect(await fails(backend(K).updateProject(PX, { title: "no" }))).toMatchObject({ kind: "permission", capability: "project:write", project_id: PX });
    expect(await fails(backend(K).projectAction(PX, "start"))).toMatchObject({ kind: "permission", capability: "project:exec", project_id: PX });
    expect(await fails(backend(K).collaborators(PX))).toMatchObject({ kind: "permission", capability: "project:read", project_id: PX });
    expect(hub.hub.store.project(PX)!.title).toBe("outside the key");
  });

  it("create: the new project is made, and the notice says the key cannot reach it yet", async () => {
    const made = await backend(K).createProject({ title: "made by a key" });
    expect(hub.hub.store.project(made.project_id)?.title).toBe("made by a key");
    expect(made.notice).toContain(`${hub.url}/settings/keys`);
    expect(await fails(backend(K).exec({ project_id: made.project_id, command: "true" }))).toMatchObject({ kind: "permission", project_id: made.project_id });
  });

  it("files over the project bridge: write, read, list; outside the list each is refused", async () => {
    const b = backend(K);
    await b.writeTextFile({ project_id: PA, path: "ai/hello.txt" }, "hello ✓\n");
    expect(readFileSync(join(hub.hub.runtime.folder(PA), "ai/hello.txt"), "utf8")).toBe("hello ✓\n");
    const [ok, missing, denied] = await b.readTextFiles([
      { project_id: PA, path: "ai/hello.txt" },
      { project_id: PA, path: "ai/none.txt" },
      { project_id: PX, path: "x.txt" },
    ]);
    expect(ok).toEqual({ project_id: PA, path: "ai/hello.txt", content: "hello ✓\n" });
    expect(missing).toMatchObject({ error: { kind: "not-found" } });
    expect(denied).toMatchObject({ error: { kind: "permission", capability: "project:exec", project_id: PX } });
    expect(await fails(b.exec({ project_id: PX, command: "true" }))).toMatchObject({ kind: "permission", capability: "project:exec", project_id: PX });
    expect(await fails(b.writeTextFile({ project_id: PX, path: "x.txt" }, "x"))).toMatchObject({ kind: "permission", capability: "project:exec" });
  });

  it("a body over 10 MB is refused before it is sent", async () => {
    const e = await fails(backend(K).writeTextFile({ project_id: PA, path: "big.txt" }, "x".repeat(10 * 1024 * 1024 + 1)));
    expect(e).toMatchObject({ kind: "too-large", message: expect.stringMatching(/this server accepts at most 10\.49 MB per request/) });
  });

  it("exec: blocking, and a long one in the background that cancelling kills on the server (async_cancel)", async () => {
    const b = backend(K);
    expect(await b.exec({ project_id: PA, command: "echo out; echo err >&2; exit 3", bash: true })).toEqual({ stdout: "out\n", stderr: "err\n", exit_code: 3 });
    const ac = new AbortController();
    const running = b.exec({ project_id: PA, command: "echo $$ > ai/long.pid; sleep 60", bash: true, timeout: 120 }, { signal: ac.signal });
    const pidFile = join(hub.hub.runtime.folder(PA), "ai/long.pid");
    let pid = 0;
    for (let i = 0; i < 400 && !pid; i++) {
      try {
        pid = Number(readFileSync(pidFile, "utf8").trim());
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(pid).toBeGreaterThan(0);
    ac.abort();
    expect(await fails(running)).toMatchObject({ kind: "cancelled" });
    expect(await waitForExit(pid, 20_000)).toBe(true);
  });

  it("the server's copy, kiosk tokens, upgrades: 'not available', saying why", async () => {
    const b = backend(K);
    expect(b.capabilities).toMatchObject({ generation: "ai", copy: "app", kioskToken: false, scopedKeys: true });
    expect(await fails(b.copyPath())).toMatchObject({ kind: "not-available", message: expect.stringMatching(/copy route has no status/) });
    expect(await fails(b.authToken())).toMatchObject({ kind: "not-available", hint: expect.stringMatching(/app's own rendering/) });
    expect(await fails(b.availableUpgrades())).toMatchObject({ kind: "not-available" });
  });
});

describe("a project with no host (facts §6): /api/v2/exec refuses it, the project bridge runs it", () => {
  let front: FaultServer;
  beforeAll(async () => {
    // cocalc.ai's answer where a project has no host, in front of the hub; every other call goes through
    front = await startFaultServer(async (req, res) => {
      if (req.url === "/api/v2/exec") {
        const pid = (JSON.parse(req.body) as { project_id?: string }).project_id;
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ error: `project ${pid} has no assigned host` }));
      }
      const r = await request(`${hub.url}${req.url}`, { method: "POST", headers: { "content-type": "application/json", authorization: String(req.headers.authorization) }, body: req.body });
      const text = await r.body.text();
      res.writeHead(r.statusCode, { "content-type": String(r.headers["content-type"]) });
      res.end(text);
    });
  });
  afterAll(() => front.close());

  it("falls back once, then goes straight to the bridge", async () => {
    const b = backend(K, front.url);
    expect(await b.exec({ project_id: PA, command: "echo via bridge", bash: true })).toMatchObject({ stdout: "via bridge\n", exit_code: 0 });
    expect(await b.exec({ project_id: PA, command: "echo again", bash: true })).toMatchObject({ stdout: "again\n" });
    expect(front.seen.filter((r) => r.url === "/api/v2/exec").length).toBe(1);
    expect(front.seen.filter((r) => r.url === "/api/conat/project").length).toBe(2);
  });
});
