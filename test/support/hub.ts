/** Start a real local hub on loopback for a test, in a fresh data folder. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { startHub, type HubOptions, type RunningHub } from "../../hub/app.js";
import { aiKeys } from "../../hub/ai/auth.js";
import { waitUntil } from "./wait.js";

export interface TestHub extends RunningHub {
  dataDir: string;
  /** POST /api/v1/<event> with a JSON body and the admin's key (or another) */
  v1(event: string, body?: unknown, key?: string | null): Promise<{ status: number; contentType: string; text: string; json: Record<string, unknown> }>;
  /** POST with a form-encoded body */
  v1form(event: string, fields: Record<string, string>, key?: string | null): Promise<{ status: number; text: string; json: Record<string, unknown> }>;
  /**
   * A scoped cocalc.ai key (`--api ai`), minted in the hub's store with the server's validation.
   * Defaults: the admin's account, no projects; `expire` in ms since the epoch.
   */
  mintAiKey(o: { capabilities: readonly string[]; projects?: readonly string[]; expire?: number; account_id?: string }): string;
  /** POST a JSON body (or a raw string) to any path, with `Authorization: <authorization>` when given */
  post(path: string, body?: unknown, authorization?: string, headers?: Record<string, string>): Promise<{ status: number; contentType: string; text: string; json: unknown }>;
  stop(): Promise<void>;
}

/** Authorization header values for a key. */
export const bearer = (key: string) => `Bearer ${key}`;
export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;

export async function startTestHub(o: Partial<HubOptions> = {}): Promise<TestHub> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "hub-test-"));
  const running = await startHub({ projectStartMs: 0, ...o, dataDir });
  const auth = (key: string | null | undefined) =>
    key === null ? {} : { authorization: `Basic ${Buffer.from(`${key ?? running.credentials.api_key}:`).toString("base64")}` };
  const parse = (text: string) => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  return {
    ...running,
    dataDir,
    async v1(event, body = {}, key) {
      const res = await request(`${running.url}/api/v1/${event}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth(key) },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.body.text();
      return { status: res.statusCode, contentType: String(res.headers["content-type"] ?? ""), text, json: parse(text) };
    },
    async v1form(event, fields, key) {
      const res = await request(`${running.url}/api/v1/${event}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...auth(key) },
        body: new URLSearchParams(fields).toString(),
      });
      const text = await res.body.text();
      return { status: res.statusCode, text, json: parse(text) };
    },
    mintAiKey(k) {
      return aiKeys(running.hub.store).mint({
        account_id: k.account_id ?? running.credentials.account_id,
        capabilities: k.capabilities,
        allowed_project_ids: k.projects ?? [],
        ...(k.expire === undefined ? {} : { expire: k.expire }),
      });
    },
    async post(path, body = {}, authorization, headers = {}) {
      const res = await request(`${running.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization === undefined ? {} : { authorization }), ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, contentType: String(res.headers["content-type"] ?? ""), text, json };
    },
    async stop() {
      await running.close();
      if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A second account with its own key (made in the hub's store: it works whichever API generation the hub serves). */
export async function secondAccount(hub: TestHub, email = `user${Date.now()}${Math.random()}@example.org`, password = "password-123") {
  const a = hub.hub.store.createAccount({ email_address: email, password, first_name: "Second", last_name: "User" });
  return { account_id: a.account_id, api_key: hub.hub.store.createApiKey(a.account_id), email, password };
}

export async function newProject(hub: TestHub, title = "Test project", key?: string): Promise<string> {
  const r = await hub.v1("create_project", { title }, key);
  if (r.json.event !== "project_created") throw new Error(`could not create a project: ${r.text}`);
  return String(r.json.project_id);
}

/** What a person does in cocalc.ai's browser page (Settings → SSH & API keys): add a project to a key's list. */
export function allowProject(hub: TestHub, key: string, project_id: string): void {
  const key_id = key.split(".")[1]!;
  const row = hub.hub.store.db.get<{ allowed_project_ids: string }>("SELECT allowed_project_ids FROM ai_api_keys WHERE key_id = ?", [key_id])!;
  const ids = [...(JSON.parse(row.allowed_project_ids) as string[]), project_id];
  hub.hub.store.db.run("UPDATE ai_api_keys SET allowed_project_ids = ? WHERE key_id = ?", [JSON.stringify(ids), key_id]);
}

/**
 * What a cocalc.ai client does before it uses a project (facts §7): POST
 * /api/v2/projects/start, then wait until it runs. The key is one made for it
 * by the project's owner, so any test's project can be started this way.
 */
export async function startAiProject(hub: TestHub, project_id: string): Promise<void> {
  const owner = Object.entries(hub.hub.store.project(project_id)?.users ?? {}).find(([, u]) => u.group === "owner")?.[0];
  if (!owner) throw new Error(`no owner for project ${project_id}`);
  if (hub.hub.settings.aiProduct !== "hosted") {
    // Launchpad and Plus have no start route for keys: the person starts it in the browser.
    void hub.hub.runtime.start(project_id);
    return waitUntil(`project ${project_id} to run`, () => hub.hub.runtime.state(project_id) === "running", { interval: 20 }).then(() => undefined);
  }
  const key = hub.mintAiKey({ capabilities: ["project:exec"], projects: [project_id], account_id: owner });
  const r = await hub.post("/api/v2/projects/start", { project_id }, bearer(key));
  const error = (r.json as { error?: string } | undefined)?.error;
  if (error) throw new Error(`could not start project ${project_id}: ${error}`);
  await waitUntil(`project ${project_id} to run`, () => hub.hub.runtime.state(project_id) === "running", { interval: 20 });
}
