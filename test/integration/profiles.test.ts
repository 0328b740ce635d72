/** The profiles file: concurrent writes, a crash between write and rename, a corrupted file. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProfileStore } from "../../electron/services/store/profile-store.js";

const ROOT = join(import.meta.dirname, "..", "..");
const fresh = () => mkdtempSync(join(tmpdir(), "profiles-"));
const base = { url: "https://cocalc.example.org", account_id: null, generation: null, embedded: false, ca_pem: null };

describe("ProfileStore", () => {
  it("keeps every one of 100 concurrent changes, and the file stays valid JSON", async () => {
    const dir = fresh();
    const store = new ProfileStore(dir);
    await store.load();
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.add({ ...base, name: `server ${i}` })));
    const again = new ProfileStore(dir);
    await again.load();
    expect(again.list().map((p) => p.name).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `server ${i}`).sort());
    expect(again.activeId()).toBe(again.list()[0]!.id);
    // concurrent renames and removals too
    const ids = again.list().map((p) => p.id);
    await Promise.all([...ids.slice(0, 50).map((id) => again.update(id, { name: `renamed ${id}` })), ...ids.slice(50).map((id) => again.remove(id))]);
    const third = new ProfileStore(dir);
    await third.load();
    expect(third.list().length).toBe(50);
    expect(third.list().every((p) => p.name.startsWith("renamed "))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a crash between writing the temp file and the rename leaves the old file intact, and the temp is cleaned", async () => {
    const dir = fresh();
    const store = new ProfileStore(dir);
    await store.load();
    await store.add({ ...base, name: "kept" });
    const before = readFileSync(store.file, "utf8");
    // What a crash leaves: a half-written temp file beside the real one.
    writeFileSync(join(dir, ".profiles.json.0b3e-crash.tmp"), '{"version":1,"active":null,"profi');
    const after = new ProfileStore(dir);
    expect(await after.load()).toEqual({ keptAside: null });
    expect(readFileSync(store.file, "utf8")).toBe(before);
    expect(after.list().map((p) => p.name)).toEqual(["kept"]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a process killed while writing, again and again, never leaves an unreadable file", async () => {
    const dir = fresh();
    const script = `
      import { ProfileStore } from "./electron/services/store/profile-store.ts";
      const s = new ProfileStore(${JSON.stringify(dir)});
      await s.load();
      console.log("ready");
      for (let i = 0; ; i++) await s.add({ url: "https://x.y", account_id: null, generation: null, embedded: false, ca_pem: null, name: "n" + i + "x".repeat(i % 5000) });`;
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((r) => child.stdout.once("data", () => r()));
      await new Promise((r) => setTimeout(r, 150 + round * 70));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      const s = new ProfileStore(dir);
      expect(await s.load()).toEqual({ keptAside: null });
      expect(s.list().length).toBeGreaterThan(0);
    }
  });

  it("an unreadable file is kept aside and reported, not dropped", async () => {
    const dir = fresh();
    const file = join(dir, "profiles.json");
    writeFileSync(file, '{"version":1,"active":"a","profiles":[{"id":"a","name":"half');
    const store = new ProfileStore(dir);
    const report = await store.load();
    expect(report.keptAside).toMatch(/profiles\.json\.unreadable-/);
    expect(readFileSync(report.keptAside!, "utf8")).toBe('{"version":1,"active":"a","profiles":[{"id":"a","name":"half');
    expect(existsSync(file)).toBe(false);
    expect(store.list()).toEqual([]);
    // and the store works on
    await store.add({ ...base, name: "new" });
    expect(JSON.parse(readFileSync(file, "utf8")).profiles.length).toBe(1);
  });

  it("a file of the wrong shape is treated like a corrupted one", async () => {
    const dir = fresh();
    writeFileSync(join(dir, "profiles.json"), JSON.stringify({ version: 1, active: null, profiles: [{ id: "../../x", name: "", url: "ftp://x", key_ref: 1 }] }));
    expect((await new ProfileStore(dir).load()).keptAside).not.toBeNull();
  });
});
