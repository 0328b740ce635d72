/**
 * A real local hub in one API generation, with a Backend of that generation
 * connected to it and a fresh project: what the transfer and sync tests run on.
 */
import { mkdirSync } from "node:fs";
import type { Backend } from "../../electron/services/backend/backend.js";
import { backendFor } from "../../electron/services/backend/make-backend.js";
import { HttpTransport } from "../../electron/services/http/transport.js";
import { allowProject, startTestHub, type TestHub } from "./hub.js";
import type { HubSettings } from "../../hub/context.js";

/** The hub generations the sync suites run in: every server kind the app speaks. */
export const SYNC_HUB_MODES = ["v1", "current", "ai"] as const;
export type SyncHubMode = (typeof SYNC_HUB_MODES)[number];

export interface SyncHub {
  hub: TestHub;
  mode: SyncHubMode;
  backend: Backend;
  /** a Backend on the same hub with a key of the caller's choice */
  backendWithKey(key: string): Backend;
  newProject(): Promise<{ project_id: string; home: string }>;
  stop(): Promise<void>;
}

export async function startSyncHub(mode: SyncHubMode, o: { port?: number; dataDir?: string; settings?: Partial<HubSettings> } = {}): Promise<SyncHub> {
  // syncs make many projects, and run several at once: a free cocalc.ai plan's limits are tested elsewhere (project-lifecycle)
  const hub = await startTestHub({ api: mode, port: o.port, dataDir: o.dataDir, settings: { aiLimits: "off", ...o.settings } });
  const transport = new HttpTransport();
  const make = (key: string): Backend => backendFor(mode, hub.url, key, transport);
  const backend = make(hub.credentials.api_key);
  return {
    hub,
    mode,
    backend,
    backendWithKey: make,
    async newProject() {
      const { project_id } = await backend.createProject({ title: "sync test" });
      // on cocalc.ai a key reaches only the projects listed for it, and a new one is not: list it, as its owner would in the browser
      if (mode === "ai") allowProject(hub, hub.credentials.api_key, project_id);
      const home = hub.hub.runtime.createFolder(project_id);
      mkdirSync(home, { recursive: true });
      return { project_id, home };
    },
    async stop() {
      await transport.close();
      await hub.stop();
    },
  };
}
