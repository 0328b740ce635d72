/**
 * SyncManagerApi: several pairs, each kept in step by its own runner. Pair
 * configs live in `<dataDir>/sync/pairs.json`, written atomically; each
 * pair's database and lock in `<dataDir>/sync/<id>/`. Removing a pair forgets
 * it and its state and never deletes a file on either side.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ApiError } from "../../../shared/errors.js";
import { PairConfig, PairInput, type ActivityEntry, type ConflictChoice, type PairStatus, type SyncCounts, type VersionEntry } from "../../../shared/sync.js";
import { writeAtomic } from "../store/write-atomic.js";
import { resolveLocal } from "../transfer/local-fs.js";
import { isSafeRelPath } from "../transfer/rel-path.js";
import type { BackendProvider, SyncManagerApi } from "./api.js";
import { mergeHere, resolveHere } from "./resolve-conflict.js";
import { PairRunner, type RunnerPace } from "./runner.js";

const PairsFile = z.object({ version: z.literal(1), pairs: z.array(PairConfig) });

export interface SyncManagerOptions {
  dataDir: string;
  backend: BackendProvider;
  /** start watching and listing at once (the app); tests may drive syncNow themselves */
  autoStart?: boolean;
}

export class SyncManager implements SyncManagerApi {
  private readonly runners = new Map<string, PairRunner>();
  private readonly listeners = new Set<(s: PairStatus) => void>();
  private readonly dir: string;
  private pace: RunnerPace = { hold: false, factor: 1 };

  private constructor(private readonly o: SyncManagerOptions) {
    this.dir = join(o.dataDir, "sync");
  }

  static async open(o: SyncManagerOptions): Promise<SyncManager> {
    const m = new SyncManager(o);
    await mkdir(m.dir, { recursive: true });
    let pairs: PairConfig[] = [];
    try {
      const parsed = PairsFile.safeParse(JSON.parse(await readFile(join(m.dir, "pairs.json"), "utf8")));
      if (parsed.success) pairs = parsed.data.pairs;
      else await rename(join(m.dir, "pairs.json"), join(m.dir, `pairs.unreadable-${Date.now()}.json`));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") await rename(join(m.dir, "pairs.json"), join(m.dir, `pairs.unreadable-${Date.now()}.json`)).catch(() => undefined);
    }
    for (const cfg of pairs) await m.openRunner(cfg);
    return m;
  }

  private async openRunner(cfg: PairConfig): Promise<PairRunner> {
    const r = await PairRunner.open(cfg, join(this.dir, cfg.id), () => this.o.backend(cfg.profile_id), (s) => this.emit(s));
    this.runners.set(cfg.id, r);
    r.setPace(this.pace);
    if (this.o.autoStart !== false && !cfg.paused) r.start();
    return r;
  }

  private emit(s: PairStatus) {
    for (const l of this.listeners) l(s);
  }

  private async save(): Promise<void> {
    const pairs = [...this.runners.values()].map((r) => PairConfig.parse(r.cfg));
    await writeAtomic(join(this.dir, "pairs.json"), JSON.stringify({ version: 1, pairs }, null, 2));
  }

  private runner(id: string): PairRunner {
    const r = this.runners.get(id);
    if (!r) throw new ApiError("invalid-input", `There is no sync pair ${id}.`, { hint: "Reload the list of pairs." });
    return r;
  }

  list(): Array<{ config: PairConfig; status: PairStatus }> {
    return [...this.runners.values()].map((r) => ({ config: PairConfig.parse(r.cfg), status: r.status }));
  }

  async add(input: PairInput): Promise<PairConfig> {
    const parsed = PairInput.safeParse(input);
    if (!parsed.success) throw new ApiError("invalid-input", `The pair is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const st = await stat(parsed.data.local_path).catch(() => null);
    if (!st?.isDirectory()) throw new ApiError("invalid-input", `${parsed.data.local_path} is not a folder.`, { hint: "Choose an existing local folder." });
    for (const r of this.runners.values()) {
      const c = r.cfg;
      if (c.local_path === parsed.data.local_path || (c.project_id === parsed.data.project_id && c.profile_id === parsed.data.profile_id && c.remote_path === parsed.data.remote_path)) {
        throw new ApiError("invalid-input", `That folder is already synced by the pair "${c.name ?? c.id}".`, { hint: "Remove that pair first, or choose another folder." });
      }
    }
    const cfg: PairConfig = { ...parsed.data, id: randomBytes(8).toString("hex"), paused: false };
    await this.openRunner(cfg);
    await this.save();
    return cfg;
  }

  async remove(id: string): Promise<void> {
    const r = this.runner(id);
    this.runners.delete(id);
    await r.close();
    await this.save();
    await rm(join(this.dir, id), { recursive: true, force: true });
  }

  async pause(id: string): Promise<void> {
    this.runner(id).pause();
    await this.save();
  }

  async resume(id: string): Promise<void> {
    const r = this.runner(id);
    r.resume();
    await this.save();
  }

  syncNow(id: string, o: { signal?: AbortSignal } = {}): Promise<SyncCounts> {
    return this.runner(id).syncNow(o);
  }

  private async conflictFiles(id: string, path: string) {
    const r = this.runner(id);
    const c = r.state.conflicts().find((x) => x.path === path);
    if (!c) throw new ApiError("invalid-input", `${path} has no open conflict.`, { hint: "Reload the conflicts list." });
    if (!isSafeRelPath(c.path) || !isSafeRelPath(c.conflict_path)) throw new ApiError("internal", "A conflict names an unsafe path.");
    const atPath = await resolveLocal(r.cfg.local_path, c.path, false);
    const atCopy = await resolveLocal(r.cfg.local_path, c.conflict_path, false);
    // after a sync both sides hold both versions; "mine" is the local side's
    const mine = c.kept === "local" ? atPath : atCopy;
    const theirs = c.kept === "local" ? atCopy : atPath;
    return { r, c, mine, theirs, atPath, atCopy };
  }

  async conflictVersions(id: string, path: string): Promise<{ mine: Uint8Array | null; theirs: Uint8Array | null }> {
    const { mine, theirs } = await this.conflictFiles(id, path);
    const read = async (p: string | null) => (p ? new Uint8Array(await readFile(p).catch(() => Buffer.alloc(0))) : null);
    return { mine: await read(mine), theirs: await read(theirs) };
  }

  async resolve(id: string, path: string, choice: ConflictChoice): Promise<void> {
    const { r, c, atPath, atCopy } = await this.conflictFiles(id, path);
    // the chosen version ends up at the path; the other is kept in Versions here, and the sync removes it on the server
    await resolveHere({ c, atPath, atCopy, state: r.state, store: r.versionStore() }, choice);
    r.state.removeConflict(path);
    r.state.log("info", `Conflict on ${path} resolved: ${choice === "both" ? "both versions kept" : choice === "mine" ? "kept the local version" : "took the server's version"}${choice === "both" || !r.versionStore() ? "" : "; the other is kept in Versions"}.`);
    this.emit({ ...r.status, conflicts: r.state.conflicts() });
    await r.syncNow().catch(() => undefined);
  }

  async resolveMerged(id: string, path: string, text: string, shown: { mine_sha256: string; theirs_sha256: string }): Promise<void> {
    const { r, c, mine, theirs, atPath, atCopy } = await this.conflictFiles(id, path);
    if (!mine || !theirs || !atPath || !atCopy) throw new ApiError("invalid-input", `One version of ${path} is gone, so there is nothing to merge.`, { hint: "Reload the conflict and choose again." });
    const sha = async (p: string) => createHash("sha256").update(await readFile(p)).digest("hex");
    if ((await sha(mine)) !== shown.mine_sha256 || (await sha(theirs)) !== shown.theirs_sha256) {
      throw new ApiError("invalid-input", `${path} changed since its versions were shown; nothing was written.`, { hint: "Reload the conflict and choose again." });
    }
    await mergeHere({ c, atPath, atCopy, state: r.state, store: r.versionStore() }, text);
    r.state.removeConflict(path);
    r.state.log("info", `Conflict on ${path} resolved: the versions were merged change by change${r.versionStore() ? "; both are kept in Versions" : ""}.`);
    this.emit({ ...r.status, conflicts: r.state.conflicts() });
    await r.syncNow().catch(() => undefined);
  }

  activity(id: string): ActivityEntry[] {
    return this.runner(id).state.activity();
  }

  /** Every active pair synced now, together; what each did or why it failed is in its status. */
  async syncAll(): Promise<void> {
    await Promise.all([...this.runners.values()].filter((r) => !r.cfg.paused).map((r) => r.syncNow().catch(() => undefined)));
  }

  /** Every active pair syncs within `spreadMs`, each at its own random moment (so they do not all call at once). */
  syncAllSoon(spreadMs: number, random: () => number = Math.random): void {
    for (const r of this.runners.values()) r.soon(Math.floor(random() * spreadMs));
  }

  /** Pauses every active pair; answers which ones it paused. */
  async pauseAll(): Promise<string[]> {
    const ids = [...this.runners.values()].filter((r) => !r.cfg.paused).map((r) => r.cfg.id);
    for (const id of ids) this.runners.get(id)!.pause();
    if (ids.length) await this.save();
    return ids;
  }

  /** Resumes the paused pairs among `ids` (every paused pair without it). */
  async resumeAll(ids?: string[]): Promise<void> {
    const which = [...this.runners.values()].filter((r) => r.cfg.paused && (!ids || ids.includes(r.cfg.id)));
    for (const r of which) r.resume();
    if (which.length) await this.save();
  }

  /** Held or slowed (on battery); not saved with the pairs, so a restart on mains power syncs as usual. */
  setPace(pace: RunnerPace): void {
    this.pace = pace;
    for (const r of this.runners.values()) r.setPace(pace);
  }

  versions(id: string): Promise<VersionEntry[]> {
    return this.runner(id).versions().list();
  }

  async restoreVersion(id: string, version_id: string): Promise<{ path: string }> {
    const r = this.runner(id);
    const path = await r.versions().restore(version_id);
    r.state.log("info", `Restored ${path} from Versions; the next sync carries it across.`);
    void r.syncNow().catch(() => undefined);
    return { path };
  }

  async versionFile(id: string, version_id: string): Promise<string> {
    return this.runner(id).versions().fileToShow(version_id);
  }

  onStatus(listener: (s: PairStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const r of this.runners.values()) await r.close();
    this.runners.clear();
  }
}
