/**
 * The file actions as the browser runs them: each one call, its result told
 * in a notice, with the call that undoes it where there is one (a delete is
 * restored from the trash, a move or rename moved back, a duplicate deleted).
 */
import { useCallback, useState } from "react";
import { ApiError } from "../../../../shared/errors.js";
import type { CocalcApi } from "../../../../shared/ipc/api.js";
import type { ActionOutcome } from "../../../../shared/ipc/contract.js";
import { plural } from "../../format.js";
import { useCall } from "../../lib.js";

export const baseOf = (p: string) => p.slice(p.lastIndexOf("/") + 1);
export const parentOf = (p: string) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "");
const where = (dir: string) => `~/${dir}`;

export interface Notice {
  text: string;
  /** absent where nothing can be undone */
  undo?: () => Promise<ActionOutcome>;
  n: number;
}

export type Action =
  | { kind: "rename"; path: string; new_name: string }
  | { kind: "move"; paths: string[]; dest_dir: string }
  | { kind: "duplicate"; paths: string[] }
  | { kind: "trash"; paths: string[] }
  | { kind: "restore"; names: string[] };

function call(api: CocalcApi, pid: string, a: Action): Promise<ActionOutcome> {
  switch (a.kind) {
    case "rename":
      return api.fileops.rename({ project_id: pid, path: a.path, new_name: a.new_name });
    case "move":
      return api.fileops.move({ project_id: pid, paths: a.paths, dest_dir: a.dest_dir });
    case "duplicate":
      return api.fileops.duplicate({ project_id: pid, paths: a.paths });
    case "trash":
      return api.fileops.trash({ project_id: pid, paths: a.paths });
    case "restore":
      return api.fileops.restore({ project_id: pid, names: a.names });
  }
}

/** What was done, in words, and the action that takes it back. */
export function describe(a: Action, done: ActionOutcome["moved"]): { text: string; undo?: Action } {
  const tos = done.map((m) => m.to);
  const one = done.length === 1 ? done[0]! : null;
  switch (a.kind) {
    case "rename":
      return { text: `Renamed ${baseOf(one!.from)} to ${baseOf(one!.to)}.`, undo: { kind: "rename", path: one!.to, new_name: baseOf(one!.from) } };
    case "move":
      return { text: `Moved ${one ? baseOf(one.from) : plural(done.length, "item")} to ${where(a.dest_dir)}.`, undo: { kind: "move", paths: tos, dest_dir: parentOf(done[0]!.from) } };
    case "duplicate":
      return { text: one ? `Made ${baseOf(one.to)}.` : `Made ${plural(done.length, "copy", "copies")}.`, undo: { kind: "trash", paths: tos } };
    case "trash":
      return { text: `Moved ${one ? baseOf(one.from) : plural(done.length, "item")} to the trash.`, undo: { kind: "restore", names: tos.map(baseOf) } };
    case "restore":
      return { text: `Restored ${one ? one.to : plural(done.length, "item")}.`, undo: { kind: "trash", paths: tos } };
  }
}

export function useFileActions(api: CocalcApi, pid: string, after: () => void) {
  const c = useCall();
  const [notice, setNotice] = useState<Notice | null>(null);

  const settle = useCallback(
    (r: ActionOutcome | undefined, a: Action | null) => {
      after();
      if (!r) return false;
      if (r.problem) c.setError(ApiError.fromData(r.problem));
      if (r.moved.length === 0) return !r.problem;
      if (!a) {
        setNotice({ text: "Undone.", n: Date.now() });
        return true;
      }
      const d = describe(a, r.moved);
      const undo = d.undo;
      setNotice({ text: d.text, undo: undo ? () => call(api, pid, undo) : undefined, n: Date.now() });
      return !r.problem;
    },
    [api, pid, after, c.setError],
  );

  const run = useCallback(async (a: Action) => settle(await c.run(() => call(api, pid, a)), a), [api, pid, c.run, settle]);

  const undo = useCallback(async () => {
    const u = notice?.undo;
    if (!u) return;
    setNotice(null);
    settle(await c.run(u), null);
  }, [notice, c.run, settle]);

  return { run, undo, notice, dismiss: () => setNotice(null), error: c.error, busy: c.busy, setError: c.setError };
}
