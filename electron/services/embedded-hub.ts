/**
 * The embedded default server: the local hub started as a child process on a
 * free loopback port, so a fresh install works with no account. The shell
 * hands in how to spawn it (Electron's utilityProcess; plain Node elsewhere).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { HubCredentials } from "../../shared/hub-credentials.js";

export interface HubChild {
  stdout: Readable | null;
  stderr: Readable | null;
  kill(): void;
  once(event: "exit", listener: (code: number | null) => void): unknown;
}

export interface EmbeddedHub {
  credentials: HubCredentials;
  stop(): Promise<void>;
}

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
    stop: async () => {
      if (!exited) child.kill();
      await exit;
    },
  };
}

/** Spawning with plain Node: the built hub (out/main/hub.js) or the sources through tsx. */
export function nodeHubSpawner(o: { entry: string[]; dataDir: string; node?: string }): () => HubChild {
  return () =>
    spawn(o.node ?? process.execPath, [...o.entry, "--port", "0", "--data", o.dataDir, "--exit-with-stdin"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
}
