/**
 * project_exec on real processes, with the real server's rules
 * (cocalc-server-facts §2): bash mode, a timeout that kills the whole process
 * group, max_output per stream, and its error texts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawner } from "./spawner.js";

export interface ExecOptions {
  command: string;
  args: string[];
  bash: boolean;
  cwd: string;
  home: string;
  /** seconds */
  timeout: number;
  max_output?: number;
  err_on_exit: boolean;
  signal?: AbortSignal;
  /** told the process group's id once the command started (async jobs report it) */
  onSpawn?: (pid: number) => void;
}

export interface ExecOutcome {
  stdout: string;
  stderr: string;
  exit_code: number;
  /**
   * The command could not start (Node's spawn error, e.g. its working folder
   * is gone): the error a v1 server answers then, whatever err_on_exit says
   * (facts §10). The current generation answers the result instead (§9).
   */
  notRun?: string;
}

export class ExecError extends Error {}

/** Output kept in memory per stream, whatever max_output says: a runaway command must not exhaust the hub. */
const HARD_CAP = 64 * 1024 * 1024;

export async function runExec(o: ExecOptions): Promise<ExecOutcome> {
  // Bash mode if asked, or if there are no args and the command has spaces (the real server's rule).
  const bash = o.bash || (o.args.length === 0 && /\s/.test(o.command.trim()));
  let tmp: string | undefined;
  let file = o.command;
  let args = o.args;
  if (bash) {
    tmp = await mkdtemp(join(tmpdir(), "cocalc-"));
    const script = join(tmp, "a.sh");
    await writeFile(script, `ulimit -t ${Math.ceil(o.timeout)}\n${o.command}\n`, { mode: 0o700 });
    file = "bash";
    args = [script];
  }
  const argsText = bash ? "" : o.args.join(" ");
  // the server joins the array with commas here (its toString), with spaces further on
  const prefix = `Error executing command '${o.command}' with args '${bash ? "" : o.args.join(",")}' -- `;
  try {
    const r = await spawnCollect(file, args, o);
    if (r.killed) throw new ExecError(`${prefix}killed command '${[file, ...args].join(" ")}'`);
    if (r.spawnError) {
      const e = r.spawnError as NodeJS.ErrnoException;
      const stderr = JSON.stringify({ errno: e.errno, code: e.code, syscall: e.syscall, path: e.path, spawnargs: args });
      const v1 = `${prefix}command ''${o.command}' (args=${argsText})' exited with nonzero code 1 -- stderr='${stderr.slice(0, 1024)}'`;
      if (o.err_on_exit) throw new ExecError(v1);
      return { stdout: "", stderr: `command ''${o.command}' (args=${argsText})' was not able to run -- stderr='${stderr}'`, exit_code: 1, notRun: v1 };
    }
    const stdout = truncate(r.stdout, o.max_output);
    const stderr = truncate(r.stderr, o.max_output);
    if (r.code !== 0 && o.err_on_exit) {
      throw new ExecError(`${prefix}command '${o.command}' exited with nonzero code ${r.code} -- stderr='${r.stderr.slice(0, 1024)}'`);
    }
    return { stdout, stderr, exit_code: r.code };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

function truncate(s: string, max?: number): string {
  return max !== undefined && s.length > max ? `${s.slice(0, max)} (truncated at ${max} characters)` : s;
}

/**
 * A project's commands find programs where a CoCalc project does (its own
 * bin folders, then the system's) before anything of the shell that started
 * the hub: a developer's version-manager shims (pyenv's python3 is a bash
 * script that costs ~120 ms per call) are not what a project has. The rest
 * of that PATH follows, so on "This computer" a person's own tools are still
 * found.
 */
export function projectPath(home: string, inherited = process.env.PATH ?? ""): string {
  const first = [`${home}/bin`, `${home}/.local/bin`, "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
  return [...new Set([...first, ...inherited.split(":").filter(Boolean)])].join(":");
}

interface Collected {
  stdout: string;
  stderr: string;
  code: number;
  killed: boolean;
  spawnError?: Error;
}

function spawnCollect(file: string, args: string[], o: ExecOptions): Promise<Collected> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let pid: number | undefined;
    let killed = false;
    // its own process group (the helper starts it detached), so a timeout kills the command and everything it started
    const killGroup = () => {
      killed = true;
      if (pid === undefined) return; // killed as soon as its pid is known
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone already
        }
      }
    };
    const timer = setTimeout(killGroup, o.timeout * 1000);
    o.signal?.addEventListener("abort", killGroup, { once: true });
    let spawnError: Error | undefined;
    spawner.start(
      { file, args, cwd: o.cwd, env: { ...process.env, HOME: o.home, PWD: o.cwd, PATH: projectPath(o.home) } },
      {
        onPid: (p) => {
          pid = p;
          o.onSpawn?.(p);
          if (killed) killGroup();
        },
        onStdout: (b) => {
          if (outLen >= HARD_CAP) return;
          out.push(b);
          outLen += b.length;
        },
        onStderr: (b) => {
          if (errLen >= HARD_CAP) return;
          err.push(b);
          errLen += b.length;
        },
        onError: (e) => {
          spawnError = e;
        },
        onClose: (code) => {
          clearTimeout(timer);
          o.signal?.removeEventListener("abort", killGroup);
          resolve({
            stdout: Buffer.concat(out).toString("utf8"),
            stderr: Buffer.concat(err).toString("utf8"),
            code: code ?? (killed ? 137 : 1),
            killed,
            spawnError,
          });
        },
      },
    );
  });
}
