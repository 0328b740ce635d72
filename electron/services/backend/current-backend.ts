/**
 * The Backend of current CoCalc servers (API v2 and the conat bridges, facts
 * §3 and §8). What this generation lacks (copy lists, deleting a scheduled
 * copy, legacy upgrades) is said in `capabilities` and answered with
 * "not available", never a raw 404.
 */
import { isGetQuery } from "../../../shared/api/common.js";
import type { ExecReply } from "../../../shared/api/current.js";
import { capabilitiesOf } from "../../../shared/domain.js";
import type {
  Capabilities,
  CopyInput,
  CopyStarted,
  CopyStatus,
  ExecInput,
  ExecResult,
  FileReadResult,
  FileRef,
  Upgrades,
} from "../../../shared/domain.js";
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { CurrentClient } from "../api/current-client.js";
import type { Backend, Op } from "./backend.js";

/** Commands longer than this run in the background (async_call), so no proxy or socket limit cuts them. */
const BLOCKING_LIMIT_S = 30;
/** How long one async_await may wait on the bridge before the app asks again, ms. */
const AWAIT_SLICE_MS = 20_000;

const notAvailable = (what: string, why: string) =>
  new ApiError("not-available", `This server does not offer ${what}: ${why}`, { hint: "It is a current CoCalc server; this feature came with API v1 and was not carried over." });

export class CurrentBackend implements Backend {
  readonly capabilities: Capabilities = capabilitiesOf("current");

  constructor(private readonly c: CurrentClient) {}

  async ping(op: Op = {}) {
    const r = await this.c.hub("system.ping", [], { ...op, idempotent: true });
    return { now: new Date(r.now).toISOString() };
  }

  async query(query: Record<string, unknown>, op: Op = {}) {
    return this.c.hub("db.userQuery", [{ query }], { ...op, idempotent: isGetQuery(query) });
  }

  async createProject(input: { title?: string; description?: string }, op: Op = {}) {
    return { project_id: await this.c.hub("projects.createProject", [input], op) };
  }

  async projectAction(project_id: string, action: "start" | "stop" | "restart", op: Op = {}) {
    // stopping takes the real server 8–10 s
    if (action !== "start") await this.c.hub("projects.stop", [{ project_id }], { ...op, bridgeTimeoutMs: 60_000 });
    if (action !== "stop") await this.c.hub("projects.start", [{ project_id }], { ...op, bridgeTimeoutMs: 60_000 });
  }

  async exec(input: ExecInput, op: Op = {}): Promise<ExecResult> {
    const timeout = input.timeout ?? 10;
    const opts = { command: input.command, args: input.args, bash: input.bash, path: input.path, timeout, max_output: input.max_output, err_on_exit: false };
    try {
      if (timeout <= BLOCKING_LIMIT_S && !op.signal) {
        // The bridge must wait longer than the command may run, or its own 15 s default wins.
        return result(await this.c.project(input.project_id, "system.exec", [opts], { bridgeTimeoutMs: (timeout + 5) * 1000 }));
      }
      return await this.execInBackground(input.project_id, opts, timeout, op);
    } catch (e) {
      if (isApiError(e, "server") && /killed command/.test(e.serverMessage ?? "")) {
        throw new ApiError("timeout", `The command was stopped after its ${timeout} s timeout.`, { hint: "Give it a longer timeout.", retryable: false, serverMessage: e.serverMessage });
      }
      throw e;
    }
  }

  /**
   * async_call starts the command and answers its job id at once; async_get
   * with async_await then waits in slices, so no bridge or socket limit cuts
   * a long command. Dropping the wait does not stop the command: cancelling
   * is done above the Backend, the same on every generation (exec/cancellable.ts).
   */
  private async execInBackground(project_id: string, opts: Record<string, unknown>, timeout: number, op: Op): Promise<ExecResult> {
    const started = await this.c.project(project_id, "system.exec", [{ ...opts, async_call: true }], { bridgeTimeoutMs: 30_000 });
    const job = started.job_id;
    if (!job) throw new ApiError("unexpected-reply", "The server started the command but gave no job id.");
    const deadline = Date.now() + (timeout + 30) * 1000;
    let r: ExecReply = started;
    while (r.status === "running" || r.status === undefined) {
      if (Date.now() > deadline) throw new ApiError("timeout", `The command did not finish within ${timeout} s.`, { retryable: false });
      r = await this.c.project(project_id, "system.exec", [{ async_get: job, async_await: true }], { bridgeTimeoutMs: AWAIT_SLICE_MS, signal: op.signal }).catch((e: unknown) => {
        // an await slice that ran out is not the command failing: ask again
        if (isApiError(e, "timeout") && !op.signal?.aborted) return r;
        throw e;
      });
    }
    if (r.status === "error" && /killed/.test(r.stderr)) {
      throw new ApiError("timeout", `The command was stopped after its ${timeout} s timeout.`, { retryable: false });
    }
    return result(r);
  }

  async readTextFiles(files: FileRef[], op: Op = {}): Promise<FileReadResult[]> {
    // No array form here: one call per file, a few at a time.
    const out: FileReadResult[] = new Array(files.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(6, files.length) }, async () => {
        while (next < files.length) {
          const i = next++;
          const f = files[i]!;
          try {
            out[i] = { ...f, content: await this.c.project(f.project_id, "system.readTextFileFromProject", [{ path: f.path }], { ...op, idempotent: true }) };
          } catch (e) {
            if (!isApiError(e) || e.retryable || e.kind === "cancelled") throw e;
            out[i] = { ...f, error: e.toData() };
          }
        }
      }),
    );
    return out;
  }

  async writeTextFile(file: FileRef, content: string, op: Op = {}) {
    await this.c.project(file.project_id, "system.writeTextFileToProject", [{ path: file.path, content }], op);
  }

  async copyPath(input: CopyInput, op: Op = {}): Promise<CopyStarted> {
    if (input.scheduled) throw notAvailable("scheduled copies", "a copy runs when it is asked for.");
    if (input.exclude?.length) {
      // Only the hub bridge takes exclude; it copies before it answers.
      const { wait_until_done: _w, ...rest } = input;
      await this.c.hub("projects.copyPathBetweenProjects", [rest], { ...op, bridgeTimeoutMs: 240_000 });
      return { copy_id: null };
    }
    const { src_path, wait_until_done, ...rest } = input;
    const r = await this.c.v2("projects/copy-path", { ...rest, path: src_path, wait_until_done: wait_until_done ?? false }, { ...op, bridgeTimeoutMs: 240_000 });
    return { copy_id: r.copy_id ? r.copy_id : null };
  }

  async copyStatus(copy_id: string, op: Op = {}): Promise<CopyStatus> {
    const r = await this.c.v2("projects/copy-path-status", { copy_id }, { ...op, idempotent: true });
    const iso = (v: string | number | null | undefined) => (v === null || v === undefined ? null : typeof v === "number" ? new Date(v).toISOString() : v);
    return { copy_id, started: iso(r.started), finished: iso(r.finished), error: r.copy_error ?? null };
  }

  async copyStatusList(): Promise<CopyStatus[]> {
    throw notAvailable("a list of copy operations", "only the status of one copy by its id.");
  }

  async copyDelete(): Promise<void> {
    throw notAvailable("deleting a scheduled copy", "there are no scheduled copies.");
  }

  async authToken(account_id: string, password: string, op: Op = {}) {
    return this.c.hub("system.generateUserAuthToken", [{ user_account_id: account_id, ...(password ? { password } : {}) }], op);
  }

  async availableUpgrades(): Promise<Upgrades> {
    throw notAvailable("upgrades", "legacy upgrades were removed; licenses and memberships replaced them.");
  }

  async logClientError(error: string, op: Op = {}) {
    await this.c.hub("system.logClientError", [{ event: "error", error }], op);
  }

  async jupyterKernels(project_id: string | undefined, op: Op = {}) {
    return this.c.hub("jupyter.kernels", [project_id ? { project_id } : {}], { ...op, idempotent: true });
  }

  async jupyterExecute(input: { kernel: string; input: string; history?: string[]; project_id?: string }, op: Op = {}) {
    // A fresh kernel takes a while to start: the first execute outlasts the 15 s default.
    return (await this.c.hub("jupyter.execute", [input], { ...op, bridgeTimeoutMs: 60_000 })).output;
  }
}

function result(r: ExecReply): ExecResult {
  return { stdout: r.stdout, stderr: r.stderr, exit_code: r.exit_code };
}
