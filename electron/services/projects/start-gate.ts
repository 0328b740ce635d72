/**
 * A project must run before a call that needs it. No server generation may be
 * trusted to start one on the first call (cocalc.ai never does: its commands
 * fail and its project bridge waits into a timeout, facts §7), so the app
 * asks the state, sends Start when the project is not running, and waits for
 * "running" before the call goes out — once per project at a time, and not
 * again while calls keep reaching it.
 */
import { ApiError, isApiError } from "../../../shared/errors.js";
import { sleep } from "../api/retry.js";
import type { Backend } from "../backend/backend.js";
import { ensureProjectRunning } from "../backend/project-start.js";
import { withRunningTitles } from "./run-limit.js";

export type StartPhase = "starting" | "running" | "failed";

export interface GateOptions {
  /** each step of a start the app made, for "Starting the project…" in the views */
  onPhase?: (project_id: string, phase: StartPhase, error?: ApiError) => void;
  /** a project a call reached this recently is not asked about again, ms */
  freshMs?: number;
  /** give up waiting for "running" after this long, ms */
  deadlineMs?: number;
  /** how often the state is asked while the project starts, ms */
  pollMs?: number;
  now?: () => number;
}

/** What the state says: go ahead, wait for it, or start it. */
export function startStep(state: string | null): "ready" | "wait" | "start" {
  if (state === "running") return "ready";
  if (state === "starting" || state === "opening" || state === "pending") return "wait";
  return "start";
}

export class ProjectStartGate {
  /** projects a call reached, and when */
  private readonly reached = new Map<string, number>();
  /** projects an earlier process reached (the headless sync's state), however long ago: see takeUnconfirmed */
  private readonly believed = new Set<string>();
  /** one start per project at a time, whoever asks */
  private readonly starting = new Map<string, Promise<void>>();
  private readonly now: () => number;

  constructor(
    private readonly backend: Backend,
    private readonly o: GateOptions = {},
  ) {
    this.now = o.now ?? Date.now;
  }

  /** Resolves once the project runs (starting it if need be); throws what the server said when it cannot. */
  async ensure(project_id: string, signal?: AbortSignal): Promise<void> {
    const seen = this.reached.get(project_id);
    if (seen !== undefined && this.now() - seen < (this.o.freshMs ?? 60_000)) return;
    let p = this.starting.get(project_id);
    if (!p) {
      p = this.bringUp(project_id).finally(() => this.starting.delete(project_id));
      this.starting.set(project_id, p);
    }
    if (!signal) return p;
    // a cancelled caller stops waiting; the start itself goes on for the others
    return Promise.race([p, new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new ApiError("cancelled", "Stopped waiting for the project to start.")), { once: true }))]);
  }

  /** A call reached the project: it runs. */
  confirmed(project_id: string): void {
    this.reached.set(project_id, this.now());
  }

  /** When a call last reached the project (ms since the epoch), if one did. */
  lastReached(project_id: string): number | undefined {
    return this.reached.get(project_id);
  }

  /** What an earlier process knew (the headless sync's state): a call reached the project at `at`. */
  reachedAt(project_id: string, at: number): void {
    if (at > this.now()) return;
    this.reached.set(project_id, at);
    this.believed.add(project_id);
  }

  /**
   * Whether the next call may go out without asking the state first, once:
   * an earlier process reached the project, so it most likely still runs. The
   * caller must then treat a typed "not running" answer by starting it and
   * asking again (starting-backend), and must not let the call wait long for
   * a project that may be stopped.
   */
  takeUnconfirmed(project_id: string): boolean {
    return this.believed.delete(project_id);
  }

  /** The project may have stopped (a stop, a failed call): ask again before the next call. */
  forget(project_id: string): void {
    this.reached.delete(project_id);
    this.believed.delete(project_id);
  }

  private async stateOf(project_id: string): Promise<string | null | undefined> {
    try {
      return await this.backend.projectState(project_id);
    } catch (e) {
      // a key that may not read the state (cocalc.ai without project:read) still may start and use the project
      if (isApiError(e, "permission") || isApiError(e, "not-available")) return undefined;
      throw e;
    }
  }

  private async bringUp(project_id: string): Promise<void> {
    const state = await this.stateOf(project_id);
    if (state !== undefined && startStep(state) === "ready") return this.confirmed(project_id);
    this.o.onPhase?.(project_id, "starting");
    try {
      if (state === undefined || startStep(state) === "start") await this.backend.projectAction(project_id, "start");
      if (state === undefined) await ensureProjectRunning(this.backend, project_id, { deadlineMs: this.o.deadlineMs });
      else await this.untilRunning(project_id);
    } catch (raw) {
      const e = await withRunningTitles(this.backend, raw);
      this.o.onPhase?.(project_id, "failed", e instanceof ApiError ? e : undefined);
      throw e;
    }
    this.confirmed(project_id);
    this.o.onPhase?.(project_id, "running");
  }

  private async untilRunning(project_id: string): Promise<void> {
    const start = this.now();
    const deadline = start + (this.o.deadlineMs ?? 120_000);
    for (;;) {
      if ((await this.backend.projectState(project_id)) === "running") return;
      if (this.now() >= deadline) {
        throw new ApiError("project-starting", `The project did not start within ${Math.round((deadline - start) / 1000)} s.`, {
          hint: "The server may be busy; try again in a minute, or stop and start the project.",
          retryable: true,
        });
      }
      await sleep(this.o.pollMs ?? 500);
    }
  }
}
