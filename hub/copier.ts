/**
 * Copies between projects with real rsync. In "kucalc" mode they are recorded
 * in copy_paths the way cocalc.com's queue is: started/finished/error,
 * scheduled ones run when due. In "single-user" mode (the realistic default)
 * they run at once and leave no record (`runNow`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { resolveInProject } from "./paths.js";
import type { ProjectRuntime } from "./runtime.js";
import type { CopyOp, Store } from "./store.js";

/** rsync's arguments for a copy, from the API's options (copy-path.ts on the real server). */
export function rsyncArgs(op: Pick<CopyOp, "overwrite_newer" | "delete_missing" | "backup" | "timeout" | "exclude">, src: string, dst: string, srcIsDir: boolean): string[] {
  const args = ["-a"];
  if (!op.overwrite_newer) args.push("--update");
  if (op.delete_missing) args.push("--delete");
  if (op.backup) args.push("--backup");
  if (op.timeout) args.push(`--timeout=${Math.floor(op.timeout)}`);
  for (const x of op.exclude ?? []) args.push(`--exclude=${x}`);
  // A folder's contents go into the target folder, not a folder inside it.
  args.push("--", srcIsDir ? `${src.replace(/\/+$/, "")}/` : src, srcIsDir ? `${dst.replace(/\/+$/, "")}/` : dst);
  return args;
}

/** What a copy needs to run, recorded or not. */
export type CopySpec = Pick<CopyOp, "source_project_id" | "source_path" | "target_project_id" | "target_path" | "overwrite_newer" | "delete_missing" | "backup" | "timeout" | "exclude">;

export class Copier {
  private readonly running = new Set<ChildProcess>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly runtime: ProjectRuntime,
    tickMs = 250,
  ) {
    this.timer = setInterval(() => this.runDue(), tickMs);
    this.timer.unref();
  }

  /** Run a recorded copy now; resolves when it finished (successfully or not). */
  run(op: CopyOp): Promise<void> {
    const p = this.runOnce(op).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  private async runOnce(op: CopyOp): Promise<void> {
    if (this.closed) return;
    this.store.setCopyState(op.copy_path_id, { started: new Date().toISOString() });
    let error: string | null = null;
    try {
      await this.rsync(op);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    // A copy cut short by the hub stopping stays unfinished in the record, as it is.
    if (!this.closed) this.store.setCopyState(op.copy_path_id, { finished: new Date().toISOString(), error });
  }

  /**
   * A single-user server's copy: nothing recorded; resolves when rsync
   * finished, rejects with its error. `killAfterMs` is the request's `timeout`
   * as the real server misreads it (milliseconds, facts §9).
   */
  runNow(op: CopySpec, killAfterMs?: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the hub is stopping"));
    const p = this.rsync(op, killAfterMs);
    const tracked = p.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return p;
  }

  private runDue(): void {
    if (this.closed) return;
    for (const op of this.store.dueCopies(new Date().toISOString())) void this.run(op);
  }

  private async rsync(op: CopySpec, killAfterMs?: number): Promise<void> {
    const srcRoot = await this.runtime.ensureRunning(op.source_project_id);
    const dstRoot = await this.runtime.ensureRunning(op.target_project_id);
    const src = resolveInProject(srcRoot, op.source_path);
    const dst = resolveInProject(dstRoot, op.target_path);
    const srcIsDir = statSync(src).isDirectory(); // ENOENT here is the copy's error, as on the real server
    mkdirSync(srcIsDir ? dst : dirname(dst), { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const args = rsyncArgs(op, src, dst, srcIsDir);
      const child = spawn("rsync", args, { stdio: ["ignore", "ignore", "pipe"] });
      this.running.add(child);
      let killed = false;
      const timer =
        killAfterMs === undefined
          ? undefined
          : setTimeout(() => {
              killed = true;
              child.kill("SIGKILL");
            }, killAfterMs);
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => {
        if (stderr.length < 10_000) stderr += b.toString("utf8");
      });
      child.on("error", (e) => {
        this.running.delete(child);
        reject(new Error(`rsync could not run: ${e.message}`));
      });
      child.on("close", (code) => {
        this.running.delete(child);
        clearTimeout(timer);
        if (killed) reject(new Error(`Error executing command 'rsync' with args '${args.join(" ")}' -- killed command 'rsync ${args.join(" ")}'`));
        else if (code === 0) resolve();
        else reject(new Error(`rsync exited with code ${code}: ${stderr.trim()}`));
      });
    });
  }

  /** Stop the scheduler, end running copies, and wait until none touches the database any more. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const c of this.running) c.kill("SIGKILL");
    await Promise.allSettled([...this.inFlight]);
  }
}
