/**
 * A stopped project starts on the first call that reaches it, and that call
 * may time out while it starts (v1: HTTP 200 {event:"error", error:"timeout"}).
 * Retrying the user's own command could run it twice, so a harmless probe
 * (`true`) is repeated instead until the project answers; only then does the
 * real command run, once.
 */
import { ApiError, isApiError } from "../../../shared/errors.js";
import { backoffDelay, sleep, type RetryPolicy } from "../api/retry.js";
import type { Backend, Op } from "./backend.js";

export interface StartOptions extends Op {
  /** give up after this long, ms */
  deadlineMs?: number;
  /** called before each new probe, for progress in the UI */
  onWaiting?: (attempt: number, elapsedMs: number) => void;
  /** called just before the command itself is sent (after any start probes) */
  onSent?: () => void;
  now?: () => number;
}

const PROBE_POLICY: RetryPolicy = { attempts: Infinity, baseDelayMs: 500, maxDelayMs: 5000 };

export async function ensureProjectRunning(backend: Backend, project_id: string, o: StartOptions = {}): Promise<void> {
  const now = o.now ?? Date.now;
  const start = now();
  const deadline = start + (o.deadlineMs ?? 90_000);
  for (let attempt = 1; ; attempt++) {
    try {
      await backend.exec({ project_id, command: "true", timeout: 5 }, { signal: o.signal });
      return;
    } catch (e) {
      const starting = isApiError(e, "project-starting") || isApiError(e, "timeout") || isApiError(e, "network");
      if (!starting) throw e;
      if (now() >= deadline) {
        throw new ApiError("project-starting", `The project did not start within ${Math.round((deadline - start) / 1000)} s.`, {
          hint: "The server may be busy; try again in a minute, or restart the project.",
          retryable: true,
          cause: e,
        });
      }
    }
    o.onWaiting?.(attempt, now() - start);
    await sleep(Math.min(backoffDelay(PROBE_POLICY, attempt), Math.max(0, deadline - now())), o.signal);
  }
}

/** A backend made by backendFor carries its start gate (projects/starting-backend); typed here by shape, as it lives a folder above. */
interface Gated {
  gate?: { ensure(project_id: string, signal?: AbortSignal): Promise<void> };
}

/**
 * Bring a project up before a call: through the backend's start gate when it
 * has one (which asks the state, starts it and waits, once for all callers,
 * and lets every call that needs the project wait for it anyway), so no
 * probe command runs on top of that; a bare adapter is probed with `true`.
 */
export function ensureProjectUp(backend: Backend, project_id: string, o: StartOptions = {}): Promise<void> {
  const gate = (backend as Gated).gate;
  return gate ? gate.ensure(project_id, o.signal) : ensureProjectRunning(backend, project_id, o);
}

/**
 * Run a user's command on a project that may be stopped: bring it up first
 * (unless it answered recently), then run the command exactly once.
 */
export class ProjectRunner {
  private readonly alive = new Map<string, number>();

  constructor(
    private readonly backend: Backend,
    private readonly freshMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  exec(input: Parameters<Backend["exec"]>[0], o: StartOptions = {}) {
    return this.run(input.project_id, (signal) => this.backend.exec(input, { signal }), o, "the command did not run");
  }

  /** Any one call that needs the project up (a folder listing, say), with the same start handling as a command. */
  async run<T>(project_id: string, call: (signal?: AbortSignal) => Promise<T>, o: StartOptions = {}, notDone = "nothing was done"): Promise<T> {
    const seen = this.alive.get(project_id);
    if (seen === undefined || this.now() - seen > this.freshMs) {
      await ensureProjectUp(this.backend, project_id, o);
    }
    try {
      if (o.signal?.aborted) throw new ApiError("cancelled", "The command was cancelled before it was sent.");
      o.onSent?.();
      const r = await call(o.signal);
      this.alive.set(project_id, this.now());
      return r;
    } catch (e) {
      this.alive.delete(project_id);
      if (isApiError(e, "project-starting")) {
        throw new ApiError("project-starting", `The project stopped and is starting again; ${notDone}.`, {
          hint: "Try again in a few seconds.",
          retryable: false,
          cause: e,
        });
      }
      throw e;
    }
  }
}
