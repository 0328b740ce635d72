/**
 * What the headless sync remembers of its server between runs (the pair
 * state's `cli_connection`, see electron/services/sync/cli-state.ts), read
 * and changed as a later run will find it: an old "reached" time stands for
 * a run long ago without waiting for one.
 */
import { PairState } from "../../electron/services/sync/state.js";
import { Remembered } from "../../electron/services/sync/cli-state.js";

export function editRemembered(stateDir: string, edit: (r: Remembered) => Remembered): Remembered {
  const state = new PairState(stateDir);
  try {
    const raw = state.meta("cli_connection");
    if (!raw) throw new Error(`no remembered connection in ${stateDir}`);
    const next = Remembered.parse(edit(Remembered.parse(JSON.parse(raw))));
    state.setMeta("cli_connection", JSON.stringify(next));
    return next;
  } finally {
    state.close();
  }
}
