/**
 * The V1Backend against a loopback server that behaves like the last v1
 * server: file text comes back as comma-separated byte values, and a stopped
 * project answers {event:"error", error:"timeout"} while it starts.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpTransport } from "../../electron/services/http/transport.js";
import { V1Client } from "../../electron/services/api/v1-client.js";
import { V1Backend } from "../../electron/services/backend/v1-backend.js";
import { ProjectRunner, ensureProjectRunning } from "../../electron/services/backend/project-start.js";
import { json, startFaultServer, type FaultServer, type Handler } from "../support/fault-server.js";
import { ApiError } from "../../shared/errors.js";

const PID = "0eea4501-9d44-4973-a871-9a4ddf6f6c9f";
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** The files of the pretend project; a string is stored as UTF-8, null is a folder. */
let files: Record<string, Buffer | null>;
let startingCalls: number;
let commands: string[];
let server: FaultServer;
let transport: HttpTransport;
let backend: V1Backend;

const v1Like: Handler = (req, res) => {
    const event = req.url.split("/").pop();
    const body = JSON.parse(req.body);
    if (event === "project_exec") {
      if (startingCalls > 0) {
        startingCalls--;
        return json(res, 200, { event: "error", id: body.id, error: "timeout" });
      }
      commands.push([body.command, ...(body.args ?? [])].join(" "));
      if (body.command === "sha256sum") {
        const paths: string[] = body.args.slice(2);
        const out = paths
          .filter((p) => files[p])
          .map((p) => `${sha(files[p]!)}  ${p}\0`)
          .join("");
        return json(res, 200, { event: "project_exec_output", id: body.id, stdout: out, stderr: "", exit_code: 0 });
      }
      return json(res, 200, { event: "project_exec_output", id: body.id, stdout: "", stderr: "", exit_code: 0 });
    }
    if (event === "read_text_file_from_project") {
      const asBytes = (p: string) => {
        const f = files[p];
        // a folder reads as its tar.bz2 archive
        return [...(f ?? Buffer.from("BZh91AY&SY"))].join(",");
      };
      if (Array.isArray(body.path)) {
        const content = (body.path as string[]).map((p, i) => ({ project_id: body.project_id[i], path: p, content: asBytes(p) })).reverse();
        return json(res, 200, { event: "text_file_read_from_project", id: body.id, content });
      }
      return json(res, 200, { event: "text_file_read_from_project", id: body.id, content: asBytes(body.path) });
    }
    json(res, 400, { error: `unknown endpoint '${event}'` });
};

beforeAll(async () => {
  server = await startFaultServer(v1Like);
});

/** Run `fn` while every read answers `content`, as it is; other events as before. */
async function withReadReply<T>(content: string, fn: () => Promise<T>): Promise<T> {
  server.setHandler((req, res) => {
    if (req.url.endsWith("read_text_file_from_project")) return json(res, 200, { event: "text_file_read_from_project", id: "i", content });
    return v1Like(req, res);
  });
  try {
    return await fn();
  } finally {
    server.setHandler(v1Like);
  }
}
afterAll(() => server.close());
beforeEach(async () => {
  await transport?.close();
  transport = new HttpTransport();
  backend = new V1Backend(new V1Client({ server: server.url, apiKey: "k", transport }));
  files = {};
  startingCalls = 0;
  commands = [];
  server.seen.length = 0;
});

describe("file text that comes back as byte values", () => {
  it("is recognised, confirmed by the file's hash and decoded (UTF-8 included)", async () => {
    files["a.txt"] = Buffer.from("hello\nwörld ✓\n");
    const [r] = await backend.readTextFiles([{ project_id: PID, path: "a.txt" }]);
    expect(r).toEqual({ project_id: PID, path: "a.txt", content: "hello\nwörld ✓\n" });
    expect(commands).toEqual(["sha256sum -z -- a.txt"]);
  });

  it("a file that really contains digits and commas, from a server without the bug, is kept as it is", async () => {
    files["n.csv"] = Buffer.from("1,2,3");
    const [r] = await withReadReply("1,2,3", () => backend.readTextFiles([{ project_id: PID, path: "n.csv" }]));
    expect(r).toMatchObject({ content: "1,2,3" });
    expect(commands).toEqual(["sha256sum -z -- n.csv"]);
  });

  it("content that matches neither the bytes nor the text is refused, never handed on", async () => {
    files["x.txt"] = Buffer.from("abc");
    const [r] = await withReadReply("120,121", () => backend.readTextFiles([{ project_id: PID, path: "x.txt" }]));
    expect("error" in r! && r.error.kind).toBe("bad-content");
  });

  it("a folder is reported as a folder, a binary file as not text", async () => {
    files["bin"] = Buffer.from([0xff, 0xfe, 0x00, 0x81]);
    const rs = await backend.readTextFiles([
      { project_id: PID, path: "d" },
      { project_id: PID, path: "bin" },
    ]);
    expect(rs.map((r) => ("error" in r ? r.error.message : r.content))).toEqual(["d is a folder, not a text file.", "bin is not a text file."]);
  });

  it("several files go in one array-form call, come back in the order asked, and are confirmed in one exec", async () => {
    for (let i = 0; i < 5; i++) files[`f${i}.txt`] = Buffer.from(`file ${i}\n`);
    const rs = await backend.readTextFiles([0, 1, 2, 3, 4].map((i) => ({ project_id: PID, path: `f${i}.txt` })));
    expect(rs.map((r) => ("content" in r ? r.content : "?"))).toEqual([0, 1, 2, 3, 4].map((i) => `file ${i}\n`));
    expect(server.seen.filter((s) => s.url.endsWith("read_text_file_from_project")).length).toBe(1);
    expect(commands.length).toBe(1);
  });
});

describe("a project that is starting", () => {
  it("is probed with `true` until it answers; the user's command then runs exactly once", async () => {
    startingCalls = 2;
    const waits: number[] = [];
    const runner = new ProjectRunner(backend);
    await runner.exec({ project_id: PID, command: "make", args: ["all"] }, { onWaiting: (n) => waits.push(n) });
    expect(commands).toEqual(["true", "make all"]);
    expect(waits).toEqual([1, 2]);
    // the project answered: the next command needs no probe
    await runner.exec({ project_id: PID, command: "ls" });
    expect(commands).toEqual(["true", "make all", "ls"]);
  });

  it("gives up at the deadline with a 'project starting' error that says what to do", async () => {
    startingCalls = 1000;
    const e = await ensureProjectRunning(backend, PID, { deadlineMs: 700 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).kind).toBe("project-starting");
    expect((e as ApiError).message).toMatch(/did not start within/);
    expect(commands).toEqual([]);
  });
});

