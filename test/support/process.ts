import { readFileSync } from "node:fs";
/** Waiting on processes the hub started, by their pid. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True once the process is gone, false if it is still there after `ms` (a margin for a loaded machine). */
export async function waitForExit(pid: number, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Alive and not a zombie: a killed child the hub has not reaped yet has stopped running (Linux /proc; kill 0 elsewhere). */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return process.platform !== "linux";
  }
}
