/**
 * Cancelling a command through the app really stops it on the server, on
 * every generation, against the hub in its realistic default (a dropped call
 * leaves the command running, as on real servers). What is left is checked
 * on this machine with pgrep, and the app says "stopped" only once none is.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComposedApp } from "../../electron/services/compose.js";
import { wrapCommand } from "../../electron/services/exec/cancellable.js";
import { allowProject, newProject, startTestHub, type TestHub } from "../support/hub.js";
import { routerClient } from "../support/router-client.js";
import { composeTestApp } from "../support/test-app.js";

/** How long the commands sleep before they would write their marker file, s. */
const SLEEP_S = 8;

/** pids of processes whose command line contains `marker` (pgrep -f on this machine). */
function pgrep(marker: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", "--", marker], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Each generation the app speaks; the test uses nothing but the router.
// One generation at a time: pgrep runs synchronously in the thread that also serves the hub, and side by side
// the three generations all timed out waiting for their commands on a loaded machine (load 28).
// Each generation has its own hub and app, and its tests mostly wait for commands to (not) finish: the three
// run side by side; the tests of one in turn (the last one closes its hub).
describe.concurrent.each(["v1", "current", "ai"] as const)("cancel on a hub serving %s", (generation) => {
  let hub: TestHub;
  let app: ComposedApp;
  let pid: string;
  const leftovers: number[] = [];

  const { raw, call } = routerClient(() => app);

  beforeAll(async () => {
    hub = await startTestHub({ api: generation });
    pid = generation === "v1" ? await newProject(hub) : hub.hub.store.createProject(hub.credentials.account_id, { title: "cancel" }).project_id;
    hub.hub.runtime.createFolder(pid);
    // a cocalc.ai key reaches only the projects listed for it
    if (generation === "ai") allowProject(hub, hub.credentials.api_key, pid);
    app = await composeTestApp();
    await call("profiles.add", { name: "hub", url: hub.url, api_key: hub.credentials.api_key });
  });
  afterAll(async () => {
    for (const p of leftovers) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    await app?.stop();
    // the last test closed the hub already
    await hub?.stop().catch(() => undefined);
  });

  it.sequential("a bash script and a command with args that forks a child: cancel stops every process, and nothing runs on", async () => {
    const tag = `${Math.floor(Math.random() * 9000) + 1000}`;
    const mark = { bash: `sleep ${SLEEP_S}.1${tag}`, child: `sleep ${SLEEP_S}.2${tag}`, parent: `sleep ${SLEEP_S}.3${tag}` };
    const home = hub.hub.runtime.folder(pid);
    const bashId = randomUUID();
    const argsId = randomUUID();
    const t0 = Date.now();
    const runs = [
      raw("exec.run", { request_id: bashId, project_id: pid, command: `${mark.bash}; touch after-bash`, bash: true, timeout: 120 }),
      raw("exec.run", { request_id: argsId, project_id: pid, command: "sh", args: ["-c", `${mark.child} & ${mark.parent}; touch after-args`], timeout: 120 }),
    ];
    await until("both commands to run", () => pgrep(mark.bash).length > 0 && pgrep(mark.child).length > 0 && pgrep(mark.parent).length > 0);

    const cancels = await Promise.all([call("exec.cancel", { request_id: bashId }), call("exec.cancel", { request_id: argsId })]);
    // "stopped" is said only once no process of it is left: check at once, on this machine
    const left = [...pgrep(mark.bash), ...pgrep(mark.child), ...pgrep(mark.parent)];
    leftovers.push(...left);
    expect(left).toEqual([]);
    for (const c of cancels) expect(c).toEqual({ cancelled: true, stopped: true, message: expect.stringMatching(/stopped on the server; none of its processes are left/) });
    const results = await Promise.all(runs);
    for (const [i, r] of results.entries()) {
      expect(r).toMatchObject({ ok: false, error: { kind: "cancelled", message: cancels[i]!.message } });
      if (!r.ok) expect(r.error.hint).not.toBe(r.error.message);
    }
    // well past when the marker files would have been written
    const wouldHaveWritten = t0 + SLEEP_S * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, wouldHaveWritten - Date.now()) + 3000));
    expect(existsSync(join(home, "after-bash"))).toBe(false);
    expect(existsSync(join(home, "after-args"))).toBe(false);
    expect(await call("exec.cancel", { request_id: bashId })).toEqual({ cancelled: false });
  }, 60_000);

  it.sequential("the wrapper leaves a command's exit status, stdout and stderr as they were", async () => {
    const backend = (await app.connection.get()).backend;
    const cases = [
      { project_id: pid, command: "echo out; echo 'err 1' >&2; exit 4", bash: true },
      { project_id: pid, command: "printf", args: ["%s|", "a b", "it's", "$HOME", "--", ""] },
      { project_id: pid, command: "sh", args: ["-c", "echo \"$0 $1\"; echo e >&2; exit 7", "x", "y z"] },
      { project_id: pid, command: "cat", args: ["no such file"] },
      { project_id: pid, command: "echo line $LINENO; f=1; echo \"f=$f\"", bash: true },
    ];
    for (const c of cases) {
      const plain = await backend.exec(c);
      const wrapped = await backend.exec(wrapCommand(c, randomUUID()));
      expect(wrapped, JSON.stringify(c)).toEqual(plain);
    }
    // and the run files are gone once the commands ended
    await until("no run file left", () => !existsSync(join(hub.hub.runtime.folder(pid), ".cache/cocalc-desktop/run")) || execFileSync("ls", [join(hub.hub.runtime.folder(pid), ".cache/cocalc-desktop/run")], { encoding: "utf8" }) === "");
  });

  it.sequential("when the server cannot be reached to stop it, the app says the command may still be running", async () => {
    const mark = `sleep ${SLEEP_S}.4${Math.floor(Math.random() * 9000) + 1000}`;
    const request_id = randomUUID();
    const run = raw("exec.run", { request_id, project_id: pid, command: `${mark}; true`, bash: true, timeout: 120 });
    await until("the command to run", () => pgrep(mark).length > 0);
    // the hub stops answering, but the project's command goes on (as a real project outlives its hub)
    await hub.close();
    const c = await call("exec.cancel", { request_id });
    leftovers.push(...pgrep(mark));
    expect(c).toMatchObject({ cancelled: true, stopped: false, message: expect.stringMatching(/cancelled here; it may still be running on the server \(the server could not be reached/) });
    expect(await run).toMatchObject({ ok: false, error: { kind: "cancelled", message: c.message } });
    expect(pgrep(mark).length).toBeGreaterThan(0);
  }, 60_000);
});
