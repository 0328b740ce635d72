/**
 * Commands a person can cancel, on every server generation.
 *
 * Dropping the HTTP call does not stop a command on a real server (facts §9),
 * so each user command is started so that its process group is known: a
 * one-line prelude writes "<pid> <pgid>" of the shell that runs it to
 * ~/.cache/cocalc-desktop/run/<request_id>.pid in the project. Cancelling
 * drops the call, then a second exec sends TERM to that group, KILL after a
 * grace period, and reports how many of its processes are left. The app says
 * "stopped on the server" only when that count is zero.
 *
 * Why this design: it needs nothing but `Backend.exec`, so it is the same on
 * API v1 (no background jobs, no cancel call), the current generation and the
 * ai one; the servers already start every command as the leader of its own
 * process group (execute-code's `detached`), so the group is the command's
 * whole tree, and the server's own timeout still kills it. Where the shell is
 * not its group's leader, only its own descendants are signalled, never a
 * group it shares with the server.
 */
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { ExecInput, ExecResult } from "../../../shared/domain.js";
import type { Backend } from "../backend/backend.js";
import type { ProjectRunner } from "../backend/project-start.js";
import { captureRedirects, OutputFollower, PRUNE_OLD, RUN_DIR, runPath, type OutputSink } from "./live-output.js";

const runFile = (request_id: string) => runPath(request_id, "pid");
/** "<pid> <pgid>" of this shell; /proc first (always there on Linux), ps where it is not. */
const PID_PGID = `echo "$$ $( (cut -d' ' -f5 /proc/$$/stat || ps -o pgid= -p $$) 2>/dev/null | tr -d ' ')"`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkId(request_id: string): void {
  // the id goes into shell text: only a uuid may
  if (!UUID.test(request_id)) throw new ApiError("invalid-input", "A command's request id must be a UUID.");
}

/**
 * The command as it is sent: the same program, arguments, exit status, stdout
 * and stderr, with the run file written first and removed at the end, and
 * its output copied into capture files the app reads while it runs.
 * A bash script gets the prelude on its first line, so line numbers in its
 * messages stay the same; a command with arguments runs under `bash -c`.
 */
export function wrapCommand(input: ExecInput, request_id: string): ExecInput {
  checkId(request_id);
  const f = runFile(request_id);
  const capture = captureRedirects(request_id, input.max_output);
  const isBash = input.bash === true || ((input.args ?? []).length === 0 && /\s/.test(input.command.trim()));
  const { args, ...rest } = input;
  if (isBash) {
    const prelude = `mkdir -p ${RUN_DIR} && ${PRUNE_OLD}${PID_PGID} > ${f}; trap 'rm -f ${f}' EXIT; exec ${capture}; `;
    return { ...rest, bash: true, command: prelude + input.command };
  }
  // No variables of the wrapper reach the command: they are not exported.
  const script = `f=${f}; mkdir -p ${RUN_DIR} && ${PRUNE_OLD}${PID_PGID} > "$f"; "$@" ${capture}; s=$?; rm -f "$f"; exit $s`;
  return { ...rest, bash: false, command: "bash", args: ["-c", script, "cocalc-desktop", input.command, ...(args ?? [])] };
}

/** How long the stop script waits: for the run file, after TERM, after KILL (seconds). */
export interface StopTimes {
  waitStart: number;
  grace: number;
  afterKill: number;
}
export const STOP_TIMES: StopTimes = { waitStart: 10, grace: 3, afterKill: 3 };

/**
 * The second call: signal the command's group (or, where it leads none, its
 * own descendants), TERM first and KILL after the grace period; then count
 * what is left, zombies excluded, and print one line the app reads.
 */
export function stopScript(request_id: string, t: StopTimes = STOP_TIMES): string {
  checkId(request_id);
  const f = runFile(request_id);
  // capture files of processes killed here are not removed by them
  const files = `"$f" ${runPath(request_id, "out")} ${runPath(request_id, "err")}`;
  const ticks = (s: number) => Math.max(1, Math.round(s * 10));
  return [
    `f=${f}`,
    `i=0; while [ ! -s "$f" ] && [ $i -lt ${ticks(t.waitStart)} ]; do sleep 0.1; i=$((i+1)); done`,
    `[ -s "$f" ] || { echo "cocalc-stop: no-run-file"; exit 0; }`,
    `read -r pid pgid < "$f"`,
    `case "$pid$pgid" in ''|*[!0-9]*) echo "cocalc-stop: bad-run-file"; exit 0;; esac`,
    // the processes to stop: the whole group if the shell leads it, else the shell and its descendants
    `tree() { local c; for c in $(pgrep -P "$1" 2>/dev/null); do tree "$c"; done; echo "$1"; }`,
    `members() { if [ "$pid" = "$pgid" ]; then for s in /proc/[0-9]*/stat; do read -r l < "$s" 2>/dev/null || continue; r=\${l##*) }; set -- $r; [ "$1" != Z ] && [ "$3" = "$pgid" ] && echo "\${s//[!0-9]/}"; done; else for p in $(tree "$pid"); do [ -e /proc/$p ] && [ "$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null)" != Z ] && echo "$p"; done; fi; }`,
    `signal() { if [ "$pid" = "$pgid" ]; then kill -"$1" -- "-$pgid" 2>/dev/null; else kill -"$1" $(tree "$pid") 2>/dev/null; fi; }`,
    `left() { members | wc -l | tr -d ' '; }`,
    `[ "$(left)" = 0 ] && { rm -f ${files}; echo "cocalc-stop: left 0"; exit 0; }`,
    `signal TERM`,
    `i=0; while [ "$(left)" != 0 ] && [ $i -lt ${ticks(t.grace)} ]; do sleep 0.1; i=$((i+1)); done`,
    `if [ "$(left)" != 0 ]; then signal KILL; i=0; while [ "$(left)" != 0 ] && [ $i -lt ${ticks(t.afterKill)} ]; do sleep 0.1; i=$((i+1)); done; fi`,
    `n=$(left); [ "$n" = 0 ] && rm -f ${files}; echo "cocalc-stop: left $n"`,
  ].join("\n");
}

export type StopReport = { kind: "left"; count: number } | { kind: "no-run-file" } | { kind: "unreadable" };

/** The stop script's last line. */
export function parseStopReport(stdout: string): StopReport {
  const m = /cocalc-stop: (left (\d+)|no-run-file|bad-run-file)\s*$/.exec(stdout);
  if (!m) return { kind: "unreadable" };
  if (m[2] !== undefined) return { kind: "left", count: Number(m[2]) };
  return m[1] === "no-run-file" ? { kind: "no-run-file" } : { kind: "unreadable" };
}

export interface CancelOutcome {
  /** true only when a check on the server found none of the command's processes left */
  stopped: boolean;
  error: ApiError;
}

const cancelled = (message: string, hint: string, stopped: boolean): CancelOutcome => ({ stopped, error: new ApiError("cancelled", message, { hint }) });

/** What the person is told, from what is known. */
export function describeCancel(r: StopReport | { kind: "never-sent" } | { kind: "unreachable"; why: string }): CancelOutcome {
  switch (r.kind) {
    case "never-sent":
      return cancelled("The command was cancelled before it was sent; nothing ran on the server.", "Run it again when you want.", true);
    case "left":
      return r.count === 0
        ? cancelled("The command was cancelled and stopped on the server; none of its processes are left.", "Run it again when you want.", true)
        : cancelled(
            `The command was cancelled here, but ${r.count} of its processes ${r.count === 1 ? "is" : "are"} still running on the server.`,
            "They did not stop when asked to; stop them from a terminal in the project, or restart the project.",
            false,
          );
    case "no-run-file":
      return cancelled(
        "The command was cancelled here; it may still be running on the server (the server did not show that it had started it).",
        "Check the project for its processes or its output before running it again.",
        false,
      );
    case "unreadable":
      return cancelled("The command was cancelled here; it may still be running on the server (the check on the server gave no clear answer).", "Check the project for its processes before running it again.", false);
    case "unreachable":
      return cancelled(
        `The command was cancelled here; it may still be running on the server (the server could not be reached to stop it: ${r.why}).`,
        "When the server answers again, check the project for the command's processes.",
        false,
      );
  }
}

interface Run {
  ac: AbortController;
  backend: Backend;
  project_id: string;
  request_id: string;
  sent: boolean;
  stopping?: Promise<CancelOutcome>;
  follower?: OutputFollower;
}

/** The commands running now, by request id, and how to stop each. */
export class CancellableRuns {
  private readonly runs = new Map<string, Run>();

  private readonly times: StopTimes;

  /**
   * `onOutput`: where a running command's new output goes (the console shows it as it comes);
   * `log`: one line per followed command, with how many reads it took.
   */
  constructor(private readonly o: { times?: StopTimes; onOutput?: OutputSink; log?: (line: string) => void } = {}) {
    this.times = o.times ?? STOP_TIMES;
  }

  has(request_id: string): boolean {
    return this.runs.has(request_id);
  }

  async run(backend: Backend, runner: ProjectRunner, input: ExecInput, request_id: string): Promise<ExecResult> {
    if (this.runs.has(request_id)) throw new ApiError("invalid-input", "A command with this request id is already running.");
    const wrapped = wrapCommand(input, request_id);
    const run: Run = { ac: new AbortController(), backend, project_id: input.project_id, request_id, sent: false };
    this.runs.set(request_id, run);
    const t0 = Date.now();
    const onSent = () => {
      run.sent = true;
      if (!this.o.onOutput) return;
      run.follower = new OutputFollower(backend, input.project_id, request_id, this.o.onOutput);
      run.follower.start();
    };
    try {
      return await runner.exec(wrapped, { signal: run.ac.signal, onSent });
    } catch (e) {
      if (run.stopping && (run.ac.signal.aborted || isApiError(e, "cancelled"))) throw (await run.stopping).error;
      throw e;
    } finally {
      run.follower?.stop();
      this.runs.delete(request_id);
      const s = (Date.now() - t0) / 1000;
      if (run.follower) this.o.log?.(`command ${request_id}: its output was read ${run.follower.reads} times in ${s.toFixed(1)} s (${(run.follower.reads / Math.max(s, 1)).toFixed(2)} calls/s)`);
    }
  }

  /** Cancel one command; resolves once it is known what became of it on the server. */
  async cancel(request_id: string): Promise<CancelOutcome | undefined> {
    const run = this.runs.get(request_id);
    if (!run) return undefined;
    run.stopping ??= this.stop(run);
    return run.stopping;
  }

  /** Drop every call (switching servers); the commands are stopped as far as the server can be reached. */
  async cancelAll(): Promise<void> {
    await Promise.allSettled([...this.runs.keys()].map((id) => this.cancel(id)));
  }

  private async stop(run: Run): Promise<CancelOutcome> {
    run.ac.abort();
    if (!run.sent) return describeCancel({ kind: "never-sent" });
    // what the command printed up to now is read before it is stopped, so the person keeps it
    await run.follower?.readOnce();
    run.follower?.stop();
    const t = this.times;
    try {
      const r = await run.backend.exec({ project_id: run.project_id, command: stopScript(run.request_id, t), bash: true, timeout: Math.ceil(t.waitStart + t.grace + t.afterKill + 15) });
      return describeCancel(parseStopReport(r.stdout));
    } catch (e) {
      return describeCancel({ kind: "unreachable", why: isApiError(e) ? e.message : String(e) });
    }
  }
}
