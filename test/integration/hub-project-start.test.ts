/**
 * A stopped project on the hub takes a moment to start and the first calls
 * get the real server's {event:"error", error:"timeout"}; the app's start
 * handling brings it up and runs the user's command exactly once.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpTransport } from "../../electron/services/http/transport.js";
import { V1Client } from "../../electron/services/api/v1-client.js";
import { V1Backend } from "../../electron/services/backend/v1-backend.js";
import { ProjectRunner } from "../../electron/services/backend/project-start.js";
import { ApiError } from "../../shared/errors.js";
import { newProject, startTestHub, type TestHub } from "../support/hub.js";
import { waitUntil } from "../support/wait.js";

let hub: TestHub;
let transport: HttpTransport;
let backend: V1Backend;
beforeAll(async () => {
  hub = await startTestHub({ projectStartMs: 1500, projectConnectTimeoutMs: 300 });
  transport = new HttpTransport();
  backend = new V1Backend(new V1Client({ server: hub.url, apiKey: hub.credentials.api_key, transport }));
});
afterAll(async () => {
  await transport.close();
  await hub.stop();
});

describe("starting projects", () => {
  it("the first call on a stopped project answers 'timeout' while it starts; later calls work", async () => {
    const pid = await newProject(hub);
    const first = await hub.v1("project_exec", { project_id: pid, command: "true" });
    expect(first.json).toMatchObject({ event: "error", error: "timeout" });
    expect(hub.hub.runtime.state(pid)).toBe("starting");
    // it answers once started (a later call that still finds it starting gets "timeout" again)
    await waitUntil("the project to have started", async () => (await hub.v1("project_exec", { project_id: pid, command: "true" })).json.event === "project_exec_output", { interval: 200 });
  });

  it("the backend classifies that reply as 'project starting'", async () => {
    const pid = await newProject(hub);
    const e = await backend.exec({ project_id: pid, command: "true" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).kind).toBe("project-starting");
  });

  it("ProjectRunner probes until the project is up, then runs the command once; a stop through query starts it all again", async () => {
    const pid = await newProject(hub);
    const runner = new ProjectRunner(backend);
    const waits: number[] = [];
    const r = await runner.exec({ project_id: pid, command: "echo ran >> runs.txt; echo done", bash: true }, { onWaiting: (n) => waits.push(n) });
    expect(r.stdout).toBe("done\n");
    expect(waits.length).toBeGreaterThan(0);
    const runs = () => readFileSync(join(hub.hub.runtime.folder(pid), "runs.txt"), "utf8");
    expect(runs()).toBe("ran\n");

    await backend.projectAction(pid, "stop");
    expect(hub.hub.runtime.state(pid)).toBe("stopped");
    // The runner remembered the project as alive; its command meets the stopped project and is
    // not run again behind the user's back.
    const e = await runner.exec({ project_id: pid, command: "echo ran >> runs.txt", bash: true }).catch((x: unknown) => x);
    expect((e as ApiError).kind).toBe("project-starting");
    expect((e as ApiError).message).toMatch(/did not run/);
    // The next try probes first, then runs once.
    await runner.exec({ project_id: pid, command: "echo ran >> runs.txt", bash: true });
    expect(runs()).toBe("ran\nran\n");
  });
});
