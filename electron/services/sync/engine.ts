/**
 * One sync of one pair, in named phases, each in its own module:
 *
 *   list        both sides now: the local scan and one listing exec     (phase-list)     → "listed"
 *   guard       never turn "cannot see it" into "delete it"             (phase-guard)
 *   plan        the three-way plan against the base                     (plan)           → "planned"
 *   apply here  local moves, deletions and folders                      (phase-here)     → "local-done"
 *   transfer    downloads (their reads begin before "apply here")      (phase-download) → "mid-download", "downloaded"
 *   commit      one remote commit with every upload                     (phase-commit)   → "mid-upload", "committed"
 *   advance     the base only for what both sides confirmed                               → "based"
 *   retention   the versions store here is cleaned, oldest first
 *
 * Nothing a sync deletes or replaces is gone: here it is moved (deleted) or
 * copied (replaced, journal point "kept") into the pair's versions store
 * first; in the project the agent does the same in the commit's command.
 *
 * A sync with nothing to do (most of them) ends after the plan, in one
 * transaction. A journal row marks a sync in progress; after a crash the next sync cleans
 * temp files and plans again from what both sides hold, so work already done
 * shows up as "identical on both sides", never as a conflict.
 */
import type { Backend } from "../backend/backend.js";
import { countingBackend, type CallCounter } from "../transfer/counting.js";
import { RemoteAgent } from "../transfer/remote.js";
import type { EngineConfig, EngineHooks, SyncOutcome } from "./engine-types.js";
import { ignoreRules, type IgnoreRules } from "./ignore-rules.js";
import { scanLocal } from "./local-scan.js";
import { commitRemote } from "./phase-commit.js";
import { Downloads } from "./phase-download.js";
import { countFiles, guardDeletes, guardEmpty, hasLive } from "./phase-guard.js";
import { applyHere } from "./phase-here.js";
import { listSides, type Sides } from "./phase-list.js";
import { nothingToDo, plan, type Plan } from "./plan.js";
import { excludedBy } from "./selection.js";
import type { PairState } from "./state.js";
import { SyncRun } from "./sync-run.js";
import { localVersions } from "./pair-versions.js";
import { VERSIONS_DAYS, VERSIONS_MB } from "./versions-rules.js";
import type { VersionStore } from "./versions-store.js";

export { JOURNAL_POINTS, type EngineConfig, type EngineHooks, type JournalPoint, type SyncOutcome } from "./engine-types.js";
export { remoteToEntry } from "./phase-list.js";

export class SyncEngine {
  private readonly rules: IgnoreRules;
  /** selective sync: what the pair's folder choice leaves out (null: nothing) */
  private readonly excluded: ((path: string, isDir: boolean) => boolean) | null;
  private readonly counter: CallCounter = { calls: 0 };
  private readonly agent: RemoteAgent;
  /** this computer's versions store; null when the pair keeps no versions */
  private readonly versions: VersionStore | null;

  constructor(
    readonly cfg: EngineConfig,
    private readonly state: PairState,
    backend: Backend,
    private readonly hooks: EngineHooks = {},
  ) {
    this.rules = ignoreRules(cfg.ignore);
    this.excluded = excludedBy({ skip: cfg.skip_folders, only: cfg.only_folders });
    this.agent = new RemoteAgent(countingBackend(backend, this.counter), cfg.project_id);
    this.versions = cfg.keep_versions === false ? null : localVersions(state.dir);
  }

  /** Local changes not yet agreed with the server (the "waiting" count while offline). */
  async pendingLocal(): Promise<number> {
    const scan = await scanLocal(this.cfg.local_path, { cache: this.state.localCache(), ignores: this.rules.ignores, maxFileBytes: this.cfg.max_file_bytes, cleanTemps: false });
    const base = this.state.base();
    let n = 0;
    const left = this.excluded;
    for (const [p, e] of scan.tree) {
      if (left?.(p, e.type === "d")) continue;
      const b = base.get(p);
      if (!b || b.type !== e.type || (e.type === "f" && (b.sha !== e.sha || b.x !== e.x))) n++;
    }
    for (const [p, b] of base) if (!scan.tree.has(p) && !this.rules.ignores(p, b.type === "d") && !left?.(p, b.type === "d")) n++;
    return n;
  }

  async sync(signal?: AbortSignal): Promise<SyncOutcome> {
    const calls0 = this.counter.calls;
    const run = new SyncRun(this.cfg, this.state, this.agent, this.rules, this.hooks, signal, this.versions);
    const done = (halted: string | null, p?: Plan): SyncOutcome => {
      run.counts.api_calls = this.counter.calls - calls0;
      return { counts: run.counts, conflicts: this.state.conflicts(), notSynced: p?.notSynced ?? [], halted, deferred: run.deferred };
    };
    const interrupted = this.state.interrupted();
    if (interrupted) run.log("warn", `The last sync stopped early (at "${interrupted.point}"); it is picked up again now.`);

    const sides = await listSides(run, interrupted !== null); // → "listed"
    if ("halted" in sides) return done(sides.halted);
    const { L, R, base } = sides;
    // the guards count only what the pair syncs: a left-out folder neither hides nor fakes an empty side
    const left = this.excluded;
    const synced = left ? (p: string, d: boolean) => this.rules.ignores(p, d) || left(p, d) : this.rules.ignores;
    const baseFiles = countFiles(base, left);
    const empty = guardEmpty({ baseFiles, remoteLive: hasLive(R, synced), localLive: hasLive(L, synced), remoteMissing: sides.mkroot, maxDeletePct: this.cfg.max_delete_pct });
    if (empty) return this.halt(run, done(empty));

    const p = this.plan(sides);
    const tooMany = guardDeletes(p.deletes, baseFiles, this.cfg.max_delete_pct);
    if (tooMany) return this.halt(run, done(tooMany, p));
    // most syncs: nothing to do, and no earlier sync to finish; one transaction instead of one per point
    if (!interrupted && !sides.mkroot && nothingToDo(p)) return this.quiet(run, done(null, p));
    this.record(run, p); // → "planned"

    const puts = p.remote.filter((x) => x.op === "put");
    run.startProgress(p.downloads.length + puts.length, p.downloads.reduce((s, d) => s + d.size, 0) + puts.reduce((s, x) => s + (L.get(x.path)?.size ?? 0), 0));
    const downloads = new Downloads(run, p.downloads);
    await downloads.start();
    try {
      const checkedDirs = new Set<string>();
      await applyHere(run, p.local, base, checkedDirs);
      run.point("local-done");
      await downloads.place(checkedDirs);
    } catch (e) {
      await downloads.abort(e);
      throw e;
    }
    const asideDownloaded = await downloads.finish(R); // → "mid-download", "downloaded"
    await commitRemote(run, { plan: p, L, base, asideDownloaded, mkroot: sides.mkroot }); // → "mid-upload", "committed"

    run.point("based");
    this.state.journalEnd(run.tx);
    this.state.setMeta("last_sync", new Date().toISOString());
    this.summarize(run);
    await this.retention(run);
    return done(null, p);
  }

  /** this computer's store is cleaned when this sync added to it, or once an hour */
  private async retention(run: SyncRun): Promise<void> {
    if (!this.versions) return;
    const last = Number(this.state.meta("versions_pruned") ?? 0);
    if (!run.kept && Date.now() - last < 3600_000) return;
    const gone = await this.versions.prune({ days: this.cfg.versions_days ?? VERSIONS_DAYS, maxBytes: (this.cfg.versions_max_mb ?? VERSIONS_MB) * 1024 * 1024 });
    this.state.setMeta("versions_pruned", String(Date.now()));
    if (gone) run.log("info", `Cleaned ${gone} old version(s) kept here (older than ${this.cfg.versions_days ?? VERSIONS_DAYS} days, or over the size limit).`);
  }

  private async quiet(run: SyncRun, outcome: SyncOutcome): Promise<SyncOutcome> {
    this.state.transaction(() => {
      this.state.journalEnd(run.tx);
      this.state.setMeta("last_sync", new Date().toISOString());
    });
    await this.retention(run);
    return outcome;
  }

  private halt(run: SyncRun, outcome: SyncOutcome): SyncOutcome {
    this.state.journalEnd(run.tx);
    return outcome;
  }

  private plan(s: Sides): Plan {
    return plan(s.L, s.R, s.base, {
      policy: this.cfg.policy,
      caseInsensitive: this.cfg.case_insensitive ?? false,
      now: new Date(),
      ignores: this.rules.ignores,
      maxFileBytes: this.cfg.max_file_bytes,
      excluded: this.excluded,
    });
  }

  /** what the plan found agreed on both sides, and the conflicts it found, go into the state */
  private record(run: SyncRun, p: Plan): void {
    const detected_at = new Date().toISOString();
    this.state.transaction(() => {
      for (const b of p.base) this.state.setBase(b.path, b.entry);
      for (const c of p.conflicts) this.state.addConflict({ ...c, detected_at });
    });
    run.counts.conflicts = p.conflicts.length;
    for (const c of p.conflicts) run.log("warn", `Both sides changed ${c.path}: the ${c.kept} version stays there, the other is kept as ${c.conflict_path}.`);
    run.point("planned");
  }

  private summarize(run: SyncRun): void {
    const c = run.counts;
    const moved = c.uploaded + c.downloaded + c.deleted_local + c.deleted_remote;
    if (moved || c.conflicts) {
      run.log("info", `Synced: ${c.uploaded} up, ${c.downloaded} down, ${c.deleted_local + c.deleted_remote} deleted, ${c.conflicts} conflict(s).`);
    }
  }
}
