/**
 * The sync and transfer channels through the real router and services
 * against a real hub and real folders: local paths are checked (absolute,
 * existing, never the app's data folder, also through a link), dropped files
 * are staged chunk by chunk and uploaded only when whole and undamaged, each
 * pair's server is reached through its own profile, and a conflict's two
 * versions are shown as text only when both are text.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { checkLocalPath } from "../../electron/services/desktop/local-path.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import { describeVersions } from "../../electron/services/sync/conflict-view.js";
import { STAGE_CHUNK_BYTES } from "../../shared/ipc/contract.js";
import { newProject, startTestHub, type TestHub } from "../support/hub.js";
import { routerClient } from "../support/router-client.js";

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

let hub: TestHub;
let app: ComposedApp;
let dataDir: string;
let pid: string;
let home: string;
const outside = mkdtempSync(join(tmpdir(), "sync-ipc-local-"));

const { raw, call } = routerClient(() => app);

/** Send a buffer as the renderer does with a dropped file. */
async function stage(upload_id: string, path: string, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += STAGE_CHUNK_BYTES) {
    const chunk = bytes.subarray(offset, offset + STAGE_CHUNK_BYTES);
    await call("transfer.stageChunk", { upload_id, path, offset, data: chunk.toString("base64"), sha256: sha(chunk) });
  }
}

beforeAll(async () => {
  hub = await startTestHub({ api: "v1" });
  dataDir = mkdtempSync(join(tmpdir(), "sync-ipc-data-"));
  app = await composeApp({ dataDir, logFile: join(dataDir, "logs", "main.log"), version: "0.1.0", platform: "linux", trustedOrigins: ["app://cocalc-desktop"], secrets: new MemoryStore() });
  const p = await call("profiles.add", { name: "Local hub", url: hub.url, api_key: hub.credentials.api_key });
  await call("profiles.switch", { id: p.id });
  pid = await newProject(hub, "IPC project");
  home = hub.hub.runtime.createFolder(pid);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await hub?.stop();
});

describe("local paths", () => {
  it.each([
    ["a relative path", () => "Documents/thesis", /is not a full path/],
    ["a path that does not exist", () => join(outside, "nope"), /does not exist on this computer/],
    ["a file where a folder is needed", () => (writeFileSync(join(outside, "f.txt"), "x"), join(outside, "f.txt")), /is a file, not a folder/],
    ["the app's data folder", () => dataDir, /is inside the app's own data folder/],
    ["a folder inside the data folder", () => (mkdirSync(join(dataDir, "inner"), { recursive: true }), join(dataDir, "inner")), /is inside the app's own data folder/],
    ["a folder that holds the data folder", () => join(dataDir, ".."), /contains the app's own data folder/],
    ["a link to the data folder", () => (symlinkSync(dataDir, join(outside, "link-to-data")), join(outside, "link-to-data")), /is inside the app's own data folder/],
  ])("refuses %s, saying what to do", async (_name, make, message) => {
    await expect(checkLocalPath(make(), { appDataDir: dataDir, kind: "folder" })).rejects.toMatchObject({ kind: "invalid-input", message: expect.stringMatching(message) });
  });

  it("accepts an existing folder elsewhere, resolved", async () => {
    expect(await checkLocalPath(`${outside}/./`, { appDataDir: dataDir, kind: "folder" })).toBe(outside);
  });

  it("never uploads from the data folder (it holds the keys), nor downloads into it", async () => {
    const up = await raw("transfer.upload", { request_id: randomUUID(), project_id: pid, local_paths: [join(dataDir, "profiles.json")], remote_dir: "" });
    expect(up).toMatchObject({ ok: false, error: { kind: "invalid-input", message: expect.stringMatching(/app's own data folder/) } });
    const down = await raw("transfer.download", { request_id: randomUUID(), project_id: pid, paths: ["x"], local_dir: dataDir });
    expect(down).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
    expect(existsSync(join(home, "profiles.json"))).toBe(false);
  });

  it("refuses a sync pair on the data folder, or for a server profile that does not exist, before anything starts", async () => {
    const base = { profile_id: app.profiles.activeId()!, project_id: pid, remote_path: "" };
    expect(await raw("sync.add", { ...base, local_path: dataDir })).toMatchObject({ ok: false, error: { kind: "invalid-input", message: expect.stringMatching(/data folder/) } });
    expect(await raw("sync.add", { ...base, local_path: "relative/dir" })).toMatchObject({ ok: false, error: { kind: "invalid-input", message: expect.stringMatching(/not a full path/) } });
    expect(await raw("sync.add", { ...base, local_path: outside, profile_id: "no-such-server" })).toMatchObject({ ok: false, error: { kind: "invalid-input", message: expect.stringMatching(/no server profile/) } });
  });
});

describe("dropped files, staged by chunks", () => {
  it("uploads a staged folder byte for byte once every file is whole, then forgets the staging", async () => {
    const upload_id = randomUUID();
    const big = randomBytes(2 * STAGE_CHUNK_BYTES + 5);
    const small = Buffer.from([0, 1, 2, 255, 254]);
    await stage(upload_id, "drop/big.bin", big);
    await stage(upload_id, "drop/deep/small.bin", small);
    const r = await call("transfer.uploadStaged", {
      request_id: randomUUID(),
      upload_id,
      project_id: pid,
      remote_dir: "in",
      files: [
        { path: "drop/big.bin", size: big.length },
        { path: "drop/deep/small.bin", size: small.length },
        { path: "drop/empty.txt", size: 0 },
      ],
    });
    expect(r).toEqual({ files: 3, bytes: big.length + small.length });
    expect(sha(readFileSync(join(home, "in/drop/big.bin")))).toBe(sha(big));
    expect(sha(readFileSync(join(home, "in/drop/deep/small.bin")))).toBe(sha(small));
    expect(readFileSync(join(home, "in/drop/empty.txt")).length).toBe(0);
    expect(readdirSync(join(dataDir, "staging"))).toEqual([]);
  });

  it("refuses a damaged chunk and a chunk out of order", async () => {
    const upload_id = randomUUID();
    const chunk = Buffer.from("hello");
    const damaged = await raw("transfer.stageChunk", { upload_id, path: "a.txt", offset: 0, data: chunk.toString("base64"), sha256: sha("hellO") });
    expect(damaged).toMatchObject({ ok: false, error: { kind: "bad-content", message: expect.stringMatching(/arrived damaged/) } });
    const gap = await raw("transfer.stageChunk", { upload_id, path: "a.txt", offset: 100, data: chunk.toString("base64"), sha256: sha(chunk) });
    expect(gap).toMatchObject({ ok: false, error: { kind: "invalid-input", message: expect.stringMatching(/out of order/) } });
    await call("transfer.discardStaged", { upload_id });
  });

  it("uploads nothing when a file did not arrive whole, or one arrived that was not announced", async () => {
    const upload_id = randomUUID();
    await stage(upload_id, "part.bin", randomBytes(1000));
    const short = await raw("transfer.uploadStaged", { request_id: randomUUID(), upload_id, project_id: pid, remote_dir: "partial", files: [{ path: "part.bin", size: 2000 }] });
    expect(short).toMatchObject({ ok: false, error: { kind: "invalid-input", message: expect.stringMatching(/did not arrive whole.*Nothing was uploaded/) } });
    expect(existsSync(join(home, "partial"))).toBe(false);
    const id2 = randomUUID();
    await stage(id2, "one.bin", Buffer.from("1"));
    await stage(id2, "two.bin", Buffer.from("2"));
    const extra = await raw("transfer.uploadStaged", { request_id: randomUUID(), upload_id: id2, project_id: pid, remote_dir: "partial", files: [{ path: "one.bin", size: 1 }] });
    expect(extra).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not announced/) } });
    expect(existsSync(join(home, "partial"))).toBe(false);
    expect(readdirSync(join(dataDir, "staging"))).toEqual([]);
  });

  it("refuses staged paths that climb out, at the contract", async () => {
    for (const path of ["../x", "/etc/passwd", "a/../../b", "a//b", "a\\..\\b", "./a"]) {
      const r = await raw("transfer.stageChunk", { upload_id: randomUUID(), path, offset: 0, data: "", sha256: sha("") });
      expect(r, path).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
    }
  });
});

describe("each pair's server through its own profile", () => {
  it("connects a profile that is not the active one, reuses the connection, and says what to do without a key", async () => {
    const other = await call("profiles.add", { name: "Same hub, second profile", url: hub.url, api_key: hub.credentials.api_key });
    expect(app.profiles.activeId()).not.toBe(other.id);
    const b1 = await app.backends(other.id);
    expect((await b1.ping()).now).toBeTruthy();
    expect(await app.backends(other.id)).toBe(b1);
    await app.secrets.delete(app.profiles.get(other.id)!.key_ref);
    await expect(app.backends(other.id)).rejects.toMatchObject({ kind: "not-configured", hint: expect.stringMatching(/API key again/) });
    await expect(app.backends("gone")).rejects.toMatchObject({ kind: "not-configured", message: expect.stringMatching(/no server profile 'gone'/) });
  });
});

describe("a conflict's two versions for the side-by-side view", () => {
  const utf = (s: string) => new TextEncoder().encode(s);
  it.each([
    ["both text", utf("mine ü\n"), utf("theirs\n"), "mine ü\n", "theirs\n"],
    ["one side binary (NUL): neither shown as text", utf("text"), new Uint8Array([1, 0, 2]), null, null],
    ["one side not UTF-8", utf("text"), new Uint8Array([0x63, 0xe9]), null, null],
    ["deleted on one side", utf("kept\n"), null, "kept\n", ""],
  ])("%s", (_n, mine, theirs, mineText, theirsText) => {
    const v = describeVersions(mine, theirs);
    expect(v.mine.text).toBe(mineText);
    expect(v.theirs.text).toBe(theirsText);
    expect(v.mine.sha256).toBe(sha(Buffer.from(mine)));
    expect(v.theirs.exists).toBe(theirs !== null);
    if (theirs) expect(v.theirs).toMatchObject({ size: theirs.byteLength, sha256: sha(Buffer.from(theirs)) });
  });
});
