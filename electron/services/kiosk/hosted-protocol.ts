/**
 * Protocol mode from an embedding origin: the kiosk view loads the app's
 * host page on the https origin a server's admin listed in
 * iframe_comm_hosts (served by the shell in the view's own session), and
 * the shared protocol client drives the server's frame through the page's
 * relay. The relay posts only to the server's exact origin and keeps only
 * replies from that origin and that frame; this side reads them in order.
 */
import { KioskProtocolClient, type KioskReply, type MessageTarget, type WireRequest } from "../../../shared/kiosk/protocol.js";
import { PROTOCOL_ANSWER_MS } from "../../../shared/kiosk/decisions.js";
import { KIOSK_HOST_PATH } from "./host-page.js";
import type { KioskSurface } from "./navigation.js";

/** A view whose page can be asked to run a small script (Electron's executeJavaScript; Playwright's evaluate). */
export interface ScriptableSurface extends KioskSurface {
  evaluate(script: string): Promise<unknown>;
}

export function hostPageUrl(embeddingOrigin: string, frameUrl: string): string {
  return `${embeddingOrigin}${KIOSK_HOST_PATH}?frame=${encodeURIComponent(frameUrl)}`;
}

export class HostedProtocol {
  private client: KioskProtocolClient | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private readonly serverOrigin: string;

  constructor(
    private readonly surface: ScriptableSurface,
    private readonly o: { server: string; embeddingOrigin: string; answerMs?: number },
  ) {
    this.serverOrigin = new URL(o.server).origin;
  }

  get started(): boolean {
    return this.client !== null;
  }

  /** Load the host page framing `frameUrl`; true once the server's page has answered. */
  async start(frameUrl: string): Promise<boolean> {
    this.stop();
    await this.surface.loadURL(hostPageUrl(this.o.embeddingOrigin, frameUrl));
    const target: MessageTarget = {
      postMessage: (m) => void this.surface.evaluate(`window.kioskHost.send(${JSON.stringify(m)})`).catch(() => undefined),
    };
    const client = new KioskProtocolClient({ origin: this.serverOrigin, target: () => target });
    this.client = client;
    let reading = false;
    this.poll = setInterval(() => {
      if (reading) return;
      reading = true;
      void this.surface
        .evaluate("window.kioskHost ? window.kioskHost.take() : []")
        .then((rs) => {
          for (const data of Array.isArray(rs) ? rs : []) client.handleMessage({ origin: this.serverOrigin, source: target, data });
        })
        .catch(() => undefined)
        .finally(() => (reading = false));
    }, 100);
    const answered = await client.probe(this.o.answerMs ?? PROTOCOL_ANSWER_MS);
    if (!answered) this.stop();
    return answered;
  }

  command(req: WireRequest): Promise<KioskReply> {
    if (!this.client) return Promise.resolve({ status: "error", mesg: "The server's kiosk page is not loaded." });
    return this.client.command(req);
  }

  stop(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    this.client?.close();
    this.client = null;
  }
}
