/** A one-page web server on loopback: the "other site" that embeds the kiosk view. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export async function servePage(html: string, host = "localhost"): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
