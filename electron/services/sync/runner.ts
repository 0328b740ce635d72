/**
 * Keeps one pair in step over time: a watcher for local changes (plus the
 * rescan every sync does), a periodic remote listing every `interval_s`, one
 * more right after local changes were pushed, "offline, N waiting" with
 * backoff while the server cannot be reached, pause and resume, and the
 * pair's status for the UI.
 */
import { watch, type FSWatcher } from "chokidar";
import { ApiError } from "../../../shared/errors.js";
import type { PairConfig, PairStatus, SyncCounts } from "../../../shared/sync.js";
import type { Backend } from "../backend/backend.js";
import { TMP_MARK } from "../transfer/local-fs.js";
import { SyncEngine, type EngineHooks } from "./engine.js";
import { PairLock } from "./lock.js";
import { RemoteAgent } from "../transfer/remote.js";
import { localVersions, PairVersions } from "./pair-versions.js";
import { PairState } from "./state.js";
import type { VersionStore } from "./versions-store.js";

export type RunnerConfig = PairConfig;

/** How often the pair syncs on its own: held (on battery, say) or its interval stretched by a factor. */
export interface RunnerPace {
  hold: boolean;
  factor: number;
}

const HELD_MESSAGE = "Paused on battery power: syncing resumes when the computer is plugged in (or choose Sync now).";

const OFFLINE_KINDS = new Set(["network", "timeout", "project-starting", "non-json", "tls"]);

export class PairRunner {
  status: PairStatus;
  readonly state: PairState;
  private lock: PairLock | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private running: Promise<SyncCounts> | null = null;
  private again = false;
  private failures = 0;
  private closed = false;
  /** aborted when the pair closes (the app quits): the engine's interrupt path, picked up by the next sync */
  private readonly interrupt = new AbortController();
  private pace: RunnerPace = { hold: false, factor: 1 };
  /** operations the last sync left for the next round */
  lastDeferred = 0;

  private constructor(
    public cfg: RunnerConfig,
    private readonly stateDir: string,
    private readonly backend: () => Promise<Backend>,
    private readonly onStatus: (s: PairStatus) => void,
    private readonly hooks: EngineHooks,
  ) {
    this.state = new PairState(stateDir);
    this.status = {
      id: cfg.id,
      state: cfg.paused ? "paused" : "idle",
      progress: null,
      waiting: 0,
      conflicts: this.state.conflicts(),
      last_sync: this.state.meta("last_sync"),
      last_counts: null,
      message: null,
      error: null,
      not_synced: [],
    };
  }

  static async open(cfg: RunnerConfig, stateDir: string, backend: () => Promise<Backend>, onStatus: (s: PairStatus) => void, hooks: EngineHooks = {}): Promise<PairRunner> {
    const r = new PairRunner(cfg, stateDir, backend, onStatus, hooks);
    try {
      r.lock = await PairLock.acquire(stateDir);
    } catch (e) {
      r.state.close();
      throw e;
    }
    return r;
  }

  private set(patch: Partial<PairStatus>) {
    this.status = { ...this.status, ...patch };
    this.onStatus(this.status);
  }

  /** Watch and list periodically. */
  start(): void {
    this.watcher = watch(this.cfg.local_path, {
      ignoreInitial: true,
      ignored: (p: string) => p.includes(TMP_MARK) || /[/\\](\.git|node_modules)([/\\]|$)/.test(p),
      awaitWriteFinish: { stabilityThreshold: 500, pollInterval: 100 },
    });
    this.watcher.on("all", () => this.soon(1500));
    this.watcher.on("error", () => undefined);
    this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.timer) clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  /** A sync in `ms` (the watcher's debounce; the app on wake or when the network is back). */
  soon(ms: number) {
    if (this.cfg.paused || this.closed || this.pace.hold) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.tick(), ms);
  }

  private async tick() {
    if (this.cfg.paused || this.closed || this.pace.hold) return;
    await this.syncNow().catch(() => undefined);
  }

  /** One sync now (or right after the one running). */
  async syncNow(o: { signal?: AbortSignal } = {}): Promise<SyncCounts> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const signal = o.signal ? AbortSignal.any([o.signal, this.interrupt.signal]) : this.interrupt.signal;
    this.running = this.once(signal).finally(() => {
      this.running = null;
    });
    const counts = await this.running;
    if (this.again && !this.closed) {
      this.again = false;
      this.soon(0);
    }
    return counts;
  }

  private async once(signal?: AbortSignal): Promise<SyncCounts> {
    this.set({ state: "syncing", progress: null, message: null, error: null });
    let next = this.cfg.interval_s * 1000 * this.pace.factor;
    try {
      const engine = new SyncEngine(this.cfg, this.state, await this.backend(), {
        ...this.hooks,
        onProgress: (p) => {
          this.set({ progress: p });
          this.hooks.onProgress?.(p);
        },
      });
      const out = await engine.sync(signal);
      this.failures = 0;
      this.lastDeferred = out.deferred;
      const state = out.halted ? "halted" : out.counts.errors ? "error" : out.conflicts.length ? "conflicts" : "in-sync";
      // held on battery: a sync the person asked for ends "paused" again, saying why
      const held = this.pace.hold && state === "in-sync";
      this.set({
        state: this.cfg.paused || held ? "paused" : state,
        progress: null,
        waiting: 0,
        conflicts: out.conflicts,
        last_sync: out.halted ? this.status.last_sync : new Date().toISOString(),
        last_counts: out.counts,
        message: held ? HELD_MESSAGE : (out.halted ?? (out.counts.errors ? `${out.counts.errors} file(s) could not be synced; see the activity log.` : null)),
        not_synced: out.notSynced,
      });
      if (out.halted) this.state.log("error", out.halted);
      // local changes went up, or something was deferred: list again soon
      if (out.counts.uploaded || out.counts.deleted_remote || out.deferred) next = 2000;
      return out.counts;
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError("internal", (e as Error).message);
      if (err.kind === "cancelled") {
        this.set({ state: this.cfg.paused ? "paused" : "idle", progress: null, message: "The sync was cancelled." });
        throw err;
      }
      this.failures++;
      if (OFFLINE_KINDS.has(err.kind)) {
        next = Math.min(300_000, 5000 * 2 ** Math.min(6, this.failures - 1));
        const waiting = await new SyncEngine(this.cfg, this.state, await this.backend()).pendingLocal().catch(() => this.status.waiting);
        this.set({ state: "offline", progress: null, waiting, error: err.toData(), message: `The server cannot be reached; ${waiting} change(s) waiting. Trying again in ${Math.round(next / 1000)} s.` });
        this.state.log("warn", `Offline: ${err.message}`);
      } else {
        next = Math.min(300_000, 30_000 * this.failures);
        this.set({ state: "error", progress: null, error: err.toData(), message: `${err.message} ${err.hint}` });
        this.state.log("error", `${err.message} ${err.hint}`);
      }
      throw err;
    } finally {
      if (!this.cfg.paused) this.schedule(next);
    }
  }

  /** Held: no sync of its own (a person's Sync now still runs); released: one at once. */
  setPace(pace: RunnerPace): void {
    const was = this.pace;
    this.pace = pace;
    if (this.cfg.paused || this.closed || was.hold === pace.hold) return;
    if (pace.hold) {
      if (this.timer) clearTimeout(this.timer);
      if (this.debounce) clearTimeout(this.debounce);
      if (!this.running) this.set({ state: "paused", progress: null, message: HELD_MESSAGE });
    } else {
      if (!this.running) this.set({ state: "idle", message: null });
      this.schedule(0);
    }
  }

  pause(): void {
    this.cfg = { ...this.cfg, paused: true };
    if (this.timer) clearTimeout(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.set({ state: "paused", progress: null });
  }

  resume(): void {
    this.cfg = { ...this.cfg, paused: false };
    this.set(this.pace.hold ? { state: "paused", message: HELD_MESSAGE } : { state: "idle", message: null });
    this.failures = 0;
    this.schedule(0);
  }

  /** this computer's versions store; null when the pair keeps no versions */
  versionStore(): VersionStore | null {
    return this.cfg.keep_versions === false ? null : localVersions(this.stateDir);
  }

  /** the pair's kept versions, both sides */
  versions(): PairVersions {
    return new PairVersions(this.cfg.id, this.cfg.local_path, localVersions(this.stateDir), async () => new RemoteAgent(await this.backend(), this.cfg.project_id));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.interrupt.abort();
    if (this.timer) clearTimeout(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    await this.watcher?.close();
    await this.running?.catch(() => undefined);
    await this.lock?.release();
    this.state.close();
  }
}
