/**
 * CoCalc's kiosk iframe protocol (facts §5), zod-typed, and the one
 * interface every kiosk mode answers: the server's frame over postMessage,
 * the navigated view, and the app's own viewer all take the same three
 * commands and give the same replies, so one control strip drives them all.
 */
import { z } from "zod";
import { Uuid } from "../api/common.js";

export const OpenRequest = z.strictObject({ action: z.literal("open"), project_id: Uuid, path: z.string() });
export const StatusRequest = z.strictObject({ action: z.literal("status") });
export const CloseAllRequest = z.strictObject({ action: z.literal("closeall") });
export const KioskRequest = z.discriminatedUnion("action", [OpenRequest, StatusRequest, CloseAllRequest]);
export type KioskRequest = z.infer<typeof KioskRequest>;
/** What the client may put on the wire: the three commands, or any other action (the server answers it with an error). */
export type WireRequest = KioskRequest | { action: string };

export const KioskConnection = z.looseObject({
  quality: z.string(),
  status: z.string().optional(),
  status_time: z.union([z.string(), z.number()]).optional(),
  ping: z.number().nullish(),
});

/** Every reply of the protocol: no request id is echoed; only `open`'s replies carry `action`. */
export const KioskReply = z.looseObject({
  status: z.enum(["ack", "done", "error"]),
  mesg: z.string().optional(),
  action: z.string().optional(),
  path: z.string().optional(),
  project_id: z.string().optional(),
  connection: KioskConnection.optional(),
  open_files: z.record(z.string(), z.array(z.string())).optional(),
});
export type KioskReply = z.infer<typeof KioskReply>;

/** The interface of every mode. Each call resolves to the command's final reply (done or error). */
export interface KioskDriver {
  command(request: WireRequest): Promise<KioskReply>;
}

/**
 * How a reply relates to the command in flight. Replies carry no id, so they
 * are matched by order (one command at a time) and by what they name:
 * - `open` is acknowledged by an ack naming its project and path, finished
 *   by a done or error naming them, or by an action-less error (a bad id,
 *   "problem opening project …");
 * - `status` is finished by a done carrying the connection or open files;
 * - `closeall` by a done with neither; both by an action-less error.
 * Anything else is a stray (a late answer to a command that timed out).
 */
export function matchReply(inflight: WireRequest, reply: KioskReply): "ack" | "final" | "stray" {
  const namesIt = (r: KioskReply) => {
    const req = inflight as { project_id?: unknown; path?: unknown };
    return r.action === "open" && r.path === req.path && r.project_id === req.project_id;
  };
  if (reply.status === "error" && reply.action === undefined) return "final";
  switch (inflight.action) {
    case "open":
      if (!namesIt(reply)) return "stray";
      return reply.status === "ack" ? "ack" : "final";
    case "status":
      return reply.status === "done" && reply.action === undefined && (reply.connection !== undefined || reply.open_files !== undefined) ? "final" : "stray";
    case "closeall":
      return reply.status === "done" && reply.action === undefined && reply.connection === undefined && reply.open_files === undefined ? "final" : "stray";
    default:
      // an action the protocol does not know: only its action-less error (handled above) finishes it
      return "stray";
  }
}

export class KioskProtocolError extends Error {
  constructor(
    readonly kind: "timeout" | "not-answering" | "closed",
    message: string,
  ) {
    super(message);
    this.name = "KioskProtocolError";
  }
}

/** The frame's window as far as the client needs it. */
export interface MessageTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** A received message as far as the client reads it (a MessageEvent fits). */
export interface ReceivedMessage {
  origin: string;
  source: unknown;
  data: unknown;
}

export interface ProtocolClientOptions {
  /** the server's origin: the only target origin and the only origin replies are taken from */
  origin: string;
  /** the kiosk frame's window (iframe.contentWindow), null while there is none */
  target: () => MessageTarget | null;
  /** ms a command may wait for its final reply; `open` starts a project, so it gets longer */
  timeoutMs?: { open: number; other: number };
  /** every accepted reply, acks included, for the UI's log */
  onReply?: (reply: KioskReply) => void;
}

interface Pending {
  request: WireRequest;
  resolve: (r: KioskReply) => void;
  reject: (e: Error) => void;
  timeoutMs: number;
}

/**
 * The protocol's client: one command in flight at a time, a queue that
 * waits until the frame has answered once, exact target origins, and replies
 * taken only from the server's origin and the kiosk frame.
 */
export class KioskProtocolClient implements KioskDriver {
  private readonly queue: Pending[] = [];
  private inflight: (Pending & { timer: ReturnType<typeof setTimeout> }) | null = null;
  private ready = false;
  private closed = false;
  private readonly o: ProtocolClientOptions;

  constructor(o: ProtocolClientOptions) {
    if (!/^https?:\/\/[^/\s]+$/.test(o.origin)) throw new Error(`not an origin: ${o.origin}`);
    this.o = o;
  }

  get isReady(): boolean {
    return this.ready;
  }

  command(request: WireRequest): Promise<KioskReply> {
    if (this.closed) return Promise.reject(new KioskProtocolError("closed", "The kiosk view was closed."));
    return new Promise((resolve, reject) => {
      const t = this.o.timeoutMs ?? { open: 20_000, other: 5_000 };
      this.queue.push({ request, resolve, reject, timeoutMs: request.action === "open" ? t.open : t.other });
      this.pump();
    });
  }

  /**
   * Ask the frame for its status until it answers or `deadlineMs` passes.
   * The real server reads its allowed origins once configured, so early
   * messages may go unanswered; a frame that never answers is not usable.
   */
  async probe(deadlineMs: number, everyMs = 700): Promise<boolean> {
    const end = Date.now() + deadlineMs;
    while (!this.closed && Date.now() < end) {
      if (!this.inflight) {
        try {
          const r = await this.send({ action: "status" }, Math.min(everyMs, Math.max(1, end - Date.now())));
          if (r.status === "done") {
            this.ready = true;
            this.pump();
            return true;
          }
        } catch {
          // not yet: ask again
        }
      } else {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return false;
  }

  /** Give up on the frame: every queued and running command fails with `reason`. */
  fail(reason: KioskProtocolError): void {
    const all = [...(this.inflight ? [this.inflight] : []), ...this.queue.splice(0)];
    if (this.inflight) clearTimeout(this.inflight.timer);
    this.inflight = null;
    for (const p of all) p.reject(reason);
  }

  close(): void {
    this.closed = true;
    this.fail(new KioskProtocolError("closed", "The kiosk view was closed."));
  }

  /** Feed every `message` event of the parent window here; returns whether it was taken. */
  handleMessage(e: ReceivedMessage): boolean {
    if (e.origin !== this.o.origin) return false;
    const target = this.o.target();
    if (!target || e.source !== target) return false;
    const parsed = KioskReply.safeParse(e.data);
    if (!parsed.success) return false;
    const reply = parsed.data;
    const cur = this.inflight;
    if (!cur) return false;
    const m = matchReply(cur.request, reply);
    if (m === "stray") return false;
    this.o.onReply?.(reply);
    if (m === "final") {
      clearTimeout(cur.timer);
      this.inflight = null;
      cur.resolve(reply);
      this.pump();
    }
    return true;
  }

  private send(request: WireRequest, timeoutMs: number): Promise<KioskReply> {
    return new Promise((resolve, reject) => {
      this.start({ request, resolve, reject, timeoutMs });
    });
  }

  private start(p: Pending): void {
    const target = this.o.target();
    if (!target) {
      p.reject(new KioskProtocolError("not-answering", "The kiosk frame is not there."));
      return;
    }
    const timer = setTimeout(() => {
      if (this.inflight?.timer !== timer) return;
      this.inflight = null;
      p.reject(new KioskProtocolError("timeout", `The server's kiosk page did not answer '${p.request.action}' within ${Math.round(p.timeoutMs / 1000)} s.`));
      this.pump();
    }, p.timeoutMs);
    this.inflight = { ...p, timer };
    target.postMessage(p.request, this.o.origin);
  }

  private pump(): void {
    if (!this.ready || this.inflight || this.closed) return;
    const next = this.queue.shift();
    if (next) this.start(next);
  }
}
