/**
 * The local hub under load: requests per second of `ping` and of a small
 * read with 16 concurrent clients, and the median `project_exec` of `true`,
 * each next to the same figure for a bare Node http server returning a
 * constant, measured in the same run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { startChild } from "./support/child-server.js";
import { median, report, timeEach } from "./support/stats.js";

const CONCURRENCY = 16;

async function rps(agent: Agent, url: string, headers: Record<string, string>, body: string, total: number): Promise<number> {
  let left = total;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) {
        const r = await request(url, { method: "POST", dispatcher: agent, headers, body });
        await r.body.text();
      }
    }),
  );
  return total / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const fmt = (n: number) => Math.round(n).toLocaleString("en");

export async function benchHub(total = 4000): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), "hub-bench-"));
  const hub = await startChild(["--import", "tsx", join(import.meta.dirname, "..", "hub", "cli.ts"), "--port", "0", "--data", data, "--project-start-ms", "0"]);
  const bare = await startChild([join(import.meta.dirname, "support", "ping-server.mjs")]);
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
  try {
    const url = String(hub.info.url);
    const headers = { authorization: `Bearer ${String(hub.info.api_key)}`, "content-type": "application/json" };
    const bareUrl = `http://127.0.0.1:${bare.info.port as number}/api/v1/ping`;
    const q = await request(`${url}/api/v1/query`, { method: "POST", headers, body: JSON.stringify({ query: { projects_all: [{ project_id: null }] } }) });
    const pid = (JSON.parse(await q.body.text()) as { query: { projects_all: { project_id: string }[] } }).query.projects_all[0]!.project_id;
    writeFileSync(join(data, "projects", pid, "small.txt"), "x".repeat(1024));
    const readBody = JSON.stringify({ project_id: pid, path: "small.txt" });
    const execBody = JSON.stringify({ project_id: pid, command: "true" });

    // warm up both
    await rps(agent, `${url}/api/v1/ping`, headers, "{}", 500);
    await rps(agent, bareUrl, headers, "{}", 500);

    const bareRps = await rps(agent, bareUrl, headers, "{}", total);
    const pingRps = await rps(agent, `${url}/api/v1/ping`, headers, "{}", total);
    const readRps = await rps(agent, `${url}/api/v1/read_text_file_from_project`, headers, readBody, total);
    const bareRps2 = await rps(agent, bareUrl, headers, "{}", total);
    const baseline = (bareRps + bareRps2) / 2;
    report("hub ping req/s vs bare http", `${(pingRps / baseline).toFixed(2)}x (${fmt(pingRps)} vs ${fmt(baseline)} req/s, ${CONCURRENCY} clients)`);
    report("hub read 1 KB req/s vs bare http", `${(readRps / baseline).toFixed(2)}x (${fmt(readRps)} vs ${fmt(baseline)} req/s, ${CONCURRENCY} clients)`);

    const call = (u: string, b: string) => async () => (await request(u, { method: "POST", dispatcher: agent, headers, body: b })).body.text();
    await timeEach(20, call(`${url}/api/v1/project_exec`, execBody));
    const exec = median(await timeEach(100, call(`${url}/api/v1/project_exec`, execBody)));
    const bareOne = median(await timeEach(100, call(bareUrl, "{}")));
    report("hub exec `true` median vs bare http", `${(exec / bareOne).toFixed(1)}x (${exec.toFixed(2)} ms vs ${bareOne.toFixed(2)} ms)`);
  } finally {
    await agent.close();
    hub.stop();
    bare.stop();
    rmSync(data, { recursive: true, force: true });
  }
}
