/**
 * The remote agent's read replies as a server or a proxy may damage them.
 * A loopback v1 server runs the real agent (python3, on a real folder) for
 * each project_exec and hands its stdout to a per-test damage function; the
 * client must refuse every damaged reply as a whole and put nothing in place.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { V1Client } from "../../electron/services/api/v1-client.js";
import { V1Backend } from "../../electron/services/backend/v1-backend.js";
import { HttpTransport } from "../../electron/services/http/transport.js";
import { fetchFiles } from "../../electron/services/transfer/pipeline.js";
import { RemoteAgent } from "../../electron/services/transfer/remote.js";
import { READ_SIZE, forgetReadSize, seedReadSize } from "../../electron/services/transfer/read-size.js";
import { isApiError } from "../../shared/errors.js";
import type { ServerResponse } from "node:http";
import { json, startFaultServer, type FaultServer, type SeenRequest } from "../support/fault-server.js";

const PID = "0eea4501-9d44-4973-a871-9a4ddf6f6c9f";
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

let project: string;
let server: FaultServer;
let transport: HttpTransport;
let agent: RemoteAgent;
/** what the "server" does to the agent's stdout before it answers */
let damage: (stdout: string) => string;
/** the agent modes the "server" ran, in order, with the bytes each read asked for */
let ran: Array<{ mode: string; bytes: number }>;
const big = randomBytes(3_000_000);

const files: Record<string, Buffer> = {
  "a.txt": Buffer.from("hello\n"),
  "b.bin": Buffer.from([0, 255, 1, 254, 10, 13]),
  "c.txt": Buffer.from("ünïcødé\n"),
};

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "agent-replies-"));
  for (const [p, b] of Object.entries(files)) writeFileSync(join(project, p), b);
  writeFileSync(join(project, "big.bin"), big);
  server = await startFaultServer(handler);
});
const handler = async (req: SeenRequest, res: ServerResponse) => {
    const body = JSON.parse(req.body);
    const mode = body.args[4] as string;
    ran.push({ mode, bytes: mode === "read" ? (body.args as string[]).slice(6).filter((_, k) => k % 3 === 2).reduce((n, x) => n + Number(x), 0) : 0 });
    const out = await new Promise<{ stdout: string; code: number }>((resolve) =>
      execFile(body.command, body.args, { cwd: project, maxBuffer: 64e6 }, (e, stdout) => resolve({ stdout, code: e ? Number((e as { code?: number }).code ?? 1) : 0 })),
    );
    json(res, 200, { event: "project_exec_output", id: body.id, stdout: damage(out.stdout), stderr: "", exit_code: out.code });
};
afterAll(async () => {
  await server.close();
  rmSync(project, { recursive: true, force: true });
});
beforeEach(async () => {
  await transport?.close();
  transport = new HttpTransport();
  agent = new RemoteAgent(new V1Backend(new V1Client({ server: server.url, apiKey: "k", transport })), PID);
  forgetReadSize(server.url);
  damage = (s) => s;
  ran = [];
});

const items = () => Object.entries(files).map(([path, b]) => ({ path, offset: 0, length: b.length }));

describe("read replies of the remote agent", () => {
  it("reads every file byte-exact from an undamaged reply, and names a missing one", async () => {
    const r = await agent.read("", [...items(), { path: "gone.txt", offset: 0, length: 5 }]);
    expect(r.slice(0, 3).map((x) => (x.status === "ok" ? sha(x.data) : x.status))).toEqual(Object.values(files).map(sha));
    expect(r[3]).toEqual({ status: "absent" });
  });

  it("passes a reason for a file that cannot be read, in its own words", async () => {
    const r = await agent.read("", [{ path: "a.txt/inside", offset: 0, length: 1 }]);
    expect(r[0]).toMatchObject({ status: "error", message: expect.stringMatching(/not a folder/) });
  });

  it("starts at a size servers answer, grows while replies are fast, halves where a server cuts one, and never sends a failed read again as it was", async () => {
    const bigItem = [{ path: "big.bin", offset: 0, length: big.length }];
    const one = await agent.read("", bigItem);
    expect(one[0]!.status === "ok" && sha(one[0]!.data)).toBe(sha(big));
    // the first read asks for what servers are known to answer (how it grows from there is timed: see the table test)
    expect(ran[0]!.bytes).toBe(READ_SIZE.start);
    expect(ran.reduce((n, r) => n + r.bytes, 0)).toBe(big.length);
    // as if it had grown that far (whether it did here depends on the machine's load)
    seedReadSize(server.url, 1_280_000);
    const grown = agent.readBytes;

    // an output limit just under a reply of that size, as a server's max_output or a proxy might impose
    const limit = Math.floor((grown * 4) / 3) - 1000;
    damage = (s) => (s.length > limit ? `${s.slice(0, limit)} (truncated at ${limit} characters)` : s);
    ran = [];
    const sent: string[] = [];
    server.setHandler(async (req, res) => {
      sent.push(JSON.parse(req.body).args.slice(4).join("\0"));
      await handler(req, res);
    });
    try {
      const two = await agent.read("", bigItem);
      expect(two[0]!.status === "ok" && sha(two[0]!.data)).toBe(sha(big));
    } finally {
      server.setHandler(handler);
    }
    expect(ran[0]!.bytes).toBe(grown);
    // cut replies were read again in smaller pieces, never sent again as they were
    expect(ran.some((r) => r.bytes < grown)).toBe(true);
    expect(new Set(sent).size).toBe(sent.length);
    const learned = agent.readBytes;

    // the next transfer plans from the size learned: no read the server cut is asked for again
    const local = mkdtempSync(join(tmpdir(), "agent-replies-local-"));
    try {
      ran = [];
      const got = await fetchFiles(agent, "", [{ from: "big.bin", size: big.length, sha: sha(big), x: false, expect: "absent" }], () => join(local, "big.bin"));
      expect(got).toEqual([{ status: "ok" }]);
      expect(ran[0]!.bytes).toBe(learned);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  }, 240_000);

  it("does not retry smaller when the read failed for another reason (a wrong key)", async () => {
    const bad = new RemoteAgent(new V1Backend(new V1Client({ server: server.url, apiKey: "k", transport })), PID);
    server.setHandler((_req, res) => json(res, 200, { event: "error", error: "No account found. Is your API key wrong?" }));
    try {
      const e = await bad.read("", [{ path: "big.bin", offset: 0, length: big.length }]).catch((x: unknown) => x);
      expect(isApiError(e, "auth")).toBe(true);
      expect(bad.readBytes).toBe(READ_SIZE.start);
    } finally {
      server.setHandler(handler);
    }
  });

  it("lists an unchanged folder without writing a new manifest, and a changed one with a new id", async () => {
    const opts = { root: "", state: ".cocalc-sync/pair-t", keep: true, skipTop: ".cocalc-sync" };
    const first = await agent.list(opts);
    expect(first.kind).toBe("full");
    const manifest = join(project, ".cocalc-sync", "pair-t", `m.${first.id}`);
    const written = statSync(manifest).mtimeMs;

    const same = await agent.list({ ...opts, since: first.id });
    expect(same).toMatchObject({ kind: "delta", id: first.id, entries: [], removed: [] });
    expect(statSync(manifest).mtimeMs).toBe(written);

    // a new ctime alone changes no listed field, but the hash cache's key: a new manifest, nothing listed
    chmodSync(join(project, "a.txt"), statSync(join(project, "a.txt")).mode);
    const keyOnly = await agent.list({ ...opts, since: first.id });
    expect(keyOnly.kind).toBe("delta");
    expect(keyOnly.id).not.toBe(first.id);
    expect(keyOnly.entries).toEqual([]);

    writeFileSync(join(project, "c.txt"), "changed\n");
    const changed = await agent.list({ ...opts, since: keyOnly.id });
    expect(changed.id).not.toBe(keyOnly.id);
    expect(changed.entries.map((e) => [e.path, e.sha])).toEqual([["c.txt", sha("changed\n")]]);
    writeFileSync(join(project, "c.txt"), files["c.txt"]!);
  });

  const damages: Array<[string, (s: string) => string]> = [
    ["cut short by an output limit", (s) => `${s.slice(0, 20)} (truncated at 20 characters)`],
    ["with characters dropped from the data", (s) => s.replace(/\0([A-Za-z0-9+/=]{8})([A-Za-z0-9+/=]+)\0END/, "\0$1\0END")],
    ["with a file's head removed", (s) => s.replace(/^CSR2\0o\d+ /, "CSR2\0")],
    ["with a head that is not a head", (s) => s.replace(/^CSR2\0o\d+/, "CSR2\0o-6")],
    ["with a longer length in a head", (s) => s.replace(/^CSR2\0o\d+/, "CSR2\0o60")],
    ["as an old agent's JSON heads", (s) => s.replace(/^CSR2\0[^\0]*/, 'CSR1\0[["ok",6]]')],
    ["as a proxy's HTML page", () => "<html><body>502 Bad Gateway</body></html>"],
  ];
  it.each(damages)("refuses a reply %s as damaged, and writes nothing", async (_name, f) => {
    damage = f;
    const e = await agent.read("", items()).catch((x: unknown) => x);
    expect(isApiError(e, "bad-content")).toBe(true);

    const local = mkdtempSync(join(tmpdir(), "agent-replies-local-"));
    try {
      const got = await fetchFiles(
        agent,
        "",
        Object.entries(files).map(([p, b]) => ({ from: p, size: b.length, sha: sha(b), x: false, expect: "absent" })),
        (i) => join(local, Object.keys(files)[i]!),
      ).catch((x: unknown) => x);
      expect(isApiError(got, "bad-content")).toBe(true);
      expect(readdirSync(local)).toEqual([]);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });
});
