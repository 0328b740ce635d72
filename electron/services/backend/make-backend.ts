/**
 * The Backend of a server whose API generation is known: the one place that
 * maps a generation to its adapter (the app, the headless sync command and
 * the tests all build backends here).
 */
import type { Generation } from "../../../shared/domain.js";
import { AiClient } from "../api/ai-client.js";
import { CurrentClient } from "../api/current-client.js";
import { V1Client } from "../api/v1-client.js";
import type { HttpTransport } from "../http/transport.js";
import { AiBackend } from "./ai-backend.js";
import type { Backend } from "./backend.js";
import { CurrentBackend } from "./current-backend.js";
import { V1Backend } from "./v1-backend.js";
import type { GateOptions } from "../projects/start-gate.js";
import { withProjectStart } from "../projects/starting-backend.js";

/** The generation's adapter, behind the start gate: calls that need a running project wait for it (see projects/starting-backend). */
export function backendFor(generation: Generation, server: string, apiKey: string, transport: HttpTransport, o: GateOptions = {}): Backend {
  return withProjectStart(adapterFor(generation, server, apiKey, transport), o);
}

function adapterFor(generation: Generation, server: string, apiKey: string, transport: HttpTransport): Backend {
  switch (generation) {
    case "v1":
      return new V1Backend(new V1Client({ server, apiKey, transport }));
    case "current":
      return new CurrentBackend(new CurrentClient(server, apiKey, transport));
    case "ai":
      return new AiBackend(new AiClient(server, apiKey, transport));
  }
}
