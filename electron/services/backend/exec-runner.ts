/**
 * Running one command over a wire that has background jobs (the current
 * generation's `system.exec`, cocalc.ai's `/api/v2/exec`): short commands
 * block; long or cancellable ones start with async_call and are awaited in
 * slices, so no proxy or bridge limit cuts them, and cancelling stops them on
 * the server. The wire says how a call and a cancel travel.
 */
import type { ExecInput, ExecResult } from "../../../shared/domain.js";
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { Op } from "./backend.js";

/** The fields of an exec reply both wires share. */
export interface ExecReplyLike {
  stdout: string;
  stderr: string;
  exit_code: number;
  job_id?: string;
  status?: string;
  pid?: number;
}

export interface ExecWire {
  /** One exec call with these options; `waitMs` is how long the server may take before it answers. */
  call(opts: Record<string, unknown>, waitMs: number, signal?: AbortSignal): Promise<ExecReplyLike>;
  /** Stop a background job on the server (best effort: the person already cancelled). */
  cancel(started: ExecReplyLike): Promise<void>;
}

/** Commands longer than this run in the background (async_call), so no proxy or socket limit cuts them. */
const BLOCKING_LIMIT_S = 30;
/** How long one async_await may wait before the app asks again, ms. */
const AWAIT_SLICE_MS = 20_000;

const stoppedAfter = (timeout: number, serverMessage?: string) =>
  new ApiError("timeout", `The command was stopped after its ${timeout} s timeout.`, { hint: "Give it a longer timeout.", retryable: false, serverMessage });

export async function runExec(wire: ExecWire, input: ExecInput, op: Op = {}): Promise<ExecResult> {
  const timeout = input.timeout ?? 10;
  const opts = { command: input.command, args: input.args, bash: input.bash, path: input.path, timeout, max_output: input.max_output, err_on_exit: false };
  try {
    if (timeout <= BLOCKING_LIMIT_S && !op.signal) {
      // The bridge must wait longer than the command may run, or its own 15 s default wins.
      return result(await wire.call(opts, (timeout + 5) * 1000));
    }
    return await inBackground(wire, opts, timeout, op);
  } catch (e) {
    if (isApiError(e, "server") && /killed command/.test(e.serverMessage ?? "")) throw stoppedAfter(timeout, e.serverMessage);
    throw e;
  }
}

/**
 * async_call starts the command and answers its job id (and pid) at once;
 * async_get with async_await then waits in slices.
 */
async function inBackground(wire: ExecWire, opts: Record<string, unknown>, timeout: number, op: Op): Promise<ExecResult> {
  const started = await wire.call({ ...opts, async_call: true }, 30_000);
  const job = started.job_id;
  if (!job) throw new ApiError("unexpected-reply", "The server started the command but gave no job id.");
  const deadline = Date.now() + (timeout + 30) * 1000;
  let r: ExecReplyLike = started;
  try {
    while (r.status === "running" || r.status === undefined) {
      if (Date.now() > deadline) throw new ApiError("timeout", `The command did not finish within ${timeout} s.`, { retryable: false });
      r = await wire.call({ async_get: job, async_await: true }, AWAIT_SLICE_MS, op.signal).catch((e: unknown) => {
        // an await slice that ran out is not the command failing: ask again
        if (isApiError(e, "timeout") && !op.signal?.aborted) return r;
        throw e;
      });
    }
  } catch (e) {
    if (op.signal?.aborted) await wire.cancel(started).catch(() => undefined);
    throw e;
  }
  if (r.status === "killed" || (r.status === "error" && /killed/.test(r.stderr))) throw stoppedAfter(timeout);
  return result(r);
}

function result(r: ExecReplyLike): ExecResult {
  return { stdout: r.stdout, stderr: r.stderr, exit_code: r.exit_code };
}
