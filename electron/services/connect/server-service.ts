/** The active server: what it can do (learned once, remembered) and how fast it answers. */
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Connection } from "./connection.js";

type Answers = HandlersOf<"server">;

export class ServerService implements Answers {
  constructor(private readonly c: Connection) {}

  "server.capabilities": Answers["server.capabilities"] = async ({ project_id }) => {
    const { backend, profile } = await this.c.get();
    return this.c.learn(profile.id, backend, { project_id });
  };

  "server.ping": Answers["server.ping"] = async () => {
    const { backend } = await this.c.get();
    const t0 = performance.now();
    const { now } = await backend.ping();
    return { now, latency_ms: Math.round((performance.now() - t0) * 10) / 10 };
  };
}
