/**
 * What the Files view and the console are told, through the real router and
 * services against a real hub, in both API generations: a path that is a file
 * is said to be one, a missing folder is named, a command in a folder that
 * does not exist says so instead of Node's spawn error, a file too large for
 * one write is saved in verified parts with the conflict check, and a
 * wrong key is "not valid on this server" without the server's internals.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import { spawnEnoent } from "../../electron/services/backend/spawn-failure.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { recordedCurrent, recordedV1 } from "../support/fixtures.js";
import { routerClient } from "../support/router-client.js";
import { saveInput } from "../support/doc-fixtures.js";


describe("Node's spawn error, as both real servers send it", () => {
  const v1 = String((recordedV1().find((r) => r.name === "project_exec path")!.reply as { error: string }).error);
  const current = String((recordedCurrent().find((r) => r.name === "conat-project system.exec missing command")!.reply as { error: string }).error);
  it.each([
    ["v1, a folder that does not exist", v1, "pwd"],
    ["current, a command that does not exist", current, "no-such-command-xyz"],
    ["current, a folder that does not exist (facts §9)", `command ''pwd' (args=)' was not able to run -- stderr='{"errno":-2,"code":"ENOENT","syscall":"spawn pwd","path":"pwd","spawnargs":[]}'`, "pwd"],
    ["the short form", "spawn pwd ENOENT", "pwd"],
    ["a command's own output", "ls: cannot access 'x': No such file or directory", null],
  ])("%s", (_what, text, program) => expect(spawnEnoent(text)).toBe(program));
});

describe.each(["v1", "current"] as const)("files and messages, API %s", (generation) => {
  let hub: TestHub;
  let app: ComposedApp;
  let pid: string;
  let home: string;

  const { raw, call } = routerClient(() => app);

  beforeAll(async () => {
    hub = await startTestHub({ api: generation });
    const dataDir = mkdtempSync(join(tmpdir(), "app-data-"));
    app = await composeApp({ dataDir, logFile: join(dataDir, "main.log"), version: "0.1.0", platform: "linux", trustedOrigins: ["app://cocalc-desktop"], secrets: new MemoryStore() });
    const p = await call("profiles.add", { name: "Local hub", url: hub.url, api_key: hub.credentials.api_key });
    await call("profiles.switch", { id: p.id });
    pid = (await call("projects.create", { title: "Files and messages" })).project_id;
    home = hub.hub.runtime.folder(pid);
    mkdirSync(join(home, "folder/inner"), { recursive: true });
    writeFileSync(join(home, "folder/a.txt"), "a\n");
    writeFileSync(join(home, "notes.txt"), "a file\n");
    symlinkSync("folder", join(home, "link to folder"));
  });
  afterAll(async () => {
    await app?.stop();
    await hub?.stop();
  });

  it("lists a folder as a folder, and a file as a file (not as an empty folder)", async () => {
    expect(await call("files.list", { project_id: pid, path: "folder" })).toEqual({
      path: "folder",
      type: "folder",
      entries: [expect.objectContaining({ name: "inner", isdir: true }), expect.objectContaining({ name: "a.txt", isdir: false, size: 2 })],
    });
    expect(await call("files.list", { project_id: pid, path: "notes.txt" })).toEqual({ path: "notes.txt", type: "file", entries: [] });
    // a link to a folder, named as the folder itself, lists what is in it
    expect((await call("files.list", { project_id: pid, path: "link to folder" })).entries.map((e) => e.name)).toEqual(["inner", "a.txt"]);
  });

  it("a folder that does not exist is named, in the user's terms", async () => {
    const r = await raw("files.list", { project_id: pid, path: "folder/gone" });
    expect(r).toMatchObject({ ok: false, error: { kind: "not-found", message: "The folder 'folder/gone' does not exist in this project.", serverMessage: expect.stringMatching(/No such file/) } });
  });

  it.each([
    ["a command with arguments", { command: "pwd" }],
    ["a bash script", { command: "pwd; echo here", bash: true }],
  ])("%s in a working folder that does not exist says so, naming the folder", async (_what, input) => {
    const r = await raw("exec.run", { request_id: randomUUID(), project_id: pid, path: "no/such folder", ...input });
    expect(r).toMatchObject({ ok: false, error: { kind: "not-found", message: "The folder 'no/such folder' does not exist in this project, so the command did not run." } });
    // nothing of the server's text, Node's spawn error or the app's own wrapper script, not even as details
    expect(JSON.stringify(r)).not.toMatch(/spawn|ENOENT|errno|Error executing|cocalc-desktop|pgid|mkdir -p/);
  });

  it("a command that does not exist is named; one that runs in an existing folder is untouched", async () => {
    const r = await raw("exec.run", { request_id: randomUUID(), project_id: pid, path: "folder", command: "no-such-command-xyz" });
    expect(r).toMatchObject({ ok: false, error: { kind: "not-found", message: "The command 'no-such-command-xyz' was not found in this project, so it did not run." } });
    expect(await call("exec.run", { request_id: randomUUID(), project_id: pid, path: "folder", command: "pwd" })).toMatchObject({ exit_code: 0, stdout: `${join(home, "folder")}\n` });
    // a command's own failure stays a result
    expect(await call("exec.run", { request_id: randomUUID(), project_id: pid, command: "ls", args: ["missing"] })).toMatchObject({ exit_code: 2 });
  });

  it("a file too large for one write is saved in verified parts, byte-exact, with the conflict check", async () => {
    // v1 counts the form-encoded body (900 KB of such text is well over 1 MB encoded); current, the 1 MiB JSON body
    const unit = "Grüße, café & thé: 50% (x+y)=z; ";
    const big = (tag: string) => (generation === "v1" ? `${tag}\n${unit.repeat(Math.ceil(900_000 / Buffer.byteLength(unit)))}` : `${tag}\n${"x".repeat(1_200_000)}\n`);
    const first = big("first");
    const saved = await call("doc.save", saveInput(pid, "big/big.txt", first, null));
    expect(saved).toEqual({ status: "saved", sha256: createHash("sha256").update(first).digest("hex") });
    expect(readFileSync(join(home, "big/big.txt"), "utf8")).toBe(first);
    // nothing half-written is left beside the file
    expect(readdirSync(join(home, "big"))).toEqual(["big.txt"]);
    // someone changes the file on the server: a large save from the old version is refused, nothing written
    writeFileSync(join(home, "big/big.txt"), "theirs\n");
    const stale = await call("doc.save", saveInput(pid, "big/big.txt", big("second"), saved.status === "saved" ? saved.sha256 : null));
    expect(stale).toEqual({ status: "conflict", server_sha256: createHash("sha256").update("theirs\n").digest("hex") });
    expect(readFileSync(join(home, "big/big.txt"), "utf8")).toBe("theirs\n");
    // and from the server's version it goes through
    const third = big("third");
    expect(await call("doc.save", saveInput(pid, "big/big.txt", third, createHash("sha256").update("theirs\n").digest("hex")))).toMatchObject({ status: "saved" });
    expect(readFileSync(join(home, "big/big.txt"), "utf8")).toBe(third);
  });

  it("a wrong key is 'not valid on this server', without the server's text in the message", async () => {
    const bad = await call("profiles.add", { name: "Wrong key", url: hub.url, api_key: "sk_wrongwrongwrongwrongwron" });
    const r = await raw("profiles.test", { id: bad.id });
    expect(r).toMatchObject({ ok: false, error: { kind: "auth", message: "The server did not accept the API key: this key is not valid on this server." } });
    if (!r.ok) expect(r.error.serverMessage).toMatch(generation === "v1" ? /No account found/ : /MUST provide an api key/);
    await call("profiles.remove", { id: bad.id });
  });

  it("a key the server takes for a key id (digits) fails as not valid, and no database text reaches the app, not even as details", async () => {
    const bad = await call("profiles.add", { name: "Digits", url: hub.url, api_key: "22330934726" });
    const r = await raw("profiles.test", { id: bad.id });
    expect(r).toMatchObject({ ok: false, error: { kind: "auth", message: "The server did not accept the API key: this key is not valid on this server." } });
    expect(JSON.stringify(r)).not.toMatch(/out of range|for type integer|22330934726/);
    await call("profiles.remove", { id: bad.id });
  });

  it("a key typed with a space, or too short, is refused with what is wrong with it", async () => {
    for (const [api_key, why] of [
      ["sk_abc def123456", /cannot contain spaces/],
      ["sk_abc", /is too short/],
    ] as const) {
      const r = await raw("profiles.add", { name: "Typo", url: hub.url, api_key });
      expect(r).toMatchObject({ ok: false, error: { kind: "invalid-input", message: expect.stringMatching(why) } });
    }
  });
});
