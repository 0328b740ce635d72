/**
 * Every recorded reply of the current CoCalc server (v2 and conat), decoded
 * by the current adapter: each is a result the app uses, or the kind of
 * ApiError it must become.
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { conatResults, v2Results } from "../../shared/api/current.js";
import { ApiError } from "../../shared/errors.js";
import { decodeCurrentReply } from "../../electron/services/api/current-client.js";
import { recordedCurrent, wireText, type RecordedCurrent } from "../support/fixtures.js";

const EXPECTED: Record<string, "ok" | ApiError["kind"]> = {
  "conat-hub system.ping": "ok",
  "conat-hub system.test": "ok",
  "conat-hub system.getCustomize": "ok",
  "conat-hub projects.createProject": "ok",
  "conat-hub projects.createProject (second project)": "ok",
  "conat-hub db.userQuery get projects_all": "ok",
  "conat-hub db.userQuery set title": "ok",
  "conat-hub db.userQuery get one project after set": "ok",
  "conat-hub db.userQuery get with options": "ok",
  "conat-hub db.userQuery unknown table": "invalid-params",
  "conat-hub system.generateUserAuthToken (admin for other user)": "ok",
  "conat-hub system.generateUserAuthToken (non-admin, wrong password)": "server",
  "conat-hub system.generateUserAuthToken (non-admin, immediately again -> ban)": "rate-limited",
  "conat-hub jupyter.kernels (no project)": "not-available",
  "conat-project system.ping (FIRST call, project stopped)": "ok",
  "conat-project system.ping (project running)": "ok",
  "conat-project system.test": "ok",
  "conat-project system.version": "ok",
  "conat-project system.exec pwd": "ok",
  "conat-project system.exec echo with args": "ok",
  "conat-project system.exec exit 3 (err_on_exit default)": "server",
  "conat-project system.exec exit 3 err_on_exit=false": "ok",
  "conat-project system.exec exit 4 err_on_exit=true no bash": "server",
  "conat-project system.exec timeout 2s": "server",
  "conat-project system.exec bridge timeout 3000ms < exec timeout": "timeout",
  "conat-project system.exec missing command": "server",
  "conat-project system.writeTextFileToProject": "ok",
  "conat-project system.readTextFileFromProject existing": "ok",
  "conat-project system.readTextFileFromProject missing": "not-found",
  "conat-project system.writeTextFileToProject nested path": "ok",
  "conat-project system.listing": "ok",
  "conat-project system.nonexistentFunction (unknown name)": "not-available",
  "conat-project without project_id": "invalid-params",
  "conat-project as non-collaborator": "permission",
  "conat-project system.exec args not an array": "server",
  "conat-hub projects.copyPathBetweenProjects": "ok",
  "conat-project system.readTextFileFromProject (copied file in p2, FIRST call on p2)": "ok",
  "conat-hub projects.copyPathBetweenProjects missing source": "not-found",
  "conat-hub jupyter.kernels (project)": "ok",
  "conat-project system.listJupyterKernels": "ok",
  "conat-hub system.nonexistent (unknown name)": "not-available",
  "conat-hub nosuchgroup.foo (unknown group)": "not-available",
  "conat-hub missing name": "server",
  "conat-hub args not an array": "server",
  "conat-hub projects.createProject args=[123]": "server",
  "conat-hub db.userQuery args=[] (no query)": "server",
  "conat-hub system.ping no key": "auth",
  "conat-hub system.ping wrong key": "auth",
  "conat-hub system.ping malformed key": "auth",
  "conat-project system.ping no key": "auth",
  "conat-hub malformed JSON body": "invalid-params",
  "conat-hub GET instead of POST": "server",
  "conat-hub JSON body over size limit (2 MiB)": "too-large",
  "conat-project writeTextFileToProject body over size limit (2 MiB)": "too-large",
  "conat-project writeTextFileToProject 900 KiB (under limit)": "ok",
  "conat-hub malformed remember_me cookie (not name$salt$iter$value) + valid key": "ok",
  "conat-hub timeout=1 (ms)": "timeout",
  "v2 exec pwd": "ok",
  "v2 exec echo with args": "ok",
  "v2 exec exit 3 (err_on_exit default)": "server",
  "v2 exec exit 3 err_on_exit=false": "ok",
  "v2 exec timeout 2s": "server",
  "v2 exec async_call": "ok",
  "v2 exec missing project_id": "invalid-params",
  "v2 exec non-collaborator": "permission",
  "v2 projects/create": "ok",
  "v2 projects/write-text-file": "ok",
  "v2 projects/write-text-file missing path": "invalid-params",
  "v2 projects/write-text-file bad project_id": "invalid-params",
  "v2 projects/copy-path": "ok",
  "v2 projects/copy-path wait_until_done=false": "ok",
  "v2 projects/copy-path-status unknown copy_id": "not-found",
  "v2 projects/copy-path-status invalid copy_id": "invalid-params",
  "v2 projects/copy-path missing source file": "not-found",
  "v2 projects/copy-path bad params": "invalid-params",
  "v2 user-query get projects_all": "ok",
  "v2 user-query set title": "ok",
  "v2 user-query get accounts": "ok",
  "v2 user-query no key": "auth",
  "v2 user-query malformed query": "invalid-params",
  "v2 jupyter/kernels (no project)": "not-available",
  "v2 jupyter/kernels (project)": "ok",
  "v2 exec no key": "auth",
  "v2 exec wrong key": "auth",
  "v2 projects/create no key": "auth",
  "v2 exec malformed remember_me cookie (not name$salt$iter$value) + valid key": "auth",
  "v2 user-query malformed remember_me cookie (not name$salt$iter$value) + valid key": "non-json",
  "v2 exec JSON body over size limit (2 MiB)": "too-large",
  "v2 projects/write-text-file body over size limit (2 MiB)": "too-large",
  "v1 ping (gone?)": "not-available",
  "v2 index": "non-json",
  "v2 unknown route": "not-available",
  "conat-hub system.getCustomize (no args)": "ok",
  "conat-hub system.ping with Bearer auth": "ok",
  "conat-hub stale (well-formed) remember_me cookie + valid key": "ok",
  "v2 exec stale (well-formed) remember_me cookie + valid key": "auth",
  "v2 user-query stale (well-formed) remember_me cookie + valid key": "auth",
  "v2 projects/create stale (well-formed) remember_me cookie + valid key": "auth",
  "conat-project system.exec async_call": "ok",
  "conat-project system.exec async_get (still running)": "ok",
  "conat-project system.exec async_get (finished)": "ok",
  "conat-project system.exec async_get async_await": "ok",
  "v2 exec async_call (2)": "ok",
  "v2 exec async_get async_await": "ok",
  "v2 exec async_get unknown job": "server",
  "conat-hub projects.state": "ok",
  "conat-hub projects.status": "ok",
  "conat-hub projects.stop": "ok",
  "conat-hub projects.state (after stop)": "ok",
  "conat-project system.exec pwd (FIRST call after projects.stop)": "ok",
  "conat-hub projects.state (after first call)": "ok",
  "v2 exec pwd (FIRST call on never-started project p3)": "ok",
  "conat-hub projects.stop (p2)": "ok",
  "v2 projects/write-text-file (FIRST call after stop, p2)": "ok",
  "conat-project system.exec sleep 17, exec timeout 30, no bridge timeout (default 15 s)": "timeout",
  "conat-project system.exec sleep 17, bridge timeout 30000": "ok",
  "v2 exec sleep 65 with timeout 120 (60 s hub cap?)": "timeout",
  "conat-hub jupyter.kernels (project, python3-ipykernel installed)": "ok",
  "v2 jupyter/kernels (project, python3-ipykernel installed)": "ok",
  "conat-hub jupyter.execute (project, 2+3)": "timeout",
  "v2 jupyter/execute (project, print)": "timeout",
  "v2 jupyter/execute (project, exception)": "ok",
  "v2 jupyter/execute (no project -> global API disabled)": "not-available",
  "conat-project system.listJupyterKernels (after execute, p1)": "ok",
  "conat-project system.listJupyterKernels (p3 after execute)": "ok",
  "conat-hub jupyter.execute (project, 2+3, retry with timeout 60000)": "ok",
  "v2 jupyter/execute (project, print, retry)": "ok",
  "v2 jupyter/execute (project, with history)": "timeout",
  "v2 jupyter/execute (project, unknown kernel)": "server",
  "conat-project system.exec sleep 10, exec timeout 2 s == bridge timeout 2000 ms (python client style)": "timeout",
  "conat-project system.exec sleep 10, exec timeout 2 s, bridge timeout 2500 ms": "server",
  "conat-project system.exec bash shell info": "ok",
  "conat-project system.exec relative path arg": "ok",
  "conat-project system.exec max_output 1000": "ok",
};

/** The schemas the adapter applies to a request's reply (unknown for functions the app does not call). */
function schemasFor(r: RecordedCurrent): z.ZodType[] {
  const body = (r.request.body ?? {}) as { name?: string };
  if (r.request.path.startsWith("/api/conat/")) {
    const s = (conatResults as Record<string, z.ZodType>)[body.name ?? ""];
    return [s ?? z.unknown()];
  }
  const route = r.request.path.replace(/^\/api\/v2\/?/, "");
  return [(v2Results as Record<string, z.ZodType>)[route] ?? z.unknown()];
}

const all = recordedCurrent();

describe("every reply of the real current server", () => {
  it("has an expectation (134 replies)", () => {
    expect(all.length).toBe(134);
    expect(all.map((r) => r.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(all.map((r) => [r.name, r] as const))("%s", (name, r) => {
    const raw = { status: r.status, contentType: r.content_type ?? "", text: typeof r.reply === "string" && r.status !== 200 ? r.reply : typeof r.reply === "string" && r.reply.startsWith("<!DOCTYPE") ? r.reply : wireText(r.reply) };
    const want = EXPECTED[name];
    if (want === "ok") {
      expect(() => decodeCurrentReply(name, schemasFor(r), raw)).not.toThrow();
      return;
    }
    let err: unknown;
    try {
      decodeCurrentReply(name, schemasFor(r), raw);
    } catch (e) {
      err = e;
    }
    expect(err, `no error for ${name}`).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe(want);
    expect((err as ApiError).hint.length).toBeGreaterThan(10);
  });

  it("bare results come through as they are: an id string, null, text", () => {
    const get = (n: string) => all.find((r) => r.name === n)!;
    const dec = (n: string) => decodeCurrentReply(n, schemasFor(get(n)), { status: 200, contentType: "application/json", text: wireText(get(n).reply) });
    expect(dec("conat-hub projects.createProject")).toBe("5f5c1e0a-771a-41f9-8eea-85c6d0552416");
    expect(dec("conat-project system.writeTextFileToProject")).toBeNull();
    expect(dec("conat-project system.readTextFileFromProject existing")).toBe("Hello from API\nline 2\n");
    expect(dec("v2 projects/copy-path")).toEqual({ copy_id: "" });
  });

  it("the v2 exec 60 s cap and bridge timeouts say what to do", () => {
    const r = all.find((x) => x.name === "v2 exec sleep 65 with timeout 120 (60 s hub cap?)")!;
    try {
      decodeCurrentReply("v2 exec", schemasFor(r), { status: 200, contentType: "application/json", text: wireText(r.reply) });
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).hint).toMatch(/60 s/);
    }
  });
});
