/**
 * The main process's side of the IPC contract, in plain Node: for every call
 * it checks the sender is the app's own top frame (VS Code's validateEvent),
 * validates the input, calls the service, validates the output (stripping any
 * field the contract does not name) and answers an IpcResult. Electron's
 * ipcMain and the test bridge both hand their calls to `handle`.
 */
import type { z } from "zod";
import { ApiError } from "../../shared/errors.js";
import { CHANNELS, type Channel } from "../../shared/ipc/channels.js";
import { contract } from "../../shared/ipc/contract.js";
import type { IpcResult } from "../../shared/ipc/api.js";
import type { Handlers } from "./handlers.js";
import type { Logger, Redactor } from "../services/log/log.js";
import { originOf } from "../security/policies.js";

export interface Sender {
  /** the URL of the frame that sent the call (Electron: event.senderFrame.url) */
  url: string;
  /** whether that frame is the page's top frame (Electron: senderFrame.parent === null) */
  isMainFrame: boolean;
}

export interface RouterOptions {
  /** origins whose top frame may call: the app's own (app://cocalc-desktop; the preview's http origin) */
  trustedOrigins: string[];
  log: Logger;
  redactor: Redactor;
}

const isChannel = (c: unknown): c is Channel => typeof c === "string" && (CHANNELS as readonly string[]).includes(c);

export function senderAllowed(sender: Sender, trustedOrigins: readonly string[]): boolean {
  const origin = originOf(sender.url);
  return sender.isMainFrame && origin !== null && trustedOrigins.includes(origin);
}

function issuesText(e: z.ZodError): string {
  return e.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "input"}: ${i.message}`)
    .join("; ");
}

export class Router {
  readonly channels = CHANNELS;

  constructor(
    private readonly handlers: Handlers,
    private readonly o: RouterOptions,
  ) {}

  async handle(channel: unknown, sender: Sender, payload: unknown): Promise<IpcResult<unknown>> {
    if (!senderAllowed(sender, this.o.trustedOrigins)) {
      this.o.log.warn(`refused an IPC call to ${String(channel).slice(0, 64)} from ${sender.isMainFrame ? "" : "a subframe at "}${this.o.redactor.redact(sender.url).slice(0, 200)}`);
      return fail(new ApiError("forbidden", "Only the app's own window may call the main process."));
    }
    if (!isChannel(channel)) return fail(new ApiError("invalid-input", `There is no channel '${String(channel).slice(0, 64)}'.`));
    const spec = contract[channel];
    const input = (spec.input as z.ZodType).safeParse(payload);
    if (!input.success) {
      return fail(new ApiError("invalid-input", `The input of ${channel} is not valid (${issuesText(input.error)}).`));
    }
    let value: unknown;
    try {
      value = await (this.handlers[channel] as (i: unknown) => Promise<unknown>)(input.data);
    } catch (e) {
      if (e instanceof ApiError) {
        if (e.kind === "internal") this.o.log.error(`${channel}: ${e.message}`);
        return fail(new ApiError(e.kind, this.o.redactor.redact(e.message), { ...e.toData(), serverMessage: e.serverMessage && this.o.redactor.redact(e.serverMessage) }));
      }
      this.o.log.error(`${channel} failed:`, e);
      return fail(new ApiError("internal", `${channel} failed: ${this.o.redactor.redact(e instanceof Error ? e.message : String(e))}`));
    }
    const output = (spec.output as z.ZodType).safeParse(value);
    if (!output.success) {
      this.o.log.error(`${channel} produced output outside the contract: ${issuesText(output.error)}`);
      return fail(new ApiError("internal", `${channel} produced an answer outside the contract.`));
    }
    return { ok: true, value: output.data };
  }
}

function fail(e: ApiError): IpcResult<never> {
  return { ok: false, error: e.toData() };
}
