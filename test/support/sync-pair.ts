/** A folder pair on a real hub for the sync tests: a local temp folder, a remote folder in a project, the engine in-process. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, utimesSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import type { Backend } from "../../electron/services/backend/backend.js";
import { SyncEngine, type EngineConfig, type SyncOutcome } from "../../electron/services/sync/engine.js";
import { PairState } from "../../electron/services/sync/state.js";
import { cliPairId, runSyncCli, type CliRun } from "./sync-cli.js";
import type { SyncHub } from "./sync-hub.js";

let counter = 0;

export interface TestPair {
  local: string;
  remote: string;
  cfg: EngineConfig;
  /** the pair's state folder (its versions store is in it) */
  stateDir: string;
  readonly state: PairState;
  sync(backend?: Backend): Promise<SyncOutcome>;
  /** run one sync as the headless command that SIGKILLs itself at `point` (same pair id and state), then take the state back */
  crashAt(point: string): Promise<CliRun>;
  /** the headless command on this pair with `extra` arguments (the state is handed over as for crashAt) */
  cli(extra: string[], env?: Record<string, string>): Promise<CliRun>;
  close(): void;
}

export function makePair(sh: SyncHub, project_id: string, home: string, o: Partial<EngineConfig> = {}): TestPair {
  const n = ++counter;
  const local = mkdtempSync(join(tmpdir(), `pair${n}-`));
  const stateDir = mkdtempSync(join(tmpdir(), `pairstate${n}-`));
  const remote_path = `pair${n}-${process.pid}`;
  const id = cliPairId(local, sh.hub.url, project_id, remote_path);
  const cfg: EngineConfig = { id, local_path: local, project_id, remote_path, ignore: [], policy: "keep-both", max_delete_pct: 50, max_file_bytes: 100 * 1024 * 1024, ...o };
  let state = new PairState(stateDir);
  return {
    local,
    remote: join(home, cfg.remote_path),
    cfg,
    stateDir,
    get state() {
      return state;
    },
    sync: (b = sh.backend) => new SyncEngine(cfg, state, b).sync(),
    crashAt(point) {
      return this.cli(["--once"], { COCALC_SYNC_CRASH_AT: point });
    },
    async cli(extra, env = {}) {
      // one process holds the state database at a time, as in the app
      state.close();
      try {
        const args = ["--local", local, "--server", sh.hub.url, "--key-file", keyFile(sh), "--project", project_id, "--remote-path", cfg.remote_path, "--state", stateDir, "--policy", cfg.policy, "--max-delete", String(cfg.max_delete_pct), ...extra];
        return await runSyncCli(args, env);
      } finally {
        state = new PairState(stateDir);
      }
    },
    close() {
      state.close();
      rmSync(local, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

const keyFiles = new WeakMap<SyncHub, string>();
function keyFile(sh: SyncHub): string {
  let f = keyFiles.get(sh);
  if (!f) {
    f = join(mkdtempSync(join(tmpdir(), "key-")), "key");
    writeFileSync(f, sh.hub.credentials.api_key, { mode: 0o600 });
    keyFiles.set(sh, f);
  }
  return f;
}

export function put(root: string, rel: string, content: string | Buffer, mtime?: number): void {
  const abs = join(root, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, content);
  if (mtime !== undefined) utimesSync(abs, mtime / 1000, mtime / 1000);
}

/** Every file under root (content as latin1 text, so any bytes compare), and folders as "/" entries. */
export function snapshot(root: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  let names: string[];
  try {
    names = readdirSync(join(root, rel));
  } catch {
    return out;
  }
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(root, r));
    if (st.isDirectory()) {
      out[`${r}/`] = "";
      Object.assign(out, snapshot(root, r));
    } else if (st.isFile()) out[r] = readFileSync(join(root, r)).toString("latin1");
    else if (st.isSymbolicLink()) out[`${r}@`] = "link";
  }
  return out;
}

/** The paths of a snapshot whose content is `content`. */
export function holding(s: Record<string, string>, content: string): string[] {
  return Object.entries(s)
    .filter(([, v]) => v === content)
    .map(([k]) => k);
}

/** sha256 of every file under root (the agent's folder left out): to check that nothing was lost or changed */
export function fileHashes(root: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(join(root, rel))) {
    const r = rel ? `${rel}/${n}` : n;
    if (r === ".cocalc-sync") continue;
    const st = lstatSync(join(root, r));
    if (st.isDirectory()) Object.assign(out, fileHashes(root, r));
    else if (st.isFile()) out[r] = createHash("sha256").update(readFileSync(join(root, r))).digest("hex");
  }
  return out;
}
