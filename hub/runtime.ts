/**
 * Projects as real folders, with a run state like the real server's: a
 * stopped project starts on the first call that reaches it and takes a moment
 * to do so; a call that waits longer than the connect timeout gets the real
 * server's {event:"error", error:"timeout"} while the start goes on.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export type RunState = "stopped" | "starting" | "running";

export interface RuntimeOptions {
  dataDir: string;
  /** how long a start takes, ms */
  startMs: number;
  /** how long a call waits for a starting project before answering "timeout", ms */
  connectTimeoutMs: number;
}

export class StartTimeout extends Error {
  constructor() {
    super("timeout");
  }
}

export class ProjectRuntime {
  private readonly states = new Map<string, { state: RunState; ready?: Promise<void>; timer?: NodeJS.Timeout }>();
  /** projects started at least once since the hub started (cocalc.ai tells a never-started project apart) */
  private readonly started = new Set<string>();

  constructor(private readonly o: RuntimeOptions) {}

  folder(project_id: string): string {
    return join(this.o.dataDir, "projects", project_id);
  }

  createFolder(project_id: string): string {
    const dir = this.folder(project_id);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  state(project_id: string): RunState {
    return this.states.get(project_id)?.state ?? "stopped";
  }

  /** started at least once (cocalc.ai: a never-started project has no state at all) */
  everStarted(project_id: string): boolean {
    return this.started.has(project_id);
  }

  /** Projects running or starting now. */
  active(): string[] {
    return [...this.states.keys()];
  }

  /**
   * Resolves once the project runs, without starting it (cocalc.ai's project
   * bridge waits for the project to answer); rejects when `signal` aborts.
   */
  async untilRunning(project_id: string, signal: AbortSignal): Promise<void> {
    while (this.state(project_id) !== "running") {
      if (signal.aborted) throw new Error("aborted");
      const ready = this.states.get(project_id)?.ready;
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        void ready?.then(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  start(project_id: string): Promise<void> {
    this.started.add(project_id);
    const cur = this.states.get(project_id);
    if (cur?.state === "running") return Promise.resolve();
    if (cur?.state === "starting" && cur.ready) return cur.ready;
    this.createFolder(project_id);
    const entry: { state: RunState; ready?: Promise<void>; timer?: NodeJS.Timeout } = { state: "starting" };
    entry.ready = new Promise<void>((resolve) => {
      entry.timer = setTimeout(() => {
        entry.state = "running";
        resolve();
      }, this.o.startMs);
    });
    this.states.set(project_id, entry);
    return entry.ready;
  }

  stop(project_id: string): void {
    const cur = this.states.get(project_id);
    if (cur?.timer) clearTimeout(cur.timer);
    this.states.delete(project_id);
  }

  /** Bring the project up for a call, as the real hub does on every project call. */
  async ensureRunning(project_id: string): Promise<string> {
    const ready = this.start(project_id);
    if (this.state(project_id) !== "running") {
      let t: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<"timeout">((r) => (t = setTimeout(() => r("timeout"), this.o.connectTimeoutMs)));
      const r = await Promise.race([ready.then(() => "ready" as const), gaveUp]);
      clearTimeout(t);
      if (r === "timeout") throw new StartTimeout();
    }
    return this.folder(project_id);
  }

  stopAll(): void {
    for (const id of [...this.states.keys()]) this.stop(id);
  }
}
