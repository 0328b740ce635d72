/**
 * One sync of one pair: scan the local folder, list the remote folder in one
 * exec, plan against the base, then act in phases (local moves and deletes,
 * downloads, one remote commit), advancing the base only for operations both
 * sides confirmed. A journal row marks a sync in progress; after a crash the
 * next sync cleans temp files and plans again from what both sides hold, so
 * work already done shows up as "identical on both sides", never as a
 * conflict.
 */
import { randomBytes } from "node:crypto";
import { lstat, mkdir, rename, rmdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import type { SyncConflict, SyncCounts, SyncPolicy, SyncProgress } from "../../../shared/sync.js";
import type { Backend } from "../backend/backend.js";
import { countingBackend, type CallCounter } from "../transfer/counting.js";
import { durabilityFor, localPath, localState, resolveLocal } from "../transfer/local-fs.js";
import { fetchFiles, pushFiles } from "../transfer/pipeline.js";
import { AGENT_DIR, RemoteAgent, type CommitOp, type RemoteEntry } from "../transfer/remote.js";
import type { Entry, TreeView } from "./entry.js";
import { ignoreRules, type IgnoreRules } from "./ignore-rules.js";
import { cacheKeys, scanLocal } from "./local-scan.js";
import { plan, type Plan } from "./plan.js";
import type { PairState } from "./state.js";

/** Where a sync can be stopped by a crash; the crash tests kill the headless command at each. */
export const JOURNAL_POINTS = ["listed", "planned", "local-done", "mid-download", "downloaded", "mid-upload", "committed", "based"] as const;
export type JournalPoint = (typeof JOURNAL_POINTS)[number];

export interface EngineConfig {
  id: string;
  local_path: string;
  project_id: string;
  remote_path: string;
  ignore: string[];
  policy: SyncPolicy;
  max_delete_pct: number;
  max_file_bytes: number;
  /** simulate a case-insensitive local file system (names that differ only in case or Unicode form) */
  case_insensitive?: boolean;
}

export interface SyncOutcome {
  counts: SyncCounts;
  conflicts: SyncConflict[];
  notSynced: Array<{ path: string; reason: string }>;
  /** why the pair stopped without changing anything, in the user's terms */
  halted: string | null;
  /** operations skipped because something changed while the sync ran: the next round takes them */
  deferred: number;
}

export interface EngineHooks {
  onProgress?: (p: SyncProgress) => void;
  log?: (level: "info" | "warn" | "error", text: string) => void;
  /** SIGKILL this process at that point (crash tests) */
  crashAt?: string;
}

const fileEntry = (sha: string, size: number, x: boolean, mtime = 0): Entry => ({ type: "f", size, mtime, sha, x });
const dirEntry: Entry = { type: "d", size: 0, mtime: 0, sha: "", x: false };

export function remoteToEntry(e: RemoteEntry): Entry {
  return { type: e.type, size: e.size, mtime: e.mtime, sha: e.sha, x: (e.mode & 0o100) !== 0, ...(e.extra ? { extra: e.extra } : {}) };
}

export class SyncEngine {
  private readonly rules: IgnoreRules;
  private readonly counter: CallCounter = { calls: 0 };
  private readonly agent: RemoteAgent;

  constructor(
    readonly cfg: EngineConfig,
    private readonly state: PairState,
    backend: Backend,
    private readonly hooks: EngineHooks = {},
  ) {
    this.rules = ignoreRules(cfg.ignore);
    this.agent = new RemoteAgent(countingBackend(backend, this.counter), cfg.project_id);
  }

  private get remoteState(): string {
    return `${AGENT_DIR}/pair-${this.cfg.id}`;
  }

  private point(tx: string, p: JournalPoint) {
    this.state.journalPoint(tx, p);
    if (this.hooks.crashAt === p) process.kill(process.pid, "SIGKILL");
  }

  private log(level: "info" | "warn" | "error", text: string) {
    this.state.log(level, text);
    this.hooks.log?.(level, text);
  }

  /** Local changes not yet agreed with the server (the "waiting" count while offline). */
  async pendingLocal(): Promise<number> {
    const scan = await scanLocal(this.cfg.local_path, { cache: this.state.localCache(), ignores: this.rules.ignores, maxFileBytes: this.cfg.max_file_bytes, cleanTemps: false });
    const base = this.state.base();
    let n = 0;
    for (const [p, e] of scan.tree) {
      const b = base.get(p);
      if (!b || b.type !== e.type || (e.type === "f" && (b.sha !== e.sha || b.x !== e.x))) n++;
    }
    for (const [p] of base) if (!scan.tree.has(p) && !this.rules.ignores(p, base.get(p)!.type === "d")) n++;
    return n;
  }

  async sync(signal?: AbortSignal): Promise<SyncOutcome> {
    const calls0 = this.counter.calls;
    const counts: SyncCounts = { uploaded: 0, downloaded: 0, deleted_local: 0, deleted_remote: 0, conflicts: 0, api_calls: 0, bytes_up: 0, bytes_down: 0, errors: 0 };
    let deferred = 0;
    const done = (halted: string | null, p?: Plan): SyncOutcome => {
      counts.api_calls = this.counter.calls - calls0;
      return { counts, conflicts: this.state.conflicts(), notSynced: p?.notSynced ?? [], halted, deferred };
    };
    const cancelled = () => {
      if (signal?.aborted) throw new ApiError("cancelled", "The sync was cancelled; what was done is kept and the rest is done next time.");
    };

    const interrupted = this.state.interrupted();
    if (interrupted) this.log("warn", `The last sync stopped early (at "${interrupted.point}"); it is picked up again now.`);
    const tx = randomBytes(6).toString("hex");

    // ---- what both sides hold now
    try {
      if (!(await lstat(this.cfg.local_path)).isDirectory()) throw new Error("not a folder");
    } catch {
      return done(`The local folder ${this.cfg.local_path} is missing or not a folder. Nothing was changed. Reconnect the drive or fix the path, then resume.`);
    }
    // the local scan and the server's listing run at once: one waits on this disk, the other on the server
    const scanning = scanLocal(this.cfg.local_path, { cache: this.state.localCache(), ignores: this.rules.ignores, maxFileBytes: this.cfg.max_file_bytes, cleanTemps: interrupted !== null, signal }).then((scan) => {
      this.state.transaction(() => {
        for (const [p, c] of scan.cacheSet) this.state.setCache(p, c);
        for (const p of scan.cacheDrop) this.state.setCache(p, null);
      });
      // stored: the scan's tree lives through the sync, its cache rows need not
      scan.cacheSet = [];
      scan.cacheDrop = [];
      return scan;
    });
    // handled here so a scan that fails while the listing runs is not reported as unhandled; it is awaited below
    scanning.catch(() => undefined);
    const since = this.state.meta("remote_id");
    const listing = await this.agent
      .list({
        root: this.cfg.remote_path,
        prune: this.rules.prune,
        state: this.remoteState,
        keep: true,
        since,
        maxHash: this.cfg.max_file_bytes,
        skipTop: this.cfg.remote_path === "" ? AGENT_DIR : undefined,
        signal,
      })
      .catch(async (e: unknown) => {
        // a failed listing is what is reported; the scan ends first, so nothing of this sync runs on after it
        await scanning.catch(() => undefined);
        throw e;
      });
    const scan = await scanning;
    cancelled();
    const base = this.state.base();
    let R: TreeView;
    let mkroot = false;
    if (listing.kind === "missing") {
      if (base.size > 0) {
        return done(`The folder '${this.cfg.remote_path || "(home)"}' is gone from the project. Nothing was deleted here. Restore it on the server, or remove this pair and add it again to start over.`);
      }
      R = new Map();
      mkroot = true;
    } else {
      if (listing.rejected.length) this.log("warn", `The server listed ${listing.rejected.length} path(s) that would lead outside the folder; they were ignored.`);
      this.state.saveRemote(listing.kind, listing.id, listing.entries.map((e) => [e.path, remoteToEntry(e)]), listing.removed);
      // the state holds the tree now: the listing's own records need not live through the transfers
      listing.entries = [];
      R = this.state.remote();
    }
    this.state.journalBegin(tx);
    this.point(tx, "listed");
    const L = scan.tree;

    // ---- never turn "cannot see it" into "delete it"
    const baseFiles = [...base.values()].filter((e) => e.type === "f").length;
    const live = (T: TreeView) => [...T.keys()].some((p) => !this.rules.ignores(p, T.get(p)!.type === "d"));
    if (baseFiles > 0 && !live(R) && listing.kind !== "missing" && this.cfg.max_delete_pct < 100) {
      this.state.journalEnd(tx);
      return done(`The folder on the server came back empty while ${baseFiles} file(s) were synced before. Nothing was deleted. If you emptied it on purpose, set the delete limit to 100 % and sync again.`);
    }
    if (baseFiles > 0 && !live(L) && this.cfg.max_delete_pct < 100) {
      this.state.journalEnd(tx);
      return done(`The local folder is empty while ${baseFiles} file(s) were synced before. Nothing was deleted on the server. If you emptied it on purpose, set the delete limit to 100 % and sync again.`);
    }

    const p = plan(L, R, base, {
      policy: this.cfg.policy,
      caseInsensitive: this.cfg.case_insensitive ?? false,
      now: new Date(),
      ignores: this.rules.ignores,
      maxFileBytes: this.cfg.max_file_bytes,
    });
    const dels = p.deletes.local + p.deletes.remote;
    if (dels >= 3 && baseFiles > 0 && (dels * 100) / baseFiles > this.cfg.max_delete_pct && this.cfg.max_delete_pct < 100) {
      this.state.journalEnd(tx);
      return done(
        `This sync would delete ${dels} of ${baseFiles} files (${p.deletes.local} here, ${p.deletes.remote} on the server), more than the pair's limit of ${this.cfg.max_delete_pct} %. Nothing was deleted. Check both folders; if the deletions are wanted, raise the limit and sync again.`,
        p,
      );
    }
    const detected_at = new Date().toISOString();
    this.state.transaction(() => {
      for (const b of p.base) this.state.setBase(b.path, b.entry);
      for (const c of p.conflicts) this.state.addConflict({ ...c, detected_at });
    });
    counts.conflicts = p.conflicts.length;
    for (const c of p.conflicts) this.log("warn", `Both sides changed ${c.path}: the ${c.kept} version stays there, the other is kept as ${c.conflict_path}.`);
    this.point(tx, "planned");

    const local = this.cfg.local_path;
    const totalFiles = p.downloads.length + p.remote.filter((x) => x.op === "put").length;
    const totalBytes = p.downloads.reduce((s, d) => s + d.size, 0) + p.remote.reduce((s, x) => s + (x.op === "put" ? (L.get(x.path)?.size ?? 0) : 0), 0);
    const started = Date.now();
    const progress: SyncProgress = { files_done: 0, files_total: totalFiles, bytes_done: 0, bytes_total: totalBytes, current: null, eta_s: null };
    const emit = () => {
      const rate = progress.bytes_done / Math.max(0.001, (Date.now() - started) / 1000);
      progress.eta_s = rate > 0 ? Math.round((progress.bytes_total - progress.bytes_done) / rate) : null;
      this.hooks.onProgress?.({ ...progress });
    };
    if (totalFiles) emit();

    // ---- phase 2's reads start now, so the server reads while phase 1 runs here; files are written once
    // phase 1 is done and their places here are ready (`ready`). The plan's downloads are fetchFiles' items
    // as they are: a place made for item i is a 1 in `placed`, its path made when asked for (see TargetOf)
    const items = p.downloads;
    const placed = new Uint8Array(items.length);
    const targetOf = (i: number) => (placed[i] ? localPath(local, items[i]!.path) : "");
    let go = () => {};
    let stop = (_e: unknown) => {};
    const ready = new Promise<void>((resolve, reject) => {
      go = resolve;
      stop = reject;
    });
    ready.catch(() => undefined);
    let first = true;
    const fetching = items.length
      ? fetchFiles(this.agent, this.cfg.remote_path, items, targetOf, {
          signal,
          ready,
          durability: await durabilityFor(local),
          onBytes: (n, cur) => {
            progress.bytes_done += n;
            progress.current = cur;
            counts.bytes_down += n;
            emit();
            if (first) {
              first = false;
              this.point(tx, "mid-download");
            }
          },
          onFile: () => {
            progress.files_done++;
            emit();
          },
        })
      : null;
    // awaited below; if phase 1 fails first, that failure is the one reported
    fetching?.catch(() => undefined);
    try {
      // ---- phase 1: local moves, deletions and folders, each checked against what the scan saw
      /** folders checked or made here, which the downloads' places need not check again */
      const checkedDirs = new Set<string>();
      deferred += await this.applyLocal(p.local, base, counts, checkedDirs, cancelled);
      this.point(tx, "local-done");
      for (let i = 0; i < items.length; i++) {
        try {
          await resolveLocal(local, items[i]!.path, true, checkedDirs);
          placed[i] = 1;
        } catch (e) {
          // left without a place (fetchFiles skips it), and counted and logged once, here
          counts.errors++;
          this.log("error", `Could not download ${items[i]!.path}: ${(e as Error).message}`);
        }
      }
      go();
    } catch (e) {
      stop(e);
      await fetching?.catch(() => undefined);
      throw e;
    }

    // ---- phase 2: downloads
    const asideDownloaded = new Map<string, Entry>();
    if (fetching) {
      const res = await fetching;
      // what was just written is known: the next scan need not hash it again (only the cache's key is kept of each stat)
      const stats = await cacheKeys(items.length, (i) => (res[i]!.status === "ok" ? targetOf(i) : null));
      this.state.transaction(() => {
        res.forEach((r, i) => {
          if (!placed[i]) return;
          const d = items[i]!;
          const st = stats[i];
          if (st) this.state.setCache(d.path, { key: st, sha: d.sha });
          if (r.status === "ok") {
            counts.downloaded++;
            // the remote tree's own entry when it says the same: one object per file, not two
            const listed = R.get(d.from);
            const same = listed?.type === "f" && listed.sha === d.sha && listed.size === d.size && listed.x === d.x && listed.extra === undefined;
            const e = same ? listed : fileEntry(d.sha, d.size, d.x, listed?.mtime ?? 0);
            if (d.from === d.path) this.state.setBase(d.path, e);
            else asideDownloaded.set(d.path, e);
          } else if (r.status === "cas" || r.status === "absent" || r.status === "hash") {
            deferred++;
            this.log("warn", `${d.path} was not downloaded: ${r.message}. It is tried again on the next sync.`);
          } else {
            counts.errors++;
            this.log("error", `${d.path} could not be downloaded: ${r.message}`);
          }
        });
      });
    }
    this.point(tx, "downloaded");

    // ---- phase 3: one remote commit
    if (p.remote.length) {
      cancelled();
      const before: CommitOp[] = [];
      // the plan's put ops are pushFiles' files as they are; each source path is made when it is read
      const puts: Array<Extract<(typeof p.remote)[number], { op: "put" }>> = [];
      for (const op of p.remote) {
        if (op.op === "put") {
          if (!(await resolveLocal(local, op.path, false).catch(() => null))) {
            deferred++;
            continue;
          }
          puts.push(op);
        } else before.push(op.op === "mv" ? { op: "mv", from: op.from, path: op.path, expect: op.expect } : op);
      }
      let firstPart = true;
      const res = await pushFiles(this.agent, this.cfg.remote_path, puts, (i) => localPath(local, puts[i]!.path), { before, mkroot }, {
        signal,
        onBytes: (n) => {
          // parts carry the bundle's header too: progress never claims more than the files' bytes
          progress.bytes_done = Math.min(progress.bytes_total, progress.bytes_done + n);
          emit();
          if (firstPart) {
            firstPart = false;
            this.point(tx, "mid-upload");
          }
        },
        onFile: (cur) => {
          progress.files_done++;
          progress.current = cur;
          emit();
        },
      });
      this.point(tx, "committed");
      const beforePlan = p.remote.filter((x) => x.op !== "put");
      this.state.transaction(() => {
        res.ops.slice(0, before.length).forEach((r, i) => {
          const op = beforePlan[i]!;
          const ok = r[0] === "ok";
          if (op.op === "mv") {
            if (!ok) {
              deferred++;
              return;
            }
            if (op.aside) {
              const e = asideDownloaded.get(op.path);
              if (e) this.state.setBase(op.path, e);
            } else {
              this.state.setBase(op.from, null);
              this.state.setBase(op.path, base.get(op.from) ?? null);
            }
          } else if (op.op === "rm") {
            if (ok) {
              this.state.setBase(op.path, null);
              counts.deleted_remote++;
            } else deferred++;
          } else if (op.op === "rmdir") {
            this.state.setBase(op.path, null);
          } else if (op.op === "mkdir") {
            if (ok) this.state.setBase(op.path, dirEntry);
            else deferred++;
          }
          if (!ok) this.log("warn", `On the server, ${op.op} ${op.path} was skipped: ${r[1]}.`);
        });
        res.files.forEach((r, i) => {
          const op = puts[i]!;
          if (r.status === "ok") {
            counts.uploaded++;
            counts.bytes_up += L.get(op.path)?.size ?? 0;
            this.state.setBase(op.path, fileEntry(op.sha, L.get(op.path)?.size ?? 0, op.x, res.sent(i)?.stat?.mtime ?? 0));
          } else if (r.status === "error") {
            counts.errors++;
            this.log("error", `${op.path} could not be uploaded: ${r.message}`);
          } else {
            deferred++;
            this.log("warn", `${op.path} was not uploaded: ${r.message}. It is tried again on the next sync.`);
          }
        });
      });
    }
    this.point(tx, "based");
    this.state.journalEnd(tx);
    this.state.setMeta("last_sync", new Date().toISOString());
    const moved = counts.uploaded + counts.downloaded + counts.deleted_local + counts.deleted_remote;
    if (moved || counts.conflicts) {
      this.log("info", `Synced: ${counts.uploaded} up, ${counts.downloaded} down, ${counts.deleted_local + counts.deleted_remote} deleted, ${counts.conflicts} conflict(s).`);
    }
    return done(null, p);
  }

  /**
   * Phase 1: the plan's local moves, deletions and folders, each checked
   * against what the scan saw; their base updates and log lines are committed
   * a group at a time (see PairState.grouped). Folders checked or made are
   * added to `checkedDirs`. Returns the operations deferred to the next round.
   */
  private async applyLocal(ops: Plan["local"], base: TreeView, counts: SyncCounts, checkedDirs: Set<string>, cancelled: () => void): Promise<number> {
    const local = this.cfg.local_path;
    let deferred = 0;
    await this.state.grouped(async (step) => {
      for (const op of ops) {
        step();
        cancelled();
        try {
          if (op.op === "rename") {
            const from = (await resolveLocal(local, op.from, false))!;
            const to = (await resolveLocal(local, op.to, true))!;
            const caseOnly = op.from.toLowerCase() === op.to.toLowerCase();
            if ((await localState(from)) !== op.sha || (!caseOnly && (await localState(to)) !== "absent")) {
              deferred++;
              continue;
            }
            await rename(from, to);
            if (!op.aside) this.state.transaction(() => {
              this.state.setBase(op.from, null);
              this.state.setBase(op.to, base.get(op.from) ?? null);
            });
            this.log("info", op.aside ? `Kept the local version of ${op.from} as ${op.to}.` : `Renamed ${op.from} to ${op.to} here, as on the server.`);
          } else if (op.op === "delete") {
            const abs = await resolveLocal(local, op.path, false);
            if (!abs || (await localState(abs)) !== op.sha) {
              if (abs && (await localState(abs)) !== "absent") deferred++;
              else this.state.setBase(op.path, null);
              continue;
            }
            await unlink(abs);
            this.state.setBase(op.path, null);
            counts.deleted_local++;
            this.log("info", `Deleted ${op.path} here (deleted on the server).`);
          } else if (op.op === "rmdir") {
            const abs = await resolveLocal(local, op.path, false);
            if (abs) await rmdir(abs).catch(() => this.log("warn", `Kept the folder ${op.path} here: it is not empty.`));
            this.state.setBase(op.path, null);
          } else {
            const abs = (await resolveLocal(local, op.path, true, checkedDirs))!;
            // made at once: one call for each of a first download's hundreds of folders; a name already
            // taken is fine when it is a folder, and left alone when it is not
            const made = await mkdir(abs).then(
              () => true,
              (e: NodeJS.ErrnoException) => {
                if (e.code !== "EEXIST") throw e;
                return false;
              },
            );
            if (!made && (await localState(abs)) !== "dir") {
              deferred++;
              continue;
            }
            checkedDirs.add(join(local, op.path));
            this.state.setBase(op.path, dirEntry);
          }
        } catch (e) {
          if (e instanceof ApiError && e.kind === "cancelled") throw e;
          counts.errors++;
          this.log("error", `Could not ${op.op} ${"path" in op ? op.path : op.from} here: ${(e as Error).message}`);
        }
      }
    });
    return deferred;
  }
}
