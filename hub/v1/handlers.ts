/** The v1 events: one handler each, called after the transport checked the key and the parameters. */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { z } from "zod";
import type { v1Events, V1Event } from "../../shared/api/v1.js";
import { canRead, isUuid, requireRead, requireWrite, type Hub } from "../context.js";
import { ExecError, runExec } from "../exec.js";
import { PathError, resolveInProject } from "../paths.js";
import { StartTimeout } from "../runtime.js";
import type { Account, CopyOp } from "../store.js";
import { HandlerError, noReadAccess } from "./errors.js";
import { handleQuery } from "./query.js";

type Params<E extends V1Event> = z.infer<(typeof v1Events)[E]["request"]>;
type Reply = Record<string, unknown>;
/** `resultWhenNotRun`: a command that could not start is a result (exit 1, the spawn error in stderr), as the current generation answers */
export type V1Handler<E extends V1Event> = (hub: Hub, account: Account, p: Params<E>, signal: AbortSignal, onSpawn?: (pid: number) => void, o?: { resultWhenNotRun?: boolean }) => Promise<Reply>;

/** Map the hub's own failures to the texts the real server sends. */
export function toHandlerError(e: unknown): HandlerError {
  if (e instanceof HandlerError) return e;
  if (e instanceof StartTimeout) return new HandlerError("timeout");
  if (e instanceof PathError || e instanceof ExecError) return new HandlerError(e.message);
  const err = e as NodeJS.ErrnoException;
  if (err?.code && err.syscall) return new HandlerError(`Error: ${err.message}`);
  return new HandlerError(e instanceof Error ? `Error: ${e.message}` : String(e));
}

async function projectPath(hub: Hub, project_id: string, path: string): Promise<string> {
  const root = await hub.runtime.ensureRunning(project_id);
  return resolveInProject(root, path);
}

async function readOne(hub: Hub, project_id: string, path: string): Promise<string> {
  const file = await projectPath(hub, project_id, path);
  const st = await stat(file);
  if (st.isDirectory()) throw new HandlerError(`Error: EISDIR: '${path}' is a folder, not a text file`);
  if (st.size > hub.settings.maxReadBytes) {
    throw new HandlerError(`Error: file '${path}' is ${st.size} bytes, over the ${hub.settings.maxReadBytes}-byte limit for reads`);
  }
  hub.store.touchProject(project_id);
  return readFile(file, "utf8");
}

/** Run `fn` over `items`, at most `n` at a time, keeping the order. */
async function mapLimit<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

function upgradeTotals(hub: Hub, account: Account): { total: Record<string, number>; excess: Record<string, number>; available: Record<string, number> } {
  const total = account.upgrades;
  const used: Record<string, number> = {};
  for (const p of hub.store.projectsOf(account.account_id)) {
    for (const [k, n] of Object.entries(p.users[account.account_id]?.upgrades ?? {})) used[k] = (used[k] ?? 0) + n;
  }
  const available: Record<string, number> = {};
  const excess: Record<string, number> = {};
  for (const k of new Set([...Object.keys(total), ...Object.keys(used)])) {
    const left = (total[k] ?? 0) - (used[k] ?? 0);
    if (left >= 0) available[k] = left;
    else excess[k] = -left;
  }
  return { total, excess, available };
}

export const handlers: { [E in V1Event]: V1Handler<E> } = {
  ping: async () => ({ event: "pong", now: new Date().toISOString() }),

  query: async (hub, account, p) => ({ event: "query", query: handleQuery(hub, account, p.query, p.options), multi_response: false }),

  create_project: async (hub, account, p) => {
    const project = hub.store.createProject(account.account_id, { title: p.title, description: p.description, compute_image: p.image });
    hub.runtime.createFolder(project.project_id);
    if (p.start) void hub.runtime.start(project.project_id);
    return { event: "project_created", project_id: project.project_id };
  },

  project_exec: async (hub, account, p, signal, onSpawn, o) => {
    requireWrite(hub, account, p.project_id);
    const root = await hub.runtime.ensureRunning(p.project_id);
    const cwd = resolveInProject(root, p.path ?? "");
    hub.store.touchProject(p.project_id);
    const r = await runExec({
      command: p.command,
      args: p.args ?? [],
      bash: p.bash ?? false,
      cwd,
      home: root,
      timeout: p.timeout ?? 10,
      max_output: p.max_output,
      err_on_exit: p.err_on_exit ?? true,
      signal,
      onSpawn,
    });
    if (r.notRun && !o?.resultWhenNotRun) throw new HandlerError(r.notRun);
    return { event: "project_exec_output", stdout: r.stdout, stderr: r.stderr, exit_code: r.exit_code, type: "blocking" };
  },

  read_text_file_from_project: async (hub, account, p) => {
    if (!Array.isArray(p.project_id)) {
      if (typeof p.path !== "string") throw new HandlerError("path must be a string if project_id is");
      requireRead(hub, account, p.project_id);
      return { event: "text_file_read_from_project", content: await readOne(hub, p.project_id, p.path) };
    }
    const ids = p.project_id;
    const paths = p.path as string[];
    // Any entry the caller may not read fails the whole call, as on the real server.
    for (const id of ids) if (!canRead(hub, account, id)) throw noReadAccess(account.account_id, id);
    const content = await mapLimit(
      ids.map((id, i) => ({ project_id: id, path: paths[i]! })),
      20,
      async (f) => {
        try {
          return { ...f, content: await readOne(hub, f.project_id, f.path) };
        } catch (e) {
          return { ...f, error: toHandlerError(e).value };
        }
      },
    );
    return { event: "text_file_read_from_project", content };
  },

  write_text_file_to_project: async (hub, account, p) => {
    requireWrite(hub, account, p.project_id);
    const file = await projectPath(hub, p.project_id, p.path);
    await mkdir(dirname(file), { recursive: true });
    // Write beside, then rename: a reader never sees half a file.
    const tmp = join(dirname(file), `.${randomUUID()}.cocalc-tmp`);
    try {
      await writeFile(tmp, p.content, "utf8");
      await rename(tmp, file);
    } catch (e) {
      await import("node:fs/promises").then((fs) => fs.rm(tmp, { force: true }));
      const err = e as NodeJS.ErrnoException;
      if (err.code === "EISDIR") throw new HandlerError("EISDIR", { errno: -21, code: "EISDIR", syscall: "open", path: p.path });
      throw e;
    }
    hub.store.touchProject(p.project_id);
    return { event: "file_written_to_project" };
  },

  copy_path_between_projects: async (hub, account, p) => {
    requireRead(hub, account, p.src_project_id);
    requireWrite(hub, account, p.target_project_id);
    if (!p.src_path) throw new HandlerError("src_path must be given");
    // check both paths now, so a bad one is an error of this call rather than of a queued copy
    resolveInProject(hub.runtime.folder(p.src_project_id), p.src_path);
    resolveInProject(hub.runtime.folder(p.target_project_id), p.target_path ?? p.src_path);
    const note = "Query copy_path_status with the copy_path_id to learn if the copy operation was successful.";
    if (hub.settings.copyMode === "single-user") {
      // A single-user server runs rsync itself, ignores `scheduled`, reads `timeout`
      // as milliseconds, and reports nothing unless asked to wait (facts §7, §9).
      const spec = {
        source_project_id: p.src_project_id,
        source_path: p.src_path,
        target_project_id: p.target_project_id,
        target_path: p.target_path ?? p.src_path,
        overwrite_newer: p.overwrite_newer ?? false,
        delete_missing: p.delete_missing ?? false,
        backup: p.backup ?? false,
        timeout: p.timeout ?? null,
        exclude: p.exclude ?? null,
      };
      const done = hub.copier.runNow(spec, p.timeout);
      if (!p.wait_until_done) {
        done.catch(() => undefined);
        return { event: "copy_path_between_projects_response", copy_path_id: "", note };
      }
      await done;
      return { event: "copy_path_between_projects_response", copy_path_id: "", note };
    }
    const op: CopyOp = {
      copy_path_id: randomUUID(),
      time: new Date().toISOString(),
      account_id: account.account_id,
      source_project_id: p.src_project_id,
      source_path: p.src_path,
      target_project_id: p.target_project_id,
      target_path: p.target_path ?? p.src_path,
      overwrite_newer: p.overwrite_newer ?? false,
      delete_missing: p.delete_missing ?? false,
      backup: p.backup ?? false,
      timeout: p.timeout ?? null,
      exclude: p.exclude ?? null,
      scheduled: p.scheduled ? new Date(p.scheduled).toISOString() : null,
      started: null,
      finished: null,
      error: null,
    };
    hub.store.insertCopy(op);
    if (op.scheduled) return { event: "copy_path_between_projects_response", copy_path_id: op.copy_path_id, note };
    const done = hub.copier.run(op);
    if (!p.wait_until_done) return { event: "copy_path_between_projects_response", copy_path_id: op.copy_path_id, note };
    await done;
    const after = hub.store.copy(op.copy_path_id)!;
    if (after.error) throw new HandlerError(after.error);
    return { event: "copy_path_between_projects_response", copy_path_id: "", note };
  },

  copy_path_status: async (hub, account, p) => {
    if ("copy_path_id" in p && p.copy_path_id !== undefined) {
      // The real server hands the id to PostgreSQL unchecked (facts §7: "" fails there).
      if (!isUuid(p.copy_path_id)) throw new HandlerError(`invalid input syntax for type uuid: "${p.copy_path_id}"`);
      const op = hub.store.copy(p.copy_path_id);
      if (!op) throw new HandlerError(`Can't find copy operation with ID=${p.copy_path_id}`);
      if (!canRead(hub, account, op.source_project_id)) throw new HandlerError(`ACCESS BLOCKED -- No read access to source project -- ${op.source_project_id}`);
      return { event: "copy_path_status_response", data: copyView(op) };
    }
    const f = p as { src_project_id?: string; target_project_id?: string; src_path?: string; limit?: number; offset?: number; pending?: boolean; failed?: boolean };
    for (const id of [f.src_project_id, f.target_project_id]) {
      if (id !== undefined && !canRead(hub, account, id)) throw new HandlerError(`ACCESS BLOCKED -- No read access to project -- ${id}`);
    }
    const rows = hub.store.listCopies({
      src_project_id: f.src_project_id,
      target_project_id: f.target_project_id,
      src_path: f.src_path,
      pending: f.pending ?? true,
      failed: f.failed ?? false,
      limit: f.limit ?? 1000,
      offset: f.offset ?? 0,
    });
    return { event: "copy_path_status_response", data: rows.map(copyView) };
  },

  copy_path_delete: async (hub, account, p) => {
    const op = hub.store.copy(p.copy_path_id);
    if (op && !canRead(hub, account, op.source_project_id)) throw new HandlerError(`ACCESS BLOCKED -- No read access to source project -- ${op.source_project_id}`);
    if (!op || !hub.store.deleteScheduledCopy(p.copy_path_id)) {
      throw new HandlerError(`Copy operation '${p.copy_path_id}' either does not exist or already finished`);
    }
    return { event: "copy_path_status_response", data: `copy_path_id = '${p.copy_path_id}' deleted` };
  },

  user_auth: async (hub, account, p) => userAuth(hub, account, p, "v1"),

  get_available_upgrades: async (hub, account) => ({ event: "available_upgrades", ...upgradeTotals(hub, account) }),

  create_account: async (hub, account, p) => {
    if (!account.is_admin) throw new HandlerError("only an admin may create accounts on this server");
    const reason: Record<string, string> = {};
    if (!p.email_address || !/^[^@\s]+@[^@\s]+$/.test(p.email_address)) reason.email_address = "Email address is not valid.";
    else if (hub.store.accountByEmail(p.email_address)) reason.email_address = "This e-mail address is already taken.";
    if (p.password !== undefined && (p.password.length < 6 || p.password.length > 64)) reason.password = "Password must be between 6 and 64 characters in length.";
    if (p.agreed_to_terms !== true) reason.other = "You must agree to the terms of usage.";
    if (Object.keys(reason).length) return { event: "account_creation_failed", reason };
    const created = hub.store.createAccount({ email_address: p.email_address!, password: p.password, first_name: p.first_name, last_name: p.last_name });
    return {
      event: "account_created",
      account_id: created.account_id,
      ...(p.get_api_key ? { api_key: hub.store.createApiKey(created.account_id) } : {}),
    };
  },

  log_client_error: async (hub, account, p) => {
    hub.store.logClientError(randomUUID(), account.account_id, p.error);
    return { event: "success" };
  },

  jupyter_kernels: async () => {
    throw new HandlerError("Error: Jupyter API is not enabled on this server.");
  },
  jupyter_execute: async () => {
    throw new HandlerError("Error: Jupyter API is not enabled on this server.");
  },

  disconnect_from_project: async (hub, account, p) => {
    if (!canRead(hub, account, p.project_id)) throw new HandlerError(`unable to disconnect from project ${p.project_id} -- must have write access`);
    return { event: "success" };
  },
};

function copyView(op: CopyOp): Record<string, unknown> {
  const { account_id: _a, timeout: _t, ...rest } = op;
  return rest;
}

/**
 * A token for another account, as the real servers hand it out (facts §9):
 * an admin gets one whatever the password; anyone else needs the target's
 * password, and an empty or wrong one bans that caller→target pair (v1:
 * 60 s; current: ~30 s, its message an unformatted template).
 */
export function userAuth(hub: Hub, account: Account, p: { account_id: string; password: string }, generation: "v1" | "current"): { event: "user_auth_token"; auth_token: string } {
  const target = isUuid(p.account_id) ? hub.store.account(p.account_id) : undefined;
  const pair = `${account.account_id}→${p.account_id}`;
  const bannedUntil = hub.authBans.get(pair);
  const banMs = generation === "v1" ? hub.settings.userAuthBanMs : hub.settings.currentUserAuthBanMs;
  if (bannedUntil !== undefined && bannedUntil > Date.now()) {
    throw new HandlerError(
      generation === "v1" ? `banned -- please wait at least ${Math.round(banMs / 1000)}s before trying again` : "banned -- please wait at least #{BAN_TIME_MS/1000}s before trying again",
    );
  }
  if (!account.is_admin && (!target || !target.has_password || !hub.store.checkPassword(target.account_id, p.password))) {
    hub.authBans.set(pair, Date.now() + banMs);
    throw new HandlerError("incorrect password");
  }
  if (!target) throw new HandlerError("incorrect password");
  return { event: "user_auth_token", auth_token: hub.store.createAuthToken(target.account_id, hub.settings.authTokenTtlMs) };
}
