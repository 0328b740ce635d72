/**
 * The commit phase: every remote change of the plan (moves, deletions,
 * folders, then the uploads) in one commit exec, each compare-and-swapped on
 * the server; what it deletes or replaces there the agent first moves into
 * the project's versions folder, in the same command. The base advances only
 * for what the server confirmed. Journal
 * points: "mid-upload" at the first part staged, "committed" once the
 * server answered.
 */
import { localPath, resolveLocal } from "../transfer/local-fs.js";
import { pushFiles, type PushResult } from "../transfer/pipeline.js";
import type { CommitOp, VersionsKeep } from "../transfer/remote.js";
import { remoteVersionsDir } from "./pair-versions.js";
import { clearResolved, resolvedNotes } from "./resolution-notes.js";
import { batchName, VERSIONS_DAYS, VERSIONS_MB, withResolved } from "./versions-rules.js";
import type { Entry, TreeView } from "./entry.js";
import { fileEntry } from "./phase-download.js";
import { dirEntry } from "./phase-here.js";
import type { Plan, RemoteOp } from "./plan.js";
import type { SyncRun } from "./sync-run.js";

type Put = Extract<RemoteOp, { op: "put" }>;

export interface CommitInput {
  plan: Plan;
  L: TreeView;
  base: TreeView;
  /** conflict copies downloaded beside: their base is set once the server's move is confirmed */
  asideDownloaded: ReadonlyMap<string, Entry>;
  mkroot: boolean;
}

export async function commitRemote(run: SyncRun, c: CommitInput): Promise<void> {
  if (!c.plan.remote.length) return;
  run.cancelled();
  const local = run.cfg.local_path;
  const before: CommitOp[] = [];
  // the plan's put ops are pushFiles' files as they are; each source path is made when it is read
  const puts: Put[] = [];
  for (const op of c.plan.remote) {
    if (op.op === "put") {
      if (!(await resolveLocal(local, op.path, false).catch(() => null))) {
        run.deferred++;
        continue;
      }
      puts.push(op);
    } else before.push(op.op === "mv" ? { op: "mv", from: op.from, path: op.path, expect: op.expect } : op);
  }
  let firstPart = true;
  const versions = remoteKeep(run, [...before.map((o) => o.path), ...puts.map((o) => o.path)]);
  const res = await pushFiles(run.agent, run.cfg.remote_path, puts, (i) => localPath(local, puts[i]!.path), { before, mkroot: c.mkroot, versions }, {
    signal: run.signal,
    onBytes: (n) => {
      // parts carry the bundle's header too: progress never claims more than the files' bytes
      run.progress.bytes_done = Math.min(run.progress.bytes_total, run.progress.bytes_done + n);
      run.emit();
      if (firstPart) {
        firstPart = false;
        run.point("mid-upload");
      }
    },
    onFile: (cur) => {
      run.progress.files_done++;
      run.progress.current = cur;
      run.emit();
    },
  });
  run.point("committed");
  run.state.transaction(() => {
    settleOps(run, c, res);
    settlePuts(run, c.L, puts, res);
    if (versions?.byPath) clearResolved(run.state, Object.keys(versions.byPath));
  });
}

/**
 * Where the project's side keeps what this commit deletes or replaces, and
 * its retention; the paths a conflict resolution here changed go into a
 * folder named for it (resolution-notes.ts).
 */
function remoteKeep(run: SyncRun, paths: readonly string[]): VersionsKeep | undefined {
  if (run.cfg.keep_versions === false) return undefined;
  const top = remoteVersionsDir(run.cfg.id);
  const days = run.cfg.versions_days ?? VERSIONS_DAYS;
  const keep: VersionsKeep = { dir: `${top}/${run.batch}`, keep: { dir: top, cutoff: batchName(new Date(Date.now() - days * 86_400_000), ""), bytes: (run.cfg.versions_max_mb ?? VERSIONS_MB) * 1024 * 1024 } };
  const notes = resolvedNotes(run.state);
  if (notes.size) {
    const byPath: Record<string, string> = {};
    for (const p of paths) {
      const r = notes.get(p);
      if (r) byPath[p] = `${top}/${withResolved(run.batch, r)}`;
    }
    if (Object.keys(byPath).length) keep.byPath = byPath;
  }
  return keep;
}

/** the moves, deletions and folders the server confirmed go into the base */
function settleOps(run: SyncRun, c: CommitInput, res: PushResult): void {
  const { state } = run;
  const ops = c.plan.remote.filter((x) => x.op !== "put");
  res.ops.slice(0, ops.length).forEach((r, i) => {
    const op = ops[i]!;
    const ok = r[0] === "ok";
    if (op.op === "mv") {
      if (!ok) {
        run.deferred++;
        return;
      }
      if (op.aside) {
        const e = c.asideDownloaded.get(op.path);
        if (e) state.setBase(op.path, e);
      } else {
        state.setBase(op.from, null);
        state.setBase(op.path, c.base.get(op.from) ?? null);
      }
    } else if (op.op === "rm") {
      if (ok) {
        state.setBase(op.path, null);
        run.counts.deleted_remote++;
      } else run.deferred++;
    } else if (op.op === "rmdir") {
      state.setBase(op.path, null);
    } else if (op.op === "mkdir") {
      if (ok) state.setBase(op.path, dirEntry);
      else run.deferred++;
    }
    if (!ok) run.log("warn", `On the server, ${op.op} ${op.path} was skipped: ${r[1]}.`);
  });
}

/** the uploads the server confirmed go into the base, with the server's own mtime */
function settlePuts(run: SyncRun, L: TreeView, puts: readonly Put[], res: PushResult): void {
  res.files.forEach((r, i) => {
    const op = puts[i]!;
    if (r.status === "ok") {
      run.counts.uploaded++;
      run.counts.bytes_up += L.get(op.path)?.size ?? 0;
      run.state.setBase(op.path, fileEntry(op.sha, L.get(op.path)?.size ?? 0, op.x, res.sent(i)?.stat?.mtime ?? 0));
    } else if (r.status === "error") {
      run.counts.errors++;
      run.log("error", `${op.path} could not be uploaded: ${r.message}`);
    } else {
      run.deferred++;
      run.log("warn", `${op.path} was not uploaded: ${r.message}. It is tried again on the next sync.`);
    }
  });
}
