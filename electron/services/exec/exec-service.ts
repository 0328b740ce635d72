/** Commands in a project on the active server: run one, cancel it (and know whether it stopped there). */
import { ApiError } from "../../../shared/errors.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import { explainSpawnFailure } from "../backend/spawn-failure.js";
import type { Connection } from "../connect/connection.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import { CancellableRuns } from "./cancellable.js";

type Answers = HandlersOf<"exec">;

export class ExecService implements Answers {
  private readonly runs = new CancellableRuns();

  constructor(private readonly c: Connection) {
    // Not awaited: a stop that cannot reach the server any more says so to the command's caller.
    c.onDisconnect(() => void this.runs.cancelAll());
  }

  "exec.run": Answers["exec.run"] = async ({ request_id, ...input }) => {
    if (this.runs.has(request_id)) throw new ApiError("invalid-input", "A command with this request id is already running.");
    const { backend, runner } = await this.c.get();
    const t0 = performance.now();
    const path = input.path === undefined ? undefined : normalizeProjectPath(input.path);
    const r = await this.runs.run(backend, runner, { ...input, ...(path === undefined ? {} : { path }) }, request_id);
    await explainSpawnFailure(runner, { ...input, path }, r);
    return { ...r, duration_ms: Math.round(performance.now() - t0) };
  };

  /** Resolves once it is known whether the command stopped on the server; exec.run then fails with the same words. */
  "exec.cancel": Answers["exec.cancel"] = async ({ request_id }) => {
    const o = await this.runs.cancel(request_id);
    return o ? { cancelled: true, stopped: o.stopped, message: o.error.message } : { cancelled: false };
  };
}
