/**
 * The server-side scope tests of cocalc-ai-facts §5, mirrored over HTTP
 * against the hub in `--api ai` mode: each is allowed with the capability,
 * refused without it, and refused for a project outside the key's list.
 * (manage.test's key-format and lookup cases are in hub-ai.test.ts › keys.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AiCapability } from "../../hub/ai/keys.js";
import { bearer, secondAccount, startAiProject, startTestHub, type TestHub } from "../support/hub.js";
import { waitForExit } from "../support/process.js";

type Obj = Record<string, unknown>;
type Reply = { status: number; json: unknown };

let hub: TestHub;
let admin: string;
/** the project every key is about */
let P: string;
/** another project of the same account */
let Q: string;

beforeAll(async () => {
  hub = await startTestHub({ api: "ai" });
  admin = hub.credentials.account_id;
  P = hub.hub.store.projectsOf(admin)[0]!.project_id;
  Q = hub.hub.store.createProject(admin, { title: "Q" }).project_id;
  hub.hub.runtime.createFolder(Q);
  // commands and the project bridge need a running project, as on cocalc.ai
  await startAiProject(hub, P);
});
afterAll(() => hub?.stop());

const v2 = (route: string, body: Obj, key: string) => hub.post(`/api/v2/${route}`, body, bearer(key));
const callHub = (name: string, args: unknown[], key: string) => hub.post("/api/conat/hub", { name, args }, bearer(key));
const callProject = (project_id: string, name: string, args: unknown[], key: string) => hub.post("/api/conat/project", { project_id, name, args }, bearer(key));
const errorOf = (r: Reply) => (r.json as { error?: unknown } | null)?.error;
const ok = (r: Reply) => {
  expect(r.status).toBe(200);
  expect(errorOf(r)).toBeUndefined();
};
const denied = (cap: AiCapability, pid: string) => `API key lacks required capability '${cap}' for project ${pid}`;

interface ProjectScopeCase {
  /** the server test it mirrors */
  test: string;
  what: string;
  cap: AiCapability;
  /** a project capability the "without" key holds instead, so only the missing one differs */
  instead: AiCapability;
  call(key: string, pid: string): Promise<Reply>;
  allowed(r: Reply, pid: string): void | Promise<void>;
}

const projectCases: ProjectScopeCase[] = [
  {
    test: "exec-api-key-scope.test.ts",
    what: "/api/v2/exec",
    cap: "project:exec",
    instead: "project:read",
    call: (k, pid) => v2("exec", { project_id: pid, command: "echo", args: ["ran"] }, k),
    allowed: (r) => expect(r.json).toEqual({ type: "blocking", stdout: "ran\n", stderr: "", exit_code: 0 }),
  },
  {
    test: "start-stop-touch.test.ts",
    what: "/api/v2/projects/start",
    cap: "project:exec",
    instead: "project:write",
    call: (k, pid) => v2("projects/start", { project_id: pid }, k),
    allowed: (r) => expect(r.json).toEqual({ status: "ok" }),
  },
  {
    test: "start-stop-touch.test.ts",
    what: "/api/v2/projects/stop",
    cap: "project:exec",
    instead: "project:write",
    call: (k, pid) => v2("projects/stop", { project_id: pid }, k),
    allowed: (r, pid) => {
      expect(r.json).toEqual({ status: "ok" });
      expect(hub.hub.runtime.state(pid)).toBe("stopped");
    },
  },
  {
    test: "start-stop-touch.test.ts",
    what: "/api/v2/projects/touch",
    cap: "project:exec",
    instead: "project:write",
    call: (k, pid) => v2("projects/touch", { project_id: pid }, k),
    allowed: (r) => expect(r.json).toEqual({}),
  },
  {
    test: "update-api-key-scope.test.ts",
    what: "/api/v2/projects/update",
    cap: "project:write",
    instead: "project:exec",
    call: (k, pid) => v2("projects/update", { project_id: pid, title: `titled by ${k.slice(-6)}` }, k),
    allowed: (r, pid) => {
      expect(r.json).toEqual({ status: "ok" });
      expect(hub.hub.store.project(pid)?.title).toMatch(/^titled by /);
    },
  },
  {
    test: "collaborators/list-api-key-scope.test.ts",
    what: "/api/v2/projects/collaborators/list",
    cap: "project:read",
    instead: "project:exec",
    call: (k, pid) => v2("projects/collaborators/list", { project_id: pid }, k),
    allowed: (r) => expect(r.json).toEqual([{ account_id: admin, display_name: "Local Admin", first_name: "Local", last_name: "Admin" }]),
  },
  {
    test: "conat/handlers.test.ts (project bridge)",
    what: "/api/conat/project system.exec",
    cap: "project:exec",
    instead: "file:write",
    call: (k, pid) => callProject(pid, "system.exec", [{ command: "echo", args: ["bridged"] }], k),
    allowed: (r) => expect(r.json).toMatchObject({ stdout: "bridged\n", exit_code: 0 }),
  },
  {
    test: "conat/handlers.test.ts (project bridge)",
    what: "/api/conat/project system.readTextFileFromProject (file:read alone is not enough)",
    cap: "project:exec",
    instead: "file:read",
    call: (k, pid) => callProject(pid, "system.readTextFileFromProject", [{ path: "README.txt" }], k),
    allowed: (r, pid) => expect(r.json).toBe(readFileSync(join(hub.hub.runtime.folder(pid), "README.txt"), "utf8")),
  },
  {
    test: "http-api-key-policy.test.ts",
    what: "hub RPC projects.exec",
    cap: "project:exec",
    instead: "project:read",
    call: (k, pid) => callHub("projects.exec", [{ project_id: pid, execOpts: { command: "echo", args: ["rpc"] } }], k),
    allowed: (r) => expect(r.json).toMatchObject({ stdout: "rpc\n" }),
  },
  ...(["projects.getProjectState", "projects.getProjectAddress", "projects.getProjectCreated", "projects.getProjectRunQuota"] as const).map(
    (name): ProjectScopeCase => ({
      test: "http-api-key-policy.ts allowlist",
      what: `hub RPC ${name}`,
      cap: "project:read",
      instead: "project:exec",
      call: (k, pid) => callHub(name, [{ project_id: pid }], k),
      allowed: (r) => expect(r.json).not.toBeNull(),
    }),
  ),
];

describe.each(projectCases)("$what ($test)", (c) => {
  it(`allowed with ${c.cap} and the project in the list`, async () => {
    const r = await c.call(hub.mintAiKey({ capabilities: [c.cap], projects: [P] }), P);
    ok(r);
    await c.allowed(r, P);
  });

  it(`refused without ${c.cap}`, async () => {
    const r = await c.call(hub.mintAiKey({ capabilities: [c.instead], projects: [P] }), P);
    expect(r.status).toBe(200);
    expect(errorOf(r)).toBe(denied(c.cap, P));
  });

  it("refused for a project outside the key's list, though the account may use it", async () => {
    const r = await c.call(hub.mintAiKey({ capabilities: [c.cap], projects: [Q] }), P);
    expect(errorOf(r)).toBe(denied(c.cap, P));
  });
});

describe("copy-path needs file:read on the source and file:write on the target (copy-api-key-scope.test.ts)", () => {
  const copy = (key: string, src: string, target: string, target_path: string) =>
    v2("projects/copy-path", { src_project_id: src, path: "README.txt", target_project_id: target, target_path }, key);

  it("allowed with both (the hub set to copy)", async () => {
    hub.hub.settings.aiCopyPath = "works";
    try {
      const r = await copy(hub.mintAiKey({ capabilities: ["file:read", "file:write"], projects: [P, Q] }), P, Q, "from-p.txt");
      expect(r.json).toEqual({ status: "ok" });
      expect(readFileSync(join(hub.hub.runtime.folder(Q), "from-p.txt"))).toEqual(readFileSync(join(hub.hub.runtime.folder(P), "README.txt")));
    } finally {
      hub.hub.settings.aiCopyPath = "hangs";
    }
  });

  it("refused without file:read on the source", async () => {
    expect(errorOf(await copy(hub.mintAiKey({ capabilities: ["file:write"], projects: [P, Q] }), P, Q, "x.txt"))).toBe(denied("file:read", P));
  });

  it("refused without file:write on the target", async () => {
    expect(errorOf(await copy(hub.mintAiKey({ capabilities: ["file:read"], projects: [P, Q] }), P, Q, "x.txt"))).toBe(denied("file:write", Q));
  });

  it("refused when the source or the target is outside the list", async () => {
    expect(errorOf(await copy(hub.mintAiKey({ capabilities: ["file:read", "file:write"], projects: [Q] }), P, Q, "x.txt"))).toBe(denied("file:read", P));
    expect(errorOf(await copy(hub.mintAiKey({ capabilities: ["file:read", "file:write"], projects: [P] }), P, Q, "x.txt"))).toBe(denied("file:write", Q));
  });
});

interface AccountScopeCase {
  test: string;
  what: string;
  cap: AiCapability;
  call(key: string): Promise<Reply>;
  allowed(r: Reply): void;
}

const accountCases: AccountScopeCase[] = [
  {
    test: "list-api-key-scope.test.ts",
    what: "/api/v2/projects/get",
    cap: "project:list",
    call: (k) => v2("projects/get", {}, k),
    allowed: (r) => expect((r.json as Obj[]).map((p) => p.project_id)).toEqual(expect.arrayContaining([P, Q])),
  },
  {
    test: "list-api-key-scope.test.ts",
    what: "/api/v2/projects/get-one",
    cap: "project:list",
    call: (k) => v2("projects/get-one", {}, k),
    allowed: (r) => expect(r.json).toEqual({ project_id: expect.any(String), title: expect.any(String) }),
  },
  {
    test: "start-stop-touch.test.ts",
    what: "/api/v2/projects/create",
    cap: "project:create",
    call: (k) => v2("projects/create", { title: "scoped create" }, k),
    allowed: (r) => expect(hub.hub.store.project((r.json as { project_id: string }).project_id)?.title).toBe("scoped create"),
  },
  {
    test: "http-api-key-policy.ts allowlist",
    what: "hub RPC projects.createProject",
    cap: "project:create",
    call: (k) => callHub("projects.createProject", [{ title: "rpc create" }], k),
    allowed: (r) => expect(hub.hub.store.project(r.json as string)?.title).toBe("rpc create"),
  },
  {
    test: "api-key-unclassified-routes.test.ts",
    what: "/api/v2/accounts/profile",
    cap: "account:read",
    call: (k) => v2("accounts/profile", {}, k),
    allowed: (r) => expect((r.json as { profile: Obj }).profile.account_id).toBe(admin),
  },
  {
    test: "api-key-unclassified-routes.test.ts",
    what: "/api/v2/accounts/get-names",
    cap: "account:read",
    call: (k) => v2("accounts/get-names", { account_ids: [admin] }, k),
    allowed: (r) => expect(r.json).toEqual({ names: { [admin]: { first_name: "Local", last_name: "Admin" } } }),
  },
  {
    test: "conat/handlers.test.ts (hub bridge)",
    what: "hub RPC system.getNames",
    cap: "account:read",
    call: (k) => callHub("system.getNames", [[admin]], k),
    allowed: (r) => expect(r.json).toMatchObject({ [admin]: { first_name: "Local" } }),
  },
];

describe.each(accountCases)("$what ($test)", (c) => {
  it(`allowed with ${c.cap}`, async () => {
    const r = await c.call(hub.mintAiKey({ capabilities: [c.cap] }));
    ok(r);
    c.allowed(r);
  });

  it(`refused without ${c.cap}`, async () => {
    const other: AiCapability = c.cap === "account:read" ? "project:create" : "account:read";
    expect(errorOf(await c.call(hub.mintAiKey({ capabilities: [other] })))).toBe(`API key lacks required capability '${c.cap}'`);
  });
});

describe("the rest of the server's scope tests", () => {
  it("system.ping needs no capability: any valid key (conat/handlers.test.ts)", async () => {
    // the server test uses capabilities:[], which minting refuses; one unrelated capability is the nearest
    expect((await callHub("system.ping", [], hub.mintAiKey({ capabilities: ["project:create"] }))).json).toEqual({ now: expect.any(Number) });
  });

  it("an unreviewed hub RPC is denied (http-api-key-policy.test.ts, conat/handlers.test.ts)", async () => {
    const all = hub.mintAiKey({ capabilities: ["account:read", "project:create", "project:list", "project:read", "project:write", "file:read", "file:write", "project:exec"], projects: [P] });
    expect(errorOf(await callHub("system.deleteAccount", [], all))).toBe("API keys are not allowed to call hub RPC 'system.deleteAccount'");
  });

  it("the project bridge requires a key, and collaborator access (conat/handlers.test.ts)", async () => {
    expect(errorOf(await hub.post("/api/conat/project", { project_id: P, name: "ping", args: [] }))).toBe("You must provide authentication via an API key.");
    const stranger = await secondAccount(hub);
    const key = hub.mintAiKey({ account_id: stranger.account_id, capabilities: ["project:exec"], projects: [P] });
    expect(errorOf(await callProject(P, "ping", [], key))).toBe("user must be a collaborator on the project");
    expect(errorOf(await v2("exec", { project_id: P, command: "true" }, key))).toBe("user must be a collaborator on project");
  });

  it("exec's async_cancel passes through and answers status 'killed' (exec-api-key-scope.test.ts)", async () => {
    const key = hub.mintAiKey({ capabilities: ["project:exec"], projects: [P] });
    const job = (await v2("exec", { project_id: P, command: "sleep", args: ["300"], async_call: true }, key)).json as { job_id: string; pid: number };
    expect((await v2("exec", { project_id: P, async_cancel: job.job_id }, key)).json).toMatchObject({ status: "killed", job_id: job.job_id });
    expect(await waitForExit(job.pid, 20_000)).toBe(true);
    // a key without project:exec cannot reach it, nor one scoped to another project
    const other = hub.mintAiKey({ capabilities: ["project:read"], projects: [P] });
    expect(errorOf(await v2("exec", { project_id: P, async_get: job.job_id }, other))).toBe(denied("project:exec", P));
    const elsewhere = hub.mintAiKey({ capabilities: ["project:exec"], projects: [Q] });
    expect(errorOf(await v2("exec", { project_id: Q, async_get: job.job_id }, elsewhere))).toBe(`Error: Async operation '${job.job_id}' does not exist.`);
  });

  it("projects/get refuses other accounts (list-api-key-scope.test.ts)", async () => {
    const stranger = await secondAccount(hub);
    expect(errorOf(await v2("projects/get", { account_id: stranger.account_id }, hub.mintAiKey({ capabilities: ["project:list"] })))).toBe(
      "API keys may only list projects for their own account",
    );
  });

  it("get-one's auto-create needs project:create, and works with both (list-api-key-scope.test.ts)", async () => {
    const fresh = await secondAccount(hub);
    const listOnly = hub.mintAiKey({ account_id: fresh.account_id, capabilities: ["project:list"] });
    expect(errorOf(await v2("projects/get-one", {}, listOnly))).toBe("API key lacks required capability 'project:create'");
    expect(hub.hub.store.projectsOf(fresh.account_id)).toEqual([]);
    const both = hub.mintAiKey({ account_id: fresh.account_id, capabilities: ["project:list", "project:create"] });
    const made = (await v2("projects/get-one", {}, both)).json as { project_id: string; title: string };
    expect(made.title).toBe("Untitled Project");
    expect(hub.hub.store.projectsOf(fresh.account_id).map((p) => p.project_id)).toEqual([made.project_id]);
  });

  it("update refuses the account_id override even with project:write (update-api-key-scope.test.ts)", async () => {
    const key = hub.mintAiKey({ capabilities: ["project:write"], projects: [P] });
    expect(errorOf(await v2("projects/update", { project_id: P, title: "no", account_id: admin }, key))).toBe("The `account_id` field cannot be specified by API keys.");
  });

  it("keys cannot use user-query, browser bootstrap or key management (user-query-, api-keys-, unclassified-routes tests)", async () => {
    const key = hub.mintAiKey({ capabilities: ["account:read"] });
    expect(errorOf(await v2("user-query", { query: { accounts: { account_id: null } } }, key))).toBe("API keys are not allowed to use user-query");
    expect(errorOf(await v2("auth/bootstrap", {}, key))).toBe("API keys are not allowed to use browser bootstrap");
    expect(errorOf(await v2("api-keys", { action: "create" }, key))).toBe("API keys cannot manage account API keys");
  });
});
