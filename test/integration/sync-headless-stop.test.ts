/**
 * A project stopped between two headless syncs (an idle timeout, a stop in
 * the browser): the next run goes out at once as if it ran (one request when
 * it does), and when the server says it does not, starts it, waits for it to
 * run and syncs every change of both sides — on every generation. v1 and the
 * current generation start a project on the first call themselves (server
 * facts §7-9); cocalc.ai never does: /api/v2/exec answers "no assigned host"
 * and its project bridge waits into its timeout (ai facts §6-7), over the
 * route a hub without project hosts sends every command (`ai-bridge`).
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHub, type SyncHub, type SyncHubMode } from "../support/sync-hub.js";
import { runSyncCli } from "../support/sync-cli.js";
import { editRemembered } from "../support/cli-connection.js";
import { bearer } from "../support/hub.js";

const CASES: Array<{ name: string; mode: SyncHubMode; bridge: boolean }> = [
  { name: "v1", mode: "v1", bridge: false },
  { name: "current", mode: "current", bridge: false },
  { name: "ai", mode: "ai", bridge: false },
  { name: "ai-bridge", mode: "ai", bridge: true },
];

const countsOf = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, number>;

describe.each(CASES)("a headless sync after the project stopped, hub --api $name", ({ mode, bridge }) => {
  let sh: SyncHub;
  beforeAll(async () => {
    sh = await startSyncHub(mode);
  });
  afterAll(() => sh?.stop());

  it("starts the project where the server does not, waits for it, syncs both sides and says so", async () => {
    const { project_id, home } = await sh.newProject();
    const remote = join(home, "pair");
    mkdirSync(remote);
    for (let i = 0; i < 20; i++) writeFileSync(join(remote, `f${i}.txt`), `file ${i}\n`);
    const keyFile = join(mkdtempSync(join(tmpdir(), "key-")), "key");
    writeFileSync(keyFile, sh.hub.credentials.api_key, { mode: 0o600 });
    const local = mkdtempSync(join(tmpdir(), "stop-local-"));
    const stateDir = mkdtempSync(join(tmpdir(), "stop-state-"));
    const args = ["--local", local, "--server", sh.hub.url, "--key-file", keyFile, "--project", project_id, "--remote-path", "pair", "--state", stateDir, "--once"];
    const first = await runSyncCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(countsOf(first.stdout)).toMatchObject({ downloaded: 20 });
    // a hub without project hosts answers "no assigned host" to every /api/v2/exec: its runs learn the bridge (ai facts §6)
    if (bridge) editRemembered(stateDir, (r) => ({ ...r, bridge_projects: [project_id] }));

    sh.hub.hub.runtime.stop(project_id);
    expect(sh.hub.hub.runtime.state(project_id)).toBe("stopped");
    writeFileSync(join(remote, "made-on-server.txt"), "from the server\n");
    writeFileSync(join(local, "made-here.txt"), "from this machine\n");

    const before = sh.hub.hub.traffic.requests.length;
    const t0 = performance.now();
    const again = await runSyncCli(args);
    const wall = Math.round(performance.now() - t0);
    const sent = sh.hub.hub.traffic.requests.slice(before).map((r) => r.path);
    console.log(`headless sync after a stop, ${mode}${bridge ? " (bridge)" : ""}: ${sent.length} request(s), ${wall} ms: ${sent.join(" ")}`);
    expect(again.code, again.stderr).toBe(0);
    expect(countsOf(again.stdout)).toMatchObject({ uploaded: 1, downloaded: 1 });
    expect(readFileSync(join(local, "made-on-server.txt"), "utf8")).toBe("from the server\n");
    expect(readFileSync(join(remote, "made-here.txt"), "utf8")).toBe("from this machine\n");
    expect(sh.hub.hub.runtime.state(project_id)).toBe("running");

    if (mode === "ai") {
      // nothing on cocalc.ai starts a project but projects/start: the run sent it, after one command found the project not running
      expect(again.stderr).toContain("Starting the project…");
      expect(again.stderr).toContain("The project is running.");
      const start = sent.indexOf("/api/v2/projects/start");
      expect(start).toBeGreaterThan(0);
      // one command found it not running ("no assigned host" from a project not known to run is not taken for one without a host)
      expect(sent.slice(0, start).filter((p) => p === "/api/v2/exec" || p === "/api/conat/project")).toEqual([bridge ? "/api/conat/project" : "/api/v2/exec"]);
      // and the listing after the start (and however many state polls it took) went where the project's commands go
      expect(sent.slice(start + 1).find((p) => p !== "/api/conat/hub")).toBe(bridge ? "/api/conat/project" : "/api/v2/exec");
    } else {
      // the server started it on the first call, which then answered: the run did not ask first
      expect(sent[0]).toBe(mode === "v1" ? "/api/v1/project_exec" : "/api/conat/project");
      expect(sh.hub.hub.traffic.requests.slice(before).some((r) => /query|state|start/.test(r.path))).toBe(false);
    }
  }, 240_000);
});

describe("the cocalc.ai project bridge's timeout texts (ai facts §6, server facts §8)", () => {
  let sh: SyncHub;
  beforeAll(async () => {
    sh = await startSyncHub("ai");
  });
  afterAll(() => sh?.stop());

  it("a running project that answers too late is not taken for a stopped one", async () => {
    const { project_id } = await sh.newProject();
    await sh.backend.projectAction(project_id, "start");
    await expect.poll(() => sh.hub.hub.runtime.state(project_id), { timeout: 30_000 }).toBe("running");
    const body = { project_id, name: "system.exec", args: [{ command: "sleep", args: ["2"], timeout: 10 }], timeout: 300 };
    const r = await sh.hub.post("/api/conat/project", body, bearer(sh.hub.credentials.api_key));
    expect((r.json as { error: string }).error).toBe(`timeout - callHub: subject='project.${project_id}.api.-', name='system.exec', code='408' `);
  });
});
