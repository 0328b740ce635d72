/**
 * A command on a stopped project, as the app's views send it (ProjectRunner
 * over the backend backendFor makes): the start gate in front of the backend
 * starts the project and waits for it, and the command then runs once, with
 * no probe command before it (the probe did the gate's work a second time).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProjectRunner } from "../../electron/services/backend/project-start.js";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";

describe.each(SYNC_HUB_MODES)("a command on a stopped project through ProjectRunner, hub --api %s", (mode) => {
  let sh: SyncHub;
  beforeAll(async () => {
    sh = await startSyncHub(mode);
  });
  afterAll(() => sh?.stop());

  it("starts the project through the gate and runs the command once, with no probe", async () => {
    const { project_id } = await sh.newProject();
    expect(sh.hub.hub.runtime.state(project_id)).toBe("stopped");
    const runner = new ProjectRunner(sh.backend);
    const before = sh.hub.hub.traffic.requests.length;
    const r = await runner.exec({ project_id, command: "sh", args: ["-c", "echo ran >> runs.txt; echo done"], timeout: 20 });
    expect(r.stdout).toBe("done\n");
    expect(readFileSync(join(sh.hub.hub.runtime.folder(project_id), "runs.txt"), "utf8")).toBe("ran\n");
    expect(sh.hub.hub.runtime.state(project_id)).toBe("running");
    // one command request, the command itself (the current generation sends commands over its project bridge)
    const commandRoutes = sh.hub.hub.traffic.requests.slice(before).filter((q) => q.path === "/api/v1/project_exec" || q.path === "/api/v2/exec");
    if (mode !== "current") expect(commandRoutes).toHaveLength(1);
    else expect(sh.hub.hub.traffic.requests.slice(before).filter((q) => q.path === "/api/conat/project")).toHaveLength(1);
  }, 120_000);
});
