import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** Start a server script in its own process; it prints one JSON line once it listens. */
export async function startChild(args: string[]): Promise<{ info: Record<string, unknown>; stop: () => void; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (c) => reject(new Error(`server exited with ${c}`)));
  });
  return { info: JSON.parse(line) as Record<string, unknown>, stop: () => child.kill("SIGTERM"), child };
}
