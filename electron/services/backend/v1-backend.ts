/** The Backend of servers that speak HTTP API v1 (self-hosted CoCalc before mid-2025, and the local hub). */
import { spawnEnoent } from "./spawn-failure.js";
import { errorValueText } from "../../../shared/api/common.js";
import type { CopyOperation } from "../../../shared/api/v1.js";
import { capabilitiesOf } from "../../../shared/domain.js";
import type {
  Capabilities,
  CopyInput,
  CopyListFilter,
  CopyStarted,
  CopyStatus,
  ExecInput,
  ExecResult,
  LearnedCapabilities,
  FileReadResult,
  FileRef,
  ProjectAction,
  ProjectUpdate,
  Upgrades,
} from "../../../shared/domain.js";
import { ApiError, isApiError } from "../../../shared/errors.js";
import { serverError } from "../api/classify.js";
import type { V1Client } from "../api/v1-client.js";
import type { Backend, Op } from "./backend.js";
import { probeCopySchedule, probeCreateAccount } from "./probe-capabilities.js";
import { queryCollaborators, queryGetProject, queryListProjects, queryProjectState, queryDeleteProject, queryUpdateProject, queryWhoAmI } from "./query-operations.js";
import { judgeByteList, looksLikeByteList, parseSha256sumZ } from "./file-content.js";

/** Entries per array-form read: bounded so one reply stays a sane size. */
const READ_BATCH = 50;

export class V1Backend implements Backend {
  readonly capabilities: Capabilities = capabilitiesOf("v1");

  constructor(private readonly client: V1Client) {}

  get server(): string {
    return this.client.server;
  }

  async probeCapabilities(want: { copySchedule?: { project_id: string }; createAccount?: boolean }): Promise<LearnedCapabilities> {
    const out: LearnedCapabilities = {};
    if (want.copySchedule) {
      const v = await probeCopySchedule(this.client, want.copySchedule.project_id);
      if (v !== undefined) out.copySchedule = v;
    }
    if (want.createAccount) {
      const v = await probeCreateAccount(this.client);
      if (v !== undefined) out.createAccount = v;
    }
    return out;
  }

  async ping(op: Op = {}): Promise<{ now: string }> {
    const r = await this.client.call("ping", {}, op);
    return { now: r.now ?? new Date().toISOString() };
  }

  /** The database query: every project and account operation goes through it on v1. */
  private readonly query = async (query: Record<string, unknown>, op: Op = {}): Promise<Record<string, unknown>> => (await this.client.call("query", { query }, op)).query;

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
    const r = await this.client.call("create_project", input, op);
    return { project_id: r.project_id };
  }

  async projectAction(project_id: string, action: ProjectAction, op: Op = {}): Promise<void> {
    await this.query({ projects: { project_id, action_request: { action, time: new Date().toISOString() } } }, op);
  }

  async exec(input: ExecInput, op: Op = {}): Promise<ExecResult> {
    try {
      const r = await this.client.call("project_exec", { ...input, err_on_exit: false }, op);
      return { stdout: r.stdout, stderr: r.stderr, exit_code: r.exit_code };
    } catch (e) {
      // A command that could not start (its folder is gone, the program is missing) is an error on v1 whatever
      // err_on_exit says (facts §10); the current generation answers it as exit 1 with the spawn error. Taken as
      // that result, so one explanation in the user's terms serves both.
      if (isApiError(e, "server") && spawnEnoent(e.serverMessage ?? "") !== null) return { stdout: "", stderr: e.serverMessage!, exit_code: 1 };
      if (isApiError(e, "server") && /killed command/.test(e.serverMessage ?? "")) {
        throw new ApiError("timeout", `The command was stopped after its ${input.timeout ?? 10} s timeout.`, {
          hint: "Give it a longer timeout, or start it in the background.",
          retryable: false,
          serverMessage: e.serverMessage,
        });
      }
      throw e;
    }
  }

  async readTextFiles(files: FileRef[], op: Op = {}): Promise<FileReadResult[]> {
    const out: FileReadResult[] = [];
    for (let i = 0; i < files.length; i += READ_BATCH) {
      out.push(...(await this.readBatch(files.slice(i, i + READ_BATCH), op)));
    }
    return this.confirmByteLists(out, op);
  }

  private async readBatch(files: FileRef[], op: Op): Promise<FileReadResult[]> {
    if (files.length === 1) return [await this.readOne(files[0]!, op)];
    let content;
    try {
      content = (
        await this.client.call(
          "read_text_file_from_project",
          { project_id: files.map((f) => f.project_id), path: files.map((f) => f.path) },
          op,
        )
      ).content;
    } catch (e) {
      // One unreadable entry fails the whole array call; read one by one to say which.
      if (isApiError(e, "permission") || isApiError(e, "server")) {
        const each: FileReadResult[] = [];
        for (const f of files) each.push(await this.readOne(f, op));
        return each;
      }
      throw e;
    }
    if (!Array.isArray(content)) {
      throw new ApiError("unexpected-reply", "The server answered a read of several files with one file's content.");
    }
    // The array comes back in no fixed order; put it back in the order asked.
    return files.map((f) => {
      const hit = content.find((c) => c.project_id === f.project_id && c.path === f.path);
      if (!hit) return { ...f, error: new ApiError("unexpected-reply", `The server did not return ${f.path}.`).toData() };
      return typeof hit.content === "string"
        ? { ...f, content: hit.content }
        : { ...f, error: serverError(`reading ${f.path}`, hit.error as string | undefined).toData() };
    });
  }

  private async readOne(f: FileRef, op: Op): Promise<FileReadResult> {
    try {
      const r = await this.client.call("read_text_file_from_project", { project_id: f.project_id, path: f.path }, op);
      if (typeof r.content !== "string") throw new ApiError("unexpected-reply", "The server answered a single read with a list.");
      return { ...f, content: r.content };
    } catch (e) {
      if (isApiError(e) && !e.retryable && e.kind !== "cancelled") return { ...f, error: e.toData() };
      throw e;
    }
  }

  /** Decode byte-list replies only where the file's hash on the server confirms it. */
  private async confirmByteLists(results: FileReadResult[], op: Op): Promise<FileReadResult[]> {
    const suspect = results.filter((r): r is FileReadResult & { content: string } => "content" in r && looksLikeByteList(r.content));
    if (suspect.length === 0) return results;
    const hashes = new Map<string, Map<string, string>>();
    for (const project_id of new Set(suspect.map((s) => s.project_id))) {
      const paths = [...new Set(suspect.filter((s) => s.project_id === project_id).map((s) => s.path))];
      const r = await this.exec({ project_id, command: "sha256sum", args: ["-z", "--", ...paths], timeout: 60 }, op);
      hashes.set(project_id, parseSha256sumZ(r.stdout));
    }
    return results.map((r) => {
      if (!("content" in r) || !looksLikeByteList(r.content)) return r;
      const verdict = judgeByteList(r.content, hashes.get(r.project_id)?.get(r.path));
      const ref = { project_id: r.project_id, path: r.path };
      switch (verdict.kind) {
        case "text":
          return { ...ref, content: verdict.content };
        case "folder":
          return { ...ref, error: new ApiError("server", `${r.path} is a folder, not a text file.`, { hint: "Open a file inside it instead." }).toData() };
        case "binary":
          return { ...ref, error: new ApiError("bad-content", `${r.path} is not a text file.`, { hint: "Binary files cannot be opened as text." }).toData() };
        case "mismatch":
          return {
            ...ref,
            error: new ApiError("bad-content", `The content of ${r.path} could not be confirmed; it may have changed while it was read.`).toData(),
          };
      }
    });
  }

  async writeTextFile(file: FileRef, content: string, op: Op = {}): Promise<void> {
    await this.client.call("write_text_file_to_project", { ...file, content }, op);
  }

  async copyPath(input: CopyInput, op: Op = {}): Promise<CopyStarted> {
    const r = await this.client.call("copy_path_between_projects", input, op);
    // A bare {event:"success"} (documented, never seen) and copy_path_id "" both mean: done.
    const id = r.event === "copy_path_between_projects_response" ? r.copy_path_id : undefined;
    return { copy_id: id ? id : null };
  }

  async copyStatus(copy_id: string, op: Op = {}): Promise<CopyStatus> {
    const { data } = await this.client.call("copy_path_status", { copy_path_id: copy_id }, op);
    if (typeof data === "string" || Array.isArray(data)) {
      throw new ApiError("unexpected-reply", "The server answered a copy status with something other than one operation.");
    }
    return toCopyStatus(data);
  }

  async copyStatusList(filter: CopyListFilter, op: Op = {}): Promise<CopyStatus[]> {
    const { data } = await this.client.call("copy_path_status", filter, op);
    if (!Array.isArray(data)) throw new ApiError("unexpected-reply", "The server answered a copy list with something other than a list.");
    return data.map(toCopyStatus);
  }

  async copyDelete(copy_id: string, op: Op = {}): Promise<void> {
    await this.client.call("copy_path_delete", { copy_path_id: copy_id }, op);
  }

  async authToken(account_id: string, password: string, op: Op = {}): Promise<string> {
    return (await this.client.call("user_auth", { account_id, password }, op)).auth_token;
  }

  async availableUpgrades(op: Op = {}): Promise<Upgrades> {
    const r = await this.client.call("get_available_upgrades", {}, op);
    return { total: r.total, excess: r.excess, available: r.available };
  }

  async logClientError(error: string, op: Op = {}): Promise<void> {
    await this.client.call("log_client_error", { error }, op);
  }

  async jupyterKernels(project_id: string | undefined, op: Op = {}): Promise<unknown[]> {
    return (await this.client.call("jupyter_kernels", project_id ? { project_id } : {}, op)).kernels;
  }

  async jupyterExecute(input: { kernel: string; input: string; history?: string[]; project_id?: string }, op: Op = {}) {
    return (await this.client.call("jupyter_execute", input, op)).output;
  }
}

function toCopyStatus(d: CopyOperation): CopyStatus {
  const err = d.error === null || d.error === undefined ? null : errorValueText(d.error);
  return {
    copy_id: d.copy_path_id,
    source_project_id: d.source_project_id,
    source_path: d.source_path,
    target_project_id: d.target_project_id,
    target_path: d.target_path,
    time: d.time ?? null,
    scheduled: d.scheduled ?? null,
    started: d.started ?? null,
    finished: d.finished ?? null,
    error: err,
  };
}

