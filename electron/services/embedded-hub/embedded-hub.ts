/**
 * The embedded default server: the local hub started as a child process on a
 * free loopback port, so a fresh install works with no account. The shell
 * hands in how to spawn it (Electron's utilityProcess; plain Node elsewhere).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { HubCredentials } from "../../../shared/hub-credentials.js";

export interface HubChild {
  pid?: number;
  stdout: Readable | null;
  stderr: Readable | null;
  kill(): void;
  once(event: "exit", listener: (code: number | null) => void): unknown;
}

export interface EmbeddedHub {
  credentials: HubCredentials;
  /** the hub's process id, where the spawner tells it */
  pid?: number;
  /** resolves when the hub's process has ended, for whatever reason */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * How the hub is started: on a given port (the one it had before a restart),
 * or any free one; `afterCrash`: the one before died, its stale lock is taken over.
 */
export type HubSpawner = (o?: { port?: number; afterCrash?: boolean }) => HubChild;

/** Start the hub and wait for its one JSON line; a hub that dies or stays silent is a clear error. */
export async function startEmbeddedHub(spawnHub: () => HubChild, timeoutMs = 30_000): Promise<EmbeddedHub> {
  const child = spawnHub();
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    if (stderr.length < 4000) stderr += b.toString("utf8");
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const line = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill();
      reject(new Error(`The local hub did not start within ${timeoutMs / 1000} s.${stderr ? ` It said: ${stderr.trim()}` : ""}`));
    }, timeoutMs);
    if (!child.stdout) return reject(new Error("The local hub has no output to read its address from."));
    createInterface({ input: child.stdout }).once("line", (l) => (clearTimeout(t), resolve(l)));
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`The local hub stopped (exit code ${code}) before it was ready.${stderr ? ` It said: ${stderr.trim()}` : ""}`));
    });
  });
  let credentials: HubCredentials;
  try {
    credentials = HubCredentials.parse(JSON.parse(line));
  } catch {
    child.kill();
    throw new Error("The local hub printed something other than its address and key.");
  }
  return {
    credentials,
    pid: child.pid,
    exited: exit,
    stop: async () => {
      if (!exited) child.kill();
      await exit;
    },
  };
}

export interface SupervisorEvents {
  /** the hub answers at these credentials (again): the app's profile follows them */
  ready(c: HubCredentials): Promise<void>;
  /** the hub stopped by itself; the supervisor is starting it again */
  down(why: string): void;
}

/** Waits between restarts, ms: quick at first, then no more than every 30 s while it keeps failing. */
export const restartDelay = (failures: number): number => Math.min(30_000, 500 * 2 ** Math.max(0, failures - 1));

/**
 * The embedded hub, kept running: when its process ends without being asked
 * to (a crash, an OOM kill), it is started again on the same port — so the
 * page's address for it stays the same — or on any free one when that port
 * is taken; each restart is reported and logged.
 */
export class SupervisedHub {
  private current: EmbeddedHub;
  private stopping = false;
  /** restarts made, for the record */
  restarts = 0;

  private constructor(
    first: EmbeddedHub,
    private readonly spawnHub: HubSpawner,
    private readonly events: SupervisorEvents,
    private readonly timeoutMs: number,
  ) {
    this.current = first;
    this.watch(first);
  }

  static async start(spawnHub: HubSpawner, events: SupervisorEvents, timeoutMs = 30_000): Promise<SupervisedHub> {
    const first = await startEmbeddedHub(() => spawnHub(), timeoutMs);
    await events.ready(first.credentials);
    return new SupervisedHub(first, spawnHub, events, timeoutMs);
  }

  get credentials(): HubCredentials {
    return this.current.credentials;
  }

  get pid(): number | undefined {
    return this.current.pid;
  }

  private watch(hub: EmbeddedHub): void {
    void hub.exited.then(() => {
      if (this.stopping || hub !== this.current) return;
      this.events.down("The local hub stopped unexpectedly; it is being started again.");
      void this.restart(Number(new URL(hub.credentials.url).port));
    });
  }

  private async restart(port: number): Promise<void> {
    for (let failures = 1; !this.stopping; failures++) {
      await new Promise((r) => setTimeout(r, restartDelay(failures)));
      if (this.stopping) return;
      try {
        // the same port first; any free one when it stays taken
        const hub = await startEmbeddedHub(() => this.spawnHub({ port: failures <= 2 ? port : undefined, afterCrash: true }), this.timeoutMs);
        if (this.stopping) return void (await hub.stop());
        this.current = hub;
        this.restarts++;
        this.watch(hub);
        await this.events.ready(hub.credentials);
        return;
      } catch (e) {
        this.events.down(`The local hub could not be started again (${e instanceof Error ? e.message : String(e)}); trying again.`);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.current.stop();
  }
}

/** Spawning with plain Node: the built hub (out/main/hub.js) or the sources through tsx. */
export function nodeHubSpawner(o: { entry: string[]; dataDir: string; node?: string }): HubSpawner {
  return ({ port = 0, afterCrash = false } = {}) =>
    spawn(o.node ?? process.execPath, [...o.entry, "--port", String(port), "--data", o.dataDir, "--exit-with-stdin", ...(afterCrash ? ["--take-over-lock"] : [])], {
      stdio: ["pipe", "pipe", "pipe"],
    });
}
