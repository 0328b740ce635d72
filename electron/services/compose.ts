/**
 * The app's main-process parts put together from plain arguments: the shell
 * (main.ts) passes Electron's pieces, the preview and the tests pass Node's.
 */
import { backendFor } from "./backend/make-backend.js";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { StoredProfile } from "./store/profile-store.js";
import { ProfileStore } from "./store/profile-store.js";
import type { BackendFactory } from "./backend/backend.js";
import { Connection } from "./connect/connection.js";
import { ProfilesService } from "./connect/profiles-service.js";
import { ServerService } from "./connect/server-service.js";
import { AppInfoService } from "./app-info/app-info-service.js";
import { ProjectsService } from "./projects/projects-service.js";
import { UpgradesService } from "./projects/upgrades-service.js";
import { FilesService } from "./files/files-service.js";
import { ExecService } from "./exec/exec-service.js";
import { CopyService } from "./copy/copy-service.js";
import { fileLogger, Redactor, type Logger } from "./log/log.js";
import { chooseSecretStore, type SafeStorageLike, type KeytarLike, type SecretStore } from "./secrets/secret-store.js";
import { HttpTransport } from "./http/transport.js";
import { detectGeneration, keyMismatch } from "./backend/detect.js";
import { SupervisedHub, type HubSpawner } from "./embedded-hub/embedded-hub.js";
import { Router } from "../ipc/router.js";
import { joinHandlers, type Handlers } from "../ipc/handlers.js";
import type { AppEvent } from "../../shared/ipc/channels.js";
import { ApiError } from "../../shared/errors.js";
import type { BackendProvider, SyncManagerApi } from "./sync/api.js";
import type { TransferApi } from "./transfer/api.js";
import { makeBackendProvider } from "./sync/backend-provider.js";
import { SyncService } from "./sync/service.js";
import { TransferService } from "./desktop/transfer-service.js";
import { ChooserService, type ChooseLocal } from "./desktop/chooser-service.js";
import { Staging } from "./desktop/staging.js";
import { Transfer } from "./transfer/transfer.js";
import { SyncManager } from "./sync/manager.js";
import { DocService } from "./doc/doc-service.js";
import type { ProjectStartEvent } from "../../shared/domain.js";
import { FileOpsService } from "./files/file-ops-service.js";
import type { OpenPath } from "./files/open-with-system.js";

/** What the sync engine is built from; compose.ts hands it these. */
export interface SyncEngineDeps {
  dataDir: string;
  backends: BackendProvider;
  transfer: TransferApi | null;
  log: Logger;
}
import { KioskService, type KioskServiceOptions } from "./kiosk/kiosk-service.js";
import { BackgroundController, type BackgroundPorts } from "./background/controller.js";
import { BackgroundService, type LoginPort } from "./background/service.js";
import { BackgroundStore } from "./background/settings-store.js";
import type { KioskLaunch } from "./kiosk/launch-args.js";

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
  /** spawns the local hub (on a given port, or any free one); without it there is no embedded default */
  spawnHub?: HubSpawner;
  /** where pushed events go; the preview and the tests set it later with setEmit */
  emit?: Emit;
  logToConsole?: boolean;
  /** the shell's folder and file choosers (Electron's dialog); absent in the preview and the tests */
  chooseLocal?: ChooseLocal;
  /** opens a file with its app, or shows it in its folder (Electron's shell) */
  reveal?: (path: string, how: "open" | "folder") => Promise<void>;
  /** the shell's shell.openPath ("open with the system's app"); absent in the preview */
  openPath?: OpenPath;
  /** the transfer layer (byte-exact, hash-verified file moves); the real one by default */
  transfer?: TransferApi;
  /** builds the sync engine; the real one (pairs in <dataDir>/sync) by default */
  makeSyncManager?: (deps: SyncEngineDeps) => SyncManagerApi | Promise<SyncManagerApi>;
  /** the navigated kiosk view (the shell's partitioned view; a test's own browser context) */
  kioskSurface?: KioskServiceOptions["surface"];
  /** the command line's --kiosk request */
  kioskLaunch?: KioskLaunch | null;
  /** how long servers keep kiosk tokens (tests shorten it) */
  kioskTokenLifetimeMs?: KioskServiceOptions["tokenLifetimeMs"];
  /** the shell's tray, notifications, window and login item; the preview and the tests give what they stand in for */
  background?: { ports?: BackgroundPorts; login?: LoginPort | null; trayAvailable?: () => boolean; noticeGapMs?: number };
}

export type Emit = (event: AppEvent, payload: unknown) => void;

export interface ComposedApp {
  /** every channel's handler, by channel name (tests call them directly) */
  services: Handlers;
  /** the active server's connection, which every capability's service reaches the server through */
  connection: Connection;
  kiosk: KioskService;
  router: Router;
  profiles: ProfileStore;
  secrets: SecretStore;
  log: Logger;
  redactor: Redactor;
  /** the embedded hub, started again by the app whenever it stops by itself */
  hub: SupervisedHub | null;
  sync: SyncService;
  transfers: TransferService;
  background: BackgroundController;
  /** the Backend of any profile (sync pairs may use another server than the active one) */
  backends: BackendProvider;
  /** where pushed events go from now on (the preview and the tests attach their page after composing) */
  setEmit(emit: Emit | undefined): void;
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
      // Starts the app makes before calls that need a project are shown in the views ("Starting the project…").
      const onPhase = (project_id: string, phase: ProjectStartEvent["phase"], e?: ApiError) =>
        emit("projects.starting", { profile_id: profile.id, project_id, phase, ...(e ? { message: e.message } : {}) } satisfies ProjectStartEvent);
      const backend = backendFor(generation, profile.url, apiKey, transport, { onPhase });
      return { backend, close: () => transport.close() };
    } catch (e) {
      await transport.close();
      throw e;
    }
  };

  let emitTo = o.emit;
  const emit: Emit = (event, payload) => emitTo?.(event, payload);
  const transfer = o.transfer ?? new Transfer();
  const connection = new Connection({ profiles, secrets, makeBackend, log, redactor, emit });
  const profilesService = new ProfilesService({ connection, profiles, secrets, makeBackend, log, redactor, signIn: o.signIn });

  // Sync pairs and transfers reach servers through their own connections, by profile.
  const held = makeBackendProvider({ profiles, secrets, makeBackend, redactor });
  const engineDeps: SyncEngineDeps = { dataDir: o.dataDir, backends: held.provider, transfer, log };
  let manager: SyncManagerApi | null = null;
  try {
    manager = await (o.makeSyncManager ?? ((d: SyncEngineDeps) => SyncManager.open({ dataDir: d.dataDir, backend: d.backends })))(engineDeps);
  } catch (e) {
    // The rest of the app works without sync; the Sync view says why it cannot.
    log.error("the sync engine could not start:", e);
  }
  const sync = new SyncService({
    manager,
    profiles,
    appDataDir: o.dataDir,
    log,
    emit,
    reveal: o.reveal,
  });
  const staging = new Staging(join(o.dataDir, "staging"));
  await staging.clear();
  const transfers = new TransferService({
    transfer,
    activeBackend: async () => {
      const id = profiles.activeId();
      if (!id) throw new ApiError("not-configured", "No server is set up yet.");
      return held.provider(id);
    },
    appDataDir: o.dataDir,
    staging,
    log,
    emit,
  });
  const kiosk = new KioskService({
    connection: () => connection.get(),
    secrets,
    log,
    redactor,
    dataDir: o.dataDir,
    fetchPage: async (url, profile) => {
      const transport = new HttpTransport({ caPem: profile.ca_pem ?? undefined, resolveProxy: o.resolveProxy });
      try {
        const r = await transport.send(url, { method: "GET", headers: {}, timeoutMs: 10_000 });
        return { status: r.status, body: r.text };
      } finally {
        await transport.close();
      }
    },
    surface: o.kioskSurface,
    launch: o.kioskLaunch ?? null,
    tokenLifetimeMs: o.kioskTokenLifetimeMs,
  });
  const bgStore = await BackgroundStore.open(o.dataDir);
  const background = new BackgroundController({ manager, store: bgStore, emit, log, ports: o.background?.ports ?? {}, noticeGapMs: o.background?.noticeGapMs });
  const backgroundService = new BackgroundService({ controller: background, store: bgStore, log, login: o.background?.login ?? null, trayAvailable: o.background?.trayAvailable ?? (() => false) });
  await background.start();
  const services = joinHandlers(
    new AppInfoService({ version: o.version, platform: o.platform, log, secrets }),
    profilesService,
    new ServerService(connection),
    new ProjectsService(connection),
    new UpgradesService(connection),
    new FilesService(connection, log),
    new ExecService(connection, { onOutput: (e) => emit("exec.output", e), log: (l) => log.info(l) }),
    new CopyService(connection, transfer),
    kiosk,
    sync,
    transfers,
    new ChooserService(o.chooseLocal),
    new DocService({ backend: async () => (await connection.get()).backend, emit: (p) => emit("doc.progress", p) }),
    backgroundService,
    new FileOpsService({ connection: () => connection.get(), transfer, openPath: o.openPath }),
  );
  const router = new Router(services, { trustedOrigins: o.trustedOrigins, log, redactor });

  let hub: SupervisedHub | null = null;
  const wantsHub = profiles.list().length === 0 || profiles.list().some((p) => p.embedded);
  if (o.spawnHub && wantsHub) {
    try {
      hub = await SupervisedHub.start(o.spawnHub, {
        ready: async (c) => {
          redactor.addSecret(c.api_key);
          redactor.addSecret(c.password);
          await profilesService.ensureEmbeddedProfile(c);
          log.info(`the local hub runs at ${c.url}`);
        },
        // until it answers again, calls to it fail and the app says it is reconnecting
        down: (why) => log.error(why),
      });
    } catch (e) {
      log.error("the local hub could not start:", e);
    }
  }

  return {
    services,
    connection,
    kiosk,
    router,
    profiles,
    secrets,
    log,
    redactor,
    hub,
    sync,
    transfers,
    background,
    backends: held.provider,
    setEmit: (e) => {
      emitTo = e;
    },
    stop: async () => {
      background.stop();
      kiosk.stop();
      transfers.cancelAll();
      await sync.close();
      await held.close();
      await connection.disconnect();
      await hub?.stop();
    },
  };
}
