/**
 * The app's main-process parts put together from plain arguments: the shell
 * (main.ts) passes Electron's pieces, the preview and the tests pass Node's.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { StoredProfile } from "./profiles.js";
import { ProfileStore } from "./profiles.js";
import { AppServices, type BackendFactory } from "./app-services.js";
import { fileLogger, Redactor, type Logger } from "./log.js";
import { chooseSecretStore, type SafeStorageLike, type KeytarLike, type SecretStore } from "./secrets/secret-store.js";
import { HttpTransport } from "./http/transport.js";
import { V1Client } from "./api/v1-client.js";
import { V1Backend } from "./backend/v1-backend.js";
import { CurrentClient } from "./api/current-client.js";
import { CurrentBackend } from "./backend/current-backend.js";
import { detectGeneration, keyMismatch } from "./backend/detect.js";
import { AiClient } from "./api/ai-client.js";
import { AiBackend } from "./backend/ai-backend.js";
import type { Backend } from "./backend/backend.js";
import { startEmbeddedHub, type EmbeddedHub, type HubChild } from "./embedded-hub.js";
import { Router } from "../ipc/router.js";
import { joinHandlers } from "../ipc/handlers.js";

export interface ComposeOptions {
  dataDir: string;
  logFile: string;
  version: string;
  platform: string;
  trustedOrigins: string[];
  loadKeytar?: () => Promise<KeytarLike>;
  safeStorage?: SafeStorageLike;
  allowBasicText?: boolean;
  /** a SecretStore chosen by the caller (tests), instead of probing */
  secrets?: SecretStore;
  resolveProxy?: (url: string) => Promise<string>;
  signIn?: (serverUrl: string) => Promise<string>;
  /** spawns the local hub; without it there is no embedded default */
  spawnHub?: () => HubChild;
  emit?: (event: "profiles.changed", payload: unknown) => void;
  logToConsole?: boolean;
}

export interface ComposedApp {
  services: AppServices;
  router: Router;
  profiles: ProfileStore;
  secrets: SecretStore;
  log: Logger;
  redactor: Redactor;
  hub: EmbeddedHub | null;
  stop(): Promise<void>;
}

export async function composeApp(o: ComposeOptions): Promise<ComposedApp> {
  await mkdir(o.dataDir, { recursive: true });
  const redactor = new Redactor();
  const log = fileLogger(o.logFile, redactor, { console: o.logToConsole });
  const profiles = new ProfileStore(o.dataDir);
  const report = await profiles.load();
  if (report.keptAside) log.warn(`the profiles file could not be read; it was kept aside as ${report.keptAside}`);
  const secrets =
    o.secrets ??
    (await chooseSecretStore({
      loadKeytar: o.loadKeytar ?? (async () => (await import("keytar")).default as unknown as KeytarLike),
      safeStorage: o.safeStorage,
      encryptedFile: join(o.dataDir, "keys.enc.json"),
      allowBasicText: o.allowBasicText,
    }));
  log.info(`keys are kept in: ${secrets.info.kind}${secrets.info.warning ? ` (${secrets.info.warning})` : ""}`);

  // The generation stored with the profile is used as it is; an unknown one is detected first.
  const makeBackend: BackendFactory = async (profile: StoredProfile, apiKey: string) => {
    const transport = new HttpTransport({ caPem: profile.ca_pem ?? undefined, resolveProxy: o.resolveProxy });
    try {
      const generation = profile.generation ?? (await detectGeneration(profile.url, apiKey, transport));
      // A stored generation skips detection; the key must still fit it before it is sent.
      const mismatch = keyMismatch(generation === "ai" ? "ai" : "classic", apiKey, profile.url);
      if (mismatch) throw mismatch;
      const backend: Backend =
        generation === "v1"
          ? new V1Backend(new V1Client({ server: profile.url, apiKey, transport }))
          : generation === "ai"
            ? new AiBackend(new AiClient(profile.url, apiKey, transport))
            : new CurrentBackend(new CurrentClient(profile.url, apiKey, transport));
      return { backend, close: () => transport.close() };
    } catch (e) {
      await transport.close();
      throw e;
    }
  };

  const services = new AppServices({ profiles, secrets, makeBackend, log, redactor, version: o.version, platform: o.platform, signIn: o.signIn, emit: o.emit });
  const router = new Router(joinHandlers(services), { trustedOrigins: o.trustedOrigins, log, redactor });

  let hub: EmbeddedHub | null = null;
  const wantsHub = profiles.list().length === 0 || profiles.list().some((p) => p.embedded);
  if (o.spawnHub && wantsHub) {
    try {
      hub = await startEmbeddedHub(o.spawnHub);
      redactor.addSecret(hub.credentials.api_key);
      redactor.addSecret(hub.credentials.password);
      await services.ensureEmbeddedProfile(hub.credentials);
      log.info(`the local hub runs at ${hub.credentials.url}`);
    } catch (e) {
      log.error("the local hub could not start:", e);
    }
  }

  return {
    services,
    router,
    profiles,
    secrets,
    log,
    redactor,
    hub,
    stop: async () => {
      await services.disconnect();
      await hub?.stop();
    },
  };
}
