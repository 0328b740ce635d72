/**
 * Folder sync on 10,000 files of mixed sizes against the local hub (in its
 * own process, so the engine's memory is measured alone): a first full
 * download, a sync with no changes, 10 changed files on each side, and a
 * first full upload. Each time is printed as a ratio to rsync between two
 * local folders of the same tree in the same run (`rsync -a` for full
 * copies, `rsync -ac` for the no-change case), with the API calls and the
 * engine's memory per file: the process's peak RSS during the timed runs,
 * and, in untimed repeats at 10,000 and 20,000 files, the most memory in use
 * after a full collection and how much of it grows with each added file.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { V1Client } from "../electron/services/api/v1-client.js";
import { V1Backend } from "../electron/services/backend/v1-backend.js";
import { HttpTransport } from "../electron/services/http/transport.js";
import { SyncEngine, type SyncOutcome } from "../electron/services/sync/engine.js";
import { PairState } from "../electron/services/sync/state.js";
import { startChild } from "./support/child-server.js";
import { median, ratio, report } from "./support/stats.js";

/** mostly small files, some medium, a few large: about 40 MB in all */
function makeTree(dir: string, files: number): number {
  let bytes = 0;
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `d${i % 100}`, `e${i % 7}`);
    mkdirSync(sub, { recursive: true });
    const r = rnd();
    const size = r < 0.9 ? 100 + Math.floor(rnd() * 4000) : r < 0.99 ? 4096 + Math.floor(rnd() * 60_000) : 65_536 + Math.floor(rnd() * 900_000);
    const buf = Buffer.alloc(size, i % 251);
    buf.write(`file ${i}\n`);
    writeFileSync(join(sub, `f${i}.dat`), buf);
    bytes += size;
  }
  return bytes;
}

/** flush the disk's dirty pages, so a timing does not pay for the writes of the one before */
function settle(): void {
  execFileSync("sync");
}

function time(f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
/** memory the process holds on to: the JS heap in use and the buffers outside it */
const live = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/**
 * The engine's own memory, apart from the garbage a peak RSS also counts:
 * a full collection every 20 ms (or twice as long as the last one took), and
 * the most still in use after one. Run untimed, as the collections slow the
 * sync down. Sparser samples missed short peaks (20,000 pending stats at the
 * end of a download went unseen at 100 ms).
 *
 * Two collections a sample: V8 takes the buffers a collection freed off its
 * `external` count only when it has swept them, off the main thread, so
 * after one collection the count still held 2.4–5.6 MB of read replies
 * already freed, and a different amount at each sample (measured: with
 * nothing live, 4.3, 6.7 and 7.6 MB by turns; after two, 4.3 MB each time).
 */
const SAMPLE_MS = 20;
/** memory runs per size: how many replies are in flight at the peak varies, the median of three does not much */
const MEMORY_REPEATS = 3;

async function liveMemory(files: number, f: () => Promise<SyncOutcome>): Promise<number> {
  gc();
  gc();
  const base = live();
  let peak = base;
  let timer: NodeJS.Timeout | undefined;
  // a chain, not an interval: a collection that takes long must leave the sync as long again to run
  const sample = () => {
    const t = performance.now();
    gc();
    gc();
    peak = Math.max(peak, live());
    timer = setTimeout(sample, Math.max(SAMPLE_MS, 2 * (performance.now() - t)));
  };
  timer = setTimeout(sample, SAMPLE_MS);
  try {
    await f();
  } finally {
    clearTimeout(timer);
  }
  return (peak - base) / files;
}

async function measured(files: number, f: () => Promise<SyncOutcome>): Promise<{ ms: number; out: SyncOutcome; bytesPerFile: number }> {
  gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t = process.hrtime.bigint();
  const out = await f();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, out, bytesPerFile: (peak - base) / files };
}

export async function benchSync(files = 10_000): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "sync-bench-"));
  const data = join(work, "hub");
  const hub = await startChild(["--import", "tsx", join(import.meta.dirname, "..", "hub", "cli.ts"), "--port", "0", "--data", data, "--project-start-ms", "0", "--api", "v1"]);
  const transport = new HttpTransport();
  try {
    const src = join(work, "src");
    const bytes = makeTree(src, files);
    report("sync tree", `${files} files, ${(bytes / 1e6).toFixed(1)} MB`);

    const backend = new V1Backend(new V1Client({ server: String(hub.info.url), apiKey: String(hub.info.api_key), transport }));
    const { project_id } = await backend.createProject({ title: "bench" });
    const home = join(data, "projects", project_id);
    mkdirSync(home, { recursive: true });
    cpSync(src, join(home, "down"), { recursive: true });
    const cfg = (id: string, local: string, remote_path: string) => ({ id, local_path: local, project_id, remote_path, ignore: [], policy: "keep-both" as const, max_delete_pct: 50, max_file_bytes: 1e8 });

    // A full copy swings several-fold with the disk's state, which drifts within minutes: rsync -a and the
    // first download take turns, three rounds, each after `sync` and into a fresh folder; each round's
    // ratio is printed with the medians, so a drift between the two shows.
    const rounds: Array<{ rsync: number; down: Awaited<ReturnType<typeof measured>> }> = [];
    let st1: PairState | undefined;
    let e1: SyncEngine | undefined;
    let localDown = "";
    for (let n = 1; n <= 3; n++) {
      settle();
      const rsync = time(() => execFileSync("rsync", ["-a", `${src}/`, join(work, `rs${n}`)]));
      const local = join(work, `local-down${n}`);
      mkdirSync(local);
      const st = new PairState(join(work, `state-down${n}`));
      const e = new SyncEngine(cfg(`bench-down-${n}`, local, "down"), st, backend);
      settle();
      rounds.push({ rsync, down: await measured(files, () => e.sync()) });
      // the first round's pair goes on to the no-change and 10+10 cases
      if (n === 1) [st1, e1, localDown] = [st, e, local];
      else st.close();
    }
    const rsyncFull = median(rounds.map((r) => r.rsync));
    // the no-change case is short and repeatable: the median of five, on both sides
    const rsyncCheck = median(Array.from({ length: 5 }, () => time(() => execFileSync("rsync", ["-ac", `${src}/`, join(work, "rs1")]))));
    report("rsync -a (full copy, median of 3)", `${rsyncFull.toFixed(0)} ms`);
    report("rsync -ac (no change, median of 5)", `${rsyncCheck.toFixed(0)} ms`);
    const downMs = median(rounds.map((r) => r.down.ms));
    const calls = Math.max(...rounds.map((r) => r.down.out.counts.api_calls));
    report(
      "sync first download (median of 3)",
      `${downMs.toFixed(0)} ms = ${ratio(downMs, rsyncFull)} rsync -a, ${calls} API calls at most (${(calls / files).toFixed(3)} per file), ${rounds[0]!.down.out.counts.downloaded} files; rounds: ${rounds.map((r) => `${r.down.ms.toFixed(0)} / ${r.rsync.toFixed(0)} ms = ${ratio(r.down.ms, r.rsync)}`).join(", ")}`,
    );
    // the first round also grows the process to its working size (the heap's young space, compiled code)
    report(
      "sync first download peak RSS growth (median of 3)",
      `${Math.round(median(rounds.map((r) => r.down.bytesPerFile)))} B per file; rounds: ${rounds.map((r) => Math.round(r.down.bytesPerFile)).join(" / ")} B`,
    );

    // no change: the median of five
    const nones: Array<Awaited<ReturnType<typeof measured>>> = [];
    for (let i = 0; i < 5; i++) nones.push(await measured(files, () => e1!.sync()));
    const noneMs = median(nones.map((x) => x.ms));
    report("sync no change (median of 5)", `${noneMs.toFixed(0)} ms = ${ratio(noneMs, rsyncCheck)} rsync -ac (median of 5), ${Math.max(...nones.map((x) => x.out.counts.api_calls))} API call(s) at most`);
    report("sync no change peak memory", `${Math.round(Math.max(...nones.map((x) => x.bytesPerFile)))} B per file`);

    // 10 changed files on each side
    for (let i = 0; i < 10; i++) {
      writeFileSync(join(localDown, `d${i}`, `e${i % 7}`, `local-${i}.txt`), `local change ${i}\n`);
      writeFileSync(join(home, "down", `d${50 + i}`, `e${i % 7}`, `remote-${i}.txt`), `remote change ${i}\n`);
    }
    const ten = await measured(files, () => e1!.sync());
    report("sync 10+10 changes", `${ten.ms.toFixed(0)} ms, ${ten.out.counts.api_calls} API calls (${ten.out.counts.uploaded} up, ${ten.out.counts.downloaded} down)`);

    // 10+10 that replace and delete (what Versions keeps): 5 edits and 5 deletions on each side, with the
    // versions kept and without, taking turns, five rounds each (a round is a few seconds, and a busy
    // machine swings single rounds by half)
    const fileOf = (i: number) => join(`d${i % 100}`, `e${i % 7}`, `f${i}.dat`);
    const editRound = async <T>(k: number, keep: boolean, run: (f: () => Promise<SyncOutcome>) => Promise<T>) => {
      for (let j = 0; j < 5; j++) {
        const a = 1000 + k * 20 + j;
        writeFileSync(join(localDown, fileOf(a)), `local edit ${k}\n`);
        unlinkSync(join(localDown, fileOf(a + 5)));
        writeFileSync(join(home, "down", fileOf(a + 10)), `remote edit ${k}\n`);
        unlinkSync(join(home, "down", fileOf(a + 15)));
      }
      settle();
      return run(() => new SyncEngine({ ...cfg("bench-down-1", localDown, "down"), keep_versions: keep }, st1!, backend).sync());
    };
    const moved20 = (o: SyncOutcome) => {
      if (o.counts.uploaded + o.counts.downloaded + o.counts.deleted_local + o.counts.deleted_remote !== 20) throw new Error("the edit round did not move 20 files");
    };
    const withV: number[] = [];
    const without: number[] = [];
    for (let k = 0; k < 10; k++) {
      const r = await editRound(k, k % 2 === 0, (f) => measured(files, f));
      moved20(r.out);
      (k % 2 === 0 ? withV : without).push(r.ms);
    }
    report(
      "sync 10+10 edits and deletions, versions kept vs not (median of 5)",
      `${median(withV).toFixed(0)} ms vs ${median(without).toFixed(0)} ms = ${ratio(median(withV), median(without))}; rounds: ${withV.map((v, i) => `${v.toFixed(0)}/${without[i]!.toFixed(0)}`).join(", ")} ms`,
    );
    // the same case's live memory, untimed (the collections slow a sync down), taking turns as above
    const memWith: number[] = [];
    const memWithout: number[] = [];
    for (let k = 10; k < 16; k++) {
      const keep = k % 2 === 0;
      const perFile = await editRound(k, keep, async (f) => {
        let out: SyncOutcome | undefined;
        const b = await liveMemory(files, async () => (out = await f()));
        moved20(out!);
        return b;
      });
      (keep ? memWith : memWithout).push(perFile);
    }
    report(
      `sync 10+10 edits and deletions, live memory per file, versions kept vs not (most in use after a full GC; median of 3)`,
      `${Math.round(median(memWith))} B vs ${Math.round(median(memWithout))} B per file; rounds: ${memWith.map((v, i) => `${Math.round(v)}/${Math.round(memWithout[i]!)}`).join(", ")} B`,
    );
    st1!.close();

    // first full upload
    const st2 = new PairState(join(work, "state2"));
    const e2 = new SyncEngine(cfg("bench-up", src, "up"), st2, backend);
    settle();
    const up = await measured(files, () => e2.sync());
    report("sync first upload", `${up.ms.toFixed(0)} ms = ${ratio(up.ms, rsyncFull)} rsync -a, ${up.out.counts.api_calls} API calls (${(up.out.counts.api_calls / files).toFixed(3)} per file), ${up.out.counts.uploaded} files`);
    report("sync first upload peak memory", `${Math.round(up.bytesPerFile)} B per file`);
    st2.close();

    // The engine's live memory, in untimed repeats: at 10,000 files and at 20,000, so what grows with the
    // number of files (the per-file cost) shows apart from what does not (the read replies in flight).
    const src2 = join(work, "src2");
    makeTree(src2, 2 * files);
    cpSync(src2, join(home, "down2"), { recursive: true });
    const memoryOnce = async (n: number, tree: string, remote: string, k: number) => {
      const local = join(work, `local-mem-${n}-${k}`);
      mkdirSync(local);
      const st = new PairState(join(work, `state-mem-${n}-${k}`));
      const eng = new SyncEngine(cfg(`bench-mem-${n}-${k}`, local, remote), st, backend);
      const down = await liveMemory(n, () => eng.sync());
      const none = await liveMemory(n, () => eng.sync());
      st.close();
      const stUp = new PairState(join(work, `state-mem-up-${n}-${k}`));
      const up = await liveMemory(n, () => new SyncEngine(cfg(`bench-mem-up-${n}-${k}`, tree, `up-mem-${n}-${k}`), stUp, backend).sync());
      stUp.close();
      rmSync(local, { recursive: true, force: true });
      return { down, none, up };
    };
    const memory = async (n: number, tree: string, remote: string) => {
      const runs: Array<Awaited<ReturnType<typeof memoryOnce>>> = [];
      for (let k = 0; k < MEMORY_REPEATS; k++) runs.push(await memoryOnce(n, tree, remote, k));
      const mid = (key: "down" | "none" | "up") => median(runs.map((r) => r[key]));
      return { down: mid("down"), none: mid("none"), up: mid("up") };
    };
    const m1 = await memory(files, src, "down");
    const m2 = await memory(2 * files, src2, "down2");
    const slope = (k: "down" | "none" | "up") => (m2[k] * 2 * files - m1[k] * files) / files;
    const line = (m: typeof m1) => `download ${Math.round(m.down)}, no change ${Math.round(m.none)}, upload ${Math.round(m.up)} B per file`;
    report(`sync engine live memory at ${files} files (most in use after a full GC, every ${SAMPLE_MS} ms or more; median of ${MEMORY_REPEATS})`, line(m1));
    report(`sync engine live memory at ${2 * files} files`, line(m2));
    report(`sync engine memory per added file (${2 * files} files less ${files})`, `download ${Math.round(slope("down"))}, no change ${Math.round(slope("none"))}, upload ${Math.round(slope("up"))} B`);
  } finally {
    await transport.close();
    hub.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
