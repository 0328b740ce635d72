/**
 * The hub's storage: a real SQLite database (SQLite compiled to WebAssembly,
 * writing to a file in the data folder), so it runs the same under Node and
 * under Electron's Node with nothing to compile.
 */
import { rmSync } from "node:fs";
import sqlite from "node-sqlite3-wasm";

const { Database } = sqlite;

type Row = Record<string, unknown>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (
  account_id TEXT PRIMARY KEY,
  email_address TEXT UNIQUE NOT NULL,
  password_hash TEXT,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  is_admin INTEGER NOT NULL DEFAULT 0,
  editor_settings TEXT NOT NULL DEFAULT '{}',
  other_settings TEXT NOT NULL DEFAULT '{}',
  profile TEXT NOT NULL DEFAULT '{}',
  upgrades TEXT NOT NULL DEFAULT '{}',
  created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  key_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(account_id),
  created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS projects (
  project_id TEXT PRIMARY KEY,
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  name TEXT,
  users TEXT NOT NULL DEFAULT '{}',
  deleted INTEGER NOT NULL DEFAULT 0,
  compute_image TEXT NOT NULL DEFAULT 'default',
  action_request TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  env TEXT NOT NULL DEFAULT '{}',
  created TEXT NOT NULL,
  last_edited TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS projects_last_edited ON projects(last_edited);
CREATE TABLE IF NOT EXISTS collaborators (
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  account_id TEXT NOT NULL REFERENCES accounts(account_id),
  grp TEXT NOT NULL,
  PRIMARY KEY (project_id, account_id)
);
CREATE INDEX IF NOT EXISTS collaborators_account ON collaborators(account_id);
CREATE TABLE IF NOT EXISTS auth_tokens (
  token TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  expire INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  expire INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS copy_paths (
  copy_path_id TEXT PRIMARY KEY,
  time TEXT NOT NULL,
  account_id TEXT NOT NULL,
  source_project_id TEXT NOT NULL,
  source_path TEXT NOT NULL,
  target_project_id TEXT NOT NULL,
  target_path TEXT NOT NULL,
  overwrite_newer INTEGER NOT NULL DEFAULT 0,
  delete_missing INTEGER NOT NULL DEFAULT 0,
  backup INTEGER NOT NULL DEFAULT 0,
  timeout INTEGER,
  exclude TEXT,
  scheduled TEXT,
  started TEXT,
  finished TEXT,
  error TEXT
);
CREATE INDEX IF NOT EXISTS copy_paths_time ON copy_paths(time);
CREATE TABLE IF NOT EXISTS public_paths (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  path TEXT NOT NULL,
  name TEXT,
  description TEXT NOT NULL DEFAULT '',
  disabled INTEGER NOT NULL DEFAULT 0,
  unlisted INTEGER NOT NULL DEFAULT 0,
  authenticated INTEGER NOT NULL DEFAULT 0,
  license TEXT,
  created TEXT NOT NULL,
  last_edited TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS client_error_log (
  id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  error TEXT NOT NULL,
  time TEXT NOT NULL
);
`;

export class Db {
  private readonly db: InstanceType<typeof Database>;

  /**
   * `takeOverLock`: the caller knows the last hub on this file is dead (it
   * watched it exit): the lock folder it left (the WASM build locks by mkdir,
   * which no crash undoes) is removed, or the database would stay "locked".
   */
  constructor(file: string, o: { takeOverLock?: boolean } = {}) {
    if (o.takeOverLock) rmSync(`${file}.lock`, { recursive: true, force: true });
    this.db = new Database(file);
    // Rollback journal (the WASM file system has no shared memory for WAL); NORMAL
    // sync keeps bulk project creation fast while staying crash-consistent.
    this.db.exec("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    this.db.exec(SCHEMA);
  }

  all<T = Row>(sql: string, params: unknown[] | Record<string, unknown> = []): T[] {
    return this.db.all(sql, params as never) as T[];
  }

  get<T = Row>(sql: string, params: unknown[] | Record<string, unknown> = []): T | undefined {
    return (this.db.get(sql, params as never) as T | null) ?? undefined;
  }

  run(sql: string, params: unknown[] | Record<string, unknown> = []): number {
    return this.db.run(sql, params as never).changes;
  }

  /** Run `fn` in one transaction; inside another one it simply joins it. */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.db.exec("BEGIN");
    try {
      const r = fn();
      this.db.exec("COMMIT");
      return r;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw e;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
