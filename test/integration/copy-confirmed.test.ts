/**
 * copy.start through the router against the hub in its realistic default (a
 * single-user server: "" at once, timeout read as ms, scheduling ignored):
 * the copy is reported done only once it is confirmed, failures reach the
 * person in their terms, and scheduling is offered only where the server
 * really schedules (learned by a probe, remembered per profile).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import type { Channel } from "../../shared/ipc/channels.js";
import type { ChannelInput, ChannelOutput } from "../../shared/ipc/contract.js";
import type { IpcResult } from "../../shared/ipc/api.js";
import type { HubSettings } from "../../hub/context.js";
import { startTestHub, type TestHub } from "../support/hub.js";

const APP = { url: "app://cocalc-desktop/index.html", isMainFrame: true };
const N = 3000;

interface Session {
  hub: TestHub;
  app: ComposedApp;
  raw<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<IpcResult<ChannelOutput<C>>>;
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  project(title: string): string;
  close(): Promise<void>;
}

async function session(api: "v1" | "current", settings: Partial<HubSettings> = {}, projectStartMs = 0): Promise<Session> {
  const hub = await startTestHub({ api, settings, projectStartMs });
  const dataDir = mkdtempSync(join(tmpdir(), "app-copy-"));
  const app = await composeApp({ dataDir, logFile: join(dataDir, "main.log"), version: "t", platform: "linux", trustedOrigins: ["app://cocalc-desktop"], secrets: new MemoryStore() });
  const raw = async <C extends Channel>(channel: C, input: ChannelInput<C>) => (await app.router.handle(channel, APP, input)) as IpcResult<ChannelOutput<C>>;
  const call = async <C extends Channel>(channel: C, input: ChannelInput<C>) => {
    const r = await raw(channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.kind}: ${r.error.message}`);
    return r.value;
  };
  await call("profiles.add", { name: "hub", url: hub.url, api_key: hub.credentials.api_key });
  return {
    hub,
    app,
    raw,
    call,
    project(title) {
      const id = hub.hub.store.createProject(hub.credentials.account_id, { title }).project_id;
      hub.hub.runtime.createFolder(id);
      return id;
    },
    async close() {
      await app.stop();
      await hub.stop();
    },
  };
}

/** A folder that cannot be written, whoever runs the hub: root ignores modes, so it gets a read-only mount. */
function readOnlyFolder(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o555);
    return () => chmodSync(dir, 0o755);
  }
  execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", dir]);
  return () => execFileSync("umount", [dir]);
}

const countFiles = (d: string) => (existsSync(d) ? readdirSync(d).length : 0);

describe.each(["v1", "current"] as const)("copies through the app, hub serving %s", (generation) => {
  let s: Session;
  let src: string;
  let dst: string;
  beforeAll(async () => {
    s = await session(generation);
    src = s.project("source");
    dst = s.project("target");
    const many = join(s.hub.hub.runtime.folder(src), "many");
    mkdirSync(join(many, "sub"), { recursive: true });
    for (let i = 0; i < N; i++) writeFileSync(join(many, i % 10 === 0 ? "sub" : "", `f${i}.txt`), `file ${i}\n`.repeat(1 + (i % 7)));
    writeFileSync(join(many, "skip.log"), "not copied");
  }, 60_000);
  afterAll(() => s?.close());

  it("a 3,000-file copy answers only when every file is in the target, confirmed", async () => {
    const r = await s.call("copy.start", { src_project_id: src, src_path: "many", target_project_id: dst, target_path: "copied", exclude: ["*.log"] });
    // checked at the moment the app reports it: nothing may still be on its way
    const target = join(s.hub.hub.runtime.folder(dst), "copied");
    expect(countFiles(target) - 1 + countFiles(join(target, "sub"))).toBe(N);
    expect(existsSync(join(target, "skip.log"))).toBe(false);
    expect(statSync(join(target, "f6.txt")).size).toBe(statSync(join(s.hub.hub.runtime.folder(src), "many", "f6.txt")).size);
    expect(r).toEqual({ status: "done", copy_id: null, confirmed_by: "target-check", files_checked: N + 2 });
  }, 60_000);

  it("a copy timeout is never misread: the copy completes", async () => {
    const r = await s.call("copy.start", { src_project_id: src, src_path: "many", target_project_id: dst, target_path: "with-timeout", timeout: 30 });
    expect(r.status).toBe("done");
    const target = join(s.hub.hub.runtime.folder(dst), "with-timeout");
    expect(countFiles(target) - 1 + countFiles(join(target, "sub"))).toBe(N + 1);
  }, 60_000);

  it("a read-only target folder is an error in the person's terms", async () => {
    const undo = readOnlyFolder(join(s.hub.hub.runtime.folder(dst), "locked"));
    try {
      const r = await s.raw("copy.start", { src_project_id: src, src_path: "many/f1.txt", target_project_id: dst, target_path: "locked/f1.txt" });
      expect(r).toMatchObject({ ok: false, error: { kind: "server", message: "The copy failed: 'locked/f1.txt' in the target project cannot be written (it is read-only or not yours to change).", hint: expect.stringMatching(/writable/) } });
    } finally {
      undo();
    }
  });

  it("scheduling is not offered: the server would copy at once; a scheduled copy is refused before anything is sent", async () => {
    const caps = await s.call("server.capabilities", { project_id: src });
    expect(caps).toMatchObject({ generation, copySchedule: false, createAccount: false });
    const r = await s.raw("copy.start", { src_project_id: src, src_path: "many/f2.txt", target_project_id: dst, target_path: "sched.txt", scheduled: new Date(Date.now() + 3600_000).toISOString() });
    expect(r).toMatchObject({ ok: false, error: { kind: "not-available", message: expect.stringMatching(/does not schedule copies: it would run this one right away/) } });
    await new Promise((res) => setTimeout(res, 1000));
    expect(existsSync(join(s.hub.hub.runtime.folder(dst), "sched.txt"))).toBe(false);
  });
});

describe("a source that vanishes while the copy is under way", () => {
  // each waits 3 s for its own hub's project to start: side by side
  it.concurrent.each(["v1", "current"] as const)("is an error in the person's terms (%s)", async (generation) => {
    // a stopped source project takes 3 s to start: the copy waits for it, and the source goes meanwhile
    const s = await session(generation, {}, 3000);
    try {
      const src = s.project("source");
      const dst = s.project("target");
      mkdirSync(join(s.hub.hub.runtime.folder(src), "going"), { recursive: true });
      writeFileSync(join(s.hub.hub.runtime.folder(src), "going/a.txt"), "a");
      const copy = s.raw("copy.start", { src_project_id: src, src_path: "going", target_project_id: dst });
      const end = Date.now() + 20_000;
      while (s.hub.hub.runtime.state(src) !== "starting" && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(s.hub.hub.runtime.state(src)).toBe("starting");
      rmSync(join(s.hub.hub.runtime.folder(src), "going"), { recursive: true });
      expect(await copy).toMatchObject({ ok: false, error: { kind: "server", message: "The copy failed: 'going' is not (or no longer) in the source project; it may have been moved or deleted while copying." } });
      expect(existsSync(join(s.hub.hub.runtime.folder(dst), "going/a.txt"))).toBe(false);
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe("stopping the wait for a copy", () => {
  it("says the server may still finish it, and the copy is not claimed done", async () => {
    const s = await session("v1", {}, 3000);
    try {
      const src = s.project("source");
      writeFileSync(join(s.hub.hub.runtime.folder(src), "a.txt"), "a");
      const request_id = "0b0f3a57-2b6c-4a57-9d8e-2c1d1f0e9a11";
      const copy = s.raw("copy.start", { request_id, src_project_id: src, src_path: "a.txt", target_project_id: src, target_path: "b.txt" });
      const end = Date.now() + 20_000;
      while (s.hub.hub.runtime.state(src) !== "starting" && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(await s.call("copy.cancel", { request_id })).toEqual({ cancelled: true });
      expect(await copy).toMatchObject({ ok: false, error: { kind: "cancelled", message: "Stopped waiting for the copy; the server may still finish it." } });
      expect(await s.call("copy.cancel", { request_id })).toEqual({ cancelled: false });
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe("capabilities learned from the server", () => {
  it("a server that schedules copies and creates accounts (cocalc.com's v1) is found to; scheduling then works and is remembered", async () => {
    const s = await session("v1", { copyMode: "kucalc", createAccount: true });
    try {
      const src = s.project("source");
      writeFileSync(join(s.hub.hub.runtime.folder(src), "a.txt"), "A");
      expect(await s.call("server.capabilities", { project_id: src })).toMatchObject({ generation: "v1", copySchedule: true, createAccount: true });
      // the probe left nothing behind: no queued copy, no account
      expect(s.hub.hub.store.listCopies({ src_project_id: src, pending: true, failed: false, limit: 100, offset: 0 })).toEqual([]);
      expect(s.app.profiles.active()?.learned).toEqual({ copySchedule: true, createAccount: true });
      const when = new Date(Date.now() + 1500).toISOString();
      const r = await s.call("copy.start", { src_project_id: src, src_path: "a.txt", target_project_id: src, target_path: "later.txt", scheduled: when });
      expect(r).toMatchObject({ status: "scheduled", copy_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(existsSync(join(s.hub.hub.runtime.folder(src), "later.txt"))).toBe(false);
    } finally {
      await s.close();
    }
  });

  it("the connection test learns that a single-user server has no create_account", async () => {
    const s = await session("v1");
    try {
      const id = s.app.profiles.active()!.id;
      const t = await s.call("profiles.test", { id });
      expect(t.capabilities).toMatchObject({ generation: "v1", createAccount: false, copySchedule: false });
      expect(s.app.profiles.get(id)?.learned).toEqual({ createAccount: false });
    } finally {
      await s.close();
    }
  });
});
