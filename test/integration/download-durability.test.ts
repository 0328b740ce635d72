/**
 * How downloaded files become durable before they are put in place, against
 * the real local hub and real folders. In barrier mode (Linux, a local file
 * system) a whole batch is written without fsync, made durable by one real
 * syncfs (`sync -f`), and only then renamed into place, so a power cut leaves
 * every path with its old content or its verified new content. The barrier
 * here is the real one, watched: at the moment it runs, what is in place and
 * what is still a temp file is what a power cut would find.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { durabilityFor, PER_FILE, TMP_MARK, type Durability } from "../../electron/services/transfer/local-fs.js";
import { fetchFiles, type FetchItem } from "../../electron/services/transfer/pipeline.js";
import { RemoteAgent } from "../../electron/services/transfer/remote.js";
import { READ_SIZE } from "../../electron/services/transfer/read-size.js";
import { startSyncHub, type SyncHub } from "../support/sync-hub.js";

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** every file under `dir`, relative path → content, temp files included */
function files(dir: string, rel = ""): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of files(dir, r)) out.set(k, v);
    else out.set(r, readFileSync(join(dir, r)));
  }
  return out;
}
const temps = (m: Map<string, Buffer>) => [...m.entries()].filter(([k]) => k.includes(TMP_MARK));

describe("downloads made durable before they are put in place", () => {
  let sh: SyncHub;
  let agent: RemoteAgent;
  let home: string;
  /** the server's files, by name */
  const served = new Map<string, Buffer>();
  beforeAll(async () => {
    sh = await startSyncHub("v1");
    const p = await sh.newProject();
    home = p.home;
    agent = new RemoteAgent(sh.backend, p.project_id);
    mkdirSync(join(home, "src"));
    // small files of several sizes, one empty, one larger than a read (split across replies)
    for (let i = 0; i < 60; i++) served.set(`f${i}.bin`, randomBytes(i * 97));
    served.set("big.bin", randomBytes(READ_SIZE.max + 300_000));
    for (const [n, b] of served) writeFileSync(join(home, "src", n), b);
  });
  afterAll(async () => {
    await sh?.stop();
  });

  /** the served files, as a download of them to where nothing is yet */
  const items = (): FetchItem[] => [...served].map(([n, b]) => ({ from: `src/${n}`, size: b.length, sha: sha(b), x: false, expect: "absent" }));
  /** the served files' targets in `local` */
  const into = (local: string) => (i: number) => join(local, [...served.keys()][i]!);

  it.runIf(process.platform === "linux" && existsSync("/dev/shm"))("a folder on tmpfs (Linux) gets barrier mode, and its real barrier runs", async () => {
    const d = await durabilityFor("/dev/shm");
    expect(d.mode).toBe("barrier");
    await d.barrier();
  });

  it("barrier mode: nothing is in place when the barrier runs, every temp then holds its whole verified content; after, all is in place byte-exact", async () => {
    const local = mkdtempSync(join(tmpdir(), "durable-"));
    const seen: Array<{ placed: number; temps: number; tempsWhole: boolean }> = [];
    const real = await durabilityFor(local);
    const watched: Durability = {
      mode: "barrier",
      barrier: async () => {
        const now = files(local);
        const t = temps(now);
        // a temp's content is the file it will become: its sha256 is one of the served files'
        const wanted = new Set([...served.values()].map(sha));
        seen.push({ placed: now.size - t.length, temps: t.length, tempsWhole: t.every(([, b]) => wanted.has(sha(b))) });
        await real.barrier();
      },
    };
    const out = await fetchFiles(agent, "", items(), into(local), { durability: watched });
    expect(out.every((o) => o.status === "ok")).toBe(true);
    // one barrier for the batch (all its temps written, none in place), one after the renames
    expect(seen).toEqual([
      { placed: 0, temps: served.size, tempsWhole: true },
      { placed: served.size, temps: 0, tempsWhole: true },
    ]);
    const got = files(local);
    expect(got.size).toBe(served.size);
    for (const [n, b] of served) expect(sha(got.get(n)!), n).toBe(sha(b));
    rmSync(local, { recursive: true });
  });

  it("barrier mode: a file another program creates at the target while the barrier runs is kept, and the download of it is refused", async () => {
    const local = mkdtempSync(join(tmpdir(), "durable-"));
    const watched: Durability = {
      mode: "barrier",
      barrier: async () => {
        if (!existsSync(join(local, "f5.bin"))) writeFileSync(join(local, "f5.bin"), "written by someone else\n");
      },
    };
    const out = await fetchFiles(agent, "", items(), into(local), { durability: watched });
    const names = [...served.keys()];
    expect(out[names.indexOf("f5.bin")]).toMatchObject({ status: "cas" });
    expect(out.filter((o) => o.status !== "ok").length).toBe(1);
    const got = files(local);
    expect(got.get("f5.bin")!.toString()).toBe("written by someone else\n");
    expect(temps(got)).toEqual([]);
    rmSync(local, { recursive: true });
  });

  it("barrier mode: when the barrier fails, each file is fsynced instead and still put in place", async () => {
    const local = mkdtempSync(join(tmpdir(), "durable-"));
    let calls = 0;
    const failing: Durability = {
      mode: "barrier",
      barrier: async () => {
        calls++;
        throw new Error("sync: unrecognized option '-f'");
      },
    };
    const out = await fetchFiles(agent, "", items(), into(local), { durability: failing });
    expect(out.every((o) => o.status === "ok")).toBe(true);
    expect(calls).toBe(2);
    const got = files(local);
    for (const [n, b] of served) expect(sha(got.get(n)!), n).toBe(sha(b));
    rmSync(local, { recursive: true });
  });

  it("barrier mode: cancelled before the barrier, no temp is left and nothing is put in place", async () => {
    const local = mkdtempSync(join(tmpdir(), "durable-"));
    const ac = new AbortController();
    const real = await durabilityFor(local);
    let barriers = 0;
    const watched: Durability = {
      mode: "barrier",
      barrier: async () => {
        barriers++;
        await real.barrier();
      },
    };
    // the first reply's bytes cancel the transfer; its files are written as temps, then dropped
    const p = fetchFiles(agent, "", items(), into(local), { durability: watched, signal: ac.signal, onBytes: () => ac.abort() });
    await expect(p).rejects.toMatchObject({ kind: "cancelled" });
    expect(barriers).toBe(0);
    expect([...files(local).keys()]).toEqual([]);
    rmSync(local, { recursive: true });
  });

  it("reads go out before the targets are ready; an item left without a place is skipped, and a failed start writes nothing", async () => {
    const local = mkdtempSync(join(tmpdir(), "durable-"));
    const targets = items().map(() => "");
    let go = () => {};
    const ready = new Promise<void>((r) => (go = r));
    const reads: number[] = [];
    const watchedAgent = new Proxy(agent, {
      get(t, prop, r) {
        const v = Reflect.get(t, prop, r) as unknown;
        if (prop !== "read" || typeof v !== "function") return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        return (...args: unknown[]) => {
          reads.push(Date.now());
          return (v as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
    const out = fetchFiles(watchedAgent, "", items(), (i) => targets[i]!, { ready, durability: PER_FILE });
    await new Promise((r) => setTimeout(r, 50));
    // the reads are out while the caller still prepares the places; nothing is written yet
    expect(reads.length).toBeGreaterThan(0);
    expect([...files(local).keys()]).toEqual([]);
    const names = [...served.keys()];
    names.forEach((n, i) => {
      if (n !== "f3.bin") targets[i] = join(local, n);
    });
    go();
    const got = await out;
    expect(got[names.indexOf("f3.bin")]).toMatchObject({ status: "error" });
    expect(got.filter((o) => o.status === "ok").length).toBe(served.size - 1);
    expect(files(local).has("f3.bin")).toBe(false);

    const other = mkdtempSync(join(tmpdir(), "durable-"));
    const failedStart = fetchFiles(agent, "", items(), into(other), { ready: Promise.reject(new Error("phase 1 was cancelled")) });
    await expect(failedStart).rejects.toThrow("phase 1 was cancelled");
    expect([...files(other).keys()]).toEqual([]);
    rmSync(local, { recursive: true });
    rmSync(other, { recursive: true });
  });

  it("per-file mode (other systems, network file systems): every file is fsynced and put in place byte-exact, a changed target refused", async () => {
    const local = mkdtempSync(join(tmpdir(), "durable-"));
    writeFileSync(join(local, "f7.bin"), "already here\n");
    const out = await fetchFiles(agent, "", items(), into(local), { durability: PER_FILE });
    const names = [...served.keys()];
    expect(out[names.indexOf("f7.bin")]).toMatchObject({ status: "cas" });
    const got = files(local);
    expect(got.get("f7.bin")!.toString()).toBe("already here\n");
    for (const [n, b] of served) if (n !== "f7.bin") expect(sha(got.get(n)!), n).toBe(sha(b));
    expect(temps(got)).toEqual([]);
    rmSync(local, { recursive: true });
  });
});
