/**
 * The IPC router: every channel refuses malformed input with a typed
 * validation error before any service is reached, refuses callers that are
 * not the app's own top frame, and strips what the contract does not name.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schemaFields } from "../../shared/api/form.js";
import { ApiError } from "../../shared/errors.js";
import { CHANNELS, type Channel } from "../../shared/ipc/channels.js";
import { contract } from "../../shared/ipc/contract.js";
import { buildRawApi } from "../../shared/ipc/api.js";
import { Router, type Sender } from "../../electron/ipc/router.js";
import type { Handlers } from "../../electron/ipc/handlers.js";
import { fileLogger, Redactor } from "../../electron/services/log/log.js";

const P = "0eea4501-9d44-4973-a871-9a4ddf6f6c9f";
const R = "3f1c2b1a-5d6e-4f70-8a9b-0c1d2e3f4a5b";

/** One valid input per channel: the base every malformed one is made from. */
const VALID: { [C in Channel]: Record<string, unknown> } = {
  "app.info": {},
  "profiles.list": {},
  "profiles.add": { name: "Work", url: "https://cocalc.example.org", api_key: "sk_abcdefQWERTY090900000000" },
  "profiles.rename": { id: "this-computer", name: "Laptop" },
  "profiles.remove": { id: "this-computer" },
  "profiles.switch": { id: "this-computer" },
  "profiles.test": { id: "this-computer" },
  "profiles.signIn": { name: "Work", url: "https://cocalc.example.org" },
  "server.ping": {},
  "projects.list": {},
  "projects.get": { project_id: P },
  "projects.update": { project_id: P, title: "T" },
  "projects.create": { title: "T" },
  "projects.action": { project_id: P, action: "stop" },
  "projects.delete": { project_id: P, deleted: true },
  "upgrades.available": {},
  "files.list": { project_id: P, path: "" },
  "files.mkdir": { project_id: P, path: "d" },
  "exec.run": { request_id: R, project_id: P, command: "ls", args: ["-l"], bash: false, timeout: 5 },
  "exec.cancel": { request_id: R },
  "copy.start": { src_project_id: P, src_path: "a", target_project_id: P, overwrite_newer: true, exclude: ["*.o"] },
  "copy.status": { copy_id: P },
  "copy.list": { src_project_id: P, pending: true, limit: 10 },
  "copy.delete": { copy_id: P },
  "kiosk.open": { project_id: P, path: "a.ipynb" },
  "server.capabilities": { project_id: P },
  "copy.cancel": { request_id: R },
  "sync.list": {},
  "sync.add": { local_path: "/home/me/thesis", profile_id: "this-computer", project_id: P, remote_path: "thesis", ignore: ["*.log"], policy: "keep-both", max_delete_pct: 50, interval_s: 60 },
  "sync.remove": { id: "pair-1" },
  "sync.pause": { id: "pair-1" },
  "sync.resume": { id: "pair-1" },
  "sync.now": { id: "pair-1" },
  "sync.conflict": { id: "pair-1", path: "chapter1.tex" },
  "sync.resolve": { id: "pair-1", path: "chapter1.tex", choice: "both" },
  "sync.activity": { id: "pair-1" },
  "sync.versions": { id: "pair-1" },
  "sync.restoreVersion": { id: "pair-1", version_id: "here:x" },
  "sync.revealVersion": { id: "pair-1", version_id: "here:x", how: "open" },
  "transfer.download": { request_id: R, project_id: P, paths: ["data"], local_dir: "/home/me/Downloads" },
  "transfer.upload": { request_id: R, project_id: P, local_paths: ["/home/me/big.bin"], remote_dir: "in" },
  "transfer.cancel": { request_id: R },
  "transfer.stageChunk": { upload_id: R, path: "photos/a.jpg", offset: 0, data: "aGVsbG8=", sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" },
  "transfer.uploadStaged": { request_id: R, upload_id: P, project_id: P, remote_dir: "", files: [{ path: "photos/a.jpg", size: 5 }] },
  "transfer.discardStaged": { upload_id: R },
  "desktop.chooseFolder": { title: "Where to?" },
  "desktop.chooseFiles": { title: "What?", folders: true },
  "kiosk.plan": {},
  "kiosk.navigate": { action: "open", project_id: P, path: "a.ipynb", password: "pw" },
  "kiosk.check": { project_id: P, path: "a.ipynb" },
  "kiosk.configure": { embedding_origin: "https://kiosk.example.org" },
  "kiosk.launch": {},
  "kiosk.present": { on: true },
  "doc.open": { project_id: P, path: "a.png" },
  "doc.save": { project_id: P, path: "a.txt", data: "aGk=", sha256: "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4", base_sha256: null, executable: false },
  "doc.cancel": { request_id: "6f1c2f9e-0a4b-4c1e-9a53-2f1f7f1b8e11" },
  "background.settings": {},
  "background.configure": { keep_running: false, notifications: true, start_at_login: false, on_battery: "slower" },
  "background.takeOpen": {},
  "fileops.move": { project_id: P, paths: ["a.txt", "b"], dest_dir: "d" },
  "fileops.rename": { project_id: P, path: "a.txt", new_name: "b.txt" },
  "fileops.duplicate": { project_id: P, paths: ["a.txt"] },
  "fileops.trash": { project_id: P, paths: ["a.txt"] },
  "fileops.trashList": { project_id: P },
  "fileops.restore": { project_id: P, names: ["a.txt"] },
  "fileops.emptyTrash": { project_id: P, names: ["a.txt"] },
  "fileops.search": { project_id: P, dir: "", query: "needle", mode: "contents", offset: 0, limit: 50 },
  "fileops.openWithSystem": { project_id: P, path: "a.pdf" },
};

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of another type than `v` (never null: some fields are nullable by design). */
function wrongTypes(v: unknown): unknown[] {
  if (typeof v === "string") return [123, true, {}, [], ["x"], { toString: "x" }];
  if (typeof v === "number") return ["5", true, {}, [], Number.NaN, Infinity];
  if (typeof v === "boolean") return ["true", 1, {}, []];
  if (Array.isArray(v)) return ["x", 1, {}, [1, 2], [{}]];
  return ["x", 1, [], true];
}

function malformed(channel: Channel, r: () => number): unknown[] {
  const base = VALID[channel];
  const out: unknown[] = [null, 0, "x", [], true, [base], `${JSON.stringify(base)}`];
  const { required } = schemaFields(contract[channel].input);
  for (const [k, v] of Object.entries(base)) {
    for (const w of wrongTypes(v)) out.push({ ...base, [k]: w });
    if (required.has(k)) {
      const { [k]: _gone, ...rest } = base;
      out.push(rest);
    }
  }
  for (const k of ["__proto__x", "constructor", "api_key_leak", "event", "id", "extra"]) if (!(k in base)) out.push({ ...base, [k]: "x" });
  while (out.length < 45) {
    const key = `k${Math.floor(r() * 1e6)}`;
    out.push({ ...base, [key]: r() < 0.5 ? "x".repeat(Math.floor(r() * 1000)) : { nested: [r()] } });
  }
  return out;
}

const redactor = new Redactor();
const log = fileLogger(join(mkdtempSync(join(tmpdir(), "router-")), "main.log"), redactor);
const APP: Sender = { url: "app://cocalc-desktop/index.html", isMainFrame: true };

function countingHandlers(): { handlers: Handlers; calls: string[] } {
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    CHANNELS.map((c) => [
      c,
      async () => {
        calls.push(c);
        throw new ApiError("server", "reached the service");
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

describe("router input validation", () => {
  it("answers ≥ 1,000 malformed payloads across every channel with a typed validation error, reaching no service", async () => {
    const { handlers, calls } = countingHandlers();
    const router = new Router(handlers, { trustedOrigins: ["app://cocalc-desktop"], log, redactor });
    const r = rng(4);
    let n = 0;
    const wrong: string[] = [];
    for (const channel of CHANNELS) {
      for (const payload of malformed(channel, r)) {
        n++;
        const res = await router.handle(channel, APP, payload);
        if (res.ok || res.error.kind !== "invalid-input" || !res.error.message.includes(channel)) wrong.push(`${channel} ${JSON.stringify(payload)?.slice(0, 100)} → ${JSON.stringify(res).slice(0, 120)}`);
      }
    }
    expect(n).toBeGreaterThanOrEqual(1000);
    expect(wrong).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("passes each channel's valid input through to its service (the generator's base is right)", async () => {
    const { handlers, calls } = countingHandlers();
    const router = new Router(handlers, { trustedOrigins: ["app://cocalc-desktop"], log, redactor });
    for (const channel of CHANNELS) {
      const res = await router.handle(channel, APP, VALID[channel]);
      expect(res, channel).toMatchObject({ ok: false, error: { kind: "server", message: "reached the service" } });
    }
    expect(calls).toEqual([...CHANNELS]);
  });

  it("refuses an unknown channel", async () => {
    const { handlers } = countingHandlers();
    const router = new Router(handlers, { trustedOrigins: ["app://cocalc-desktop"], log, redactor });
    expect(await router.handle("fs.readFile", APP, {})).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
    expect(await router.handle("__proto__", APP, {})).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
  });
});

describe("router sender check", () => {
  it.each([
    ["the kiosk iframe inside the app window", { url: "http://127.0.0.1:5000/app?fullscreen=kiosk", isMainFrame: false }],
    ["a subframe at the app's own origin", { url: "app://cocalc-desktop/index.html", isMainFrame: false }],
    ["a top frame of another origin", { url: "https://evil.example/", isMainFrame: true }],
    ["a look-alike origin", { url: "app://cocalc-desktop.evil/index.html", isMainFrame: true }],
    ["a file: page", { url: "file:///tmp/x.html", isMainFrame: true }],
    ["no URL at all", { url: "", isMainFrame: true }],
  ])("refuses %s, reaching no service", async (_what, sender) => {
    const { handlers, calls } = countingHandlers();
    const router = new Router(handlers, { trustedOrigins: ["app://cocalc-desktop"], log, redactor });
    for (const channel of CHANNELS) {
      expect(await router.handle(channel, sender, VALID[channel])).toMatchObject({ ok: false, error: { kind: "forbidden" } });
    }
    expect(calls).toEqual([]);
  });
});

describe("router output", () => {
  it("strips fields the contract does not name (a key can never ride along)", async () => {
    const handlers = {
      ...countingHandlers().handlers,
      "profiles.list": async () => ({
        profiles: [{ id: "p1", name: "W", url: "https://x.y", account_id: null, generation: "v1", embedded: false, has_key: true, ca_pem: null, api_key: "sk_SECRETSECRETSECRET12345", key_ref: "profile-p1" }],
        active: "p1",
        problem: null,
        apiKey: "sk_SECRETSECRETSECRET12345",
      }),
    } as unknown as Handlers;
    const router = new Router(handlers, { trustedOrigins: ["app://cocalc-desktop"], log, redactor });
    const res = await router.handle("profiles.list", APP, {});
    expect(JSON.stringify(res)).not.toContain("SECRET");
    expect(res).toMatchObject({ ok: true, value: { active: "p1" } });
  });

  it("turns an output outside the contract into an internal error, and an exception into one that names the channel", async () => {
    const handlers = {
      ...countingHandlers().handlers,
      "projects.list": async () => ({ projects: [{ project_id: "not-a-uuid" }] }),
      "app.info": async () => {
        throw new TypeError("boom sk_SECRETSECRETSECRET12345");
      },
    } as unknown as Handlers;
    const router = new Router(handlers, { trustedOrigins: ["app://cocalc-desktop"], log, redactor });
    expect(await router.handle("projects.list", APP, {})).toMatchObject({ ok: false, error: { kind: "internal" } });
    const boom = await router.handle("app.info", APP, {});
    expect(boom).toMatchObject({ ok: false, error: { kind: "internal" } });
    expect(JSON.stringify(boom)).toContain("app.info failed: boom");
    expect(JSON.stringify(boom)).not.toContain("SECRET");
  });
});

describe("the API object built from the contract", () => {
  it("has exactly one function per channel, grouped, and nothing else but `on`", () => {
    const api = buildRawApi(async () => ({ ok: true, value: null }), () => () => undefined) as unknown as Record<string, Record<string, unknown>>;
    const names = Object.entries(api).flatMap(([g, m]) => (g === "on" ? [] : Object.keys(m).map((k) => `${g}.${k}`)));
    expect(names.sort()).toEqual([...CHANNELS].sort());
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(contract).sort()).toEqual([...CHANNELS].sort());
  });
});
