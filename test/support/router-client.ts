/** The main-process router as the renderer reaches it, for tests that drive the app through its IPC contract. */
import type { ComposedApp } from "../../electron/services/compose.js";
import type { IpcResult } from "../../shared/ipc/api.js";
import type { Channel } from "../../shared/ipc/channels.js";
import type { ChannelInput, ChannelOutput } from "../../shared/ipc/contract.js";

/** What the app's own window looks like to the router's sender check. */
export const APP_SENDER = { url: "app://cocalc-desktop/index.html", isMainFrame: true };

/** `raw` gives the router's reply as it is; `call` its value, or throws with the error's kind and message. */
export function routerClient(app: () => ComposedApp, onReply?: (reply: unknown) => void) {
  async function raw<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<IpcResult<ChannelOutput<C>>> {
    const r = (await app().router.handle(channel, APP_SENDER, input)) as IpcResult<ChannelOutput<C>>;
    onReply?.(r);
    return r;
  }
  async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
    const r = await raw(channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.kind}: ${r.error.message}`);
    return r.value;
  }
  return { raw, call };
}
