/**
 * The Backend of current CoCalc servers (API v2 and the conat bridges, facts
 * §3 and §8). What this generation lacks (copy lists, deleting a scheduled
 * copy, legacy upgrades) is said in `capabilities` and answered with
 * "not available", never a raw 404.
 */
import { isGetQuery } from "../../../shared/api/common.js";
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
  ProjectAction,
  ProjectUpdate,
  Upgrades,
} from "../../../shared/domain.js";
import { ApiError } from "../../../shared/errors.js";
import { runExec, type ExecWire } from "./exec-runner.js";
import { readOneByOne } from "./read-one-by-one.js";
import type { CurrentClient } from "../api/current-client.js";
import type { Backend, Op } from "./backend.js";
import { queryCollaborators, queryGetProject, queryListProjects, queryProjectState, queryDeleteProject, queryUpdateProject, queryWhoAmI } from "./query-operations.js";

const notAvailable = (what: string, why: string) =>
  new ApiError("not-available", `This server does not offer ${what}: ${why}`, { hint: "It is a current CoCalc server; this feature came with API v1 and was not carried over." });

export class CurrentBackend implements Backend {
  readonly capabilities: Capabilities = capabilitiesOf("current");

  constructor(private readonly c: CurrentClient) {}

  get server(): string {
    return this.c.server;
  }

  async ping(op: Op = {}) {
    const r = await this.c.hub("system.ping", [], { ...op, idempotent: true });
    return { now: new Date(r.now).toISOString() };
  }

  /** The database query: the project and account operations go through it here, as on v1. */
  private readonly query = async (query: Record<string, unknown>, op: Op = {}) => this.c.hub("db.userQuery", [{ query }], { ...op, idempotent: isGetQuery(query) });

  whoAmI(op?: Op) {
    return queryWhoAmI(this.query, op);
  }

  listProjects(op?: Op) {
    return queryListProjects(this.query, op);
  }

  getProject(project_id: string, op?: Op) {
    return queryGetProject(this.query, project_id, op);
  }

  updateProject(project_id: string, fields: ProjectUpdate, op?: Op) {
    return queryUpdateProject(this.query, project_id, fields, op);
  }

  deleteProject(project_id: string, deleted: boolean, op?: Op) {
    return queryDeleteProject(this.query, project_id, deleted, op);
  }

  projectState(project_id: string, op?: Op) {
    return queryProjectState(this.query, project_id, op);
  }

  collaborators(project_id: string, op?: Op) {
    return queryCollaborators(this.query, project_id, op);
  }


  async createProject(input: { title?: string; description?: string }, op: Op = {}) {
    return { project_id: await this.c.hub("projects.createProject", [input], op) };
  }

  async projectAction(project_id: string, action: ProjectAction, op: Op = {}) {
    // stopping takes the real server 8–10 s
    if (action !== "start") await this.c.hub("projects.stop", [{ project_id }], { ...op, bridgeTimeoutMs: 60_000 });
    if (action !== "stop") await this.c.hub("projects.start", [{ project_id }], { ...op, bridgeTimeoutMs: 60_000 });
  }

  exec(input: ExecInput, op: Op = {}): Promise<ExecResult> {
    return runExec(this.execWire(input.project_id), input, op);
  }

  /** Commands go through the project bridge's system.exec; cancelling kills the job's process group, so it does not run on unseen. */
  private execWire(project_id: string): ExecWire {
    return {
      call: (opts, waitMs, signal) => this.c.project(project_id, "system.exec", [opts], { bridgeTimeoutMs: waitMs, signal }),
      cancel: async (started) => {
        if (!started.pid) return;
        await this.c.project(project_id, "system.exec", [{ command: "kill", args: ["-KILL", "--", `-${started.pid}`], err_on_exit: false, timeout: 5 }], { bridgeTimeoutMs: 10_000 });
      },
    };
  }

  readTextFiles(files: FileRef[], op: Op = {}): Promise<FileReadResult[]> {
    // No array form here: one call per file, a few at a time.
    return readOneByOne(files, (f) => this.c.project(f.project_id, "system.readTextFileFromProject", [{ path: f.path }], { ...op, idempotent: true }));
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
