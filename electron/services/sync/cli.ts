/**
 * The headless sync: `npm run sync -- --local DIR --server URL --key-file FILE
 * --project ID --remote-path PATH --state DIR [--once | --watch] …`. The same
 * engine as the app, without Electron. Progress goes to stderr; after each
 * sync one JSON line with the SyncCounts fields goes to stdout. Exit 0 when
 * both sides are in sync, otherwise one line on stderr says what happened and
 * what to do. The key is read from the file and never printed.
 * `--versions` lists the pair's kept versions (both sides) instead of
 * syncing; `--restore PATH [--at TIME]` puts one back into the local folder.
 */
import { backendFor } from "../backend/make-backend.js";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ApiError } from "../../../shared/errors.js";
import { PairInput, SkipFolders, SyncCounts, SyncPolicy, type PairStatus } from "../../../shared/sync.js";
import type { Backend } from "../backend/backend.js";
import { detectGeneration } from "../backend/detect.js";
import { HttpTransport } from "../http/transport.js";
import type { StartPhase } from "../projects/start-gate.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import { PairRunner } from "./runner.js";
import { apply, forget, forgetReached, recall, remember, type Remembered } from "./cli-state.js";
import { RemoteAgent } from "../transfer/remote.js";
import { localVersions, PairVersions } from "./pair-versions.js";
import { versionsCommand } from "./versions-cli.js";

const USAGE =
  "usage: npm run sync -- --local DIR --server URL --key-file FILE --project ID --remote-path PATH --state DIR [--once | --watch] [--ignore-file FILE] [--policy keep-both|newer|local|remote] [--max-delete PCT] [--case-insensitive] [--only DIR]... [--skip DIR [--remove-skipped]]... [--versions | --restore PATH [--at TIME]]";

function fail(line: string, code: number): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        local: { type: "string" },
        server: { type: "string" },
        "key-file": { type: "string" },
        project: { type: "string" },
        "remote-path": { type: "string", default: "" },
        state: { type: "string" },
        once: { type: "boolean", default: false },
        watch: { type: "boolean", default: false },
        "ignore-file": { type: "string" },
        policy: { type: "string", default: "keep-both" },
        "max-delete": { type: "string", default: "50" },
        "case-insensitive": { type: "boolean", default: false },
        interval: { type: "string", default: "60" },
        versions: { type: "boolean", default: false },
        restore: { type: "string" },
        at: { type: "string" },
        only: { type: "string", multiple: true },
        skip: { type: "string", multiple: true },
        "remove-skipped": { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail(`${(e as Error).message}\n${USAGE}`, 64);
  }
  for (const k of ["local", "server", "key-file", "project", "state"] as const) if (!args[k]) fail(`--${k} is required.\n${USAGE}`, 64);
  if (args.once === args.watch && args.watch) fail(`Choose one of --once and --watch.\n${USAGE}`, 64);
  const key = (await readFile(args["key-file"]!, "utf8").catch(() => fail(`The key file ${args["key-file"]} cannot be read. Check the path and its permissions.`, 66))).trim();
  if (!key) fail(`The key file ${args["key-file"]} is empty. Put the API key of the server in it.`, 66);
  const ignore = args["ignore-file"] ? (await readFile(args["ignore-file"], "utf8").catch(() => fail(`The ignore file ${args["ignore-file"]} cannot be read.`, 66))).split("\n").filter((l) => l.trim() && !l.startsWith("#")) : [];
  const policy = SyncPolicy.safeParse(args.policy);
  if (!policy.success) fail(`--policy must be one of keep-both, newer, local, remote.`, 64);
  const local = resolve(args.local!);
  let remote_path: string;
  try {
    remote_path = normalizeProjectPath(args["remote-path"]!);
  } catch (e) {
    fail(`--remote-path: ${(e as Error).message}`, 64);
  }
  const input = PairInput.safeParse({
    local_path: local,
    profile_id: "headless",
    project_id: args.project,
    remote_path,
    ignore,
    policy: policy.data,
    max_delete_pct: Number(args["max-delete"]),
    interval_s: Math.max(5, Number(args.interval)),
  });
  if (!input.success) fail(`Invalid arguments: ${input.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, 64);
  const only = folderArgs("only", args.only);
  const skip = folderArgs("skip", args.skip);
  if (args["remove-skipped"] && !skip.length) fail(`--remove-skipped needs at least one --skip DIR.\n${USAGE}`, 64);
  const id = createHash("sha256").update(`${local}\n${args.server}\n${args.project}\n${remote_path}`).digest("hex").slice(0, 16);
  const cfg = { ...input.data, id, paused: false, case_insensitive: args["case-insensitive"], only_folders: only };

  const transport = new HttpTransport();
  const server = args.server!.replace(/\/+$/, "");
  let backend: Backend | null = null;
  let recalled: Remembered | null = null;
  /** the pair's state, once open: what earlier runs learned of the server is kept there */
  let kept: PairRunner["state"] | null = null;
  /** whether a sync got through, so what the connection learned is worth keeping */
  let synced = false;
  // What the last run learned of the server spares detection and dead routes (cli-state.ts).
  const sayPhase = (_id: string, phase: StartPhase) => {
    if (phase !== "failed") process.stderr.write(phase === "starting" ? "Starting the project…\n" : "The project is running.\n");
  };
  const connect = async (): Promise<Backend> => {
    if (backend) return backend;
    recalled = kept ? recall(kept, server) : null;
    backend = backendFor(recalled?.generation ?? (await detectGeneration(server, key, transport)), server, key, transport, { onPhase: sayPhase });
    if (recalled) apply(recalled, backend);
    return backend;
  };

  if (args.versions || args.restore !== undefined) {
    const v = new PairVersions(id, local, localVersions(resolve(args.state!)), async () => new RemoteAgent(await connect(), input.data.project_id));
    const code = await versionsCommand(v, { list: args.versions, restore: args.restore, at: args.at }).catch((e: unknown) => {
      process.stderr.write(`${e instanceof ApiError ? `${e.message} ${e.hint}` : String(e)}\n`);
      return e instanceof ApiError && e.kind === "invalid-input" ? 65 : 70;
    });
    await transport.close();
    process.exit(code);
  }

  let lastProgress = 0;
  const runner = await PairRunner.open(cfg, resolve(args.state!), connect, (s) => report(s), {
    crashAt: process.env.COCALC_SYNC_CRASH_AT,
    log: (level, text) => process.stderr.write(`${level}: ${text}\n`),
    onProgress: (p) => {
      if (Date.now() - lastProgress < 500 && p.files_done < p.files_total) return;
      lastProgress = Date.now();
      process.stderr.write(`progress: ${p.files_done}/${p.files_total} files, ${p.bytes_done}/${p.bytes_total} bytes${p.current ? `, ${p.current}` : ""}\n`);
    },
  }).catch((e: unknown) => fail(e instanceof ApiError ? `${e.message} ${e.hint}` : String(e), 75));

  kept = runner.state;
  // the folders left out this run: their base is forgotten, and with --remove-skipped their copies here go into Versions
  if (skip.length) {
    const out = await runner.choose(skip, args["remove-skipped"] ? "remove" : "keep", async () => undefined);
    if (out.moved || out.kept.length) process.stderr.write(`info: ${out.moved} file(s) of the skipped folders removed here (kept in Versions); ${out.kept.length} not on the server as they are here stay in place.\n`);
  }

  function report(s: PairStatus) {
    if (s.state === "syncing" || s.state === "idle") return;
    if (s.last_counts && s.state !== "offline" && s.state !== "error") return;
    if (s.message) process.stderr.write(`${s.state}: ${s.message}\n`);
  }
  const printCounts = (c: SyncCounts) => process.stdout.write(`${JSON.stringify(SyncCounts.strip().parse(c))}\n`);

  const stop = async (code: number, line?: string) => {
    if (backend && synced) remember(runner.state, server, backend, cfg.project_id, recalled);
    else forgetReached(runner.state, server);
    await runner.close();
    await transport.close();
    if (line) process.stderr.write(`${line}\n`);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(130, "Stopped; the next sync picks up where this one ended."));
  process.on("SIGTERM", () => void stop(143));

  if (args.watch) {
    runner.start();
    const orig = runner.syncNow.bind(runner);
    runner.syncNow = async (o) => {
      const c = await orig(o);
      synced = true;
      printCounts(c);
      return c;
    };
    return;
  }
  for (let round = 1; ; round++) {
    let counts: SyncCounts;
    try {
      counts = await runner.syncNow();
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError("internal", String(e));
      // a server that no longer answers as it did (updated, replaced): the next run detects it again
      if (recalled && ["not-available", "non-json", "moved"].includes(err.kind)) forget(runner.state);
      synced = false;
      const code = err.kind === "auth" ? 77 : ["network", "timeout", "project-starting", "tls", "non-json"].includes(err.kind) ? 69 : 70;
      return stop(code, `Sync failed: ${err.message} ${err.hint}`);
    }
    printCounts(counts);
    const s = runner.status;
    // what a failed round learned is not kept, and what was remembered may be why it failed: detect afresh next time
    synced = s.state !== "error" && s.state !== "offline";
    if (!synced && recalled) forget(runner.state);
    if (s.state === "halted") return stop(2, `Sync halted: ${s.message}`);
    if ((s.state === "in-sync" || s.state === "conflicts") && runner.lastDeferred === 0) {
      if (s.state === "conflicts") process.stderr.write(`In sync, with ${s.conflicts.length} conflict(s) kept as copies on both sides: ${s.conflicts.map((c) => c.conflict_path).join(", ")}\n`);
      return stop(0);
    }
    if (round >= 3) return stop(3, `Not in sync after ${round} rounds: ${s.message ?? "files kept changing while they were synced"}. Run the command again; see the lines above for the files.`);
  }
}

/** --only / --skip folders, checked as the app checks them */
function folderArgs(flag: string, list: string[] | undefined): string[] {
  const r = SkipFolders.safeParse(list ?? []);
  if (!r.success) fail(`--${flag}: ${r.error.issues[0]?.message ?? "not a folder of the pair"}.`, 64);
  return r.data;
}

void main().catch((e: unknown) => fail(`Sync failed: ${e instanceof Error ? e.message : String(e)}`, 70));
