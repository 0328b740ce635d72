/**
 * The Backend of cocalc.ai (cocalc-ai-facts §2.2): identity, the project list
 * and project changes over /api/v2, state through the one allowlisted hub
 * RPC, commands over /api/v2/exec (or the project bridge where a project has
 * no host), files over the project bridge. What a key cannot do there
 * (database queries, sign-in tokens, the server's copy, managing keys) is said
 * in `capabilities` and answered with "not available", saying why.
 */
import { z } from "zod";
import { AiProjectRow, type AiExecReply } from "../../../shared/api/ai.js";
import { capabilitiesOf } from "../../../shared/domain.js";
import type { Capabilities, CopyInput, CopyStarted, CopyStatus, ExecInput, ExecResult, FileReadResult, FileRef, Identity, ProjectAction, ProjectUpdate, ProjectUser, Upgrades } from "../../../shared/domain.js";
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { AiClient } from "../api/ai-client.js";
import type { Backend, Op, ProjectCreated, ServerProjectDetails, ServerProjectSummary } from "./backend.js";
import { runExec, type ExecWire } from "./exec-runner.js";
import { readOneByOne } from "./read-one-by-one.js";

/** projects/get answers 50 by default; the app shows them all. */
const PROJECT_LIMIT = 10_000;
/** States are asked one project at a time, so only for the most recent ones. */
const STATES_FOR = 100;
const STATE_PARALLEL = 6;

/** `project <id> has no assigned host`: /api/v2/exec cannot reach it, the project bridge can (facts §6). */
const NO_HOST = /has no assigned host/;

/**
 * How long the bridge may wait on a project that ran at an earlier process's
 * last call but may have stopped since. A stopped project never answers (the
 * bridge waits for it into its timeout, facts §6-7), so this is what a stop
 * costs before the app starts the project; a running one answers a listing
 * of 30,000 files in 0.6 s (server facts §9), and the bridge's own default
 * is 15 s. A first call that outlasts it fails as a timeout, and the next
 * run asks the project's state first.
 */
export const UNCONFIRMED_BRIDGE_MS = 8_000;

const notAvailable = (what: string, why: string, hint?: string) =>
  new ApiError("not-available", `cocalc.ai does not offer ${what} to API keys: ${why}`, { hint: hint ?? "This is a limit of cocalc.ai's API keys, not of this app." });

export class AiBackend implements Backend {
  readonly capabilities: Capabilities = capabilitiesOf("ai");
  /** projects whose commands go through the project bridge, learned from /api/v2/exec's "no assigned host" */
  private readonly execOverBridge = new Set<string>();

  constructor(private readonly c: AiClient) {}

  get server(): string {
    return this.c.server;
  }

  /** The projects learned to take commands through the project bridge (kept by a headless sync between runs). */
  bridgeProjects(): string[] {
    return [...this.execOverBridge];
  }

  /** Send these projects' commands through the project bridge from the start. */
  preferBridge(project_ids: readonly string[]): void {
    for (const id of project_ids) this.execOverBridge.add(id);
  }

  async ping(op: Op = {}) {
    const r = await this.c.hub("system.ping", [], { ...op, idempotent: true });
    return { now: new Date(r.now).toISOString() };
  }

  async whoAmI(op: Op = {}): Promise<Identity> {
    const { profile } = await this.c.v2("accounts/profile", {}, { ...op, idempotent: true });
    // An unknown key is not an error on this route: it answers an empty profile.
    if (!profile.account_id) throw new ApiError("auth", "The server did not accept the API key (it answered an empty profile).", { hint: `Check the key, or make a new one in Settings → SSH & API keys at ${this.c.keysPage}.` });
    return { account_id: profile.account_id, email_address: profile.email_address ?? null, is_admin: profile.is_admin ?? null };
  }

  private async projectRows(op: Op): Promise<z.infer<typeof AiProjectRow>[]> {
    const rows = await this.c.v2("projects/get", { limit: PROJECT_LIMIT }, { ...op, idempotent: true });
    return rows.flatMap((r) => {
      const p = AiProjectRow.safeParse(r);
      return p.success ? [p.data] : [];
    });
  }

  /**
   * The list has no date or state: the order is the server's (most recently
   * edited first), and the state of the first projects is asked one by one.
   * A refusal there is how the app learns a project is out of this key's reach.
   */
  async listProjects(op: Op = {}): Promise<ServerProjectSummary[]> {
    const rows = await this.projectRows(op);
    const out: ServerProjectSummary[] = rows.map((r) => ({ project_id: r.project_id, title: r.title ?? "", description: r.description ?? "", last_edited: null, deleted: false, state: null }));
    let next = 0;
    const head = out.slice(0, STATES_FOR);
    await Promise.all(
      Array.from({ length: Math.min(STATE_PARALLEL, head.length) }, async () => {
        while (next < head.length) {
          const p = head[next++]!;
          Object.assign(p, await this.stateOrDenial(p.project_id, op));
        }
      }),
    );
    return out;
  }

  /** The state, or which capability the key lacked for it; any other failure leaves both unknown. */
  private async stateOrDenial(project_id: string, op: Op): Promise<{ state: string | null; key_denied?: string | null }> {
    try {
      return { state: await this.projectState(project_id, op), key_denied: null };
    } catch (e) {
      if (isApiError(e, "permission") && e.capability) return { state: null, key_denied: e.capability };
      if (isApiError(e, "cancelled")) throw e;
      return { state: null };
    }
  }

  async getProject(project_id: string, op: Op = {}): Promise<ServerProjectDetails> {
    const row = (await this.projectRows(op)).find((r) => r.project_id === project_id);
    if (!row) throw new ApiError("permission", `The project ${project_id} is not among this account's projects.`, { hint: "Check that the account of this key is a collaborator on it.", project_id });
    const [s, users] = await Promise.all([
      this.stateOrDenial(project_id, op),
      this.collaborators(project_id, op).then(
        (u) => ({ users: u, denied: undefined as string | undefined }),
        (e: unknown) => {
          if (isApiError(e, "permission") && e.capability) return { users: {}, denied: e.capability };
          throw e;
        },
      ),
    ]);
    const key_denied = s.key_denied ?? users.denied ?? (s.key_denied === null ? null : undefined);
    return { project_id, title: row.title ?? "", description: row.description ?? "", last_edited: null, deleted: false, state: s.state, users: users.users, created: null, ...(key_denied === undefined ? {} : { key_denied }) };
  }

  async updateProject(project_id: string, fields: ProjectUpdate, op: Op = {}): Promise<void> {
    if (fields.title === undefined && fields.description === undefined) throw new ApiError("invalid-input", "Nothing to change: give a title or a description.");
    await this.c.v2("projects/update", { project_id, ...fields }, op);
  }

  async createProject(input: { title?: string; description?: string }, op: Op = {}): Promise<ProjectCreated> {
    const { project_id } = await this.c.v2("projects/create", input, op);
    // A key never gains a project it made (facts §1.4): only the browser can add it to the key's list.
    return {
      project_id,
      notice: `The project was made, but this API key cannot open it yet: add it to the key's projects in Settings → SSH & API keys at ${this.c.keysPage}.`,
    };
  }

  async deleteProject(): Promise<void> {
    throw notAvailable("deleting a project", "there is no delete route for API keys (projects/delete is gone), and database queries are refused to keys.", "Delete it in the browser, at the project's settings on cocalc.ai.");
  }

  async projectAction(project_id: string, action: ProjectAction, op: Op = {}): Promise<void> {
    if (action !== "start") await this.c.v2("projects/stop", { project_id }, op);
    // start does not wait for the project to run; the next call that needs it waits
    if (action !== "stop") await this.c.v2("projects/start", { project_id }, op);
  }

  async projectState(project_id: string, op: Op = {}): Promise<string | null> {
    const r = await this.c.hub("projects.getProjectState", [{ project_id }], { ...op, idempotent: true });
    // a project never started has no state at all (facts §7): it is not running, and says so
    return r.state ?? "not started";
  }

  async collaborators(project_id: string, op: Op = {}): Promise<Record<string, ProjectUser>> {
    const list = await this.c.v2("projects/collaborators/list", { project_id }, { ...op, idempotent: true });
    const name = (u: (typeof list)[number]) => u.display_name || [u.first_name, u.last_name].filter(Boolean).join(" ") || null;
    // This route does not say who owns the project, so no group is claimed.
    return Object.fromEntries(list.map((u) => [u.account_id, { group: null, name: name(u) }]));
  }

  exec(input: ExecInput, op: Op = {}): Promise<ExecResult> {
    return runExec(this.execWire(input.project_id, op.unconfirmed === true), input, op);
  }

  /**
   * /api/v2/exec first; a project without a host answers "no assigned host"
   * there, and its commands go through the project bridge from then on.
   * Cancelling asks the server to kill the job (async_cancel).
   */
  private execWire(project_id: string, unconfirmed = false): ExecWire {
    const send = async (opts: Record<string, unknown>, waitMs: number, signal?: AbortSignal): Promise<AiExecReply> => {
      if (!this.execOverBridge.has(project_id)) {
        try {
          return await this.c.v2("exec", { project_id, ...opts }, { bridgeTimeoutMs: waitMs, signal });
        } catch (e) {
          if (!isApiError(e) || !NO_HOST.test(e.serverMessage ?? "")) throw e;
          // a stopped project has no host either: only a project known to run learns the bridge (the caller starts this one)
          if (unconfirmed) throw e;
          this.execOverBridge.add(project_id);
        }
      }
      // the bridge waits for a stopped project into its timeout (facts §6-7): one that may be stopped is given less
      const bridgeTimeoutMs = unconfirmed ? Math.min(waitMs, UNCONFIRMED_BRIDGE_MS) : waitMs;
      return this.c.project(project_id, "system.exec", [opts], { bridgeTimeoutMs, signal });
    };
    return {
      call: send,
      cancel: async (started) => {
        if (started.job_id) await send({ async_cancel: started.job_id }, 10_000);
      },
    };
  }

  readTextFiles(files: FileRef[], op: Op = {}): Promise<FileReadResult[]> {
    return readOneByOne(files, (f) => this.c.project(f.project_id, "system.readTextFileFromProject", [{ path: f.path }], { ...op, idempotent: true }));
  }

  async writeTextFile(file: FileRef, content: string, op: Op = {}): Promise<void> {
    await this.c.project(file.project_id, "system.writeTextFileToProject", [{ path: file.path, content }], op);
  }

  /**
   * Within one project a copy is a command there (rsync, as the server's own
   * copy does), done before this answers. Between projects the server's copy
   * has no status route and may never finish (facts §2.2): the app copies
   * itself, through its transfer layer.
   */
  async copyPath(input?: CopyInput, op: Op = {}): Promise<CopyStarted> {
    if (input && input.src_project_id === input.target_project_id && !input.scheduled) {
      const flags = [...(input.overwrite_newer ? [] : ["--update"]), ...(input.delete_missing ? ["--delete"] : []), ...(input.backup ? ["--backup"] : []), ...(input.exclude ?? []).map((x) => `--exclude=${x}`)];
      const src = `./${input.src_path}`;
      const dst = `./${input.target_path ?? input.src_path}`;
      // "./" keeps a name starting with "-" from being read as an option; a folder's contents go into the target folder.
      const script = 'set -e; src=$1; dst=$2; shift 2; mkdir -p "$(dirname "$dst")"; if [ -d "$src" ]; then rsync -a "$@" "$src/" "$dst/"; else rsync -a "$@" "$src" "$dst"; fi';
      const r = await this.exec({ project_id: input.src_project_id, command: "sh", args: ["-c", script, "sh", src, dst, ...flags], timeout: input.timeout || 600 }, op);
      if (r.exit_code !== 0) throw new ApiError("server", `The copy of '${input.src_path}' failed: ${r.stderr.trim() || `exit code ${r.exit_code}`}`, { hint: "Check that the path exists in the project." });
      return { copy_id: null };
    }
    throw notAvailable("a copy between projects that can be followed", "its copy route has no status and may never finish.", "The app copies between projects itself here (download, upload, verified by hash).");
  }
  async copyStatus(): Promise<CopyStatus> {
    throw notAvailable("the status of a copy", "there is no copy status route.");
  }
  async copyStatusList(): Promise<CopyStatus[]> {
    throw notAvailable("a list of copy operations", "there is no copy status route.");
  }
  async copyDelete(): Promise<void> {
    throw notAvailable("deleting a scheduled copy", "there are no scheduled copies.");
  }

  async authToken(): Promise<string> {
    throw notAvailable("a sign-in token for the kiosk view", "sign-in tokens and impersonation need an admin's browser session.", "The kiosk view shows the app's own rendering of the file instead.");
  }
  async availableUpgrades(): Promise<Upgrades> {
    throw notAvailable("upgrades", "legacy upgrades were removed; licenses and memberships replaced them.");
  }
  async logClientError(): Promise<void> {
    throw notAvailable("error reports", "that hub function is not on the list API keys may call.");
  }

  async jupyterKernels(project_id: string | undefined, op: Op = {}): Promise<unknown[]> {
    if (!project_id) throw notAvailable("Jupyter outside a project", "kernels run inside a project.", "Choose a project first.");
    return this.c.project(project_id, "jupyter.kernels", [{}], { ...op, idempotent: true });
  }

  async jupyterExecute(input: { kernel: string; input: string; history?: string[]; project_id?: string }, op: Op = {}): Promise<unknown> {
    const { project_id, ...rest } = input;
    if (!project_id) throw notAvailable("Jupyter outside a project", "kernels run inside a project.", "Choose a project first.");
    // A fresh kernel takes a while to start: the first execute outlasts the 15 s default.
    return this.c.project(project_id, "jupyter.apiExecute", [rest], { ...op, bridgeTimeoutMs: 60_000 });
  }
}
