/**
 * The API object the preload puts on `window.cocalc`, built from the channel
 * list. The preload builds it over ipcRenderer.invoke; the test bridge builds
 * the very same object over a Playwright binding; neither can drift from the
 * contract. Its functions resolve to IpcResult envelopes (plain data, which
 * crosses contextBridge intact, unlike Error objects); renderer/src/api.ts
 * unwraps them into values and typed ApiErrors. No zod here: this file goes
 * into the preload bundle.
 */
import type { ApiErrorData } from "../errors.js";
import { CHANNELS, EVENTS, type AppEvent, type Channel } from "./channels.js";
import type { ChannelInput, ChannelOutput } from "./contract.js";

/** What crosses IPC for every call: a value, or a typed error. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

type Split<S extends string> = S extends `${infer G}.${infer M}` ? [G, M] : never;
export type Group = Split<Channel>[0];
type Methods<G extends string, Wrap extends "raw" | "value"> = {
  [C in Channel as Split<C>[0] extends G ? Split<C>[1] : never]: (
    input: ChannelInput<C>,
  ) => Promise<Wrap extends "raw" ? IpcResult<ChannelOutput<C>> : ChannelOutput<C>>;
};

type Listen = (event: AppEvent, listener: (payload: unknown) => void) => () => void;

export type RawApi = { readonly [G in Group]: Readonly<Methods<G, "raw">> } & { readonly on: Listen };
export type CocalcApi = { readonly [G in Group]: Readonly<Methods<G, "value">> } & { readonly on: Listen };

export type Invoke = (channel: Channel, input: unknown) => Promise<unknown>;

export function isEvent(e: unknown): e is AppEvent {
  return typeof e === "string" && (EVENTS as readonly string[]).includes(e);
}

/**
 * Build the API. Self-contained (it uses only its parameters), because the
 * test bridge ships its source text into the page: the page runs exactly this.
 */
export function buildRawApi(invoke: Invoke, subscribe: Listen, channels: readonly string[] = CHANNELS, events: readonly string[] = EVENTS): RawApi {
  const groups: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const channel of channels) {
    const [group, method] = channel.split(".") as [string, string];
    (groups[group] ??= {})[method] = (input: unknown = {}) => invoke(channel as Channel, input);
  }
  for (const g of Object.keys(groups)) Object.freeze(groups[g]);
  const on: Listen = (event, listener) => {
    if (typeof event !== "string" || events.indexOf(event) < 0 || typeof listener !== "function") return () => undefined;
    return subscribe(event, listener);
  };
  return Object.freeze({ ...groups, on }) as unknown as RawApi;
}
