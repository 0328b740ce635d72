/**
 * A console command's output arrives while it runs, on every generation,
 * against the hub in its realistic default (no partial output from the
 * server): lines pushed as `exec.output` before the call answers, stdout and
 * stderr apart, what came before a cancel kept, and the server's own result
 * unchanged at the end. The calls made to read are counted from the app's log.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComposedApp } from "../../electron/services/compose.js";
import { ExecOutputEvent } from "../../shared/ipc/contract.js";
import { allowProject, newProject, startTestHub, type TestHub } from "../support/hub.js";
import { routerClient } from "../support/router-client.js";
import { composeTestApp } from "../support/test-app.js";
import { waitUntil } from "../support/wait.js";

const LOOP = 'for i in $(seq 1 10); do echo "tick $i"; echo "warn $i" >&2; sleep 1; done';

// Each generation has its own hub and app (and page): they run side by side, as most of a step is waiting on
// servers, processes and the page; the steps of one generation run in order, each building on the last.
describe.concurrent.each(["v1", "current", "ai"] as const)("live output on a hub serving %s", (generation) => {
  let hub: TestHub;
  let app: ComposedApp;
  let pid: string;
  let dataDir: string;
  const events: ExecOutputEvent[] = [];
  const { raw, call } = routerClient(() => app);
  const of = (id: string, s: "stdout" | "stderr") => events.filter((e) => e.request_id === id).map((e) => e[s]).join("");

  beforeAll(async () => {
    hub = await startTestHub({ api: generation });
    pid = generation === "v1" ? await newProject(hub) : hub.hub.store.createProject(hub.credentials.account_id, { title: "live" }).project_id;
    hub.hub.runtime.createFolder(pid);
    if (generation === "ai") allowProject(hub, hub.credentials.api_key, pid);
    dataDir = mkdtempSync(join(tmpdir(), "app-live-"));
    app = await composeTestApp({ dataDir });
    // what the renderer receives: checked against the event's schema, as the console does
    app.setEmit((event, payload) => event === "exec.output" && events.push(ExecOutputEvent.parse(payload)));
    await call("profiles.add", { name: "hub", url: hub.url, api_key: hub.credentials.api_key });
  });
  afterAll(async () => {
    await app?.stop();
    await hub?.stop();
  });

  it.sequential("lines of a 10-second loop arrive while it runs, stdout and stderr apart; the result is the server's", async () => {
    const request_id = randomUUID();
    let done = false;
    const run = raw("exec.run", { request_id, project_id: pid, command: LOOP, bash: true, timeout: 60 }).finally(() => (done = true));
    await waitUntil("three lines before the loop ends", () => (of(request_id, "stdout").match(/^tick \d+$/gm) ?? []).length >= 3, { timeout: 9_000 });
    expect(done).toBe(false);
    expect(of(request_id, "stderr")).toMatch(/^warn 1\n/);
    const r = await run;
    expect(r.ok && r.value).toMatchObject({ stdout: Array.from({ length: 10 }, (_, i) => `tick ${i + 1}\n`).join(""), stderr: Array.from({ length: 10 }, (_, i) => `warn ${i + 1}\n`).join(""), exit_code: 0 });
    // what was pushed is a prefix of what the server returned, never mixed
    if (r.ok) {
      expect(r.value.stdout.startsWith(of(request_id, "stdout"))).toBe(true);
      expect(r.value.stderr.startsWith(of(request_id, "stderr"))).toBe(true);
    }
    // the reads are in the log: at most two a second while it ran
    const line = await waitUntil("the read count in the log", () => readFileSync(join(dataDir, "main.log"), "utf8").match(new RegExp(`command ${request_id}: its output was read (\\d+) times in ([\\d.]+) s`)));
    expect(Number(line[1]) / Number(line[2])).toBeLessThanOrEqual(2.2);
    console.log(`${generation}: ${line[0]}`);
    // the capture files went with the command
    const run_dir = join(hub.hub.runtime.folder(pid), ".cache/cocalc-desktop/run");
    await waitUntil("no capture file left", () => !existsSync(run_dir) || readdirSync(run_dir).length === 0);
  }, 60_000);

  it.sequential("a cancel keeps what came before it", async () => {
    const request_id = randomUUID();
    const run = raw("exec.run", { request_id, project_id: pid, command: LOOP, bash: true, timeout: 60 });
    await waitUntil("two lines", () => (of(request_id, "stdout").match(/^tick \d+$/gm) ?? []).length >= 2, { timeout: 9_000 });
    const c = await call("exec.cancel", { request_id });
    expect(c).toMatchObject({ cancelled: true, stopped: true });
    expect(await run).toMatchObject({ ok: false, error: { kind: "cancelled" } });
    const kept = of(request_id, "stdout");
    expect(kept).toMatch(/^tick 1\ntick 2\n/);
    expect(of(request_id, "stderr")).toMatch(/^warn 1\nwarn 2\n/);
    expect(kept).not.toMatch(/warn/);
    // nothing is left in the project: not the run file, not the capture files
    const run_dir = join(hub.hub.runtime.folder(pid), ".cache/cocalc-desktop/run");
    await waitUntil("no file left after the cancel", () => !existsSync(run_dir) || readdirSync(run_dir).length === 0);
  }, 60_000);
});
