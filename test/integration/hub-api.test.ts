/** The local hub's v1 API: each endpoint's options, error statuses, access rules, path escapes. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newProject, secondAccount, startTestHub, type TestHub } from "../support/hub.js";
import { isAlive, waitForExit } from "../support/process.js";
import { waitUntil } from "../support/wait.js";

let hub: TestHub;
let pid: string;
let dir: string;
beforeAll(async () => {
  hub = await startTestHub();
  pid = await newProject(hub, "api tests");
  dir = hub.hub.runtime.folder(pid);
});
afterAll(() => hub?.stop());

const exec = (body: Record<string, unknown>, key?: string) => hub.v1("project_exec", { project_id: pid, ...body }, key);

describe("transport", () => {
  it.each([
    ["no key", null, "ping", {}, 400, "You must provide authentication via an API key."],
    ["a wrong key", "sk_wrongwrongwrongwrongwron", "ping", {}, 400, "No account found. Is your API key wrong?"],
    ["an unknown endpoint (checked before the key)", null, "no_such_event", {}, 400, "unknown endpoint 'no_such_event'"],
    ["an endpoint outside the HTTP API", undefined, "delete_account", { account_id: "7cdd701b-7c7d-437a-af29-a93a3290aafb" }, 400, "endpoint 'delete_account' is not part of the HTTP API"],
    ["an undefined field", undefined, "ping", { bogus: 1 }, 400, "invalid parameters 'Error: misc.defaults -- TypeError: got an unexpected argument 'bogus' '"],
    ["an id on copy_path_status", undefined, "copy_path_status", { id: "7fd43b6b-1be4-41eb-a6c0-332af4a514fb", src_project_id: "7fd43b6b-1be4-41eb-a6c0-332af4a514fb" }, 400, "invalid parameters 'Error: misc.defaults -- TypeError: got an unexpected argument 'id' '"],
    ["a missing required field", undefined, "project_exec", { project_id: "7fd43b6b-1be4-41eb-a6c0-332af4a514fb" }, 400, "invalid parameters 'Error: misc.defaults -- TypeError: property 'command' must be specified: '"],
  ] as const)("%s → %i {error}", async (_what, key, event, body, status, error) => {
    const r = await hub.v1(event, body, key === undefined ? undefined : key);
    expect(r.status).toBe(status);
    expect(r.json).toEqual({ error });
  });

  it("accepts the key as a Bearer token too", async () => {
    const { request } = await import("undici");
    const res = await request(`${hub.url}/api/v1/ping`, { method: "POST", headers: { authorization: `Bearer ${hub.credentials.api_key}` } });
    expect(JSON.parse(await res.body.text())).toMatchObject({ event: "pong" });
  });

  it("echoes the request id, or makes one", async () => {
    expect((await hub.v1("ping", { id: "11111111-2222-3333-4444-555555555555" })).json.id).toBe("11111111-2222-3333-4444-555555555555");
    expect((await hub.v1("ping", {})).json.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("malformed JSON is Express's HTML 400 page", async () => {
    const r = await hub.v1("ping", "{not json");
    expect(r.status).toBe(400);
    expect(r.contentType).toMatch(/text\/html/);
    expect(r.text).toContain("<pre>Bad Request</pre>");
  });

  it("JSON over 100 KB is a 413; the same content form-encoded is accepted; a form over 1 MB is a 413", async () => {
    const big = "x".repeat(150_000);
    const j = await hub.v1("write_text_file_to_project", { project_id: pid, path: "big.txt", content: big });
    expect(j.status).toBe(413);
    expect(j.text).toContain("Payload Too Large");
    const f = await hub.v1form("write_text_file_to_project", { project_id: pid, path: "big.txt", content: big });
    expect(f.json.event).toBe("file_written_to_project");
    expect(readFileSync(join(dir, "big.txt"), "utf8")).toBe(big);
    const huge = await hub.v1form("write_text_file_to_project", { project_id: pid, path: "huge.txt", content: "y".repeat(1_100_000) });
    expect(huge.status).toBe(413);
  });

  it("form booleans and numbers are read as what they say", async () => {
    const r = await hub.v1form("project_exec", { project_id: pid, command: "exit 3", bash: "true", err_on_exit: "false", timeout: "5" });
    expect(r.json).toMatchObject({ event: "project_exec_output", exit_code: 3 });
  });

  it("GET on an API path is an HTML 404", async () => {
    const { request } = await import("undici");
    const res = await request(`${hub.url}/api/v1/ping`, { method: "GET" });
    expect(res.statusCode).toBe(404);
    expect(await res.body.text()).toContain("<!DOCTYPE html>");
  });
});

describe("project_exec", () => {
  it("runs in the project folder, with args", async () => {
    expect((await exec({ command: "pwd" })).json.stdout).toBe(`${dir}\n`);
    expect((await exec({ command: "echo", args: ["xyz", "abc $HOME"] })).json.stdout).toBe("xyz abc $HOME\n");
  });

  it("finds programs where a project does first (its ~/bin, then the system's), and the starting shell's own tools after", async () => {
    // a shell whose PATH starts with a version manager's python3 shim and holds a tool of the person's own
    const shims = mkdtempSync(join(tmpdir(), "shims-"));
    writeFileSync(join(shims, "python3"), "#!/bin/sh\necho shim\n", { mode: 0o755 });
    writeFileSync(join(shims, "only-here"), "#!/bin/sh\necho mine\n", { mode: 0o755 });
    mkdirSync(join(dir, "bin"), { recursive: true });
    writeFileSync(join(dir, "bin", "from-home"), "#!/bin/sh\necho home\n", { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${shims}:${saved}`;
    try {
      const r = await exec({ command: "command -v python3; only-here; from-home", bash: true });
      const [python3, mine, home] = String(r.json.stdout).trim().split("\n");
      expect(python3).not.toBe(join(shims, "python3"));
      expect(python3).toMatch(/^\/(usr\/)?(local\/)?s?bin\/python3$/);
      expect([mine, home]).toEqual(["mine", "home"]);
    } finally {
      process.env.PATH = saved;
    }
  });

  it("runs in `path` relative to the project, refusing paths that leave it", async () => {
    mkdirSync(join(dir, "sub"), { recursive: true });
    expect((await exec({ command: "pwd", path: "sub" })).json.stdout).toBe(`${join(dir, "sub")}\n`);
    expect((await exec({ command: "pwd", path: "../.." })).json).toMatchObject({ event: "error", error: "path '../..' leads outside the project" });
    expect((await exec({ command: "pwd", path: "/etc" })).json.error).toMatch(/is absolute/);
  });

  it("uses bash when asked, or when there are no args and the command has spaces", async () => {
    expect((await exec({ command: "echo $((6*7))", bash: true })).json.stdout).toBe("42\n");
    expect((await exec({ command: "echo a | tr a b" })).json.stdout).toBe("b\n");
    // with args, no shell: the text goes to echo as it is
    expect((await exec({ command: "echo", args: ["$((1+1))"] })).json.stdout).toBe("$((1+1))\n");
  });

  it("truncates stdout and stderr each at max_output", async () => {
    const r = await exec({ command: "echo xyz abc; echo 12345 >&2", bash: true, max_output: 3 });
    expect(r.json).toMatchObject({ stdout: "xyz (truncated at 3 characters)", stderr: "123 (truncated at 3 characters)" });
  });

  it("a non-zero exit is an error with err_on_exit (the default), a result without", async () => {
    const e = await exec({ command: "echo out; echo err >&2; exit 3", bash: true });
    expect(e.json).toMatchObject({ event: "error" });
    expect(e.json.error).toBe("Error executing command 'echo out; echo err >&2; exit 3' with args '' -- command 'echo out; echo err >&2; exit 3' exited with nonzero code 3 -- stderr='err\n'");
    const ok = await exec({ command: "echo out; echo err >&2; exit 3", bash: true, err_on_exit: false });
    expect(ok.json).toMatchObject({ event: "project_exec_output", stdout: "out\n", stderr: "err\n", exit_code: 3 });
  });

  it("a timeout kills the whole process group, children included", async () => {
    const r = await exec({ command: "sleep 300 & echo $! > child.pid; wait", bash: true, timeout: 1 });
    expect(r.json.error).toMatch(/^Error executing command 'sleep 300 & echo \$! > child.pid; wait' with args '' -- killed command 'bash \/tmp\/cocalc-.*\/a\.sh'$/);
    const child = Number(readFileSync(join(dir, "child.pid"), "utf8"));
    expect(await waitForExit(child)).toBe(true);
  });

  it("runs concurrent commands side by side", async () => {
    // Each prints when it started and ended; all must have started before any ended.
    const rs = await Promise.all(
      Array.from({ length: 8 }, () => exec({ command: "date +%s%N; sleep 1.5; date +%s%N", bash: true })),
    );
    const spans = rs.map((r) => String(r.json.stdout).trim().split("\n").map(Number));
    expect(Math.max(...spans.map((s) => s[0]!))).toBeLessThan(Math.min(...spans.map((s) => s[1]!)));
  });

  it("a command in a folder that does not exist is an error whatever err_on_exit says, as on the real v1 server (facts §10)", async () => {
    const r = await exec({ command: "bash", args: ["-c", "echo $$; \"$@\"", "x", "pwd"], path: "no/such", err_on_exit: false });
    expect(r.json).toMatchObject({ event: "error", error: expect.stringMatching(/^Error executing command 'bash' with args '-c,echo \$\$; "\$@",x,pwd' -- .*"syscall":"spawn bash"/s) });
  });

  it("the current generation answers it as exit 1 with Node's error in stderr (facts §9)", async () => {
    const { request } = await import("undici");
    const res = await request(`${hub.url}/api/v2/exec`, {
      method: "POST",
      headers: { authorization: `Bearer ${hub.credentials.api_key}`, "content-type": "application/json" },
      body: JSON.stringify({ project_id: pid, command: "pwd", path: "no/such", err_on_exit: false }),
    });
    const json = (await res.body.json()) as Record<string, unknown>;
    expect(json).toMatchObject({ exit_code: 1, stderr: expect.stringMatching(/^command ''pwd' \(args=\)' was not able to run -- stderr='\{"errno":-2,"code":"ENOENT","syscall":"spawn pwd"/) });
  });

  it("a key of digits is taken for a key id, and PostgreSQL's refusal comes back as the real server sends it", async () => {
    const r = await hub.v1("ping", {}, "22330934726");
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'error: value "22330934726" is out of range for type integer' });
  });

  it("a command that does not exist fails like on the real server", async () => {
    const r = await exec({ command: "no-such-command-xyz", args: [] , err_on_exit: true});
    expect(r.json.error).toMatch(/exited with nonzero code 1 -- stderr='\{"errno":-2,"code":"ENOENT"/);
  });
});

describe("files", () => {
  it("write creates parent folders and overwrites; read returns the text", async () => {
    expect((await hub.v1("write_text_file_to_project", { project_id: pid, path: "a/b/c.txt", content: "hello\nwörld\n" })).json.event).toBe("file_written_to_project");
    expect((await hub.v1("write_text_file_to_project", { project_id: pid, path: "a/b/c.txt", content: "second\n" })).json.event).toBe("file_written_to_project");
    const r = await hub.v1("read_text_file_from_project", { project_id: pid, path: "a/b/c.txt" });
    expect(r.json).toMatchObject({ event: "text_file_read_from_project", content: "second\n" });
  });

  it("the array form reads several files, with an error entry for a missing one", async () => {
    writeFileSync(join(dir, "one.txt"), "1");
    const r = await hub.v1("read_text_file_from_project", { project_id: [pid, pid], path: ["one.txt", "nope.txt"] });
    const content = r.json.content as Record<string, unknown>[];
    expect(content.find((c) => c.path === "one.txt")).toEqual({ project_id: pid, path: "one.txt", content: "1" });
    expect(String(content.find((c) => c.path === "nope.txt")?.error)).toMatch(/ENOENT/);
  });

  it("mismatched arrays, folders and missing files are errors", async () => {
    expect((await hub.v1("read_text_file_from_project", { project_id: [pid], path: ["a", "b"] })).status).toBe(400);
    expect((await hub.v1("read_text_file_from_project", { project_id: pid, path: "a" })).json.error).toMatch(/EISDIR/);
    expect((await hub.v1("read_text_file_from_project", { project_id: pid, path: "nope.txt" })).json.error).toMatch(/ENOENT/);
    const w = await hub.v1("write_text_file_to_project", { project_id: pid, path: "a", content: "x" });
    expect(w.json.error).toMatchObject({ code: "EISDIR" });
  });

  it.each([
    ["../outside.txt", /leads outside the project/],
    ["a/../../x", /leads outside the project/],
    ["/etc/passwd", /is absolute/],
    ["nul\0byte", /NUL/],
  ])("refuses the path %j", async (path, why) => {
    expect((await hub.v1("read_text_file_from_project", { project_id: pid, path })).json.error).toMatch(why);
    expect((await hub.v1("write_text_file_to_project", { project_id: pid, path, content: "x" })).json.error).toMatch(why);
  });

  it("refuses a symlink that points out of the project, for reads and writes", async () => {
    symlinkSync("/etc", join(dir, "etc-link"));
    expect((await hub.v1("read_text_file_from_project", { project_id: pid, path: "etc-link/hostname" })).json.error).toMatch(/symbolic link/);
    expect((await hub.v1("write_text_file_to_project", { project_id: pid, path: "etc-link/evil", content: "x" })).json.error).toMatch(/symbolic link/);
    expect(existsSync("/etc/evil")).toBe(false);
  });
});

describe("access rules", () => {
  it("a second account can neither read, write, exec nor query the first's project", async () => {
    const other = await secondAccount(hub);
    const k = other.api_key;
    expect((await hub.v1("read_text_file_from_project", { project_id: pid, path: "one.txt" }, k)).json.error).toBe(
      `User ${other.account_id} does not have read access to project ${pid}`,
    );
    expect((await hub.v1("project_exec", { project_id: pid, command: "pwd" }, k)).json.error).toBe(
      `User ${other.account_id} does not have write access to project ${pid}`,
    );
    expect((await hub.v1("write_text_file_to_project", { project_id: pid, path: "x", content: "x" }, k)).json.error).toMatch(/does not have write access/);
    expect((await hub.v1("query", { query: { projects: { project_id: pid, title: "hijack" } } }, k)).json.error).toBe("FATAL: user must be an admin");
    expect((await hub.v1("query", { query: { projects: { project_id: pid, title: null } } }, k)).json.error).toBe("FATAL: you do not have read access to this project");
    const all = await hub.v1("query", { query: { projects_all: [{ project_id: null }] } }, k);
    expect(all.json.query).toEqual({ projects_all: [] });
    expect((await hub.v1("disconnect_from_project", { project_id: pid }, k)).json.error).toMatch(/must have write access/);
    expect((await hub.v1("project_exec", { project_id: "not-a-uuid", command: "pwd" }, k)).json.error).toBe("Write access denied -- invalid project_id -- not-a-uuid");
  });
});

describe("query", () => {
  it("gets and sets a project's title and description", async () => {
    expect((await hub.v1("query", { query: { projects: { project_id: pid, title: "Renamed", description: "d2" } } })).json).toMatchObject({ event: "query", query: {}, multi_response: false });
    const r = await hub.v1("query", { query: { projects: { project_id: pid, title: null, description: null, users: null } } });
    expect(r.json.query).toEqual({ projects: { project_id: pid, title: "Renamed", description: "d2", users: { [hub.credentials.account_id]: { group: "owner" } } } });
  });

  it("projects_all lists every project newest first; projects only the last 21 days", async () => {
    const r = await hub.v1("query", { query: { projects_all: [{ project_id: null, title: null, last_edited: null }] } });
    const rows = (r.json.query as { projects_all: { last_edited: string }[] }).projects_all;
    expect(rows.length).toBeGreaterThanOrEqual(2); // the example project and ours
    expect([...rows].sort((a, b) => b.last_edited.localeCompare(a.last_edited))).toEqual(rows);
    const recent = await hub.v1("query", { query: { projects: [{ project_id: null }] } });
    expect((recent.json.query as { projects: unknown[] }).projects.length).toBe(rows.length);
  });

  it("merges editor settings into the account and reads them back", async () => {
    const me = hub.credentials.account_id;
    await hub.v1("query", { query: { accounts: { account_id: me, editor_settings: { theme: "solarized", tab_size: 2 } } } });
    await hub.v1("query", { query: { accounts: { account_id: me, editor_settings: { jupyter_classic: false } } } });
    const r = await hub.v1("query", { query: { accounts: { account_id: me, first_name: null, editor_settings: null } } });
    expect(r.json.query).toEqual({ accounts: { account_id: me, first_name: "Local", editor_settings: { theme: "solarized", tab_size: 2, jupyter_classic: false } } });
  });

  it("publishes a path and lists it", async () => {
    await hub.v1("query", { query: { public_paths: { project_id: pid, path: "one.txt", description: "a shared text file" } } });
    const r = await hub.v1("query", { query: { public_paths: [{ project_id: pid, path: null, description: null, id: null }] } });
    expect((r.json.query as { public_paths: unknown[] }).public_paths).toEqual([
      { project_id: pid, path: "one.txt", description: "a shared text file", id: expect.stringMatching(/^[0-9a-f]{40}$/) },
    ]);
  });

  it("applies upgrades to a project and counts them against the account", async () => {
    const me = hub.credentials.account_id;
    await hub.v1("query", { query: { projects: { project_id: pid, users: { [me]: { upgrades: { cores: 1, memory: 1000 } } } } } });
    const r = await hub.v1("get_available_upgrades", {});
    expect(r.json).toMatchObject({ event: "available_upgrades", total: { cores: 4, memory: 8000 }, available: { cores: 3, memory: 7000 }, excess: {} });
  });

  it("answers unknown tables and fields with the real server's texts", async () => {
    expect((await hub.v1("query", { query: { no_such_table: { x: null } } })).json.error).toBe("FATAL: get queries not allowed for table 'no_such_table'");
    expect((await hub.v1("query", { query: { projects: { project_id: pid, password_hash: null } } })).json.error).toMatch(/not allowed for projects\.password_hash/);
  });
});

describe("projects, tokens, misc", () => {
  it("create_project makes a project folder owned by the caller", async () => {
    const r = await hub.v1("create_project", { title: "New one", description: "d" });
    expect(r.json.event).toBe("project_created");
    expect(statSync(hub.hub.runtime.folder(String(r.json.project_id))).isDirectory()).toBe(true);
  });

  it("user_auth: the target's password, or an admin whatever the password; a 24-character reusable token", async () => {
    const other = await secondAccount(hub, "tok@example.org", "right-password");
    const admin = await hub.v1("user_auth", { account_id: other.account_id, password: "" });
    expect(String(admin.json.auth_token)).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(hub.hub.store.accountForAuthToken(String(admin.json.auth_token))).toBe(other.account_id);
    const own = await hub.v1("user_auth", { account_id: other.account_id, password: "right-password" }, other.api_key);
    expect(own.json.event).toBe("user_auth_token");
    expect((await hub.v1("user_auth", { account_id: other.account_id, password: "anything" })).json.event).toBe("user_auth_token");
    // a non-admin with an empty password gets nowhere, and is banned for it as on the real servers
    expect((await hub.v1("user_auth", { account_id: hub.credentials.account_id, password: "" }, other.api_key)).json.error).toBe("incorrect password");
    expect((await hub.v1("user_auth", { account_id: hub.credentials.account_id, password: hub.credentials.password }, other.api_key)).json.error).toMatch(/^banned -- please wait at least 60s/);
  });

  it("a wrong password blocks that caller→target pair", async () => {
    const other = await secondAccount(hub, "ban@example.org", "right-password");
    expect((await hub.v1("user_auth", { account_id: other.account_id, password: "wrong" }, other.api_key)).json.error).toBe("incorrect password");
    expect((await hub.v1("user_auth", { account_id: other.account_id, password: "right-password" }, other.api_key)).json.error).toBe(
      "banned -- please wait at least 60s before trying again",
    );
    // another caller is not blocked
    expect((await hub.v1("user_auth", { account_id: other.account_id, password: "right-password" })).json.event).toBe("user_auth_token");
  });

  it("the current generation bans ~30 s and sends its message as an unformatted template", async () => {
    const other = await secondAccount(hub, "ban-current@example.org", "right-password");
    const { request } = await import("undici");
    const call = async (password: string) => {
      const res = await request(`${hub.url}/api/conat/hub`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${other.api_key}` },
        body: JSON.stringify({ name: "system.generateUserAuthToken", args: [{ user_account_id: hub.credentials.account_id, password }] }),
      });
      return (await res.body.json()) as { error?: string };
    };
    expect((await call("")).error).toBe("Error: incorrect password");
    expect((await call(hub.credentials.password)).error).toBe("Error: banned -- please wait at least #{BAN_TIME_MS/1000}s before trying again");
    const until = hub.hub.authBans.get(`${other.account_id}→${hub.credentials.account_id}`)!;
    expect(until - Date.now()).toBeGreaterThan(20_000);
    expect(until - Date.now()).toBeLessThanOrEqual(30_000);
  });

  it("log_client_error records the error", async () => {
    const r = await hub.v1("log_client_error", { error: "cannot load library xyz" });
    expect(r.json.event).toBe("success");
    expect(hub.hub.store.clientErrors().map((e) => e.error)).toContain("cannot load library xyz");
  });

  it("create_account is gone, as on real servers since 2024-10: 400 'unknown message event type'", async () => {
    const r = await hub.v1("create_account", { email_address: "x@example.org", password: "abcdefgh", agreed_to_terms: true });
    expect(r).toMatchObject({ status: 400, json: { error: "unknown message event type 'create_account'" } });
    expect(hub.hub.store.accountByEmail("x@example.org")).toBeUndefined();
  });

  it("with --create-account: for admins only, and refuses a taken address", async () => {
    const kind = await startTestHub({ settings: { createAccount: true } });
    try {
      const other = await secondAccount(kind);
      expect((await kind.v1("create_account", { email_address: "x@example.org", password: "abcdefgh", agreed_to_terms: true }, other.api_key)).json.event).toBe("error");
      const again = await kind.v1("create_account", { email_address: other.email, password: "abcdefgh", agreed_to_terms: true });
      expect(again.json).toMatchObject({ event: "account_creation_failed", reason: { email_address: "This e-mail address is already taken." } });
    } finally {
      await kind.stop();
    }
  });

  it("jupyter endpoints say the Jupyter API is not enabled", async () => {
    expect((await hub.v1("jupyter_kernels", {})).json.error).toBe("Error: Jupyter API is not enabled on this server.");
  });
});

describe("realistic defaults: a dropped call and copies as on a single-user server (facts §7–9)", () => {
  let target: string;
  const tdir = () => hub.hub.runtime.folder(target);
  beforeAll(async () => {
    target = await newProject(hub, "realistic copy target");
    mkdirSync(join(dir, "many"), { recursive: true });
    for (let i = 0; i < 3000; i++) writeFileSync(join(dir, "many", `f${i}.txt`), `file ${i}\n`);
  });
  const count = (d: string) => (existsSync(d) ? readdirSync(d).length : 0);

  it("a dropped project_exec leaves the command running to its end; --exec-kill-on-disconnect kills it", async () => {
    const { request } = await import("undici");
    const auth = { authorization: `Bearer ${hub.credentials.api_key}`, "content-type": "application/json" };
    const drop = async (h: TestHub, project_id: string, file: string) => {
      const ac = new AbortController();
      const body = JSON.stringify({ project_id, command: `echo $$ > ${file}; sleep 30`, bash: true, timeout: 60 });
      const call = request(`${h.url}/api/v1/project_exec`, { method: "POST", headers: { ...auth, authorization: `Bearer ${h.credentials.api_key}` }, body, signal: ac.signal }).catch(() => undefined);
      const f = join(h.hub.runtime.folder(project_id), file);
      for (let i = 0; i < 300 && !(existsSync(f) && readFileSync(f, "utf8").trim()); i++) await new Promise((r) => setTimeout(r, 50));
      ac.abort();
      await call;
      return Number(readFileSync(f, "utf8"));
    };
    const running = await drop(hub, pid, "dropped.pid");
    await new Promise((r) => setTimeout(r, 1000));
    expect(isAlive(running)).toBe(true);
    process.kill(-running, "SIGKILL");
    const kind = await startTestHub({ settings: { execKillOnDisconnect: true } });
    try {
      const killed = await drop(kind, await newProject(kind), "dropped.pid");
      expect(await waitForExit(killed, 10_000)).toBe(true);
    } finally {
      await kind.stop();
    }
  });

  it("without wait_until_done: copy_path_id '' at once, the target still incomplete; rsync finishes later, unreported", async () => {
    const r = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "many", target_project_id: target, target_path: "later" });
    const atAnswer = count(join(tdir(), "later"));
    expect(r.json).toMatchObject({ event: "copy_path_between_projects_response", copy_path_id: "" });
    expect(atAnswer).toBeLessThan(3000);
    const end = Date.now() + 30_000;
    while (count(join(tdir(), "later")) < 3000 && Date.now() < end) await new Promise((res) => setTimeout(res, 100));
    expect(count(join(tdir(), "later"))).toBe(3000);
    // nothing is recorded: the list is empty, and "" is a database error
    expect((await hub.v1("copy_path_status", { src_project_id: pid, pending: false })).json).toMatchObject({ event: "copy_path_status_response", data: [] });
    expect((await hub.v1("copy_path_status", { copy_path_id: "" })).json).toMatchObject({ event: "error", error: expect.stringMatching(/invalid input syntax for type uuid/) });
  });

  it("timeout is read as milliseconds: rsync is killed at once and nothing is copied", async () => {
    const r = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "many", target_project_id: target, target_path: "never", timeout: 30 });
    expect(r.json).toMatchObject({ copy_path_id: "" });
    await new Promise((res) => setTimeout(res, 2000));
    expect(count(join(tdir(), "never"))).toBeLessThan(3000);
    const waited = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "many", target_project_id: target, target_path: "never2", timeout: 30, wait_until_done: true });
    expect(waited.json).toMatchObject({ event: "error", error: expect.stringMatching(/killed command 'rsync/) });
  });

  it("scheduled is ignored: the copy runs at once; wait_until_done answers after rsync finished", async () => {
    const r = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "many/f1.txt", target_project_id: target, target_path: "sched.txt", scheduled: new Date(Date.now() + 3600_000).toISOString() });
    expect(r.json).toMatchObject({ copy_path_id: "" });
    const end = Date.now() + 20_000;
    while (!existsSync(join(tdir(), "sched.txt")) && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
    expect(readFileSync(join(tdir(), "sched.txt"), "utf8")).toBe("file 1\n");
    const w = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "many", target_project_id: target, target_path: "waited", wait_until_done: true });
    expect(w.json).toMatchObject({ copy_path_id: "" });
    expect(count(join(tdir(), "waited"))).toBe(3000);
    const failed = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "nope", target_project_id: target, wait_until_done: true });
    expect(failed.json).toMatchObject({ event: "error", error: expect.stringMatching(/ENOENT/) });
  });
});

describe("copy_path_between_projects with --copy-mode kucalc (cocalc.com's queue: ids, status, scheduling, delete)", () => {
  let target: string;
  let hub: TestHub;
  let pid: string;
  let dir: string;
  beforeAll(async () => {
    hub = await startTestHub({ settings: { copyMode: "kucalc" } });
    pid = await newProject(hub, "kucalc copies");
    dir = hub.hub.runtime.folder(pid);
    target = await newProject(hub, "copy target");
    mkdirSync(join(dir, "src/sub"), { recursive: true });
    writeFileSync(join(dir, "src/a.txt"), "A");
    writeFileSync(join(dir, "src/skip.log"), "L");
    writeFileSync(join(dir, "src/sub/b.txt"), "B");
  });
  afterAll(() => hub?.stop());
  const tdir = () => hub.hub.runtime.folder(target);

  it("wait_until_done copies the folder with exclude, and answers copy_path_id ''", async () => {
    const r = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "src", target_project_id: target, target_path: "dst", exclude: ["*.log"], wait_until_done: true });
    expect(r.json).toMatchObject({ event: "copy_path_between_projects_response", copy_path_id: "" });
    expect(readFileSync(join(tdir(), "dst/a.txt"), "utf8")).toBe("A");
    expect(readFileSync(join(tdir(), "dst/sub/b.txt"), "utf8")).toBe("B");
    expect(existsSync(join(tdir(), "dst/skip.log"))).toBe(false);
  });

  it("without waiting answers an id whose status shows started and finished", async () => {
    const r = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "src/a.txt", target_project_id: target, target_path: "async/a.txt" });
    const id = String(r.json.copy_path_id);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const data = await waitUntil("the copy to finish", async () => {
      const d = (await hub.v1("copy_path_status", { copy_path_id: id })).json.data as Record<string, unknown>;
      return d.finished ? d : null;
    });
    expect(data).toMatchObject({ copy_path_id: id, source_project_id: pid, source_path: "src/a.txt", target_path: "async/a.txt", error: null });
    expect(data.started).toBeTruthy();
    expect(readFileSync(join(tdir(), "async/a.txt"), "utf8")).toBe("A");
  });

  it("does not overwrite a newer file unless overwrite_newer; backup keeps the old one; delete_missing removes extras", async () => {
    const t = join(tdir(), "dst/a.txt");
    writeFileSync(t, "newer in target");
    const future = new Date(Date.now() + 3600_000);
    utimesSync(t, future, future);
    writeFileSync(join(tdir(), "dst/extra.txt"), "extra");
    const base = { src_project_id: pid, src_path: "src", target_project_id: target, target_path: "dst", wait_until_done: true, exclude: ["*.log"] };
    await hub.v1("copy_path_between_projects", base);
    expect(readFileSync(t, "utf8")).toBe("newer in target");
    await hub.v1("copy_path_between_projects", { ...base, overwrite_newer: true, backup: true, delete_missing: true });
    expect(readFileSync(t, "utf8")).toBe("A");
    expect(readFileSync(`${t}~`, "utf8")).toBe("newer in target");
    expect(existsSync(join(tdir(), "dst/extra.txt"))).toBe(false);
  });

  it("a copy of a missing path is a failed operation with the error, listed with failed: true", async () => {
    const r = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "nope", target_project_id: target, wait_until_done: true });
    expect(r.json.error).toMatch(/ENOENT/);
    const failed = await hub.v1("copy_path_status", { src_project_id: pid, failed: true });
    expect((failed.json.data as { source_path: string; error: string }[]).map((d) => d.source_path)).toContain("nope");
  });

  it("a scheduled copy waits, can be deleted before it runs, and otherwise runs later", async () => {
    const when = new Date(Date.now() + 1500).toISOString();
    const keep = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "src/a.txt", target_project_id: target, target_path: "sched/kept.txt", scheduled: when });
    const drop = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "src/a.txt", target_project_id: target, target_path: "sched/dropped.txt", scheduled: when });
    const keepId = String(keep.json.copy_path_id);
    const dropId = String(drop.json.copy_path_id);
    const pending = await hub.v1("copy_path_status", { target_project_id: target });
    expect((pending.json.data as { copy_path_id: string; started: unknown }[]).filter((d) => [keepId, dropId].includes(d.copy_path_id)).map((d) => d.started)).toEqual([null, null]);
    expect((await hub.v1("copy_path_delete", { copy_path_id: dropId })).json).toMatchObject({ event: "copy_path_status_response", data: `copy_path_id = '${dropId}' deleted` });
    const data = await waitUntil("the scheduled copy to finish", async () => {
      const d = (await hub.v1("copy_path_status", { copy_path_id: keepId })).json.data as Record<string, unknown>;
      return d.finished ? d : null;
    });
    expect(data.finished).toBeTruthy();
    expect(Date.parse(String(data.started))).toBeGreaterThanOrEqual(Date.parse(when));
    expect(existsSync(join(tdir(), "sched/kept.txt"))).toBe(true);
    expect(existsSync(join(tdir(), "sched/dropped.txt"))).toBe(false);
    // a finished copy cannot be deleted
    expect((await hub.v1("copy_path_delete", { copy_path_id: keepId })).json.error).toBe(`Copy operation '${keepId}' either does not exist or already finished`);
  });

  it("status errors: unknown id, another account's copy", async () => {
    expect((await hub.v1("copy_path_status", { copy_path_id: "5d82a19c-297f-4ea7-ae69-ab96daa7b72e" })).json.error).toBe("Can't find copy operation with ID=5d82a19c-297f-4ea7-ae69-ab96daa7b72e");
    const other = await secondAccount(hub);
    const r = await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "src/a.txt", target_project_id: target, target_path: "x.txt" });
    expect((await hub.v1("copy_path_status", { copy_path_id: r.json.copy_path_id }, other.api_key)).json.error).toMatch(/^ACCESS BLOCKED/);
    expect((await hub.v1("copy_path_between_projects", { src_project_id: pid, src_path: "src", target_project_id: target }, other.api_key)).json.error).toMatch(/does not have read access/);
  });
});

describe("auth token lifetime", () => {
  it("a token signs in until it expires, and not after; expired ones are purged when the hub starts", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "hub-ttl-"));
    let short = await startTestHub({ dataDir, settings: { authTokenTtlMs: 300, kioskAuth: "legacy" } });
    try {
      const t = String((await short.v1("user_auth", { account_id: short.credentials.account_id, password: "" })).json.auth_token);
      const kiosk = async () => {
        const { request } = await import("undici");
        const res = await request(`${short.url}/app?auth_token=${t}&fullscreen=kiosk`);
        const html = await res.body.text();
        return JSON.parse(/<script type="application\/json" id="kiosk-config">(.*?)<\/script>/.exec(html)![1]!) as { session: string };
      };
      expect((await kiosk()).session).not.toBe("");
      await new Promise((r) => setTimeout(r, 400));
      expect((await kiosk()).session).toBe("");
      const rows = () => short.hub.store.db.get<{ n: number }>("SELECT count(*) AS n FROM auth_tokens")!.n;
      expect(rows()).toBe(1);
      await short.stop();
      short = await startTestHub({ dataDir, settings: { authTokenTtlMs: 300, kioskAuth: "legacy" } });
      expect(rows()).toBe(0);
    } finally {
      await short.stop();
    }
  });
});
