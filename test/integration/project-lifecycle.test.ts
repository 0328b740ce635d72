/**
 * Projects are started before the first call that needs them, on every
 * generation, through the real router and services: a stopped project is
 * listed, its command run exactly once, the views told "starting" then
 * "running"; Stop answers with the state the server confirms; delete where
 * the generation has it. On cocalc.ai (which starts nothing by itself, facts
 * §7) a free plan's limits come back saying what to stop, and a copy between
 * two projects says it cannot run before anything is copied.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import type { ApiMode } from "../../hub/app.js";
import type { ProjectStartEvent } from "../../shared/domain.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { routerClient } from "../support/router-client.js";

async function session(api: ApiMode, settings: Parameters<typeof startTestHub>[0] = {}) {
  const hub = await startTestHub({ api, projectStartMs: 600, projectConnectTimeoutMs: 200, ...settings });
  const dataDir = mkdtempSync(join(tmpdir(), "app-data-"));
  const app = await composeApp({ dataDir, logFile: join(dataDir, "logs", "main.log"), version: "0.1.0", platform: "linux", trustedOrigins: ["app://cocalc-desktop"], secrets: new MemoryStore() });
  const events: ProjectStartEvent[] = [];
  app.setEmit((event, payload) => event === "projects.starting" && events.push(payload as ProjectStartEvent));
  const client = routerClient(() => app);
  const p = await client.call("profiles.add", { name: api, url: hub.url, api_key: hub.credentials.api_key });
  await client.call("profiles.switch", { id: p.id });
  return { hub, app, events, ...client, stop: async () => (await app.stop(), await hub.stop()) };
}

/** A project of the admin's that the start key may reach (on cocalc.ai the key lists the projects of its start). */
const example = (hub: TestHub) => hub.hub.store.projectsOf(hub.credentials.account_id).find((p) => p.title === "Example project")!.project_id;

describe.each(["v1", "current", "ai"] as const)("generation %s", (api) => {
  let s: Awaited<ReturnType<typeof session>>;
  let pid: string;
  beforeAll(async () => {
    s = await session(api);
    pid = example(s.hub);
  });
  afterAll(() => s?.stop());

  it("a stopped project is started before the first call: the listing works, the views are told 'starting' then 'running'", async () => {
    expect(s.hub.hub.runtime.state(pid)).toBe("stopped");
    const r = await s.call("files.list", { project_id: pid, path: "" });
    expect(r.entries.map((e) => e.name)).toContain("README.txt");
    expect(s.hub.hub.runtime.state(pid)).toBe("running");
    expect(s.events.filter((e) => e.project_id === pid).map((e) => e.phase)).toEqual(["starting", "running"]);
  });

  it("Stop answers with the state the server confirms; the next command starts it again and runs once", async () => {
    const stopped = await s.call("projects.action", { project_id: pid, action: "stop" });
    expect(stopped.state).not.toMatch(/^(running|starting)$/);
    expect(s.hub.hub.runtime.state(pid)).toBe("stopped");
    const r = await s.call("exec.run", { request_id: crypto.randomUUID(), project_id: pid, command: "echo ran >> runs.txt; echo done", bash: true, timeout: 30 });
    expect(r.stdout).toBe("done\n");
    expect(readFileSync(join(s.hub.hub.runtime.folder(pid), "runs.txt"), "utf8")).toBe("ran\n");
  });

  it("Start answers once the server shows the project starting or running", async () => {
    await s.call("projects.action", { project_id: pid, action: "stop" });
    const started = await s.call("projects.action", { project_id: pid, action: "start" });
    expect(started.state).toMatch(/^(running|starting)$/);
  });

  it(api === "ai" ? "delete is not offered: the capability says so and the call explains where to do it" : "delete marks the project deleted, and it can be restored", async () => {
    const caps = await s.call("server.capabilities", {});
    const doomed = s.hub.hub.store.createProject(s.hub.credentials.account_id, { title: "to delete" }).project_id;
    if (api === "ai") {
      expect(caps.projectDelete).toBe(false);
      const r = await s.raw("projects.delete", { project_id: doomed, deleted: true });
      expect(r).toMatchObject({ ok: false, error: { kind: "not-available", hint: expect.stringMatching(/browser/) } });
      expect(s.hub.hub.store.project(doomed)?.deleted).toBe(false);
      return;
    }
    expect(caps.projectDelete).toBe(true);
    await s.call("projects.delete", { project_id: doomed, deleted: true });
    expect(s.hub.hub.store.project(doomed)?.deleted).toBe(true);
    await s.call("projects.delete", { project_id: doomed, deleted: false });
    expect(s.hub.hub.store.project(doomed)?.deleted).toBe(false);
  });
});

describe("cocalc.ai's free plan (facts §7)", () => {
  let s: Awaited<ReturnType<typeof session>>;
  let a: string;
  let b: string;
  beforeAll(async () => {
    // a start key that lists both projects (it covers the projects the admin has at the hub's start)
    const dataDir = mkdtempSync(join(tmpdir(), "hub-"));
    const seed = await startTestHub({ api: "ai", dataDir });
    const second = seed.hub.store.createProject(seed.credentials.account_id, { title: "Second" }).project_id;
    seed.hub.runtime.createFolder(second);
    writeFileSync(join(seed.hub.runtime.folder(second), "keep.txt"), "x");
    await seed.stop();
    s = await session("ai", { dataDir });
    a = example(s.hub);
    b = second;
  });
  afterAll(() => s?.stop());

  it("a call on a second project while one runs: the limit, naming the running project, and nothing ran", async () => {
    await s.call("files.list", { project_id: a, path: "" });
    const r = await s.raw("exec.run", { request_id: crypto.randomUUID(), project_id: b, command: "touch", args: ["ran.txt"], timeout: 30 });
    expect(r).toMatchObject({ ok: false, error: { kind: "limit", message: "Your plan runs one project at a time: stop “Example project” and try again.", limit: { what: "running", max: 1, running: [{ project_id: a, title: "Example project" }] } } });
    expect(existsSync(join(s.hub.hub.runtime.folder(b), "ran.txt"))).toBe(false);
    expect(s.events.at(-1)).toMatchObject({ project_id: b, phase: "failed", message: expect.stringMatching(/stop “Example project”/) });
  });

  it("Start says the same; after stopping the running one, it starts", async () => {
    const r = await s.raw("projects.action", { project_id: b, action: "start" });
    expect(r).toMatchObject({ ok: false, error: { kind: "limit", message: expect.stringMatching(/^Your plan runs one project at a time: stop “Example project”/) } });
    await s.call("projects.action", { project_id: a, action: "stop" });
    expect((await s.call("projects.action", { project_id: b, action: "start" })).state).toMatch(/^(running|starting)$/);
  });

  it("a copy between the two says it cannot run before a file moves", async () => {
    const r = await s.raw("copy.start", { src_project_id: b, src_path: "keep.txt", target_project_id: a, target_path: "keep.txt" });
    expect(r).toMatchObject({ ok: false, error: { kind: "limit", message: expect.stringMatching(/^Nothing was copied: a copy between two projects needs both running/) } });
    expect(existsSync(join(s.hub.hub.runtime.folder(a), "keep.txt"))).toBe(false);
  });

  it("a sixth project is refused with the server's clear text", async () => {
    for (let n = s.hub.hub.store.projectsOf(s.hub.credentials.account_id).length; n < 5; n++) await s.call("projects.create", { title: `filler ${n}` });
    const r = await s.raw("projects.create", { title: "sixth" });
    expect(r).toMatchObject({ ok: false, error: { kind: "limit", message: "Project limit reached (5/5): your plan allows 5 projects.", hint: expect.stringMatching(/Delete a project/) } });
  });
});
