/**
 * 2,000 malformed requests (bad JSON, wrong types, huge fields, odd paths,
 * odd content types, bad keys) from a seeded generator: the hub answers each
 * with a 4xx or a JSON event, never a 5xx or a crash, and still answers ping.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { request } from "undici";
import { v1Events } from "../../shared/api/v1.js";
import { newProject, startTestHub, type TestHub } from "../support/hub.js";

let hub: TestHub;
let pid: string;
beforeAll(async () => {
  hub = await startTestHub();
  pid = await newProject(hub, "fuzz");
});
afterAll(() => hub?.stop());

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261123;

it("survives 2,000 malformed requests", async () => {
  const r = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const events = [...Object.keys(v1Events), "no_such_event", "delete_account", "sign_in", "", "..%2F..%2Fetc", "ping%00"];
  const oddPaths = ["../x", "../../../../etc/passwd", "/etc/passwd", "a/../../b", "nul\0byte", "x".repeat(5000), "", ".", "~", "a//b", "\\..\\x", "%2e%2e/x", "ok.txt", "dir/ok.txt"];
  const values = () =>
    pick<unknown>([null, true, false, 0, -1, 1e308, NaN, "", "x".repeat(Math.floor(r() * 300_000)), [], [1, "a"], {}, { a: { b: [null] } }, pid, "not-a-uuid", pick(oddPaths)]);
  const field = () => pick(["project_id", "path", "command", "args", "timeout", "content", "query", "id", "src_path", "copy_path_id", "account_id", "password", "bash", "max_output", "limit", "event", "__proto__", "constructor"]);
  const body = (): { text: string; type: string } => {
    switch (Math.floor(r() * 7)) {
      case 0:
        return { text: pick(["{not json", "[", '{"a":', "\u0000", "null", "1", '"str"', "{}}"]), type: "application/json" };
      case 1: {
        const o: Record<string, unknown> = {};
        for (let i = 0; i < 1 + r() * 5; i++) o[field()] = values();
        return { text: JSON.stringify(o), type: "application/json" };
      }
      case 2:
        return { text: JSON.stringify({ project_id: pid, path: pick(oddPaths), content: "fuzz" }), type: "application/json" };
      case 3:
        return { text: `project_id=${pid}&path=${encodeURIComponent(pick(oddPaths))}&a[b][c]=1&args[]=x&timeout=abc`, type: "application/x-www-form-urlencoded" };
      case 4:
        return { text: "x".repeat(Math.floor(r() * 2_000_000)), type: pick(["application/json", "application/x-www-form-urlencoded", "text/plain"]) };
      case 5:
        return { text: JSON.stringify({ query: pick([{}, { projects: [] }, { projects: { project_id: pid, title: { $gt: 1 } } }, { a: 1, b: 2 }, { projects_all: [{ project_id: null, users: null, nope: null }] }, "projects"]) }), type: "application/json" };
      default:
        return { text: "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--", type: pick(["multipart/form-data; boundary=b", "application/json; charset=latin9", ""]) };
    }
  };
  const auth = () =>
    pick([`Basic ${Buffer.from(`${hub.credentials.api_key}:`).toString("base64")}`, `Basic ${Buffer.from(`${hub.credentials.api_key}:`).toString("base64")}`, `Bearer ${hub.credentials.api_key}`, "Basic !!!", "Bearer ", "Digest x", undefined]);

  const bad: string[] = [];
  let sent = 0;
  const one = async () => {
    const event = pick(events);
    // never a real command: exec bodies from the generator carry no runnable command with valid ids
    const b = event === "project_exec" ? { text: JSON.stringify({ project_id: pick([pid, "x"]), command: pick(["", 7, ["ls"], null]) }), type: "application/json" } : body();
    const a = auth();
    const res = await request(`${hub.url}/api/v1/${event}`, {
      method: pick(["POST", "POST", "POST", "GET", "PUT"]) as "POST",
      headers: { ...(b.type ? { "content-type": b.type } : {}), ...(a ? { authorization: a } : {}) },
      body: b.text,
    }).catch((e: Error) => ({ statusCode: -1, body: { text: async () => e.message }, headers: {} }));
    const text = await res.body.text();
    sent++;
    if (res.statusCode >= 500 || res.statusCode < 0) bad.push(`${res.statusCode} ${event} ${b.text.slice(0, 80)} → ${text.slice(0, 120)}`);
    else if (res.statusCode === 200) {
      try {
        const j = JSON.parse(text) as { event?: unknown };
        if (typeof j.event !== "string") bad.push(`200 without an event: ${event} → ${text.slice(0, 120)}`);
      } catch {
        bad.push(`200 with a non-JSON body: ${event} → ${text.slice(0, 120)}`);
      }
    } else if (res.statusCode < 400) bad.push(`${res.statusCode} ${event}`);
  };
  const queue = Array.from({ length: 2000 }, () => one);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (queue.length) await queue.pop()!();
    }),
  );
  expect(sent).toBe(2000);
  expect(bad, `seed ${SEED}`).toEqual([]);
  expect((await hub.v1("ping", {})).json.event).toBe("pong");
}, 120_000);
