/**
 * The client's overhead per call: 2,000 v1 pings through V1Client against a
 * bare undici request of the same call, same server, same run, once both
 * paths are compiled (after 3,000 calls each).
 */
import { join } from "node:path";
import { Agent, request } from "undici";
import { HttpTransport } from "../electron/services/http/transport.js";
import { V1Client } from "../electron/services/api/v1-client.js";
import { startChild } from "./support/child-server.js";
import { interleaved, median, ratio, report } from "./support/stats.js";

export async function benchPing(n = 2000): Promise<void> {
  const srv = await startChild([join(import.meta.dirname, "support", "ping-server.mjs")]);
  const url = `http://127.0.0.1:${srv.info.port as number}`;
  const transport = new HttpTransport();
  const client = new V1Client({ server: url, apiKey: "sk_bench", transport });
  const agent = new Agent({ connections: 4, keepAliveTimeout: 30_000 });
  const auth = `Basic ${Buffer.from("sk_bench:").toString("base64")}`;
  const bare = async () => {
    const res = await request(`${url}/api/v1/ping`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: auth, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ id: crypto.randomUUID() }),
    });
    return JSON.parse(await res.body.text());
  };
  const viaClient = () => client.call("ping", {});
  try {
    // The first calls show how fast each path gets compiled, not what a call costs: the client's
    // (zod checks of request and reply) is still partly unoptimised after 400 calls (1.06-1.17x
    // measured then, 1.01-1.03x in the same runs after 3,000), so that is reported on a line of its own.
    const cold = await interleaved(400, 100, viaClient, bare);
    await interleaved(2600, 100, viaClient, bare);
    const t = await interleaved(n, 100, viaClient, bare);
    report("ping client/undici", ratio(median(t.a), median(t.b)));
    report("ping client/undici, first 400 calls", ratio(median(cold.a), median(cold.b)));
  } finally {
    await transport.close();
    await agent.close();
    srv.stop();
  }
}
