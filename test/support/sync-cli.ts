/** The headless sync command (`npm run sync`: the built JavaScript, see scripts/sync-cli.mjs) as a child process, for the tests that kill it or read its output. */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runSyncCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["scripts/sync-cli.mjs", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The pair id the headless command derives for these folders, so an in-process engine and the command share state. */
export function cliPairId(local: string, server: string, project_id: string, remote_path: string): string {
  return createHash("sha256").update(`${local}\n${server}\n${project_id}\n${remote_path}`).digest("hex").slice(0, 16);
}
