/**
 * cocalc.ai's exec options (facts §2.2 "Exec details") on the hub's one exec
 * handler and its background jobs: 60 s default timeout, err_on_exit on by
 * default, async_call / async_get / async_await / async_cancel.
 */
import type { Hub } from "../context.js";
import { ExecJobs } from "../current/jobs.js";
import type { Account } from "../store.js";
import { handlers } from "../v1/handlers.js";
import { HandlerError } from "../v1/errors.js";

type Obj = Record<string, unknown>;

/** PROJECT_EXEC_DEFAULT_TIMEOUT_S on cocalc.ai */
const DEFAULT_TIMEOUT_S = 60;

export class AiExec {
  private readonly jobs: ExecJobs;
  /** job id → its project: jobs are kept per project, so a key scoped to one cannot reach another's */
  private readonly projectOf = new Map<string, string>();

  constructor(private readonly hub: Hub) {
    this.jobs = new ExecJobs(hub);
  }

  /** The job id, if the job belongs to the project; another project's job does not exist here. */
  private inProject(job_id: string, project_id: string): string {
    if (this.projectOf.get(job_id) !== project_id) throw new HandlerError(`Error: Async operation '${job_id}' does not exist.`);
    return job_id;
  }

  /** Run `o` in the project; the caller has checked scope and collaborator access. */
  async run(account: Account, project_id: string, o: Obj, signal: AbortSignal): Promise<Obj> {
    // Nothing starts a project but projects/start: a project that is not running has no host to run on (facts §7).
    if (this.hub.runtime.state(project_id) !== "running") throw new HandlerError(`project ${project_id} has no assigned host`);
    if (typeof o.async_cancel === "string") return this.jobs.cancel(account, this.inProject(o.async_cancel, project_id));
    if (typeof o.async_get === "string") return this.jobs.get(account, this.inProject(o.async_get, project_id), o.async_await === true, o.async_stats === true);
    const params = {
      project_id,
      command: String(o.command ?? ""),
      args: Array.isArray(o.args) ? o.args.map(String) : [],
      path: typeof o.path === "string" ? o.path : "",
      timeout: typeof o.timeout === "number" && o.timeout > 0 ? o.timeout : DEFAULT_TIMEOUT_S,
      max_output: typeof o.max_output === "number" ? o.max_output : undefined,
      bash: o.bash === true,
      err_on_exit: typeof o.err_on_exit === "boolean" ? o.err_on_exit : true,
    };
    if (o.async_call === true) {
      const job = await this.jobs.start(account, params);
      if (this.projectOf.size > 10_000) this.projectOf.clear();
      this.projectOf.set(String(job.job_id), project_id);
      return job;
    }
    const out = await handlers.project_exec(this.hub, account, params, signal, undefined, { resultWhenNotRun: true });
    return { type: "blocking", stdout: out.stdout, stderr: out.stderr, exit_code: out.exit_code };
  }
}
