/**
 * A scripted session through the real router and services against the hub
 * in `--api ai` mode, with a key that has every capability but only one
 * allowed project: list, open, edit, save, run and copy within that project;
 * each action on the admin's other project is refused with the permission
 * message (capability, project, where to widen the key), and the list marks
 * that project. Then a search of every IPC reply, the log and every file the
 * app wrote for the key.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import type { IpcResult } from "../../shared/ipc/api.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { routerClient } from "../support/router-client.js";
import { openedText, saveInput } from "../support/doc-fixtures.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

let hub: TestHub;
let app: ComposedApp;
let dataDir: string;
let key: string;
/** the one project in the key's list */
let PA: string;
/** the admin's other project, outside it */
let PX: string;
const replies: unknown[] = [];

const { raw, call } = routerClient(() => app, (r) => replies.push(r));

beforeAll(async () => {
  hub = await startTestHub({ api: "ai" });
  PA = hub.hub.store.projectsOf(hub.credentials.account_id)[0]!.project_id;
  PX = hub.hub.store.createProject(hub.credentials.account_id, { title: "Not for this key" }).project_id;
  hub.hub.runtime.createFolder(PX);
  writeFileSync(join(hub.hub.runtime.folder(PX), "secret.txt"), "x\n");
  key = hub.mintAiKey({ capabilities: ["account:read", "project:create", "project:list", "project:read", "project:write", "file:read", "file:write", "project:exec"], projects: [PA] });
  dataDir = mkdtempSync(join(tmpdir(), "app-data-"));
  app = await composeApp({ dataDir, logFile: join(dataDir, "logs", "main.log"), version: "0.1.0", platform: "linux", trustedOrigins: ["app://cocalc-desktop"], secrets: new MemoryStore() });
});
afterAll(async () => {
  await app?.stop();
  await hub?.stop();
});

describe("a scoped cocalc.ai key with one project", () => {
  it("connects: cocalc.ai, the account, what the server offers", async () => {
    const p = await call("profiles.add", { name: "cocalc.ai", url: hub.url, api_key: key });
    const t = await call("profiles.test", { id: p.id });
    expect(t).toMatchObject({ generation: "ai", account_id: hub.credentials.account_id, email_address: "admin@localhost", capabilities: { copy: "app", kioskToken: false, scopedKeys: true } });
  });

  it("lists both projects; the one out of the key's reach is marked", async () => {
    const { projects } = await call("projects.list", {});
    // never started yet: cocalc.ai gives no state at all (facts §7)
    expect(projects.find((p) => p.project_id === PA)).toMatchObject({ title: "Example project", key_denied: null, state: "not started" });
    expect(projects.find((p) => p.project_id === PX)).toMatchObject({ title: "Not for this key", key_denied: "project:read", state: null });
  });

  it("opens, edits and saves a file in the allowed project", async () => {
    const { entries } = await call("files.list", { project_id: PA, path: "" });
    expect(entries.map((e) => e.name)).toContain("README.txt");
    const text = openedText(await call("doc.open", { project_id: PA, path: "README.txt" }));
    expect(text.length).toBeGreaterThan(0);
    const edited = `${text}Edited through a scoped key.\n`;
    expect(await call("doc.save", saveInput(PA, "README.txt", edited, sha(text)))).toEqual({ status: "saved", sha256: sha(edited) });
    expect(readFileSync(join(hub.hub.runtime.folder(PA), "README.txt"), "utf8")).toBe(edited);
  });

  it("runs a command and copies a folder within the allowed project", async () => {
    const r = await call("exec.run", { request_id: randomUUID(), project_id: PA, command: "mkdir -p src && echo data > src/a.txt && echo ran", bash: true });
    expect(r).toMatchObject({ stdout: "ran\n", exit_code: 0 });
    expect(await call("copy.start", { src_project_id: PA, src_path: "src", target_project_id: PA, target_path: "copied/src" })).toMatchObject({ status: "done", confirmed_by: "target-check" });
    expect(readFileSync(join(hub.hub.runtime.folder(PA), "copied/src/a.txt"), "utf8")).toBe("data\n");
  });

  it("every action on the other project is refused with the permission message", async () => {
    const refusals: [string, Promise<IpcResult<unknown>>, string][] = [
      ["list files", raw("files.list", { project_id: PX, path: "" }), "project:exec"],
      ["open", raw("doc.open", { project_id: PX, path: "secret.txt" }), "project:exec"],
      ["save", raw("doc.save", saveInput(PX, "secret.txt", "overwritten", sha("x\n"))), "project:exec"],
      ["run", raw("exec.run", { request_id: randomUUID(), project_id: PX, command: "true" }), "project:exec"],
      ["rename", raw("projects.update", { project_id: PX, title: "renamed" }), "project:write"],
      ["start", raw("projects.action", { project_id: PX, action: "start" }), "project:exec"],
      ["copy", raw("copy.start", { src_project_id: PX, src_path: "secret.txt", target_project_id: PX, target_path: "copy.txt" }), "project:exec"],
    ];
    for (const [what, p, capability] of refusals) {
      const r = await p;
      expect(r, what).toMatchObject({
        ok: false,
        error: {
          kind: "permission",
          capability,
          project_id: PX,
          message: expect.stringContaining(`it lacks the capability '${capability}' for the project ${PX}`),
          hint: `Widen this key on the server: Settings → SSH & API keys at ${hub.url}/settings/keys — give it '${capability}' and add the project ${PX} to its projects.`,
        },
      });
    }
    expect(await call("projects.get", { project_id: PX })).toMatchObject({ title: "Not for this key", key_denied: "project:read" });
    expect(readFileSync(join(hub.hub.runtime.folder(PX), "secret.txt"), "utf8")).toBe("x\n");
    expect(hub.hub.store.project(PX)!.title).toBe("Not for this key");
  });

  it("the mark is kept with the profile, and cleared once the key reaches the project", async () => {
    const stored = JSON.parse(readFileSync(join(dataDir, "profiles.json"), "utf8")) as { profiles: { key_denied: Record<string, string> }[] };
    expect(stored.profiles[0]!.key_denied[PX]).toMatch(/^project:/);
    // the person adds the project to the key in the browser
    const key_id = key.split(".")[1]!;
    hub.hub.store.db.run("UPDATE ai_api_keys SET allowed_project_ids = ? WHERE key_id = ?", [JSON.stringify([PA, PX]), key_id]);
    expect((await call("projects.list", {})).projects.find((p) => p.project_id === PX)).toMatchObject({ key_denied: null });
    expect((JSON.parse(readFileSync(join(dataDir, "profiles.json"), "utf8")) as { profiles: { key_denied: Record<string, string> }[] }).profiles[0]!.key_denied).toEqual({});
  });

  it("the key appears in no IPC reply, log line or file the app wrote", async () => {
    // a refused sender whose URL carries the key is logged, redacted
    await app.router.handle("app.info", { url: `https://evil.example/?api_key=${key}`, isMainFrame: true }, {});
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d, { withFileTypes: true })) (f.isDirectory() ? walk : (p: string) => files.push(p))(join(d, f.name));
    };
    walk(dataDir);
    const log = readFileSync(join(dataDir, "logs", "main.log"), "utf8");
    expect(log).toMatch(/refused an IPC call/);
    expect(replies.length).toBeGreaterThan(10);
    const secret = key.split(".")[2]!;
    const texts = [JSON.stringify(replies), ...files.map((f) => readFileSync(f, "utf8"))];
    for (const t of texts) {
      expect(t.includes(key), `found the key in ${t.slice(0, 80)}`).toBe(false);
      expect(t.includes(secret), `found the key's secret in ${t.slice(0, 80)}`).toBe(false);
    }
  });
});
