/**
 * The "apply here" phase: the plan's local moves, deletions and folders, each
 * checked against what the scan saw; their base updates and log lines are
 * committed a group at a time (see PairState.grouped). A file deleted here
 * is moved into the versions store, not unlinked. Ends before the journal
 * point "local-done" (the engine marks it).
 */
import { mkdir, rename, rmdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import { localState, resolveLocal } from "../transfer/local-fs.js";
import type { Entry, TreeView } from "./entry.js";
import type { LocalOp } from "./plan.js";
import type { SyncRun } from "./sync-run.js";

export const dirEntry: Entry = { type: "d", size: 0, mtime: 0, sha: "", x: false };

/** Folders checked or made are added to `checkedDirs` (the downloads' places need not check them again). */
export async function applyHere(run: SyncRun, ops: readonly LocalOp[], base: TreeView, checkedDirs: Set<string>): Promise<void> {
  await run.state.grouped(async (step) => {
    for (const op of ops) {
      step();
      run.cancelled();
      try {
        await applyOne(run, op, base, checkedDirs);
      } catch (e) {
        if (e instanceof ApiError && e.kind === "cancelled") throw e;
        run.counts.errors++;
        run.log("error", `Could not ${op.op} ${"path" in op ? op.path : op.from} here: ${(e as Error).message}`);
      }
    }
  });
}

async function applyOne(run: SyncRun, op: LocalOp, base: TreeView, checkedDirs: Set<string>): Promise<void> {
  const { state } = run;
  const local = run.cfg.local_path;
  if (op.op === "rename") {
    const from = (await resolveLocal(local, op.from, false))!;
    const to = (await resolveLocal(local, op.to, true))!;
    const caseOnly = op.from.toLowerCase() === op.to.toLowerCase();
    if ((await localState(from)) !== op.sha || (!caseOnly && (await localState(to)) !== "absent")) {
      run.deferred++;
      return;
    }
    await rename(from, to);
    if (!op.aside) {
      state.transaction(() => {
        state.setBase(op.from, null);
        state.setBase(op.to, base.get(op.from) ?? null);
      });
    }
    run.log("info", op.aside ? `Kept the local version of ${op.from} as ${op.to}.` : `Renamed ${op.from} to ${op.to} here, as on the server.`);
  } else if (op.op === "delete") {
    const abs = await resolveLocal(local, op.path, false);
    if (!abs || (await localState(abs)) !== op.sha) {
      if (abs && (await localState(abs)) !== "absent") run.deferred++;
      else state.setBase(op.path, null);
      return;
    }
    if (run.versions) {
      await run.versions.keepDeleted(run.batch, op.path, abs);
      run.kept++;
    } else await unlink(abs);
    state.setBase(op.path, null);
    run.counts.deleted_local++;
    run.log("info", `Deleted ${op.path} here (deleted on the server)${run.versions ? "; the old version is kept in Versions" : ""}.`);
  } else if (op.op === "rmdir") {
    const abs = await resolveLocal(local, op.path, false);
    if (abs) await rmdir(abs).catch(() => run.log("warn", `Kept the folder ${op.path} here: it is not empty.`));
    state.setBase(op.path, null);
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
      run.deferred++;
      return;
    }
    checkedDirs.add(join(local, op.path));
    state.setBase(op.path, dirEntry);
  }
}
