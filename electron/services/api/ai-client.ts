/**
 * The cocalc.ai wire (cocalc-ai-facts §2): the same bridges as the current
 * generation (POST /api/conat/hub and /api/conat/project, {name, args,
 * timeout}) but only the allowlisted hub RPCs, the /api/v2 routes of §2.2,
 * and a 10 MB body limit. A scoped key's refusal is a permission error whose
 * hint names the page where that key can be widened on this server.
 */
import type { z } from "zod";
import { aiHubResults, aiProjectResults, aiV2Results, type AiHubName, type AiProjectName, type AiV2Result, type AiV2Route } from "../../../shared/api/ai.js";
import { ConatHubRequest, ConatProjectRequest } from "../../../shared/api/current.js";
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { HttpTransport } from "../http/transport.js";
import { BRIDGE_DEFAULT_TIMEOUT_MS, checked, JsonBridgeClient, type CurrentCallOptions } from "./current-client.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";

/** express.json({limit: "10mb"}) on the cocalc.ai router (facts, conventions). */
export const AI_BODY_LIMIT = 10 * 1024 * 1024;

/** What each call is, in the words of an error message ("This API key may not do <what>"). */
const WHAT: Record<AiV2Route | AiHubName | AiProjectName, string> = {
  "accounts/profile": "reading the account's profile",
  "projects/get": "listing projects",
  "projects/create": "creating a project",
  "projects/update": "changing the project's title or description",
  "projects/start": "starting the project",
  "projects/stop": "stopping the project",
  "projects/collaborators/list": "listing the project's collaborators",
  exec: "running a command",
  "system.ping": "the connection test",
  "projects.getProjectState": "reading the project's state",
  "system.exec": "running a command",
  "system.readTextFileFromProject": "reading the file",
  "system.writeTextFileToProject": "writing the file",
  "system.listing": "listing the folder",
  "jupyter.kernels": "the Jupyter kernel list",
  "jupyter.apiExecute": "running Jupyter code",
};

export type AiHubResult<N extends AiHubName> = z.infer<(typeof aiHubResults)[N]>;
export type AiProjectResult<N extends AiProjectName> = z.infer<(typeof aiProjectResults)[N]>;

export class AiClient extends JsonBridgeClient {
  constructor(server: string, apiKey: string, transport: HttpTransport, retry: RetryPolicy = DEFAULT_RETRY) {
    super(server, apiKey, transport, retry, AI_BODY_LIMIT);
  }

  /** Where this server's keys are made and widened (facts §1.2). */
  get keysPage(): string {
    return `${this.server}/settings/keys`;
  }

  hub<N extends AiHubName>(name: N, args: unknown[], o: CurrentCallOptions = {}): Promise<AiHubResult<N>> {
    const bridge = o.bridgeTimeoutMs ?? BRIDGE_DEFAULT_TIMEOUT_MS;
    const body = checked(ConatHubRequest, { name, args, timeout: bridge }, name);
    return this.call(`/api/conat/hub`, body, bridge, name, [aiHubResults[name]], o) as Promise<AiHubResult<N>>;
  }

  project<N extends AiProjectName>(project_id: string, name: N, args: unknown[], o: CurrentCallOptions = {}): Promise<AiProjectResult<N>> {
    const bridge = o.bridgeTimeoutMs ?? BRIDGE_DEFAULT_TIMEOUT_MS;
    const body = checked(ConatProjectRequest, { project_id, name, args, timeout: bridge }, name);
    return this.call(`/api/conat/project`, body, bridge, name, [aiProjectResults[name]], o) as Promise<AiProjectResult<N>>;
  }

  /** `waitMs` is how long the HTTP call may take; the route has no bridge timeout of its own. */
  v2<R extends AiV2Route>(route: R, body: Record<string, unknown>, o: CurrentCallOptions = {}): Promise<AiV2Result<R>> {
    return this.call(`/api/v2/${route}`, body, o.bridgeTimeoutMs ?? 60_000, route, [aiV2Results[route]], o) as Promise<AiV2Result<R>>;
  }

  private async call(path: string, body: unknown, bridgeMs: number, name: keyof typeof WHAT, schemas: readonly z.ZodType[], o: CurrentCallOptions): Promise<unknown> {
    try {
      return await this.post(path, body, bridgeMs, WHAT[name], schemas, o);
    } catch (e) {
      throw this.withKeysPage(e);
    }
  }

  /** A refusal of the key's scope says where to widen it, on this server. */
  private withKeysPage(e: unknown): unknown {
    if (!isApiError(e, "permission") || !e.capability) return e;
    const what = e.project_id ? `'${e.capability}' and add the project ${e.project_id} to its projects` : `'${e.capability}'`;
    return new ApiError("permission", e.message, {
      hint: `Widen this key on the server: Settings → SSH & API keys at ${this.keysPage} — give it ${what}.`,
      status: e.status,
      serverMessage: e.serverMessage,
      capability: e.capability,
      project_id: e.project_id,
      cause: e,
    });
  }
}
