/**
 * A real local hub in one API generation, with a Backend of that generation
 * connected to it and a fresh project: what the transfer and sync tests run on.
 */
import { mkdirSync } from "node:fs";
import type { Backend } from "../../electron/services/backend/backend.js";
import { V1Backend } from "../../electron/services/backend/v1-backend.js";
import { CurrentBackend } from "../../electron/services/backend/current-backend.js";
import { V1Client } from "../../electron/services/api/v1-client.js";
import { CurrentClient } from "../../electron/services/api/current-client.js";
import { HttpTransport } from "../../electron/services/http/transport.js";
import { startTestHub, type TestHub } from "./hub.js";

/**
 * The hub generations the sync suites run in. The cocalc.ai generation ("ai")
 * is being built elsewhere: add it here once test/support/hub.ts serves it.
 */
export const SYNC_HUB_MODES = ["v1", "current"] as const;
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

export async function startSyncHub(mode: SyncHubMode, o: { port?: number; dataDir?: string } = {}): Promise<SyncHub> {
  const hub = await startTestHub({ api: mode, port: o.port, dataDir: o.dataDir });
  const transport = new HttpTransport();
  const make = (key: string): Backend =>
    mode === "v1" ? new V1Backend(new V1Client({ server: hub.url, apiKey: key, transport })) : new CurrentBackend(new CurrentClient(hub.url, key, transport));
  const backend = make(hub.credentials.api_key);
  return {
    hub,
    mode,
    backend,
    backendWithKey: make,
    async newProject() {
      const { project_id } = await backend.createProject({ title: "sync test" });
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
