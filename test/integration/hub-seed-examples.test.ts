/**
 * Every curl example of the seed docs, sent to the local hub as curl would
 * send it (form-encoded or JSON, the key as basic-auth user), gets a reply of
 * the documented shape. The docs' ids are mapped to real ones of this hub.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { seedDocs } from "../support/fixtures.js";
import { seedExamples, shellWords, type SeedExample } from "../support/seed-examples.js";
import { newProject, secondAccount, startTestHub, type TestHub } from "../support/hub.js";

const examples = seedDocs().flatMap((d) => seedExamples(d.text));

/**
 * Where the real server (and so the hub) does not answer what the docs show,
 * the reason from cocalc-server-facts.md, and what it answers instead.
 */
const DEVIATIONS: { match: (e: SeedExample) => boolean; why: string; status: number; event?: string }[] = [
  { match: (e) => e.event === "delete_account", why: "not HTTP-enabled since 2019 (§2)", status: 400 },
  { match: (e) => e.event === "ping" && / -u : /.test(`${e.curl} `), why: "v1 always resolves the key first, so a blank key is a 400 (§2)", status: 400 },
  { match: (e) => e.event === "create_account", why: "no handler since 2024-10-18: 400 'unknown message event type' (§2, observed §7)", status: 400 },
  {
    match: (e) => e.event === "copy_path_between_projects",
    why: "the documented {event:'success'} is unreachable; the real reply is copy_path_between_projects_response (§2)",
    status: 200,
    event: "copy_path_between_projects_response",
  },
];

let hub: TestHub;
const ids: Record<string, string> = {};

beforeAll(async () => {
  hub = await startTestHub();
  const admin = hub.credentials.account_id;
  const execProject = await newProject(hub, "exec examples");
  const queryProject = await newProject(hub, "MY NEW PROJECT 2");
  await hub.v1("query", { query: { projects: { project_id: queryProject, description: "desc 2" } } });
  const copyTarget = await newProject(hub, "copy target");
  const authTarget = await secondAccount(hub, "target@example.org", "secret_password");
  const dir = hub.hub.runtime.folder(execProject);
  mkdirSync(join(dir, "Private"), { recursive: true });
  mkdirSync(join(dir, "A"), { recursive: true });
  writeFileSync(join(dir, "A", "doc.txt"), "a document\n");
  mkdirSync(join(dir, "Assignments", "A1"), { recursive: true });
  writeFileSync(join(dir, "Assignments", "A1", "h1.txt"), "hello");
  Object.assign(ids, {
    "e49e86aa-192f-410b-8269-4b89fd934fba": execProject,
    "29163de6-b5b0-496f-b75d-24be9aa2aa1d": queryProject,
    "2aae4347-214d-4fd1-809c-b327150442d8": copyTarget,
    "99ebde5c-58f8-4e29-b6e4-b55b8fd71a1b": authTarget.account_id,
    "6c28c5f4-3235-46be-b025-166b4dcaac7e": admin,
  });
});
afterAll(() => hub?.stop());

/** The docs' ids replaced by this hub's; the accounts example reuses a project id as an account id. */
function substitute(e: SeedExample): { body: Record<string, unknown>; json: boolean; key: string } {
  let text = JSON.stringify(e.body);
  const isAccounts = text.includes('"accounts"');
  for (const [doc, real] of Object.entries(ids)) {
    const to = isAccounts && doc.startsWith("29163de6") ? hub.credentials.account_id : real;
    text = text.split(doc).join(to);
  }
  const words = shellWords(e.curl);
  const userArg = words[words.indexOf("-u") + 1] ?? "";
  const key = userArg === ":" ? "" : hub.credentials.api_key;
  return { body: JSON.parse(text) as Record<string, unknown>, json: e.json, key };
}

describe("seed doc curl examples against the hub", () => {
  it("are all here (28)", () => expect(examples.length).toBe(28));

  it.each(examples.map((e, i) => [i, e.event, e] as const))("#%i %s", async (_i, event, e) => {
    const { body, json, key } = substitute(e);
    const res = await request(`${hub.url}/api/v1/${event}`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
        "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
      },
      body: json ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>).toString(),
    });
    const got = JSON.parse(await res.body.text()) as Record<string, unknown>;
    const deviation = DEVIATIONS.find((d) => d.match(e));
    if (deviation) {
      expect(res.statusCode, deviation.why).toBe(deviation.status);
      if (deviation.event) expect(got.event).toBe(deviation.event);
      else expect(got.error).toBeTypeOf("string");
      return;
    }
    expect(res.statusCode).toBe(200);
    if (e.reply === undefined) {
      // no reply shown in the docs (write_text_file, and the first create_account): a success event
      expect(got.event).not.toBe("error");
      return;
    }
    const doc = e.reply as Record<string, unknown>;
    expect(got.event, JSON.stringify(got)).toBe(doc.event);
    for (const k of Object.keys(doc)) expect(got, `reply lacks '${k}': ${JSON.stringify(got)}`).toHaveProperty(k);
    if (typeof doc.id === "string" && (body.id === doc.id)) expect(got.id).toBe(doc.id);
    if (doc.event === "query" && typeof doc.query === "object" && doc.query && Object.keys(doc.query).length) {
      const table = Object.keys(doc.query)[0]!;
      expect(Object.keys(got.query as object)).toEqual([table]);
      const docRow = (doc.query as Record<string, unknown>)[table];
      const gotRow = (got.query as Record<string, unknown>)[table];
      expect(Array.isArray(gotRow)).toBe(Array.isArray(docRow));
      const first = (Array.isArray(docRow) ? docRow[0] : docRow) as Record<string, unknown>;
      const mine = (Array.isArray(gotRow) ? gotRow[0] : gotRow) as Record<string, unknown>;
      for (const k of Object.keys(first)) expect(mine).toHaveProperty(k);
    }
  });
});
