/**
 * The local hub: a CoCalc-compatible server on loopback, on real files,
 * processes and rsync, with its records in an embedded SQLite database.
 */
import { newTraffic, trafficMiddleware } from "./traffic.js";
import express, { type NextFunction, type Request, type Response } from "express";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { STATUS_CODES } from "node:http";
import { HubCredentials, type HubApiMode } from "../shared/hub-credentials.js";
import { Copier } from "./copier.js";
import { DEFAULT_SETTINGS, type Hub, type HubSettings } from "./context.js";
import { Db } from "./db.js";
import { ProjectRuntime } from "./runtime.js";
import { randomToken, Store } from "./store.js";
import { handleV1 } from "./v1/transport.js";
import { seedExampleProject } from "./example.js";
import { mountKiosk } from "./kiosk/routes.js";
import { currentRouter, nextNotFound } from "./current/routes.js";
import { aiRouter } from "./ai/router.js";
import { aiKeys } from "./ai/auth.js";
import { mintStartKey, type StartKeyOptions } from "./ai/start-key.js";

export interface HubOptions {
  dataDir: string;
  port?: number;
  settings?: Partial<HubSettings>;
  /** how long a project takes to start, ms */
  projectStartMs?: number;
  /** how long a call waits for a starting project before the "timeout" reply, ms */
  projectConnectTimeoutMs?: number;
  /** the hub before this one on the same data folder died (its parent saw it exit): take over its stale lock */
  takeOverLock?: boolean;
  /** which API generations to serve: API v1, the current one (v2 + conat), both, or cocalc.ai's */
  api?: ApiMode;
  /** with `api: "ai"`: the scope of the key minted at start (default: every capability but codex:run, every project of the admin) */
  aiKey?: StartKeyOptions;
}

export type ApiMode = HubApiMode;

type Credentials = HubCredentials;

export interface RunningHub {
  url: string;
  credentials: Credentials;
  hub: Hub;
  close(): Promise<void>;
}

/** Express's own error page, as the real server sent it for unparsable or oversized bodies. */
export function errorPage(status: number): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${STATUS_CODES[status] ?? "Error"}</pre>\n</body>\n</html>\n`;
}

export async function startHub(o: HubOptions): Promise<RunningHub> {
  mkdirSync(join(o.dataDir, "projects"), { recursive: true });
  const db = new Db(join(o.dataDir, "hub.sqlite"), { takeOverLock: o.takeOverLock });
  const store = new Store(db);
  store.purgeExpired();
  const runtime = new ProjectRuntime({
    dataDir: o.dataDir,
    startMs: o.projectStartMs ?? 300,
    connectTimeoutMs: o.projectConnectTimeoutMs ?? 20_000,
  });
  const copier = new Copier(store, runtime);
  const settings: HubSettings = { ...DEFAULT_SETTINGS, ...o.settings };
  const hub: Hub = { store, runtime, copier, settings, authBans: new Map(), traffic: newTraffic() };

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(trafficMiddleware(hub.traffic, settings));
  const api = o.api ?? "both";
  let url = "";
  if (api === "ai") {
    // cocalc.ai: no v1 (POST /api/v1/… falls through to Express's 404 page) and no kiosk tokens
    app.use(aiRouter(hub, () => url));
  } else if (api !== "current") {
    app.use("/api/v1", express.json({ limit: settings.jsonLimit }), express.urlencoded({ extended: true, limit: settings.formLimit }));
    app.post("/api/v1/:event", (req, res) => void handleV1(hub, req, res));
  } else {
    // as on the current server, where /api/v1 falls through to the web app's 404 page
    app.all("/api/v1/*rest", (_req, res) => nextNotFound(res));
  }
  if (api === "current" || api === "both") app.use(currentRouter(hub));
  if (api !== "ai") mountKiosk(app, hub);
  app.use((req: Request, res: Response) => {
    res.status(404).type("html").send(errorPage(404).replace("Not Found", `Cannot ${req.method} ${escapeHtml(req.path)}`));
  });
  // Body-parser failures (bad JSON 400, too large 413, bad charset 415) answer with
  // Express's HTML page, as on the real server; nothing here answers 5xx.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown })?.status === "number" ? (err as { status: number }).status : 400;
    res.status(status >= 400 && status < 500 ? status : 400).type("html").send(errorPage(status >= 400 && status < 500 ? status : 400));
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(o.port ?? 0, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  server.keepAliveTimeout = 65_000;
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ai = api === "ai" && settings.aiProduct !== "plus";
  const credentials = bootstrap(o.dataDir, store, runtime, url, {
    ...(ai ? { mintAiKey: (account_id: string) => mintStartKey(store, account_id, o.aiKey) } : {}),
    ...(api === "ai" ? { tag: { api, ai_product: settings.aiProduct } } : {}),
  });

  return {
    url,
    credentials,
    hub,
    close: async () => {
      await copier.close();
      runtime.stopAll();
      await new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
      db.close();
    },
  };
}

/**
 * The first start of a data folder makes an admin account and an example
 * project; later starts reuse them. credentials.json (mode 0600) is how the
 * app and tests learn the admin's key: keys are stored hashed in the database.
 */
function bootstrap(
  dataDir: string,
  store: Store,
  runtime: ProjectRuntime,
  url: string,
  { mintAiKey, tag }: { mintAiKey?: (account_id: string) => string; tag?: Pick<Credentials, "api" | "ai_product"> } = {},
): Credentials {
  const file = join(dataDir, "credentials.json");
  let creds: Credentials | undefined;
  if (existsSync(file)) {
    const parsed = HubCredentials.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (parsed.success) {
      const { api: _a, ai_product: _p, ...rest } = parsed.data;
      const classic = store.accountForKey(rest.api_key) !== undefined;
      // a scoped key of an earlier `--api ai` start proves the file is this folder's too; other modes need a classic key again
      if (classic) creds = { ...rest, url };
      else if (aiKeys(store).authenticate(rest.api_key)?.account_id === rest.account_id) creds = { ...rest, url, api_key: mintAiKey ? rest.api_key : store.createApiKey(rest.account_id) };
    }
  }
  if (!creds) {
    const email = "admin@localhost";
    const password = randomToken(20);
    let admin = store.accountByEmail(email);
    if (!admin) {
      admin = store.createAccount({
        email_address: email,
        password,
        first_name: "Local",
        last_name: "Admin",
        is_admin: true,
        upgrades: { cores: 4, memory: 8000, disk_quota: 20000, mintime: 86400, network: 2, member_host: 2 },
      });
      seedExampleProject(store, runtime, admin.account_id);
    } else {
      store.setPassword(admin.account_id, password);
    }
    creds = { url, api_key: store.createApiKey(admin.account_id), account_id: admin.account_id, email_address: email, password };
  }
  if (mintAiKey) creds = { ...creds, api_key: mintAiKey(creds.account_id) };
  if (tag) creds = { ...creds, ...tag };
  writeFileSync(file, `${JSON.stringify(creds)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return creds;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
