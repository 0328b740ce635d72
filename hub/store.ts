/** The hub's records, on top of its database. Plain functions of a Db; no HTTP here. */
import { createHash, randomBytes, randomUUID, scryptSync, timingSafeEqual } from "node:crypto";
import type { Db } from "./db.js";

export interface Account {
  account_id: string;
  email_address: string;
  first_name: string;
  last_name: string;
  is_admin: boolean;
  has_password: boolean;
  editor_settings: Record<string, unknown>;
  other_settings: Record<string, unknown>;
  profile: Record<string, unknown>;
  upgrades: Record<string, number>;
  created: string;
}

export type Group = "owner" | "collaborator";
export interface ProjectUser {
  group: Group;
  upgrades?: Record<string, number>;
  [k: string]: unknown;
}

export interface Project {
  project_id: string;
  title: string;
  description: string;
  name: string | null;
  users: Record<string, ProjectUser>;
  deleted: boolean;
  compute_image: string;
  action_request: Record<string, unknown> | null;
  settings: Record<string, unknown>;
  env: Record<string, unknown>;
  created: string;
  last_edited: string;
}

export interface CopyOp {
  copy_path_id: string;
  time: string;
  account_id: string;
  source_project_id: string;
  source_path: string;
  target_project_id: string;
  target_path: string;
  overwrite_newer: boolean;
  delete_missing: boolean;
  backup: boolean;
  timeout: number | null;
  exclude: string[] | null;
  scheduled: string | null;
  started: string | null;
  finished: string | null;
  error: string | null;
}

const json = <T>(s: unknown, fallback: T): T => {
  if (typeof s !== "string") return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
};

/** API keys are 24+ random characters: a plain sha256 is enough to store them (no dictionary to guess from). */
export const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString("hex")}$${scryptSync(password, salt, 32).toString("hex")}`;
}

export function verifyPassword(password: string, stored: string | null): boolean {
  if (!stored) return false;
  const [kind, salt, hash] = stored.split("$");
  if (kind !== "scrypt" || !salt || !hash) return false;
  const got = scryptSync(password, Buffer.from(salt, "hex"), 32);
  return timingSafeEqual(got, Buffer.from(hash, "hex"));
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let s = "";
  for (let i = 0; i < length; i++) s += ALNUM[bytes[i]! % ALNUM.length];
  return s;
}

/** How often a project's last_edited is written for mere activity (reads, execs): each write is an fsync. */
const TOUCH_EVERY_MS = 30_000;

export class Store {
  /** key hash → account id: a key's account never changes, so this needs no expiry */
  private readonly keyAccounts = new Map<string, string>();
  private readonly touched = new Map<string, number>();

  constructor(readonly db: Db) {}

  // ------------------------------------------------------------ accounts
  createAccount(a: { email_address: string; password?: string; first_name?: string; last_name?: string; is_admin?: boolean; upgrades?: Record<string, number> }): Account {
    const account_id = randomUUID();
    this.db.run(
      `INSERT INTO accounts (account_id, email_address, password_hash, first_name, last_name, is_admin, upgrades, created)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [account_id, a.email_address.toLowerCase(), a.password ? hashPassword(a.password) : null, a.first_name ?? "", a.last_name ?? "", a.is_admin ? 1 : 0, JSON.stringify(a.upgrades ?? {}), new Date().toISOString()],
    );
    return this.account(account_id)!;
  }

  account(account_id: string): Account | undefined {
    const r = this.db.get("SELECT * FROM accounts WHERE account_id = ?", [account_id]);
    return r && toAccount(r);
  }

  accountByEmail(email: string): Account | undefined {
    const r = this.db.get("SELECT * FROM accounts WHERE email_address = ?", [email.toLowerCase()]);
    return r && toAccount(r);
  }

  checkPassword(account_id: string, password: string): boolean {
    const r = this.db.get<{ password_hash: string | null }>("SELECT password_hash FROM accounts WHERE account_id = ?", [account_id]);
    return verifyPassword(password, r?.password_hash ?? null);
  }

  setPassword(account_id: string, password: string): void {
    this.db.run("UPDATE accounts SET password_hash = ? WHERE account_id = ?", [hashPassword(password), account_id]);
  }

  updateAccount(account_id: string, fields: Partial<Pick<Account, "first_name" | "last_name" | "editor_settings" | "other_settings" | "profile">>): void {
    const cur = this.account(account_id);
    if (!cur) return;
    const next = {
      first_name: fields.first_name ?? cur.first_name,
      last_name: fields.last_name ?? cur.last_name,
      editor_settings: JSON.stringify({ ...cur.editor_settings, ...(fields.editor_settings ?? {}) }),
      other_settings: JSON.stringify({ ...cur.other_settings, ...(fields.other_settings ?? {}) }),
      profile: JSON.stringify({ ...cur.profile, ...(fields.profile ?? {}) }),
    };
    this.db.run(
      "UPDATE accounts SET first_name = ?, last_name = ?, editor_settings = ?, other_settings = ?, profile = ? WHERE account_id = ?",
      [next.first_name, next.last_name, next.editor_settings, next.other_settings, next.profile, account_id],
    );
  }

  // ------------------------------------------------------------ api keys
  /** A new key for the account; only its hash is stored. */
  createApiKey(account_id: string): string {
    const key = `sk_${randomToken(24)}`;
    this.db.run("INSERT INTO api_keys (key_hash, account_id, created) VALUES (?, ?, ?)", [hashKey(key), account_id, new Date().toISOString()]);
    return key;
  }

  accountForKey(key: string): Account | undefined {
    const h = hashKey(key);
    let id = this.keyAccounts.get(h);
    if (id === undefined) {
      id = this.db.get<{ account_id: string }>("SELECT account_id FROM api_keys WHERE key_hash = ?", [h])?.account_id;
      if (id === undefined) return undefined;
      if (this.keyAccounts.size > 10_000) this.keyAccounts.clear();
      this.keyAccounts.set(h, id);
    }
    return this.account(id);
  }

  // ------------------------------------------------------------ projects
  createProject(owner: string, p: { title?: string; description?: string; compute_image?: string }): Project {
    const project_id = randomUUID();
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.run(
        "INSERT INTO projects (project_id, title, description, users, compute_image, created, last_edited) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [project_id, p.title ?? "", p.description ?? "", JSON.stringify({ [owner]: { group: "owner" } }), p.compute_image ?? "default", now, now],
      );
      this.db.run("INSERT INTO collaborators (project_id, account_id, grp) VALUES (?, ?, 'owner')", [project_id, owner]);
    });
    return this.project(project_id)!;
  }

  project(project_id: string): Project | undefined {
    const r = this.db.get("SELECT * FROM projects WHERE project_id = ?", [project_id]);
    return r && toProject(r);
  }

  /** The account's group in the project, if any. */
  groupIn(project_id: string, account_id: string): Group | undefined {
    return this.db.get<{ grp: Group }>("SELECT grp FROM collaborators WHERE project_id = ? AND account_id = ?", [project_id, account_id])?.grp;
  }

  /** Projects the account collaborates on, newest edit first. */
  projectsOf(account_id: string, o: { editedSince?: string; limit?: number } = {}): Project[] {
    const rows = this.db.all(
      `SELECT p.* FROM projects p JOIN collaborators c ON c.project_id = p.project_id
       WHERE c.account_id = ? ${o.editedSince ? "AND p.last_edited >= ?" : ""}
       ORDER BY p.last_edited DESC ${o.limit ? `LIMIT ${Math.floor(o.limit)}` : ""}`,
      o.editedSince ? [account_id, o.editedSince] : [account_id],
    );
    return rows.map(toProject);
  }

  updateProject(project_id: string, fields: Partial<Omit<Project, "project_id" | "created">>): void {
    const cur = this.project(project_id);
    if (!cur) return;
    const next = { ...cur, ...fields, last_edited: fields.last_edited ?? new Date().toISOString() };
    this.db.transaction(() => {
      this.db.run(
        `UPDATE projects SET title = ?, description = ?, name = ?, users = ?, deleted = ?, compute_image = ?,
         action_request = ?, settings = ?, env = ?, last_edited = ? WHERE project_id = ?`,
        [next.title, next.description, next.name, JSON.stringify(next.users), next.deleted ? 1 : 0, next.compute_image,
          next.action_request ? JSON.stringify(next.action_request) : null, JSON.stringify(next.settings), JSON.stringify(next.env), next.last_edited, project_id],
      );
      if (fields.users) {
        this.db.run("DELETE FROM collaborators WHERE project_id = ?", [project_id]);
        for (const [account_id, u] of Object.entries(next.users)) {
          if (this.account(account_id)) {
            this.db.run("INSERT INTO collaborators (project_id, account_id, grp) VALUES (?, ?, ?)", [project_id, account_id, u.group]);
          }
        }
      }
    });
  }

  touchProject(project_id: string): void {
    const now = Date.now();
    if (now - (this.touched.get(project_id) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(project_id, now);
    this.db.run("UPDATE projects SET last_edited = ? WHERE project_id = ?", [new Date().toISOString(), project_id]);
  }

  // ------------------------------------------------------------ auth tokens and sessions
  createAuthToken(account_id: string, ttlMs: number): string {
    const token = randomToken(24);
    this.db.run("INSERT INTO auth_tokens (token, account_id, expire) VALUES (?, ?, ?)", [token, account_id, Date.now() + ttlMs]);
    return token;
  }

  /** The account a token signs in, while it has not expired. Tokens are reusable. */
  accountForAuthToken(token: string): string | undefined {
    return this.db.get<{ account_id: string }>("SELECT account_id FROM auth_tokens WHERE token = ? AND expire > ?", [token, Date.now()])?.account_id;
  }

  createSession(account_id: string, ttlMs: number): string {
    const token = randomToken(32);
    this.db.run("INSERT INTO sessions (token_hash, account_id, expire) VALUES (?, ?, ?)", [hashKey(token), account_id, Date.now() + ttlMs]);
    return token;
  }

  accountForSession(token: string): string | undefined {
    return this.db.get<{ account_id: string }>("SELECT account_id FROM sessions WHERE token_hash = ? AND expire > ?", [hashKey(token), Date.now()])?.account_id;
  }

  /** Drop expired auth tokens and page sessions (a kiosk page load makes one; they would pile up). */
  purgeExpired(): void {
    const now = Date.now();
    this.db.run("DELETE FROM auth_tokens WHERE expire <= ?", [now]);
    this.db.run("DELETE FROM sessions WHERE expire <= ?", [now]);
  }

  // ------------------------------------------------------------ copies
  insertCopy(op: CopyOp): void {
    this.db.run(
      `INSERT INTO copy_paths (copy_path_id, time, account_id, source_project_id, source_path, target_project_id, target_path,
       overwrite_newer, delete_missing, backup, timeout, exclude, scheduled, started, finished, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [op.copy_path_id, op.time, op.account_id, op.source_project_id, op.source_path, op.target_project_id, op.target_path,
        op.overwrite_newer ? 1 : 0, op.delete_missing ? 1 : 0, op.backup ? 1 : 0, op.timeout, op.exclude ? JSON.stringify(op.exclude) : null,
        op.scheduled, op.started, op.finished, op.error],
    );
  }

  copy(copy_path_id: string): CopyOp | undefined {
    const r = this.db.get("SELECT * FROM copy_paths WHERE copy_path_id = ?", [copy_path_id]);
    return r && toCopy(r);
  }

  setCopyState(copy_path_id: string, s: Partial<Pick<CopyOp, "started" | "finished" | "error">>): void {
    const cur = this.copy(copy_path_id);
    if (!cur) return;
    this.db.run("UPDATE copy_paths SET started = ?, finished = ?, error = ? WHERE copy_path_id = ?", [
      s.started !== undefined ? s.started : cur.started,
      s.finished !== undefined ? s.finished : cur.finished,
      s.error !== undefined ? s.error : cur.error,
      copy_path_id,
    ]);
  }

  listCopies(f: { src_project_id?: string; target_project_id?: string; src_path?: string; pending: boolean; failed: boolean; limit: number; offset: number }): CopyOp[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const filter = (sql: string, v: unknown) => {
      where.push(sql);
      params.push(v);
    };
    if (f.src_project_id) filter("source_project_id = ?", f.src_project_id);
    if (f.target_project_id) filter("target_project_id = ?", f.target_project_id);
    if (f.src_path !== undefined) filter("source_path = ?", f.src_path);
    if (f.failed) where.push("finished IS NOT NULL AND error IS NOT NULL");
    else if (f.pending) where.push("finished IS NULL");
    const rows = this.db.all(
      `SELECT * FROM copy_paths ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY time DESC LIMIT ? OFFSET ?`,
      [...params, f.limit, f.offset],
    );
    return rows.map(toCopy);
  }

  /** Copies that are due: scheduled no later than `now` and not started. */
  dueCopies(now: string): CopyOp[] {
    return this.db.all("SELECT * FROM copy_paths WHERE started IS NULL AND scheduled IS NOT NULL AND scheduled <= ?", [now]).map(toCopy);
  }

  deleteScheduledCopy(copy_path_id: string): boolean {
    return this.db.run("DELETE FROM copy_paths WHERE copy_path_id = ? AND scheduled IS NOT NULL AND started IS NULL", [copy_path_id]) > 0;
  }

  // ------------------------------------------------------------ public paths, error log
  upsertPublicPath(p: { id: string; project_id: string; path: string; description?: string; name?: string; disabled?: boolean; unlisted?: boolean; license?: string }): void {
    const now = new Date().toISOString();
    const cur = this.db.get("SELECT * FROM public_paths WHERE id = ?", [p.id]);
    if (cur) {
      this.db.run("UPDATE public_paths SET description = COALESCE(?, description), name = COALESCE(?, name), disabled = COALESCE(?, disabled), unlisted = COALESCE(?, unlisted), license = COALESCE(?, license), last_edited = ? WHERE id = ?", [
        p.description ?? null, p.name ?? null, p.disabled === undefined ? null : p.disabled ? 1 : 0, p.unlisted === undefined ? null : p.unlisted ? 1 : 0, p.license ?? null, now, p.id,
      ]);
    } else {
      this.db.run("INSERT INTO public_paths (id, project_id, path, name, description, disabled, unlisted, license, created, last_edited) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        p.id, p.project_id, p.path, p.name ?? null, p.description ?? "", p.disabled ? 1 : 0, p.unlisted ? 1 : 0, p.license ?? null, now, now,
      ]);
    }
  }

  publicPaths(project_id: string): Record<string, unknown>[] {
    return this.db.all("SELECT * FROM public_paths WHERE project_id = ? ORDER BY path", [project_id]).map((r) => ({
      ...r,
      disabled: !!r.disabled,
      unlisted: !!r.unlisted,
      authenticated: !!r.authenticated,
    }));
  }

  logClientError(id: string, account_id: string, error: string): void {
    this.db.run("INSERT INTO client_error_log (id, account_id, error, time) VALUES (?, ?, ?, ?)", [id, account_id, error, new Date().toISOString()]);
  }

  clientErrors(): { id: string; account_id: string; error: string }[] {
    return this.db.all("SELECT id, account_id, error FROM client_error_log ORDER BY time");
  }
}

function toAccount(r: Record<string, unknown>): Account {
  return {
    account_id: String(r.account_id),
    email_address: String(r.email_address),
    first_name: String(r.first_name ?? ""),
    last_name: String(r.last_name ?? ""),
    is_admin: r.is_admin === 1,
    has_password: r.password_hash != null,
    editor_settings: json(r.editor_settings, {}),
    other_settings: json(r.other_settings, {}),
    profile: json(r.profile, {}),
    upgrades: json(r.upgrades, {}),
    created: String(r.created),
  };
}

function toProject(r: Record<string, unknown>): Project {
  return {
    project_id: String(r.project_id),
    title: String(r.title ?? ""),
    description: String(r.description ?? ""),
    name: (r.name as string | null) ?? null,
    users: json(r.users, {}),
    deleted: r.deleted === 1,
    compute_image: String(r.compute_image ?? "default"),
    action_request: json(r.action_request, null),
    settings: json(r.settings, {}),
    env: json(r.env, {}),
    created: String(r.created),
    last_edited: String(r.last_edited),
  };
}

function toCopy(r: Record<string, unknown>): CopyOp {
  return {
    copy_path_id: String(r.copy_path_id),
    time: String(r.time),
    account_id: String(r.account_id),
    source_project_id: String(r.source_project_id),
    source_path: String(r.source_path),
    target_project_id: String(r.target_project_id),
    target_path: String(r.target_path),
    overwrite_newer: r.overwrite_newer === 1,
    delete_missing: r.delete_missing === 1,
    backup: r.backup === 1,
    timeout: (r.timeout as number | null) ?? null,
    exclude: json(r.exclude, null),
    scheduled: (r.scheduled as string | null) ?? null,
    started: (r.started as string | null) ?? null,
    finished: (r.finished as string | null) ?? null,
    error: (r.error as string | null) ?? null,
  };
}
