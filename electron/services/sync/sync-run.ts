/**
 * One sync's running context, handed to each phase: what it has done so far
 * (counts, deferred operations), its journal row and the progress the window
 * shows. The phases (phase-*.ts) read the pair through it and report into it.
 */
import { randomBytes } from "node:crypto";
import { ApiError } from "../../../shared/errors.js";
import type { SyncCounts, SyncProgress } from "../../../shared/sync.js";
import type { RemoteAgent } from "../transfer/remote.js";
import type { IgnoreRules } from "./ignore-rules.js";
import type { PairState } from "./state.js";
import type { EngineConfig, EngineHooks, JournalPoint } from "./engine-types.js";
import { batchName } from "./versions-rules.js";
import type { VersionStore } from "./versions-store.js";

export type LogLevel = "info" | "warn" | "error";

export class SyncRun {
  readonly counts: SyncCounts = { uploaded: 0, downloaded: 0, deleted_local: 0, deleted_remote: 0, conflicts: 0, api_calls: 0, bytes_up: 0, bytes_down: 0, errors: 0 };
  /** operations skipped because something changed while the sync ran: the next round takes them */
  deferred = 0;
  readonly tx = randomBytes(6).toString("hex");
  readonly progress: SyncProgress = { files_done: 0, files_total: 0, bytes_done: 0, bytes_total: 0, current: null, eta_s: null };
  private started = Date.now();
  /** this sync's folder in both versions stores (made only when something is kept) */
  readonly batch = batchName(new Date(), this.tx);
  /** files this sync moved or copied into this computer's versions store */
  kept = 0;

  constructor(
    readonly cfg: EngineConfig,
    readonly state: PairState,
    readonly agent: RemoteAgent,
    readonly rules: IgnoreRules,
    private readonly hooks: EngineHooks,
    readonly signal: AbortSignal | undefined,
    /** this computer's versions store; null when the pair keeps no versions */
    readonly versions: VersionStore | null,
  ) {}

  /** the first journal point: the row is made with it */
  begin(p: JournalPoint): void {
    this.state.journalBegin(this.tx, p);
    this.crashPoint(p);
  }

  /** a journal point: recorded, and where the crash tests kill the process */
  point(p: JournalPoint): void {
    this.state.journalPoint(this.tx, p);
    this.crashPoint(p);
  }

  private crashPoint(p: JournalPoint): void {
    if (this.hooks.crashAt === p) process.kill(process.pid, "SIGKILL");
  }

  log(level: LogLevel, text: string): void {
    this.state.log(level, text);
    this.hooks.log?.(level, text);
  }

  /** throws when the sync was cancelled; checked between operations, never inside one */
  cancelled(): void {
    if (this.signal?.aborted) throw new ApiError("cancelled", "The sync was cancelled; what was done is kept and the rest is done next time.");
  }

  /** the transfers' totals are known: progress counts from here */
  startProgress(files: number, bytes: number): void {
    this.progress.files_total = files;
    this.progress.bytes_total = bytes;
    this.started = Date.now();
    if (files) this.emit();
  }

  emit(): void {
    const p = this.progress;
    const rate = p.bytes_done / Math.max(0.001, (Date.now() - this.started) / 1000);
    p.eta_s = rate > 0 ? Math.round((p.bytes_total - p.bytes_done) / rate) : null;
    this.hooks.onProgress?.({ ...p });
  }
}
