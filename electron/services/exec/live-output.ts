/**
 * A console command's output while it runs, on every server generation.
 *
 * No server returns partial output of a running command to an API key (v1
 * has no background jobs; the others' job status holds the output only at
 * the end), so the command's wrapper copies what it prints into two files in
 * the project (GNU `tee`, `stdbuf` and `head`, capped at the output limit) while stdout and stderr still
 * go to the server unchanged. The app reads the files from where it stopped,
 * one exec call every half second at most, and pushes what is new. The
 * server's own result stays the authority once the command ends.
 */
import type { ExecInput, ExecResult } from "../../../shared/domain.js";
import type { ExecOutputEvent } from "../../../shared/ipc/contract.js";
import type { Backend } from "../backend/backend.js";

export const RUN_DIR = '"$HOME/.cache/cocalc-desktop/run"';
export const runPath = (request_id: string, ext: "pid" | "out" | "err") => `"$HOME/.cache/cocalc-desktop/run/${request_id}.${ext}"`;

/** What the capture files hold at most per stream, when the command sets no output limit (bytes). */
const DEFAULT_CAPTURE_BYTES = 10_000_000;
/** What one read brings back at most per stream (bytes): a chatty command is followed in steps. */
export const READ_STEP_BYTES = 256 * 1024;
/** How often a running command's files are read, ms (one call at a time, so never more than 2 per second). */
export const POLL_MS = 500;

/**
 * Redirections that copy stdout and stderr into the command's capture files
 * and still to the server. Each file is made and removed by the one process
 * that writes it (`head` takes its share, unbuffered by `stdbuf` so each
 * piece lands as it comes; `cat` drains the rest; `rm` when the stream ends), so no file is left behind and none is made again after its
 * removal; `tee -p` keeps writing to the server whatever happens to that side.
 * The server waits for these processes (they hold its pipes), so the output
 * limit, the exit status and when the call answers are as before.
 */
export function captureRedirects(request_id: string, max_output: number | undefined): string {
  const cap = Math.max(1, Math.floor(max_output ?? DEFAULT_CAPTURE_BYTES));
  const keep = (s: "out" | "err") => `>(stdbuf -o0 head -c ${cap} > ${runPath(request_id, s)} 2>/dev/null; cat > /dev/null; rm -f ${runPath(request_id, s)})`;
  return `> >(tee -p ${keep("out")}) 2> >(tee -p ${keep("err")} >&2)`;
}

/** Capture files left by commands killed outright (no EXIT trap ran) are removed a day later. */
export const PRUNE_OLD = `find ${RUN_DIR} -maxdepth 1 -type f -mmin +1440 -delete 2>/dev/null; `;

/** One read of both capture files from the given byte offsets: a line per stream, base64, or "-" when the file is not there. */
export function readScript(request_id: string, from: { out: number; err: number }, step = READ_STEP_BYTES): string {
  const one = (s: "out" | "err", off: number) =>
    `f=${runPath(request_id, s)}; if [ -f "$f" ]; then printf 'cocalc-${s} '; tail -c +${off + 1} "$f" | head -c ${step} | base64 -w0; echo; else echo 'cocalc-${s} -'; fi`;
  return `${one("out", Math.floor(from.out))}; ${one("err", Math.floor(from.err))}`;
}

export interface ReadBack {
  out: Uint8Array | null;
  err: Uint8Array | null;
}

/** The read script's two lines; a stream whose file is not there (yet, or any more) is null. */
export function parseRead(stdout: string): ReadBack {
  const get = (s: "out" | "err"): Uint8Array | null => {
    const m = new RegExp(`^cocalc-${s} ([A-Za-z0-9+/=]*|-)$`, "m").exec(stdout);
    if (!m || m[1] === "-") return null;
    return new Uint8Array(Buffer.from(m[1]!, "base64"));
  };
  return { out: get("out"), err: get("err") };
}

export type OutputSink = (e: ExecOutputEvent) => void;

/**
 * Follows one command's capture files while it runs: reads from the last
 * offsets, decodes UTF-8 across read boundaries, and hands on what is new.
 * A failed read is skipped (the command goes on regardless) and tried again.
 */
export class OutputFollower {
  private readonly offsets = { out: 0, err: 0 };
  private readonly decoders = { out: new TextDecoder("utf-8"), err: new TextDecoder("utf-8") };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  /** exec calls made to read, for the record (calls per second while running) */
  reads = 0;

  constructor(
    private readonly backend: Backend,
    private readonly project_id: string,
    private readonly request_id: string,
    private readonly sink: OutputSink,
    private readonly pollMs = POLL_MS,
  ) {}

  start(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => void this.tick(), this.pollMs);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    await this.readOnce();
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.pollMs);
  }

  /** One read now (or wait for the one under way): what came so far is handed on before a cancel stops the command. */
  readOnce(): Promise<void> {
    this.inFlight ??= this.read().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async read(): Promise<void> {
    let r: ExecResult;
    try {
      this.reads++;
      r = await this.backend.exec({ project_id: this.project_id, command: readScript(this.request_id, this.offsets), bash: true, timeout: 10 } satisfies ExecInput);
    } catch {
      return; // a lost read is read again next time: the offsets did not move
    }
    if (this.stopped) return;
    const got = parseRead(r.stdout);
    const text = { stdout: this.take("out", got.out), stderr: this.take("err", got.err) };
    if (text.stdout || text.stderr) this.sink({ request_id: this.request_id, ...text });
  }

  private take(s: "out" | "err", bytes: Uint8Array | null): string {
    if (!bytes || bytes.byteLength === 0) return "";
    this.offsets[s] += bytes.byteLength;
    return this.decoders[s].decode(bytes, { stream: true });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
