/**
 * The hub with `--api ai`: every error text and reply shape of cocalc-ai-facts
 * §1.6 and §2, over HTTP, plus the key format, expiry, the 10 MB body limit,
 * async exec with async_cancel, and the Launchpad and Plus products.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReportable } from "../../hub/ai/router.js";
import { aiKeys } from "../../hub/ai/auth.js";
import { HandlerError } from "../../hub/v1/errors.js";
import { basic, bearer, secondAccount, startTestHub, type TestHub } from "../support/hub.js";
import { isAlive, waitForExit } from "../support/process.js";

type Obj = Record<string, unknown>;

let hub: TestHub;
let admin: string;
/** the start key: all eight capabilities, the example project */
let K: string;
/** the admin's example project, in K's list */
let PA: string;
/** the admin's project outside K's list */
let PX: string;
/** another account's project (the admin is no collaborator) */
let PB: string;
let other: { account_id: string };

beforeAll(async () => {
  hub = await startTestHub({ api: "ai" });
  admin = hub.credentials.account_id;
  K = hub.credentials.api_key;
  PA = hub.hub.store.projectsOf(admin)[0]!.project_id;
  PX = hub.hub.store.createProject(admin, { title: "outside the key" }).project_id;
  hub.hub.runtime.createFolder(PX);
  other = await secondAccount(hub);
  PB = hub.hub.store.createProject(other.account_id, { title: "someone else's" }).project_id;
  hub.hub.runtime.createFolder(PB);
});
afterAll(() => hub?.stop());

const callHub = (name: string, args: unknown[], auth?: string, extra: Obj = {}) => hub.post("/api/conat/hub", { name, args, ...extra }, auth);
const callProject = (project_id: string, name: string, args: unknown[], auth?: string, extra: Obj = {}) =>
  hub.post("/api/conat/project", { project_id, name, args, ...extra }, auth);
const v2 = (route: string, body: Obj, auth?: string) => hub.post(`/api/v2/${route}`, body, auth);
const errorOf = (r: { status: number; json: unknown }) => {
  expect(r.status).toBe(200);
  return (r.json as { error?: string }).error;
};
/** True once no process of the group is left (killed ones may take a moment to be reaped). */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const WRONG = "sk-cc-v2.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

describe("keys and how they are sent (§1.1, §1.5)", () => {
  it("the start key has cocalc.ai's format and the display form keeps only its ends", () => {
    expect(K).toMatch(/^sk-cc-v2\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
  });

  it("takes the key as Bearer and as Basic (key as the user)", async () => {
    expect((await callHub("system.ping", [], bearer(K))).json).toEqual({ now: expect.any(Number) });
    expect((await callHub("system.ping", [], basic(K))).json).toEqual({ now: expect.any(Number) });
  });

  it("refuses any other scheme by name", async () => {
    expect(errorOf(await callHub("system.ping", [], `Token ${K}`))).toBe("Unknown authorization type 'Token'");
    // the scheme is case-sensitive, as on the server
    expect(errorOf(await callHub("system.ping", [], `bearer ${K}`))).toBe("Unknown authorization type 'bearer'");
  });

  it("accepts the legacy sk-cocalc-v2. prefix for the same key", async () => {
    const legacy = K.replace(/^sk-cc-v2\./, "sk-cocalc-v2.");
    expect((await callHub("system.ping", [], bearer(legacy))).json).toEqual({ now: expect.any(Number) });
  });

  it.each([
    ["a classic sk_ key of the same account", () => hub.hub.store.createApiKey(admin)],
    ["the server test's sk_legacy-account-key", () => "sk_legacy-account-key"],
    ["the server test's sk-oldintegerid000001", () => "sk-oldintegerid000001"],
    ["a key with four parts", () => `${K}.extra`],
    ["an empty key id", () => K.replace(/^sk-cc-v2\.[^.]+\./, "sk-cc-v2..")],
  ])("rejects %s without a database lookup", async (_what, key) => {
    const store = aiKeys(hub.hub.store);
    const before = store.lookups;
    expect(errorOf(await callHub("system.ping", [], bearer(key())))).toBe("must be signed in and MUST provide an api key (cookies are not allowed)");
    expect(store.lookups).toBe(before);
  });

  it("a wrong secret for a real key id is refused like an unknown key", async () => {
    const [prefix, id] = K.split(".");
    expect(errorOf(await callHub("system.ping", [], bearer(`${prefix}.${id}.${"x".repeat(43)}`)))).toBe(
      "must be signed in and MUST provide an api key (cookies are not allowed)",
    );
  });

  it("stores only the secret's hash: the secret is nowhere in the database file", async () => {
    const key = hub.mintAiKey({ capabilities: ["account:read"] });
    const secret = key.split(".")[2]!;
    expect(errorOf(await v2("accounts/get-names", { account_ids: [admin] }, bearer(key)))).toBeUndefined();
    const dbFile = readFileSync(join(hub.dataDir, "hub.sqlite"));
    expect(dbFile.includes(Buffer.from(secret))).toBe(false);
    expect(dbFile.includes(Buffer.from(key.split(".")[1]!))).toBe(true);
  });

  it("an expired key looks exactly like a wrong one, and is deleted on that use", async () => {
    const expireAt = Date.now() + 1500;
    const key = hub.mintAiKey({ capabilities: ["project:list"], expire: expireAt });
    expect(Array.isArray((await v2("projects/get", {}, bearer(key))).json)).toBe(true);
    while (Date.now() <= expireAt) await new Promise((r) => setTimeout(r, 100));
    const expired = await callHub("system.ping", [], bearer(key));
    const wrong = await callHub("system.ping", [], bearer(WRONG));
    expect(expired.text).toBe(wrong.text);
    expect(aiKeys(hub.hub.store).has(key.split(".")[1]!)).toBe(false);
    expect(errorOf(await v2("projects/get", {}, bearer(key)))).toBe("Must be signed in.");
  });

  it("minting validates the scope with the server's texts", () => {
    expect(() => hub.mintAiKey({ capabilities: [] })).toThrow("API keys must have at least one explicit capability");
    expect(() => hub.mintAiKey({ capabilities: ["project:delete"] })).toThrow("invalid API key capability 'project:delete'");
    expect(() => hub.mintAiKey({ capabilities: ["project:exec"], projects: ["not-a-uuid"] })).toThrow("invalid allowed project id 'not-a-uuid'");
    expect(() => hub.mintAiKey({ capabilities: ["file:read"] })).toThrow(
      "API keys with project, file, Codex, or exec capabilities must include at least one allowed project id",
    );
    expect(hub.mintAiKey({ capabilities: ["account:read", "account:read"] })).toMatch(/^sk-cc-v2\./);
  });
});

describe("the transport (§ conventions)", () => {
  it("has no API v1: Express's 404 page", async () => {
    const r = await hub.post("/api/v1/ping", {}, bearer(K));
    expect(r.status).toBe(404);
    expect(r.contentType).toMatch(/text\/html/);
    expect(r.text).toContain("<pre>Cannot POST /api/v1/ping</pre>");
  });

  it.each(["projects/write-text-file", "projects/copy-path-status", "jupyter/execute", "projects/delete", "accounts/search", "no-such-route"])(
    "/api/v2/%s is not a route: 404 HTML",
    async (route) => {
      const r = await v2(route, {}, bearer(K));
      expect(r.status).toBe(404);
      expect(r.contentType).toMatch(/text\/html/);
      expect(r.text).toContain(`<pre>Cannot POST /api/v2/${route}</pre>`);
    },
  );

  it("takes JSON bodies up to 10 MB and refuses larger ones with a 413, writing nothing", async () => {
    const nine = "a".repeat(9 * 1024 * 1024);
    const ok = await callProject(PA, "system.writeTextFileToProject", [{ path: "nine.txt", content: nine }], bearer(K), { timeout: 60_000 });
    expect(ok.json).toBeNull();
    expect(readFileSync(join(hub.hub.runtime.folder(PA), "nine.txt"), "utf8").length).toBe(nine.length);
    const eleven = "b".repeat(11 * 1024 * 1024);
    const big = await callProject(PA, "system.writeTextFileToProject", [{ path: "eleven.txt", content: eleven }], bearer(K), { timeout: 60_000 });
    expect(big.status).toBe(413);
    expect(big.text).toContain("Payload Too Large");
    expect(existsSync(join(hub.hub.runtime.folder(PA), "eleven.txt"))).toBe(false);
  });

  it("reads JSON only: a form-encoded body is no body at all", async () => {
    const res = await request(`${hub.url}/api/conat/project`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: bearer(K) },
      body: new URLSearchParams({ project_id: PA, name: "ping" }).toString(),
    });
    expect(JSON.parse(await res.body.text())).toEqual({ error: "must specify project_id" });
  });

  it("a handler that breaks is a 500 api_v2_error; the texts of refusals and failed work are {error}", () => {
    // the classification the router applies to what a route throws
    expect(isReportable(new HandlerError("user must be a collaborator on project"))).toBe(true);
    expect(isReportable(Object.assign(new Error("ENOENT"), { code: "ENOENT", syscall: "open" }))).toBe(true);
    expect(isReportable(new TypeError("Cannot read properties of undefined"))).toBe(false);
  });
});

describe("POST /api/conat/hub (§2.1)", () => {
  it("no header, a wrong key", async () => {
    expect(errorOf(await callHub("system.ping", []))).toBe("You must provide authentication via an API key.");
    expect(errorOf(await callHub("system.ping", [], bearer(WRONG)))).toBe("must be signed in and MUST provide an api key (cookies are not allowed)");
  });

  it("system.ping → {now}", async () => {
    const before = Date.now();
    const { now } = (await callHub("system.ping", [], bearer(K))).json as { now: number };
    expect(now).toBeGreaterThanOrEqual(before);
  });

  it("system.getNames → names by account id", async () => {
    const r = await callHub("system.getNames", [[admin, other.account_id]], bearer(K));
    expect(r.json).toEqual({
      [admin]: { display_name: "Local Admin", first_name: "Local", last_name: "Admin" },
      [other.account_id]: { display_name: "Second User", first_name: "Second", last_name: "User" },
    });
  });

  it("projects.createProject → the new id as a string, which the key cannot then reach", async () => {
    const r = await callHub("projects.createProject", [{ title: "made by rpc" }], bearer(K));
    expect(typeof r.json).toBe("string");
    const pid = r.json as string;
    expect(hub.hub.store.project(pid)?.title).toBe("made by rpc");
    expect(errorOf(await callHub("projects.exec", [{ project_id: pid, execOpts: { command: "true" } }], bearer(K)))).toBe(
      `API key lacks required capability 'project:exec' for project ${pid}`,
    );
  });

  it("projects.exec → ExecuteCodeOutput", async () => {
    const r = await callHub("projects.exec", [{ project_id: PA, execOpts: { command: "echo", args: ["rpc"] } }], bearer(K));
    expect(r.json).toEqual({ type: "blocking", stdout: "rpc\n", stderr: "", exit_code: 0 });
  });

  it("projects.getProjectState → {state, time}", async () => {
    const r = (await callHub("projects.getProjectState", [{ project_id: PA }], bearer(K))).json as { state: string; time: string };
    expect(["archived", "archiving", "closed", "closing", "opened", "opening", "pending", "running", "starting", "stopping", "unarchiving"]).toContain(r.state);
    expect(Number.isNaN(Date.parse(r.time))).toBe(false);
  });

  it.each(["projects.getProjectAddress", "projects.getProjectCreated", "projects.getProjectRunQuota"])("%s answers for an allowed project", async (name) => {
    const r = await callHub(name, [{ project_id: PA }], bearer(K));
    expect(r.status).toBe(200);
    expect((r.json as Obj | null)?.error).toBeUndefined();
  });

  it.each(["system.deleteAccount", "projects.start", "projects.stop", "db.userQuery", "system.manageApiKeys", "projects.copyPathBetweenProjects", "system.generateUserAuthToken", "hosts.list"])(
    "%s is not on the allowlist",
    async (name) => {
      expect(errorOf(await callHub(name, [{ project_id: PA }], bearer(K)))).toBe(`API keys are not allowed to call hub RPC '${name}'`);
    },
  );

  it("a project-scoped RPC without args[0].project_id", async () => {
    for (const args of [[], [{}], [{ project_id: "  " }]]) {
      expect(errorOf(await callHub("projects.getProjectState", args, bearer(K)))).toBe("API key project capability check requires project_id");
    }
  });

  it("passes the request's timeout through: past it, a 408 with callHub's suffix", async () => {
    const t0 = Date.now();
    const r = await callHub("projects.exec", [{ project_id: PA, execOpts: { command: "sleep", args: ["3"], timeout: 10 } }], bearer(K), { timeout: 500 });
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(errorOf(r)).toBe(
      `timeout - Error: operation has timed out subject:hub.account.${admin}.api - callHub: subject='hub.account.${admin}.api', name='projects.exec', code='408' `,
    );
  });

  it("a hub-side error carries callHub's suffix", async () => {
    const key = hub.mintAiKey({ capabilities: ["project:exec", "project:read"], projects: [PB] });
    expect(errorOf(await callHub("projects.exec", [{ project_id: PB, execOpts: { command: "true" } }], bearer(key)))).toBe(
      `user must be a collaborator on project - callHub: subject='hub.account.${admin}.api', name='projects.exec', code='unknown' `,
    );
    expect(errorOf(await callHub("projects.getProjectState", [{ project_id: PB }], bearer(key)))).toBe(
      `user must be a collaborator on project - callHub: subject='hub.account.${admin}.api', name='projects.getProjectState', code='unknown' `,
    );
  });
});

describe("POST /api/conat/project (§2.1)", () => {
  it("no header; a wrong key; no project_id", async () => {
    expect(errorOf(await callProject(PA, "ping", []))).toBe("You must provide authentication via an API key.");
    expect(errorOf(await callProject(PA, "ping", [], bearer(WRONG)))).toBe("must sign in with an account API key");
    expect(errorOf(await hub.post("/api/conat/project", { name: "ping", args: [] }, bearer(K)))).toBe("must specify project_id");
  });

  it("needs project:exec for the project, then collaborator access", async () => {
    expect(errorOf(await callProject(PX, "ping", [], bearer(K)))).toBe(`API key lacks required capability 'project:exec' for project ${PX}`);
    const listsB = hub.mintAiKey({ capabilities: ["project:exec"], projects: [PB] });
    expect(errorOf(await callProject(PB, "ping", [], bearer(listsB)))).toBe("user must be a collaborator on the project");
  });

  it("ping → pong", async () => {
    expect((await callProject(PA, "ping", [], bearer(K))).json).toBe("pong");
  });

  it("writeTextFileToProject → null (parents made); readTextFileFromProject → the string", async () => {
    const w = await callProject(PA, "system.writeTextFileToProject", [{ path: "sub/dir/note.txt", content: "héllo\n" }], bearer(K));
    expect(w.text).toBe("null");
    expect(readFileSync(join(hub.hub.runtime.folder(PA), "sub/dir/note.txt"), "utf8")).toBe("héllo\n");
    expect((await callProject(PA, "system.readTextFileFromProject", [{ path: "sub/dir/note.txt" }], bearer(K))).json).toBe("héllo\n");
  });

  it("a project-side failure is {error: 'Error: …'}, and paths never leave the project", async () => {
    expect(errorOf(await callProject(PA, "system.readTextFileFromProject", [{ path: "missing.txt" }], bearer(K)))).toMatch(/^Error: ENOENT/);
    expect(errorOf(await callProject(PA, "system.readTextFileFromProject", [{ path: "../../credentials.json" }], bearer(K)))).toBe(
      "Error: path '../../credentials.json' leads outside the project",
    );
  });

  it("system.listing → entries, hidden ones only when asked", async () => {
    writeFileSync(join(hub.hub.runtime.folder(PA), ".hidden"), "x");
    const shown = (await callProject(PA, "system.listing", [{ path: "" }], bearer(K))).json as { name: string; isdir?: boolean; size: number; mtime: number }[];
    expect(shown.map((e) => e.name)).toContain("README.txt");
    expect(shown.map((e) => e.name)).not.toContain(".hidden");
    expect(shown.find((e) => e.name === "sub")).toMatchObject({ isdir: true });
    expect(shown.find((e) => e.name === "README.txt")).toEqual({ name: "README.txt", size: expect.any(Number), mtime: expect.any(Number) });
    const all = (await callProject(PA, "system.listing", [{ path: "", hidden: true }], bearer(K))).json as { name: string }[];
    expect(all.map((e) => e.name)).toContain(".hidden");
  });

  it("an unknown function names the ones there are, with the Error: prefix", async () => {
    const e = errorOf(await callProject(PA, "system.nonexistent", [], bearer(K)));
    expect(e).toMatch(/^Error: unknown function 'system\.nonexistent' -- available functions are \[.*"readTextFileFromProject".*\]$/);
  });

  it("system.exec: blocking", async () => {
    expect((await callProject(PA, "system.exec", [{ command: "printf", args: ["%s", "x y"] }], bearer(K))).json).toEqual({
      type: "blocking",
      stdout: "x y",
      stderr: "",
      exit_code: 0,
    });
  });

  it("system.exec: async_call, async_get with async_await", async () => {
    const started = (await callProject(PA, "system.exec", [{ command: "sleep 0.3; echo done", async_call: true }], bearer(K))).json as Obj;
    expect(started).toMatchObject({ type: "async", status: "running", job_id: expect.any(String), start: expect.any(Number) });
    const done = (await callProject(PA, "system.exec", [{ async_get: started.job_id, async_await: true }], bearer(K))).json as Obj;
    expect(done).toMatchObject({ type: "async", status: "completed", stdout: "done\n", exit_code: 0, job_id: started.job_id });
  });
});

describe("the bridge timeout (§2.1, §6)", () => {
  let slow: TestHub;
  let key: string;
  let pid: string;
  beforeAll(async () => {
    // a project that takes far longer to start than any bridge waits
    slow = await startTestHub({ api: "ai", projectStartMs: 120_000 });
    key = slow.credentials.api_key;
    pid = slow.hub.store.projectsOf(slow.credentials.account_id)[0]!.project_id;
  });
  afterAll(() => slow?.stop());

  it("answers the timeout text after the request's timeout", async () => {
    const t0 = Date.now();
    const r = await slow.post("/api/conat/project", { project_id: pid, name: "ping", args: [], timeout: 1000 }, bearer(key));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect((r.json as Obj).error).toBe(
      `timeout - Error: operation has timed out subject:project.${pid}.api.- - callHub: subject='project.${pid}.api.-', name='ping', code='408' `,
    );
  });

  it("waits 15 s by default", async () => {
    const t0 = Date.now();
    const r = await slow.post("/api/conat/project", { project_id: pid, name: "system.listing", args: [{ path: "" }] }, bearer(key));
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(14_900);
    expect(took).toBeLessThan(25_000);
    expect((r.json as Obj).error).toMatch(/^timeout - .*name='system\.listing', code='408' $/);
  }, 40_000);
});

describe("/api/v2 routes (§2.2)", () => {
  it("accounts/profile: the private profile; a wrong key gives an empty one", async () => {
    expect((await v2("accounts/profile", {}, bearer(K))).json).toEqual({
      profile: { account_id: admin, display_name: "Local Admin", first_name: "Local", last_name: "Admin", is_admin: true, is_partner: false, email_address: "admin@localhost" },
    });
    expect((await v2("accounts/profile", {}, bearer(WRONG))).json).toEqual({ profile: {} });
    expect((await v2("accounts/profile", {})).json).toEqual({ profile: {} });
  });

  it("accounts/profile with an account_id: that account's public profile, no key needed", async () => {
    expect((await v2("accounts/profile", { account_id: other.account_id })).json).toEqual({
      profile: { account_id: other.account_id, first_name: "Second", last_name: "User" },
    });
  });

  it("accounts/get-names → {names}", async () => {
    expect((await v2("accounts/get-names", { account_ids: [other.account_id] }, bearer(K))).json).toEqual({
      names: { [other.account_id]: { first_name: "Second", last_name: "User" } },
    });
    expect(errorOf(await v2("accounts/get-names", { account_ids: [other.account_id] }, bearer(WRONG)))).toBe("must be signed in");
  });

  it("projects/get → [{project_id, title, description}], newest edit first, no one else's", async () => {
    hub.hub.store.updateProject(PX, { title: "outside the key" });
    const rows = (await v2("projects/get", {}, bearer(K))).json as Obj[];
    for (const r of rows) expect(Object.keys(r).sort()).toEqual(["description", "project_id", "title"]);
    const ids = rows.map((r) => r.project_id);
    expect(ids[0]).toBe(PX);
    expect(ids).toContain(PA);
    expect(ids).not.toContain(PB);
    expect(((await v2("projects/get", { limit: 1 }, bearer(K))).json as Obj[]).length).toBe(1);
  });

  it("projects/get returns at most 50 by default", async () => {
    const many = await secondAccount(hub);
    hub.hub.store.db.transaction(() => {
      for (let i = 0; i < 52; i++) hub.hub.store.createProject(many.account_id, { title: `p${i}` });
    });
    const key = hub.mintAiKey({ capabilities: ["project:list"], account_id: many.account_id });
    expect(((await v2("projects/get", {}, bearer(key))).json as Obj[]).length).toBe(50);
  });

  it("projects/get: sign-in texts and the account_id field", async () => {
    expect(errorOf(await v2("projects/get", {}, bearer(WRONG)))).toBe("Must be signed in.");
    expect(errorOf(await v2("projects/get", { account_id: other.account_id }, bearer(K)))).toBe("API keys may only list projects for their own account");
    expect(Array.isArray((await v2("projects/get", { account_id: admin }, bearer(K))).json)).toBe(true);
  });

  it("projects/get-one → {project_id, title} of the newest", async () => {
    hub.hub.store.updateProject(PA, { title: "Example project" });
    expect((await v2("projects/get-one", {}, bearer(K))).json).toEqual({ project_id: PA, title: "Example project" });
    expect(errorOf(await v2("projects/get-one", {}, bearer(WRONG)))).toBe("must be signed in with a valid account API key");
  });

  it("projects/create → {project_id}; a wrong key; no key", async () => {
    const r = (await v2("projects/create", { title: "via v2", description: "d" }, bearer(K))).json as { project_id: string };
    expect(Object.keys(r)).toEqual(["project_id"]);
    expect(hub.hub.store.project(r.project_id)).toMatchObject({ title: "via v2", description: "d" });
    expect(errorOf(await v2("projects/create", {}, bearer(WRONG)))).toBe("must be signed in with a valid account API key");
    expect(errorOf(await v2("projects/create", {}))).toBe("user must be signed in");
    // routes that read the key themselves name an unknown scheme; the others just see nobody
    expect(errorOf(await v2("projects/create", {}, `Token ${K}`))).toBe("Unknown authorization type 'Token'");
    expect(errorOf(await v2("exec", { project_id: PA, command: "true" }, `Token ${K}`))).toBe("must be signed in");
    expect(errorOf(await v2("exec", { project_id: r.project_id, command: "true" }, bearer(K)))).toBe(
      `API key lacks required capability 'project:exec' for project ${r.project_id}`,
    );
  });

  it("projects/update → {status:'ok'} and the title changes; the account_id override is refused", async () => {
    expect((await v2("projects/update", { project_id: PA, title: "Renamed", description: "new words" }, bearer(K))).json).toEqual({ status: "ok" });
    expect(hub.hub.store.project(PA)).toMatchObject({ title: "Renamed", description: "new words" });
    expect(errorOf(await v2("projects/update", { project_id: PA, title: "x", account_id: admin }, bearer(K)))).toBe(
      "The `account_id` field cannot be specified by API keys.",
    );
    expect(hub.hub.store.project(PA)?.title).toBe("Renamed");
    expect(errorOf(await v2("projects/update", { project_id: PA, title: "x" }, bearer(WRONG)))).toBe("Must be signed in to update project.");
    expect(errorOf(await v2("projects/update", { title: "x" }, bearer(K)))).toBe("API key lacks required capability 'project:write' for project undefined");
  });

  it("projects/start, stop → {status:'ok'}; touch → {}; the state follows", async () => {
    expect((await v2("projects/stop", { project_id: PA }, bearer(K))).json).toEqual({ status: "ok" });
    expect(hub.hub.runtime.state(PA)).toBe("stopped");
    expect((await v2("projects/start", { project_id: PA }, bearer(K))).json).toEqual({ status: "ok" });
    const deadline = Date.now() + 20_000;
    while (hub.hub.runtime.state(PA) !== "running" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(((await callHub("projects.getProjectState", [{ project_id: PA }], bearer(K))).json as Obj).state).toBe("running");
    hub.hub.runtime.stop(PA);
    expect((await v2("projects/touch", { project_id: PA }, bearer(K))).json).toEqual({});
    expect(hub.hub.runtime.state(PA)).not.toBe("stopped");
    expect(errorOf(await v2("projects/start", { project_id: PA }, bearer(WRONG)))).toBe("must be signed in");
  });

  it("projects/collaborators/list → [{account_id, display_name, first_name, last_name}]", async () => {
    expect((await v2("projects/collaborators/list", { project_id: PA }, bearer(K))).json).toEqual([
      { account_id: admin, display_name: "Local Admin", first_name: "Local", last_name: "Admin" },
    ]);
  });

  it("exec: blocking, with err_on_exit by default", async () => {
    expect((await v2("exec", { project_id: PA, command: "echo $((6*7))" }, bearer(K))).json).toEqual({ type: "blocking", stdout: "42\n", stderr: "", exit_code: 0 });
    expect(errorOf(await v2("exec", { project_id: PA, command: "false" }, bearer(K)))).toMatch(/exited with nonzero code 1/);
    expect((await v2("exec", { project_id: PA, command: "false", err_on_exit: false }, bearer(K))).json).toMatchObject({ type: "blocking", exit_code: 1 });
    expect(errorOf(await v2("exec", { project_id: PA, command: "true" }, bearer(WRONG)))).toBe("must be signed in");
  });

  it("exec: not a collaborator", async () => {
    const listsB = hub.mintAiKey({ capabilities: ["project:exec"], projects: [PB] });
    expect(errorOf(await v2("exec", { project_id: PB, command: "true" }, bearer(listsB)))).toBe("user must be a collaborator on project");
  });

  it("exec: async_cancel kills the whole process group and answers status 'killed'", async () => {
    const started = (await v2("exec", { project_id: PA, command: "sleep 300 & sleep 300; wait", async_call: true }, bearer(K))).json as { job_id: string; pid: number; status: string };
    expect(started.status).toBe("running");
    expect(isAlive(started.pid)).toBe(true);
    const killed = (await v2("exec", { project_id: PA, async_cancel: started.job_id }, bearer(K))).json as Obj;
    expect(killed).toMatchObject({ type: "async", job_id: started.job_id, status: "killed" });
    expect(await waitForExit(started.pid, 20_000)).toBe(true);
    // no process of the group is left (the background sleep included)
    expect(await groupGone(started.pid, 20_000)).toBe(true);
    expect((await v2("exec", { project_id: PA, async_get: started.job_id }, bearer(K))).json).toMatchObject({ status: "killed" });
  });

  it("projects/copy-path: by default it hangs into the request's timeout and copies nothing", async () => {
    const t0 = Date.now();
    const r = await v2("projects/copy-path", { src_project_id: PA, path: "README.txt", target_project_id: PX, timeout: 1 }, bearer(hub.mintAiKey({ capabilities: ["file:read", "file:write"], projects: [PA, PX] })));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(errorOf(r)).toBe("timeout - Error: operation has timed out subject:file-server.api");
    expect(existsSync(join(hub.hub.runtime.folder(PX), "README.txt"))).toBe(false);
  });

  it("projects/copy-path: with aiCopyPath 'works' → {status:'ok'} and the bytes arrive", async () => {
    hub.hub.settings.aiCopyPath = "works";
    try {
      const key = hub.mintAiKey({ capabilities: ["file:read", "file:write"], projects: [PA, PX] });
      const r = await v2("projects/copy-path", { src_project_id: PA, path: "README.txt", target_project_id: PX, target_path: "copied.txt" }, bearer(key));
      expect(r.json).toEqual({ status: "ok" });
      expect(readFileSync(join(hub.hub.runtime.folder(PX), "copied.txt"))).toEqual(readFileSync(join(hub.hub.runtime.folder(PA), "README.txt")));
    } finally {
      hub.hub.settings.aiCopyPath = "hangs";
    }
  });

  it("projects/copy-path: its parameter and collaborator texts", async () => {
    expect(errorOf(await v2("projects/copy-path", { src_project_id: PA, target_project_id: PA }, bearer(K)))).toBe("path must be specified");
    expect(errorOf(await v2("projects/copy-path", { path: "a", src_project_id: "x", target_project_id: PA }, bearer(K)))).toBe("src_project_id must be a valid uuid");
    expect(errorOf(await v2("projects/copy-path", { path: "a", src_project_id: PA, target_project_id: "x" }, bearer(K)))).toBe("target_project_id must be a valid uuid");
    const key = hub.mintAiKey({ capabilities: ["file:read", "file:write"], projects: [PA, PB] });
    expect(errorOf(await v2("projects/copy-path", { path: "README.txt", src_project_id: PA, target_project_id: PB }, bearer(key)))).toBe(
      "must be a collaborator on target project",
    );
    expect(errorOf(await v2("projects/copy-path", { path: "README.txt", src_project_id: PB, target_project_id: PA }, bearer(key)))).toBe(
      "must be a collaborator on source project",
    );
  });

  it("user-query, api-keys and auth/bootstrap refuse keys outright", async () => {
    expect(errorOf(await v2("user-query", { query: { accounts: { account_id: null } } }, bearer(K)))).toBe("API keys are not allowed to use user-query");
    expect(errorOf(await v2("api-keys", { action: "create" }, bearer(K)))).toBe("API keys cannot manage account API keys");
    expect(errorOf(await v2("api-keys", { action: "get" }, basic(WRONG)))).toBe("API keys cannot manage account API keys");
    expect(errorOf(await v2("auth/bootstrap", {}, bearer(K)))).toBe("API keys are not allowed to use browser bootstrap");
    expect(errorOf(await v2("auth/bootstrap", {}, "Anything"))).toBe("API keys are not allowed to use browser bootstrap");
  });

  it("auth/bootstrap without auth → signed out, with the home bay and client capabilities", async () => {
    expect((await v2("auth/bootstrap", {})).json).toEqual({
      signed_in: false,
      home_bay_id: expect.any(String),
      home_bay_url: hub.url,
      client_capabilities: { protocol_version: 1, app_base_path: "/", browser_challenge_login: 1, project_window: 1, project_host_routing: 1, chat_sync: 2, agent_session_index: 1, acp: 1 },
    });
  });
});

describe("GET /customize (§4)", () => {
  const customize = async (h: TestHub, auth?: string) => {
    const res = await request(`${h.url}/customize`, { headers: auth ? { authorization: auth } : {} });
    return JSON.parse(await res.body.text()) as { configuration: Obj };
  };

  it("says launchpad, and whether the key is valid (without a capability check)", async () => {
    const anon = (await customize(hub)).configuration;
    expect(anon).toMatchObject({ cocalc_product: "launchpad", is_launchpad: true, is_rocket: false, site_name: expect.any(String), is_authenticated: false });
    expect((await customize(hub, bearer(hub.mintAiKey({ capabilities: ["project:create"] })))).configuration.is_authenticated).toBe(true);
    expect((await customize(hub, bearer(WRONG))).configuration.is_authenticated).toBe(false);
    expect("lite" in anon).toBe(false);
  });

  describe("products (§2.0)", () => {
    let launchpad: TestHub;
    let plus: TestHub;
    beforeAll(async () => {
      launchpad = await startTestHub({ api: "ai", settings: { aiProduct: "launchpad" } });
      plus = await startTestHub({ api: "ai", settings: { aiProduct: "plus" } });
    });
    afterAll(async () => {
      await launchpad?.stop();
      await plus?.stop();
    });

    it("Launchpad: the two bridges and the auth routes, nothing else of /api/v2", async () => {
      const k = launchpad.credentials.api_key;
      expect(k).toMatch(/^sk-cc-v2\./);
      const pid = launchpad.hub.store.projectsOf(launchpad.credentials.account_id)[0]!.project_id;
      expect((await launchpad.post("/api/conat/hub", { name: "system.ping", args: [] }, bearer(k))).json).toEqual({ now: expect.any(Number) });
      expect((await launchpad.post("/api/conat/project", { project_id: pid, name: "ping", args: [] }, bearer(k))).json).toBe("pong");
      expect((await launchpad.post("/api/conat/project", {}, "Bearer x")).json).toEqual({ error: "must sign in with an account API key" });
      for (const route of ["projects/get", "accounts/profile", "exec", "projects/create", "user-query"]) {
        const r = await launchpad.post(`/api/v2/${route}`, {}, bearer(k));
        expect(r.status).toBe(404);
        expect(r.text).toContain(`<pre>Cannot POST /api/v2/${route}</pre>`);
      }
      expect(((await launchpad.post("/api/v2/auth/bootstrap", {})).json as Obj).signed_in).toBe(false);
      expect((await customize(launchpad)).configuration).toMatchObject({ cocalc_product: "launchpad", is_launchpad: true });
    });

    it("Plus: no bridges and no keys; bootstrap says who is signed in; /customize says lite", async () => {
      expect(plus.credentials.api_key).not.toMatch(/^sk-cc-v2\./);
      expect(plus.credentials).toMatchObject({ api: "ai", ai_product: "plus" });
      for (const path of ["/api/conat/hub", "/api/conat/project", "/api/v2/projects/get", "/api/v1/ping"]) {
        const r = await plus.post(path, { name: "system.ping", args: [] }, "Bearer x");
        expect(r.status).toBe(404);
        expect(r.text).toContain(`<pre>Cannot POST ${path}</pre>`);
      }
      expect((await plus.post("/api/v2/auth/bootstrap", {})).json).toEqual({ signed_in: true, account_id: plus.credentials.account_id });
      expect((await customize(plus)).configuration).toMatchObject({ lite: true, site_name: "CoCalc Lite", account_id: plus.credentials.account_id });
    });
  });
});
