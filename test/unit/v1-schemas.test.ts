import { describe, expect, it } from "vitest";
import { coerceFormBody } from "../../shared/api/form.js";
import { v1Events, type V1Event } from "../../shared/api/v1.js";
import { ApiError } from "../../shared/errors.js";
import { decodeV1Reply } from "../../electron/services/api/v1-client.js";
import { seedDocs, recordedV1, wireText } from "../support/fixtures.js";
import { pythonReplies, seedExamples } from "../support/seed-examples.js";

const REPLIES = 26;
const examples = seedDocs().flatMap((d) => seedExamples(d.text));
const inCatalog = (e: string): e is V1Event => e in v1Events;

describe("seed doc examples", () => {
  it("are found in the docs (every curl example with its reply)", () => {
    // 28 curl examples in message.js, 26 of them with a reply; a parser that finds fewer is broken.
    expect(examples.length).toBe(28);
    expect(examples.filter((e) => e.reply !== undefined).length).toBe(REPLIES);
  });

  // delete_account is in the docs but has not been part of the HTTP API since 2019: the app never sends it.
  const used = examples.filter((e) => inCatalog(e.event));
  it("cover every event of the docs except delete_account", () => {
    expect(new Set(examples.filter((e) => !inCatalog(e.event)).map((e) => e.event))).toEqual(new Set(["delete_account"]));
  });

  it.each(used.map((e) => [e.event, e.curl.slice(0, 90), e] as const))("%s request is valid: %s", (event, _c, e) => {
    const body = e.json ? e.body : coerceFormBody(v1Events[event as V1Event].request, e.body);
    const r = v1Events[event as V1Event].request.safeParse(body);
    expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
  });

  const withReply = used.filter((e) => e.reply !== undefined);
  it.each(withReply.map((e) => [e.event, e.curl.slice(0, 90), e] as const))("%s reply is understood: %s", (event, _c, e) => {
    const raw = { status: 200, contentType: "application/json", text: JSON.stringify(e.reply) };
    const isError = (e.reply as { event?: string }).event === "error";
    if (isError) {
      expect(() => decodeV1Reply(event as V1Event, raw)).toThrow(ApiError);
    } else {
      const r = decodeV1Reply(event as V1Event, raw) as { event: string };
      expect(r.event).toBe((e.reply as { event: string }).event);
    }
  });

  it("the Python walk-through's copy replies are understood", () => {
    const replies = seedDocs().flatMap((d) => pythonReplies(d.text)) as { event: string }[];
    expect(replies.map((r) => r.event)).toEqual(["copy_path_between_projects_response", "copy_path_status_response"]);
    const start = decodeV1Reply("copy_path_between_projects", { status: 200, contentType: "application/json", text: JSON.stringify(replies[0]) });
    expect(start).toMatchObject({ copy_path_id: "65cd2079-098d-4147-bb54-12d44cebb8cb" });
    const status = decodeV1Reply("copy_path_status", { status: 200, contentType: "application/json", text: JSON.stringify(replies[1]) });
    expect(status).toMatchObject({ data: { finished: "2020-11-03T16:20:55.177Z" } });
  });

  it("keeps unknown reply fields rather than rejecting them", () => {
    const r = decodeV1Reply("ping", { status: 200, contentType: "application/json", text: '{"event":"pong","now":"x","extra":{"a":1}}' });
    expect((r as Record<string, unknown>).extra).toEqual({ a: 1 });
  });
});

describe("requests are strict, as on the real server", () => {
  it("refuses an id on copy_path_status and copy_path_delete", () => {
    const id = "11111111-2222-3333-4444-555555555555";
    expect(v1Events.copy_path_status.request.safeParse({ id, copy_path_id: id }).success).toBe(false);
    expect(v1Events.copy_path_delete.request.safeParse({ id, copy_path_id: id }).success).toBe(false);
    expect(v1Events.copy_path_status.request.safeParse({ copy_path_id: id }).success).toBe(true);
  });
  it("refuses fields an event does not define", () => {
    expect(v1Events.ping.request.safeParse({ bogus: 1 }).success).toBe(false);
    expect(v1Events.project_exec.request.safeParse({ project_id: "11111111-2222-3333-4444-555555555555", command: "ls", event: "project_exec" }).success).toBe(false);
  });
  it("refuses an array read whose lengths differ", () => {
    const p = "11111111-2222-3333-4444-555555555555";
    expect(v1Events.read_text_file_from_project.request.safeParse({ project_id: [p], path: ["a", "b"] }).success).toBe(false);
    expect(v1Events.read_text_file_from_project.request.safeParse({ project_id: [p, p], path: ["a", "b"] }).success).toBe(true);
  });
  it("reads form booleans as what they say (the real server read 'false' as true)", () => {
    const b = coerceFormBody(v1Events.project_exec.request, { err_on_exit: "false", bash: "true", timeout: "5", command: "true" });
    expect(b).toEqual({ err_on_exit: false, bash: true, timeout: 5, command: "true" });
  });
});

/**
 * What each recorded reply of the real v1 server must become: "ok" for a
 * reply the app uses as it is, or the kind of ApiError it is.
 */
const EXPECTED: Record<string, "ok" | ApiError["kind"]> = {
  ping: "ok",
  "ping with id": "ok",
  "ping bearer": "ok",
  "ping no key": "auth",
  "ping malformed key": "auth",
  "ping well-formed wrong key": "auth",
  "unknown endpoint": "not-available",
  "delete_account not in HTTP API": "not-available",
  "ping undefined field": "invalid-params",
  "ping malformed JSON": "invalid-params",
  create_project: "ok",
  "create_project second": "ok",
  "project_exec pwd": "ok",
  "project_exec args": "ok",
  "project_exec max_output": "ok",
  "project_exec timeout": "server",
  "project_exec nonzero err_on_exit": "server",
  "project_exec nonzero no err_on_exit": "ok",
  "project_exec path": "server",
  "project_exec missing command": "invalid-params",
  "project_exec form": "ok",
  "project_exec bad project id": "invalid-params",
  "project_exec unknown project": "server",
  write_text_file: "ok",
  read_text_file: "ok",
  "read_text_file missing": "not-found",
  "read_text_file array": "ok",
  "read_text_file array length mismatch": "server",
  "write_text_file JSON 150KB": "too-large",
  "write_text_file form 150KB": "ok",
  "query get projects_all": "ok",
  "query get projects one": "ok",
  "query set title": "ok",
  "query get accounts": "ok",
  "query bad table": "invalid-params",
  copy_path: "ok",
  "copy_path wait": "ok",
  "copy_path_status list": "ok",
  "copy_path_status unknown id": "not-found",
  "copy_path_status with id field": "invalid-params",
  "copy_path_delete unknown": "not-found",
  user_auth: "ok",
  "user_auth wrong password": "server",
  get_available_upgrades: "not-available",
  log_client_error: "ok",
  jupyter_kernels: "not-available",
  jupyter_execute: "not-available",
  disconnect_from_project: "ok",
  create_account: "not-available",
  "create_project extra": "ok",
  "exec mkdir": "ok",
  "read a directory": "ok",
  "write onto a directory": "server",
  "exec 300KB output": "ok",
  "other account reads": "permission",
  "other account execs": "permission",
  "other account query set": "permission",
  "other account query get": "permission",
  "user_auth wrong then right 1": "server",
  "user_auth wrong then right 2": "rate-limited",
  "query projects (21 days, 100) form": "ok",
  "GET ping": "not-available",
};

describe("every reply of the real v1 server", () => {
  const all = recordedV1();
  it("has an expectation (62 replies)", () => {
    expect(all.length).toBe(62);
    expect(all.map((r) => r.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(all.map((r) => [r.name, r] as const))("%s", (name, r) => {
    // Events outside the catalog (no_such_event, delete_account) are decoded as a ping: only the body decides.
    const event: V1Event = inCatalog(r.request.event) ? r.request.event : "ping";
    const raw = { status: r.status, contentType: r.content_type ?? "", text: wireText(r.reply) };
    const want = EXPECTED[name];
    if (want === "ok") {
      const got = decodeV1Reply(event, raw) as { event: string };
      expect(got.event).toBeTypeOf("string");
    } else {
      let err: unknown;
      try {
        decodeV1Reply(event, raw);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApiError);
      const e = err as ApiError;
      expect(e.kind).toBe(want);
      expect(e.message.length).toBeGreaterThan(15);
      expect(e.hint.length).toBeGreaterThan(10);
    }
  });

  it("errors say what happened in the user's terms and keep the server's own text as details", () => {
    const r = all.find((x) => x.name === "other account reads")!;
    try {
      decodeV1Reply("read_text_file_from_project", { status: 200, contentType: "application/json", text: wireText(r.reply) });
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).message).toBe("Your account has no access to this project, so reading the file was refused.");
      expect((e as ApiError).serverMessage).toContain("does not have read access");
      expect((e as ApiError).hint).toMatch(/collaborator/);
    }
  });

  it("a project-start timeout is 'project starting', retryable", () => {
    try {
      decodeV1Reply("project_exec", { status: 200, contentType: "application/json", text: '{"event":"error","id":"x","error":"timeout"}' });
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).kind).toBe("project-starting");
      expect((e as ApiError).retryable).toBe(true);
    }
  });

  it("an error object (EISDIR) is rendered as text, not [object Object]", () => {
    const r = all.find((x) => x.name === "write onto a directory")!;
    try {
      decodeV1Reply("write_text_file_to_project", { status: 200, contentType: "application/json", text: wireText(r.reply) });
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).message).toBe("d is a folder, not a file.");
      expect((e as ApiError).serverMessage).toContain("EISDIR");
      expect((e as ApiError).serverMessage).not.toContain("[object");
    }
  });

  it("a reply of another event is an unexpected reply", () => {
    expect(() => decodeV1Reply("ping", { status: 200, contentType: "application/json", text: '{"event":"project_created","project_id":"x"}' })).toThrow(
      /instead of 'pong'/,
    );
  });
});
