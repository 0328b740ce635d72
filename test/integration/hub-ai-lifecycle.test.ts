/**
 * The hub with `--api ai` starts projects as cocalc.ai does (facts §7): only
 * POST /api/v2/projects/start starts one; a never-started project has no
 * state; commands, the project bridge and listings fail while it is not
 * running, with the real texts. And a free membership's limits: 5 projects,
 * 1 running, refused with the real server's texts (on by default, off by a
 * setting).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, startTestHub, type TestHub } from "../support/hub.js";

type Obj = Record<string, unknown>;
let hub: TestHub;
let K: string;
let admin: string;

beforeAll(async () => {
  hub = await startTestHub({ api: "ai", projectStartMs: 400 });
  K = hub.credentials.api_key;
  admin = hub.credentials.account_id;
});
afterAll(() => hub?.stop());

const v2 = (route: string, body: Obj, key = K) => hub.post(`/api/v2/${route}`, body, bearer(key));
const callHub = (name: string, args: unknown[], key = K) => hub.post("/api/conat/hub", { name, args }, bearer(key));
const callProject = (project_id: string, name: string, args: unknown[], timeout?: number) =>
  hub.post("/api/conat/project", { project_id, name, args, ...(timeout ? { timeout } : {}) }, bearer(K));
const errorOf = (r: { json: unknown }) => (r.json as { error?: string } | null)?.error;
const state = async (project_id: string) => (await callHub("projects.getProjectState", [{ project_id }])).json as Obj;
/** A project of the admin that K may reach. */
async function project(title: string): Promise<string> {
  const pid = hub.hub.store.createProject(admin, { title }).project_id;
  hub.hub.runtime.createFolder(pid);
  K = hub.mintAiKey({ capabilities: ["account:read", "project:create", "project:list", "project:read", "project:write", "file:read", "file:write", "project:exec"], projects: hub.hub.store.projectsOf(admin).map((p) => p.project_id) });
  return pid;
}

describe("starting (facts §7)", () => {
  let pid: string;
  beforeAll(async () => {
    hub.hub.settings.aiLimits = "off";
    pid = await project("never started");
  });
  afterAll(() => {
    hub.hub.runtime.stopAll();
    hub.hub.settings.aiLimits = "free";
  });

  it("a never-started project has no state at all: getProjectState answers {}", async () => {
    expect(await state(pid)).toEqual({});
  });

  it("commands and the hub's exec fail at once while it is not running, and nothing starts it", async () => {
    expect(errorOf(await v2("exec", { project_id: pid, command: "echo", args: ["ran"] }))).toBe(`project ${pid} has no assigned host`);
    expect(errorOf(await callHub("projects.exec", [{ project_id: pid, execOpts: { command: "true" } }]))).toBe(
      `project ${pid} has no assigned host - callHub: subject='hub.account.${admin}.api', name='projects.exec', code='unknown' `,
    );
    expect(hub.hub.runtime.state(pid)).toBe("stopped");
  });

  it("the project bridge (commands, files, listings) waits for the project within its timeout, then answers the timeout text", async () => {
    for (const name of ["system.exec", "system.listing", "system.readTextFileFromProject", "ping"]) {
      expect(errorOf(await callProject(pid, name, [{ command: "true", path: "" }], 300))).toBe(
        `timeout - Error: operation has timed out subject:project.${pid}.api.- - callHub: subject='project.${pid}.api.-', name='${name}', code='408' `,
      );
    }
    expect(hub.hub.runtime.state(pid)).toBe("stopped");
  });

  it("projects/start: {status:'ok'} at once, then 'starting', then 'running'; commands then run", async () => {
    expect((await v2("projects/start", { project_id: pid })).json).toEqual({ status: "ok" });
    expect((await state(pid)).state).toBe("starting");
    await expect.poll(async () => (await state(pid)).state).toBe("running");
    expect((await v2("exec", { project_id: pid, command: "echo", args: ["ran"] })).json).toMatchObject({ stdout: "ran\n", exit_code: 0 });
    expect((await callProject(pid, "ping", [])).json).toBe("pong");
  });

  it("a bridge call made while the project starts is answered once it runs", async () => {
    const other = await project("bridge waits");
    const call = callProject(other, "ping", [], 10_000);
    await v2("projects/start", { project_id: other });
    expect((await call).json).toBe("pong");
  });

  it("after a stop the state is 'opened' and commands fail again", async () => {
    expect((await v2("projects/stop", { project_id: pid })).json).toEqual({ status: "ok" });
    expect((await state(pid)).state).toBe("opened");
    expect(errorOf(await v2("exec", { project_id: pid, command: "true" }))).toBe(`project ${pid} has no assigned host`);
  });
});

describe("a free membership's limits (facts §7), on by default", () => {
  it("is the default of an --api ai hub", () => {
    expect(hub.hub.settings.aiLimits).toBe("free");
  });

  it("one running project: starting a second carries the runtime sponsor's denial, naming the running one; after a stop it starts", async () => {
    const a = await project("runs first");
    const b = await project("waits");
    await v2("projects/start", { project_id: a });
    const e = errorOf(await v2("projects/start", { project_id: b }));
    expect(e).toMatch(/^COCALC_RUNTIME_SPONSOR_DENIAL:\{/);
    expect(JSON.parse(e!.slice("COCALC_RUNTIME_SPONSOR_DENIAL:".length))).toEqual({
      code: "runtime_sponsor_slots_exhausted",
      sponsor_account_id: admin,
      limit: 1,
      current: 1,
      active_projects: [{ project_id: a, state: expect.stringMatching(/^(starting|running)$/) }],
    });
    expect(hub.hub.runtime.state(b)).toBe("stopped");
    // touch starts too, and is refused the same way
    expect(errorOf(await v2("projects/touch", { project_id: b }))).toMatch(/^COCALC_RUNTIME_SPONSOR_DENIAL:.*"limit":1/);
    // starting the running one again is no second slot
    expect((await v2("projects/start", { project_id: a })).json).toEqual({ status: "ok" });
    await v2("projects/stop", { project_id: a });
    expect((await v2("projects/start", { project_id: b })).json).toEqual({ status: "ok" });
    await v2("projects/stop", { project_id: b });
  });

  it("five projects: the sixth is refused with the server's text, by every create route", async () => {
    while (hub.hub.store.projectsOf(admin).filter((p) => !p.deleted).length < 5) await project("filler");
    const text = "project limit reached (5/5); delete a project or upgrade membership";
    expect(errorOf(await v2("projects/create", { title: "sixth" }))).toBe(text);
    expect(errorOf(await callHub("projects.createProject", [{ title: "sixth" }]))).toMatch(new RegExp(`^${text.replace(/[()/]/g, "\\$&")} - callHub:`));
    expect(hub.hub.store.projectsOf(admin).filter((p) => p.title === "sixth")).toEqual([]);
  });

  it("off: more projects and several running", async () => {
    hub.hub.settings.aiLimits = "off";
    try {
      expect((await v2("projects/create", { title: "sixth" })).json).toHaveProperty("project_id");
      const [a, b] = hub.hub.store.projectsOf(admin).map((p) => p.project_id);
      K = hub.mintAiKey({ capabilities: ["project:exec", "project:create"], projects: [a!, b!] });
      expect((await v2("projects/start", { project_id: a })).json).toEqual({ status: "ok" });
      expect((await v2("projects/start", { project_id: b })).json).toEqual({ status: "ok" });
    } finally {
      hub.hub.settings.aiLimits = "free";
    }
  });
});
