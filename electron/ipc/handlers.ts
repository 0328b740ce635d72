/**
 * What answers each IPC channel. One capability, one service: each prefix
 * (`profiles.*`, `files.*`, `sync.*`, …) has its own service whose methods
 * are named by channel. compose.ts joins them into one Handlers object for
 * the router, which refuses a channel answered twice.
 */
import type { z } from "zod";
import type { Channel } from "../../shared/ipc/channels.js";
import type { ChannelOutput, Contract } from "../../shared/ipc/contract.js";

export type Handler<C extends Channel> = (input: z.output<Contract[C]["input"]>) => Promise<ChannelOutput<C>>;

export type Handlers = { [C in Channel]: Handler<C> };

/** The channels of one prefix, e.g. HandlersOf<"sync"> for the sync service. */
export type HandlersOf<P extends string> = { [C in Channel as C extends `${P}.${string}` ? C : never]: Handler<C> };

/**
 * One Handlers object from the services' channel methods. Class fields that
 * are arrow functions are own properties, so only channel names are taken.
 */
export function joinHandlers(...services: object[]): Handlers {
  const out: Record<string, unknown> = {};
  for (const s of services) {
    for (const [k, v] of Object.entries(s)) {
      if (typeof v !== "function" || !k.includes(".")) continue;
      if (k in out) throw new Error(`two services answer the channel ${k}`);
      out[k] = v;
    }
  }
  return out as Handlers;
}
