/**
 * A pair's memory, in a real embedded database (SQLite compiled to
 * WebAssembly) under the pair's state folder: the base (last agreed version
 * of every path), the local hash cache, the last remote listing and its id,
 * the journal of a sync in progress, conflicts and the activity log. The base
 * only changes for operations both sides confirmed.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import sqlite from "node-sqlite3-wasm";
import type { ActivityEntry, SyncConflict } from "../../../shared/sync.js";
import type { Entry, EntryType, Tree, TreeView } from "./entry.js";

const { Database } = sqlite;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS base (path TEXT PRIMARY KEY, type TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, sha TEXT NOT NULL, x INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS remote (path TEXT PRIMARY KEY, type TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, sha TEXT NOT NULL, x INTEGER NOT NULL, extra TEXT NOT NULL) WITHOUT ROWID;
DROP TABLE IF EXISTS localcache;
CREATE TABLE IF NOT EXISTS lcache (path TEXT PRIMARY KEY, key TEXT NOT NULL, sha TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (tx TEXT PRIMARY KEY, started TEXT NOT NULL, point TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conflicts (path TEXT PRIMARY KEY, conflict_path TEXT NOT NULL, kind TEXT NOT NULL, kept TEXT NOT NULL, detected_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS activity (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, level TEXT NOT NULL, text TEXT NOT NULL);
`;

type Row = Record<string, unknown>;

/** raised when SCHEMA changes, so databases made before run it again */
const SCHEMA_VERSION = 1;

/** writes per commit in grouped() */
const GROUP_WRITES = 256;

export interface CacheRow {
  /** size, mtime and ctime in ns, and inode, as one string (see cacheKey): one string per file rather than four */
  key: string;
  sha: string;
}

interface Memo {
  base?: Tree;
  remote?: Tree;
  cache?: Map<string, CacheRow>;
  version?: number;
}

const toEntry = (r: Row): Entry => ({
  type: r.type as EntryType,
  size: Number(r.size),
  mtime: Number(r.mtime),
  sha: String(r.sha),
  x: Number(r.x) === 1,
  ...(r.extra ? { extra: String(r.extra) } : {}),
});

export class PairState {
  private readonly db: InstanceType<typeof Database>;
  /**
   * The trees as last read or written here, so the syncs of a running app do
   * not read 10,000 rows three times each; dropped when another process (the
   * headless command, after this one let go of the lock) committed to the
   * database, which SQLite's data_version tells, and after a rollback.
   */
  private memo: Memo = {};
  /**
   * Memo maps a caller holds: the next write copies such a map before it
   * changes it (copy on write), so a caller's view never changes under it,
   * and a sync that writes nothing (most of them) copies nothing. A copy of
   * 20,000 paths' map is about 1 MB.
   */
  private readonly handedOut = new WeakSet<Map<string, unknown>>();

  /** writes held back by grouped(), null when writes go straight to the database */
  private held: Array<[string, Array<string | number>]> | null = null;

  /**
   * Write statements, prepared once: the library's db.run prepares and
   * finalizes a statement on every call, which was most of the cost of
   * storing 10,000 rows (reads still prepare each time, and run to the end,
   * so no statement is left holding a read lock).
   */
  private readonly stmts = new Map<string, ReturnType<InstanceType<typeof Database>["prepare"]>>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, "state.sqlite"));
    this.db.exec("PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=FULL;");
    // the schema's statements each take and drop the file's lock: run once per database, not on every open
    if (Number((this.db.get("PRAGMA user_version") as Row | null)?.user_version ?? 0) < SCHEMA_VERSION) {
      this.db.exec(`BEGIN; ${SCHEMA} PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT;`);
    }
  }

  private run(sql: string, values: Array<string | number> = []): void {
    if (this.held) {
      this.held.push([sql, values]);
      return;
    }
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    s.run(values);
  }

  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    if (this.held) {
      // inside grouped(): the writes are held and committed together anyway; a failed one drops its own
      const mark = this.held.length;
      try {
        return fn();
      } catch (e) {
        this.held.length = mark;
        this.memo = {};
        throw e;
      }
    }
    this.db.exec("BEGIN");
    try {
      const r = fn();
      this.db.exec("COMMIT");
      return r;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      this.memo = {};
      throw e;
    }
  }

  /**
   * The writes of a stretch of async work (a sync's local moves, deletions
   * and folders) held back and committed GROUP_WRITES at a time. Each commit
   * costs the disk about four fsyncs; one per folder made 3,300 fsyncs and a
   * second of a first download of 800 folders. No transaction stays open
   * across the work: this SQLite's file lock shuts out every other
   * connection, readers too, while one is open. Safe because a sync cut
   * short is planned again from what both sides hold: work whose record was
   * lost shows up as "the same on both sides", never as a conflict. What was
   * held is committed however `fn` ends.
   */
  async grouped<T>(fn: (step: () => void) => Promise<T>): Promise<T> {
    if (this.held) return fn(() => undefined);
    const held: Array<[string, Array<string | number>]> = (this.held = []);
    const commit = () => {
      if (!held.length) return;
      const writes = held.splice(0);
      this.held = null;
      try {
        this.transaction(() => {
          for (const [sql, values] of writes) this.run(sql, values);
        });
      } finally {
        this.held = held;
      }
    };
    try {
      return await fn(() => {
        if (held.length >= GROUP_WRITES) commit();
      });
    } finally {
      commit();
      this.held = null;
    }
  }

  /** the memo, fresh: empty when someone else wrote since it was filled */
  private fresh(): Memo {
    const v = Number((this.db.get("PRAGMA data_version") as Row).data_version);
    if (this.memo.version !== v) this.memo = { version: v };
    return this.memo;
  }

  /** `map`, or a copy of it put in its place in the memo when a caller holds it */
  private writable<K extends "base" | "remote" | "cache">(key: K): Memo[K] {
    const map = this.memo[key] as Map<string, unknown> | undefined;
    if (!map || !this.handedOut.has(map)) return map as Memo[K];
    return (this.memo[key] = new Map(map) as Memo[K]);
  }

  private handOut<T extends Map<string, unknown>>(map: T): T {
    this.handedOut.add(map);
    return map;
  }

  // ---- base (a view that does not change: see handedOut)
  base(): TreeView {
    const m = this.fresh();
    m.base ??= new Map((this.db.all("SELECT * FROM base") as Row[]).map((r) => [String(r.path), toEntry(r)]));
    return this.handOut(m.base);
  }
  baseCount(): number {
    return Number((this.db.get("SELECT count(*) AS n FROM base WHERE type = 'f'") as Row).n);
  }
  setBase(path: string, e: Entry | null): void {
    if (!e) this.run("DELETE FROM base WHERE path = ?", [path]);
    else this.run("INSERT OR REPLACE INTO base VALUES (?, ?, ?, ?, ?, ?)", [path, e.type, e.size, e.mtime, e.sha, e.x ? 1 : 0]);
    if (e) this.writable("base")?.set(path, e);
    else this.writable("base")?.delete(path);
  }

  // ---- the last remote listing
  remote(): TreeView {
    const m = this.fresh();
    m.remote ??= new Map((this.db.all("SELECT * FROM remote") as Row[]).map((r) => [String(r.path), toEntry(r)]));
    return this.handOut(m.remote);
  }
  saveRemote(kind: "full" | "delta", id: string, entries: Array<[string, Entry]>, removed: string[]): void {
    // an unchanged listing (the agent kept its manifest) writes nothing
    if (kind === "delta" && !entries.length && !removed.length && id === this.meta("remote_id")) return;
    const m = this.fresh();
    this.transaction(() => {
      if (kind === "full") this.run("DELETE FROM remote");
      for (const p of removed) this.run("DELETE FROM remote WHERE path = ?", [p]);
      for (const [p, e] of entries) this.run("INSERT OR REPLACE INTO remote VALUES (?, ?, ?, ?, ?, ?, ?)", [p, e.type, e.size, e.mtime, e.sha, e.x ? 1 : 0, e.extra ?? ""]);
      this.setMeta("remote_id", id);
    });
    if (kind === "full") m.remote = new Map(entries);
    else {
      const r = this.writable("remote");
      for (const p of removed) r?.delete(p);
      for (const [p, e] of entries) r?.set(p, e);
    }
  }

  // ---- local hash cache
  localCache(): ReadonlyMap<string, CacheRow> {
    const m = this.fresh();
    m.cache ??= new Map((this.db.all("SELECT path, key, sha FROM lcache") as Row[]).map((r) => [String(r.path), { key: String(r.key), sha: String(r.sha) }]));
    return this.handOut(m.cache);
  }
  setCache(path: string, c: CacheRow | null): void {
    if (!c) this.run("DELETE FROM lcache WHERE path = ?", [path]);
    else this.run("INSERT OR REPLACE INTO lcache VALUES (?, ?, ?)", [path, c.key, c.sha]);
    if (c) this.writable("cache")?.set(path, c);
    else this.writable("cache")?.delete(path);
  }

  // ---- meta
  meta(key: string): string | null {
    const r = this.db.get("SELECT value FROM meta WHERE key = ?", [key]) as Row | null;
    return r ? String(r.value) : null;
  }
  setMeta(key: string, value: string | null): void {
    if (value === null) this.run("DELETE FROM meta WHERE key = ?", [key]);
    else this.run("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value]);
  }

  // ---- journal
  interrupted(): { tx: string; point: string } | null {
    const r = this.db.get("SELECT tx, point FROM journal LIMIT 1") as Row | null;
    return r ? { tx: String(r.tx), point: String(r.point) } : null;
  }
  /** the sync's journal row, made at its first point (one transaction, not a second for the point) */
  journalBegin(tx: string, point: string): void {
    this.transaction(() => {
      this.run("DELETE FROM journal");
      this.run("INSERT INTO journal VALUES (?, ?, ?)", [tx, new Date().toISOString(), point]);
    });
  }
  journalPoint(tx: string, point: string): void {
    this.run("UPDATE journal SET point = ? WHERE tx = ?", [point, tx]);
  }
  journalEnd(tx: string): void {
    this.run("DELETE FROM journal WHERE tx = ?", [tx]);
  }

  // ---- conflicts
  conflicts(): SyncConflict[] {
    return (this.db.all("SELECT * FROM conflicts ORDER BY detected_at") as Row[]).map((r) => ({
      path: String(r.path),
      conflict_path: String(r.conflict_path),
      kind: r.kind as SyncConflict["kind"],
      kept: r.kept as SyncConflict["kept"],
      detected_at: String(r.detected_at),
    }));
  }
  addConflict(c: SyncConflict): void {
    this.run("INSERT OR REPLACE INTO conflicts VALUES (?, ?, ?, ?, ?)", [c.path, c.conflict_path, c.kind, c.kept, c.detected_at]);
  }
  removeConflict(path: string): void {
    this.run("DELETE FROM conflicts WHERE path = ?", [path]);
  }

  // ---- activity
  log(level: ActivityEntry["level"], text: string): ActivityEntry {
    const e = { time: new Date().toISOString(), level, text };
    this.run("INSERT INTO activity (time, level, text) VALUES (?, ?, ?)", [e.time, e.level, e.text]);
    this.run("DELETE FROM activity WHERE id <= (SELECT max(id) - 500 FROM activity)");
    return e;
  }
  activity(): ActivityEntry[] {
    return (this.db.all("SELECT time, level, text FROM activity ORDER BY id DESC LIMIT 200") as Row[]).map((r) => ({
      time: String(r.time),
      level: r.level as ActivityEntry["level"],
      text: String(r.text),
    }));
  }

  close(): void {
    for (const s of this.stmts.values()) s.finalize();
    this.stmts.clear();
    if (this.db.isOpen) this.db.close();
  }
}
