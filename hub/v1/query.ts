/**
 * The `query` event for the tables the app uses: projects, projects_all,
 * accounts and public_paths, with the real server's permission rules and
 * texts. A query is a get if any value is null, otherwise a set.
 */
import { createHash } from "node:crypto";
import { isGetQuery } from "../../shared/api/common.js";
import { canRead, isUuid, requireWrite, type Hub } from "../context.js";
import type { Account, Project, ProjectUser } from "../store.js";
import { HandlerError } from "./errors.js";

type Obj = Record<string, unknown>;

const PROJECT_GET = new Set([
  "project_id", "name", "title", "description", "users", "invite", "invite_requests", "deleted", "host", "settings",
  "run_quota", "site_license", "status", "state", "last_edited", "last_active", "action_request", "course",
  "compute_image", "created", "env", "sandbox", "avatar_image_tiny", "pay_as_you_go_quotas",
]);
const PROJECT_SET = new Set(["project_id", "title", "name", "description", "deleted", "invite_requests", "users", "action_request", "compute_image", "site_license", "env", "sandbox", "avatar_image_tiny", "avatar_image_full"]);
const ACCOUNT_GET = new Set([
  "account_id", "email_address", "email_address_verified", "editor_settings", "other_settings", "name", "first_name", "last_name",
  "terminal", "autosave", "evaluate_key", "font_size", "passports", "groups", "last_active", "profile", "ssh_keys", "created",
  "unlisted", "tags", "tours",
]);
const ACCOUNT_SET = new Set(["account_id", "name", "editor_settings", "other_settings", "first_name", "last_name", "terminal", "autosave", "evaluate_key", "font_size", "profile", "ssh_keys", "sign_up_usage_intent", "unlisted", "tags", "tours", "email_daily_statements", "auto_balance"]);
const PUBLIC_GET = new Set(["id", "project_id", "path", "name", "url", "description", "image", "disabled", "unlisted", "authenticated", "license", "last_edited", "created", "last_saved", "counter", "compute_image", "site_license_id", "cross_origin_isolation", "redirect", "jupyter_api"]);
const PUBLIC_SET = new Set(["project_id", "path", "name", "description", "disabled", "unlisted", "license"]);

const DAY = 24 * 3600 * 1000;

export function handleQuery(hub: Hub, account: Account, query: Obj, options: Obj[] = []): Obj {
  const tables = Object.keys(query);
  if (tables.length !== 1) throw new HandlerError("FATAL: must specify exactly one key in the query");
  const table = tables[0]!;
  const value = query[table];
  const get = isGetQuery(query);
  if (get) return { [table]: getQuery(hub, account, table, value, options) };
  setQuery(hub, account, table, value);
  return {};
}

// ------------------------------------------------------------------ get

function getQuery(hub: Hub, account: Account, table: string, value: unknown, options: Obj[]): unknown {
  const limit = options.map((o) => o.limit).find((l): l is number => typeof l === "number");
  const many = Array.isArray(value);
  const pattern = (many ? value[0] : value) as Obj | undefined;
  if (typeof pattern !== "object" || pattern === null) throw new HandlerError(`FATAL: invalid get query for table '${table}'`);
  switch (table) {
    case "projects":
    case "projects_all": {
      checkFields(table, pattern, PROJECT_GET, "get");
      let rows: Project[];
      if (typeof pattern.project_id === "string") {
        if (!canRead(hub, account, pattern.project_id)) throw new HandlerError("FATAL: you do not have read access to this project");
        rows = [hub.store.project(pattern.project_id)!];
      } else {
        rows =
          table === "projects"
            ? hub.store.projectsOf(account.account_id, { editedSince: new Date(Date.now() - 21 * DAY).toISOString(), limit: 100 })
            : hub.store.projectsOf(account.account_id);
      }
      const out = rows.filter((p) => matches(projectView(hub, p), pattern)).map((p) => pick(projectView(hub, p), pattern));
      const limited = limit !== undefined ? out.slice(0, limit) : out;
      return many ? limited : (limited[0] ?? null);
    }
    case "accounts": {
      checkFields(table, pattern, ACCOUNT_GET, "get");
      if (typeof pattern.account_id === "string" && pattern.account_id !== account.account_id) {
        throw new HandlerError("FATAL: you may only read your own account");
      }
      const row = pick(accountView(account), pattern);
      return many ? [row] : row;
    }
    case "public_paths": {
      checkFields(table, pattern, PUBLIC_GET, "get");
      const pid = pattern.project_id;
      if (typeof pid !== "string") throw new HandlerError("FATAL: project_id must be given to get public_paths");
      if (!canRead(hub, account, pid)) throw new HandlerError("FATAL: you do not have read access to this project");
      const rows = hub.store.publicPaths(pid).filter((r) => matches(r, pattern)).map((r) => pick(r, pattern));
      return many ? rows : (rows[0] ?? null);
    }
    default:
      throw new HandlerError(`FATAL: get queries not allowed for table '${table}'`);
  }
}

/** The fields a project row offers to a get, for the caller. */
function projectView(hub: Hub, p: Project): Obj {
  const state = hub.runtime.state(p.project_id);
  return {
    ...p,
    state: { state: state === "starting" ? "starting" : state === "running" ? "running" : "opened", time: p.last_edited },
    status: {},
    last_active: {},
    settings: p.settings,
    invite: null,
    invite_requests: null,
    host: { host: "localhost" },
    run_quota: {},
    site_license: null,
    course: null,
    sandbox: false,
    avatar_image_tiny: null,
    pay_as_you_go_quotas: null,
  };
}

function accountView(a: Account): Obj {
  return {
    ...a,
    name: null,
    email_address_verified: null,
    terminal: {},
    autosave: 30,
    evaluate_key: "Shift-Enter",
    font_size: 14,
    passports: {},
    groups: a.is_admin ? ["admin"] : [],
    last_active: new Date().toISOString(),
    ssh_keys: {},
    unlisted: false,
    tags: [],
    tours: [],
  };
}

function checkFields(table: string, pattern: Obj, allowed: Set<string>, kind: "get" | "set"): void {
  for (const k of Object.keys(pattern)) {
    if (!allowed.has(k)) throw new HandlerError(`FATAL: user ${kind} query not allowed for ${table}.${k}`);
  }
}

/** Non-null values in a get pattern are filters: the row must equal them. */
function matches(row: Obj, pattern: Obj): boolean {
  return Object.entries(pattern).every(([k, v]) => v === null || JSON.stringify(row[k]) === JSON.stringify(v));
}

function pick(row: Obj, pattern: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(pattern)) out[k] = row[k] ?? null;
  return out;
}

// ------------------------------------------------------------------ set

function setQuery(hub: Hub, account: Account, table: string, value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HandlerError(`FATAL: a set query on '${table}' must be one object`);
  }
  const v = value as Obj;
  switch (table) {
    case "projects": {
      checkFields(table, v, PROJECT_SET, "set");
      const pid = v.project_id;
      if (typeof pid !== "string" || !isUuid(pid)) throw new HandlerError("FATAL: project_id must be a uuid (a set cannot create a project)");
      if (!hub.store.project(pid) || !canRead(hub, account, pid)) throw new HandlerError("FATAL: user must be an admin");
      setProject(hub, account, pid, v);
      return;
    }
    case "accounts": {
      checkFields(table, v, ACCOUNT_SET, "set");
      if (v.account_id !== undefined && v.account_id !== account.account_id) throw new HandlerError("FATAL: you may only change your own account");
      hub.store.updateAccount(account.account_id, {
        first_name: str(v.first_name),
        last_name: str(v.last_name),
        editor_settings: obj(v.editor_settings),
        other_settings: obj(v.other_settings),
        profile: obj(v.profile),
      });
      return;
    }
    case "public_paths": {
      checkFields(table, v, PUBLIC_SET, "set");
      const pid = v.project_id;
      if (typeof pid !== "string" || typeof v.path !== "string") throw new HandlerError("FATAL: project_id and path must be given");
      requireWrite(hub, account, pid);
      hub.store.upsertPublicPath({
        id: createHash("sha1").update(`${pid}${v.path}`).digest("hex"),
        project_id: pid,
        path: v.path,
        description: str(v.description),
        name: str(v.name),
        disabled: typeof v.disabled === "boolean" ? v.disabled : undefined,
        unlisted: typeof v.unlisted === "boolean" ? v.unlisted : undefined,
        license: str(v.license),
      });
      return;
    }
    default:
      throw new HandlerError(`FATAL: set queries not allowed for table '${table}'`);
  }
}

function setProject(hub: Hub, account: Account, project_id: string, v: Obj): void {
  const cur = hub.store.project(project_id)!;
  const fields: Partial<Project> = {};
  if (v.title !== undefined) fields.title = String(v.title);
  if (v.description !== undefined) fields.description = String(v.description);
  if (v.name !== undefined) fields.name = v.name === null ? null : String(v.name);
  if (v.deleted !== undefined) fields.deleted = !!v.deleted;
  if (v.compute_image !== undefined) fields.compute_image = String(v.compute_image);
  if (v.env !== undefined) fields.env = obj(v.env) ?? {};
  if (v.users !== undefined) fields.users = mergeUsers(hub, account, cur.users, obj(v.users) ?? {});
  if (v.action_request !== undefined) {
    const ar = obj(v.action_request) ?? {};
    fields.action_request = { ...ar, finished: new Date().toISOString() };
    const action = ar.action;
    if (action === "stop") hub.runtime.stop(project_id);
    else if (action === "start") void hub.runtime.start(project_id);
    else if (action === "restart") {
      hub.runtime.stop(project_id);
      void hub.runtime.start(project_id);
    }
    else throw new HandlerError(`FATAL: unknown action_request '${String(action)}' (start, stop or restart)`);
  }
  hub.store.updateProject(project_id, fields);
}

/**
 * Changes to `users` merge in (as the docs' upgrade example shows). Only the
 * caller's own entry may change; going over what the account has shows up
 * as `excess` in get_available_upgrades, as on the real server.
 */
function mergeUsers(hub: Hub, account: Account, cur: Record<string, ProjectUser>, change: Obj): Record<string, ProjectUser> {
  const next: Record<string, ProjectUser> = structuredClone(cur);
  for (const [uid, u] of Object.entries(change)) {
    if (uid !== account.account_id) throw new HandlerError("FATAL: you may only change your own entry in users");
    const upd = obj(u) ?? {};
    const mine = next[uid] ?? { group: "collaborator" };
    if (upd.upgrades !== undefined) {
      const ups = obj(upd.upgrades) ?? {};
      for (const [k, n] of Object.entries(ups)) if (typeof n !== "number" || n < 0) throw new HandlerError(`FATAL: upgrade '${k}' must be a number ≥ 0`);
      mine.upgrades = { ...(mine.upgrades ?? {}), ...(ups as Record<string, number>) };
    }
    next[uid] = { ...mine, group: mine.group };
  }
  return next;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const obj = (v: unknown) => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
