/**
 * Project commands are started by a small helper process rather than by the
 * hub itself. fork+exec costs in proportion to the parent's memory: a hub of
 * 270 MB spent 22 ms in each spawn, with its event loop stopped, while a
 * helper of 40 MB spends 2–3 ms (measured; a sync's reads are one command
 * each). The helper only starts commands and forwards their output in
 * frames; the hub keeps the timeouts and kills process groups itself, by pid.
 * If the helper cannot run or dies, commands fail with a clear error and the
 * next one starts a new helper.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** The helper, run as `node -e` (or Electron as node): no file to ship, no module to resolve. */
const HELPER = String.raw`
const { spawn } = require("node:child_process");
const out = process.stdout;
// streams paused until the hub reads: one drain listener resumes them all (one each warned past ten)
const waiting = new Set();
out.on("drain", () => {
  for (const s of waiting) s.resume();
  waiting.clear();
});
const frame = (id, kind, payload) => {
  const h = Buffer.alloc(9);
  h.writeUInt32BE(id, 0);
  h.writeUInt8(kind, 4);
  h.writeUInt32BE(payload.length, 5);
  out.write(h);
  return out.write(payload);
};
const errorOf = (e) => Buffer.from(JSON.stringify({ message: e.message, errno: e.errno, code: e.code, syscall: e.syscall, path: e.path }));
let line = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (s) => {
  line += s;
  let nl;
  while ((nl = line.indexOf("\n")) >= 0) {
    const m = JSON.parse(line.slice(0, nl));
    line = line.slice(nl + 1);
    let child;
    try {
      child = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      frame(m.id, 4, errorOf(e));
      frame(m.id, 5, Buffer.from(JSON.stringify({ code: null })));
      continue;
    }
    frame(m.id, 1, Buffer.from(String(child.pid ?? "")));
    // the hub reads at its pace: a command's output waits in its pipe, not in this process
    const pipe = (s, kind) =>
      s.on("data", (b) => {
        if (!frame(m.id, kind, b)) {
          s.pause();
          waiting.add(s);
        }
      });
    pipe(child.stdout, 2);
    pipe(child.stderr, 3);
    child.on("error", (e) => frame(m.id, 4, errorOf(e)));
    child.on("close", (code) => frame(m.id, 5, Buffer.from(JSON.stringify({ code }))));
  }
});
process.stdin.on("end", () => process.exit(0));
`;

const SPAWNED = 1;
const STDOUT = 2;
const STDERR = 3;
const ERROR = 4;
const CLOSE = 5;

export interface SpawnHandlers {
  /** the command's pid once it started (also its process group: it runs detached) */
  onPid(pid: number): void;
  onStdout(b: Buffer): void;
  onStderr(b: Buffer): void;
  /** it could not be started, or the helper went away */
  onError(e: NodeJS.ErrnoException): void;
  /** the command ended (after onError, with code null, when it never ran) */
  onClose(code: number | null): void;
}

export interface SpawnRequest {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export class Spawner {
  private proc: ChildProcess | null = null;
  private readonly jobs = new Map<number, SpawnHandlers>();
  private nextId = 1;
  private pending: Buffer = Buffer.alloc(0);

  /** the helper's pid (tests stop it to check that commands recover) */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  start(req: SpawnRequest, h: SpawnHandlers): void {
    const proc = this.helper();
    const id = this.nextId++;
    this.jobs.set(id, h);
    proc.stdin!.write(`${JSON.stringify({ id, ...req })}\n`);
  }

  private helper(): ChildProcess {
    if (this.proc) return this.proc;
    // Electron's binary runs as node with ELECTRON_RUN_AS_NODE; plain node ignores it
    const proc = spawn(process.execPath, ["-e", HELPER], { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } });
    this.proc = proc;
    this.pending = Buffer.alloc(0);
    proc.stdout!.on("data", (b: Buffer) => this.read(b));
    proc.stdin!.on("error", () => undefined); // a helper that died is handled on exit
    const gone = (why: string) => {
      if (this.proc !== proc) return;
      this.proc = null;
      const jobs = [...this.jobs.values()];
      this.jobs.clear();
      for (const h of jobs) {
        h.onError(Object.assign(new Error(`the hub's command runner stopped (${why})`), { code: "EHELPER" }));
        h.onClose(null);
      }
    };
    proc.on("error", (e) => gone(e.message));
    proc.on("exit", (code, signal) => gone(signal ?? `exit ${code}`));
    // the hub may exit while the helper waits for commands
    proc.unref();
    (proc.stdout as unknown as { unref?: () => void }).unref?.();
    (proc.stdin as unknown as { unref?: () => void }).unref?.();
    return proc;
  }

  private read(b: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, b]) : b;
    while (this.pending.length >= 9) {
      const len = this.pending.readUInt32BE(5);
      if (this.pending.length < 9 + len) break;
      const id = this.pending.readUInt32BE(0);
      const kind = this.pending.readUInt8(4);
      const payload = this.pending.subarray(9, 9 + len);
      this.pending = this.pending.subarray(9 + len);
      const h = this.jobs.get(id);
      if (!h) continue;
      if (kind === SPAWNED) {
        const pid = Number(payload.toString());
        if (pid > 0) h.onPid(pid);
      } else if (kind === STDOUT) h.onStdout(payload);
      else if (kind === STDERR) h.onStderr(payload);
      else if (kind === ERROR) h.onError(Object.assign(new Error(""), JSON.parse(payload.toString()) as object) as NodeJS.ErrnoException);
      else if (kind === CLOSE) {
        this.jobs.delete(id);
        h.onClose((JSON.parse(payload.toString()) as { code: number | null }).code);
      }
    }
  }

  /** stop the helper (the hub's shutdown; commands still running are not waited for) */
  stop(): void {
    this.proc?.kill();
  }
}

/** The hub's one helper. */
export const spawner = new Spawner();
