/**
 * Background commands (async_call / async_get / async_await): the command
 * starts at once and answers its job id and process group; its result is
 * fetched later, optionally waiting for it.
 */
import { randomUUID } from "node:crypto";
import type { Hub } from "../context.js";
import type { Account } from "../store.js";
import { handlers, toHandlerError } from "../v1/handlers.js";
import { HandlerError } from "../v1/errors.js";

interface Job {
  job_id: string;
  account_id: string;
  start: number;
  pid?: number;
  status: "running" | "completed" | "error" | "killed";
  stdout: string;
  stderr: string;
  exit_code: number;
  elapsed_s?: number;
  done: Promise<void>;
  /** aborting kills the job's whole process group */
  abort: AbortController;
}

/** Finished jobs are kept this long for a late async_get. */
const KEEP_MS = 10 * 60 * 1000;

export class ExecJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly hub: Hub) {}

  async start(account: Account, params: Parameters<(typeof handlers)["project_exec"]>[2]): Promise<Record<string, unknown>> {
    await this.hub.runtime.start(params.project_id);
    let spawned: (pid: number) => void = () => undefined;
    const pid = new Promise<number | undefined>((resolve) => {
      spawned = resolve;
      setTimeout(() => resolve(undefined), 2000);
    });
    const job: Job = {
      job_id: randomUUID(), account_id: account.account_id, start: Date.now(), status: "running", stdout: "", stderr: "", exit_code: 0, done: Promise.resolve(), abort: new AbortController(),
    };
    job.done = handlers
      .project_exec(this.hub, account, { ...params, err_on_exit: false }, job.abort.signal, (p) => spawned(p), { resultWhenNotRun: true })
      .then((r) => {
        Object.assign(job, { status: "completed", stdout: r.stdout, stderr: r.stderr, exit_code: r.exit_code });
      })
      .catch((e: unknown) => {
        if (job.status === "killed") return;
        const v = toHandlerError(e).value;
        Object.assign(job, { status: "error", stderr: typeof v === "string" ? v : JSON.stringify(v), exit_code: 1 });
      })
      .finally(() => {
        job.elapsed_s = (Date.now() - job.start) / 1000;
        setTimeout(() => this.jobs.delete(job.job_id), KEEP_MS).unref();
      });
    this.jobs.set(job.job_id, job);
    job.pid = await pid;
    return this.view(job, false);
  }

  async get(account: Account, job_id: string, wait: boolean, stats: boolean): Promise<Record<string, unknown>> {
    const job = this.jobs.get(job_id);
    if (!job || job.account_id !== account.account_id) throw new HandlerError(`Error: Async operation '${job_id}' does not exist.`);
    if (wait) await job.done;
    return this.view(job, stats);
  }

  /** SIGKILL the job's process group and answer its final record, status "killed" (a finished job is answered as it is). */
  async cancel(account: Account, job_id: string): Promise<Record<string, unknown>> {
    const job = this.jobs.get(job_id);
    if (!job || job.account_id !== account.account_id) throw new HandlerError(`Error: Async operation '${job_id}' does not exist.`);
    if (job.status === "running") {
      job.status = "killed";
      job.abort.abort();
      await job.done;
    }
    return this.view(job, false);
  }

  private view(j: Job, stats: boolean): Record<string, unknown> {
    return {
      type: "async",
      stdout: j.stdout,
      stderr: j.stderr,
      exit_code: j.exit_code,
      start: j.start,
      job_id: j.job_id,
      status: j.status,
      ...(j.pid === undefined ? {} : { pid: j.pid }),
      ...(j.elapsed_s === undefined ? {} : { elapsed_s: j.elapsed_s }),
      ...(stats ? { stats: [] } : {}),
    };
  }
}
