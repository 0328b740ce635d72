/**
 * The transfer phase's downloads. The reads start before "apply here" (the
 * server reads while this computer moves and deletes); files are written
 * only once their places here are ready (`place`, then `go`). The plan's
 * downloads are fetchFiles' items as they are: a place made for item i is a
 * 1 in `placed`, its path made when asked for (see TargetOf). Journal points:
 * "mid-download" at the first bytes, "downloaded" when `finish` is done.
 */
import { ApiError } from "../../../shared/errors.js";
import { durabilityFor, localPath, resolveLocal } from "../transfer/local-fs.js";
import { fetchFiles, type Outcome } from "../transfer/pipeline.js";
import type { Entry, TreeView } from "./entry.js";
import { cacheKeys } from "./local-scan.js";
import type { Download } from "./plan.js";
import type { SyncRun } from "./sync-run.js";

export const fileEntry = (sha: string, size: number, x: boolean, mtime = 0): Entry => ({ type: "f", size, mtime, sha, x });

export class Downloads {
  private readonly placed: Uint8Array;
  private fetching: Promise<Outcome[]> | null = null;
  /** where item i's replaced file was kept */
  private readonly keptAt = new Map<number, string>();
  private barrierMode = false;
  private go = () => {};
  private stop = (_e: unknown) => {};

  constructor(
    private readonly run: SyncRun,
    private readonly items: readonly Download[],
  ) {
    this.placed = new Uint8Array(items.length);
  }

  private targetOf = (i: number) => (this.placed[i] ? localPath(this.run.cfg.local_path, this.items[i]!.path) : "");

  /** the reads begin; nothing is written until `place` and `go` */
  async start(): Promise<void> {
    if (!this.items.length) return;
    const { run } = this;
    const ready = new Promise<void>((resolve, reject) => {
      this.go = resolve;
      this.stop = reject;
    });
    ready.catch(() => undefined);
    let first = true;
    const durability = await durabilityFor(run.cfg.local_path);
    this.barrierMode = durability.mode === "barrier";
    this.fetching = fetchFiles(run.agent, run.cfg.remote_path, this.items, this.targetOf, {
      signal: run.signal,
      ready,
      durability,
      onBytes: (n, cur) => {
        run.progress.bytes_done += n;
        run.progress.current = cur;
        run.counts.bytes_down += n;
        run.emit();
        if (first) {
          first = false;
          run.point("mid-download");
        }
      },
      onFile: () => {
        run.progress.files_done++;
        run.emit();
      },
    });
    // awaited in finish; if "apply here" fails first, that failure is the one reported
    this.fetching.catch(() => undefined);
  }

  /**
   * Each download's place here, made safely, and the file it will replace
   * kept in the versions store (journal point "kept"); one whose place or
   * version cannot be made is counted and skipped: nothing is replaced unkept.
   */
  async place(checkedDirs: Set<string>): Promise<void> {
    const { run, items } = this;
    for (let i = 0; i < items.length; i++) {
      const d = items[i]!;
      try {
        const abs = (await resolveLocal(run.cfg.local_path, d.path, true, checkedDirs))!;
        if (run.versions && d.expect !== "absent" && d.expect !== "any") {
          run.cancelled();
          // the downloads' first barrier makes the links durable before anything is replaced
          await run.versions.keepReplaced(run.batch, d.path, abs, { durable: this.barrierMode }).then(
            (at) => {
              run.kept++;
              this.keptAt.set(i, at);
            },
            (e: NodeJS.ErrnoException) => {
              // gone since the scan: the download's own check defers it
              if (e.code !== "ENOENT") throw e;
            },
          );
        }
        this.placed[i] = 1;
      } catch (e) {
        if (e instanceof ApiError && e.kind === "cancelled") throw e;
        // left without a place (fetchFiles skips it), and counted and logged once, here
        run.counts.errors++;
        run.log("error", `Could not download ${d.path}: ${(e as Error).message}`);
      }
    }
    run.point("kept");
    this.go();
  }

  /** "apply here" failed: the reads stop, and that failure is what is reported */
  async abort(e: unknown): Promise<void> {
    this.stop(e);
    await this.fetching?.catch(() => undefined);
  }

  /**
   * The writes end; the base takes each file that landed where it was read
   * from. Returns the conflict copies downloaded beside (their base waits for
   * the server's own move in the commit).
   */
  async finish(R: TreeView): Promise<Map<string, Entry>> {
    const { run, items } = this;
    const aside = new Map<string, Entry>();
    if (this.fetching) {
      const res = await this.fetching;
      await this.dropUnreplaced(res);
      // what was just written is known: the next scan need not hash it again (only the cache's key is kept of each stat)
      const stats = await cacheKeys(items.length, (i) => (res[i]!.status === "ok" ? this.targetOf(i) : null));
      run.state.transaction(() => {
        res.forEach((r, i) => {
          if (this.placed[i]) this.settle(items[i]!, r, stats[i] ?? null, R, aside);
        });
      });
    }
    run.point("downloaded");
    return aside;
  }

  /** a file kept by a link and then not replaced (it changed here meanwhile, say) is no version: the link goes */
  private async dropUnreplaced(res: readonly Outcome[]): Promise<void> {
    const { run } = this;
    for (const [i, at] of this.keptAt) {
      if (res[i]?.status === "ok" || !run.versions) continue;
      if (await run.versions.dropIfLive(at, localPath(run.cfg.local_path, this.items[i]!.path)).catch(() => false)) run.kept--;
    }
  }

  private settle(d: Download, r: Outcome, key: string | null, R: TreeView, aside: Map<string, Entry>): void {
    const { run } = this;
    if (key) run.state.setCache(d.path, { key, sha: d.sha });
    if (r.status === "ok") {
      run.counts.downloaded++;
      // the remote tree's own entry when it says the same: one object per file, not two
      const listed = R.get(d.from);
      const same = listed?.type === "f" && listed.sha === d.sha && listed.size === d.size && listed.x === d.x && listed.extra === undefined;
      const e = same ? listed : fileEntry(d.sha, d.size, d.x, listed?.mtime ?? 0);
      if (d.from === d.path) run.state.setBase(d.path, e);
      else aside.set(d.path, e);
    } else if (r.status === "cas" || r.status === "absent" || r.status === "hash") {
      run.deferred++;
      run.log("warn", `${d.path} was not downloaded: ${r.message}. It is tried again on the next sync.`);
    } else {
      run.counts.errors++;
      run.log("error", `${d.path} could not be downloaded: ${r.message}`);
    }
  }
}
