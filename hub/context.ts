/** What every handler of the hub works with, and the access rules they share. */
import { Uuid } from "../shared/api/common.js";
import type { ProjectRuntime } from "./runtime.js";
import type { Account, Store } from "./store.js";
import { HandlerError, noReadAccess, noWriteAccess } from "./v1/errors.js";
import type { Copier } from "./copier.js";

export interface HubSettings {
  /** JSON bodies over this many bytes get a 413 (express.json's default on the last v1 server) */
  jsonLimit: number;
  /** form bodies over this many bytes get a 413 */
  formLimit: number;
  /** largest file a read returns, bytes (the project's COCALC_PROJECT_MAX_FILE_SIZE_MB) */
  maxReadBytes: number;
  /** auth token lifetime, ms */
  authTokenTtlMs: number;
  /** a wrong user_auth password blocks that caller→target pair this long, ms */
  userAuthBanMs: number;
  /**
   * "legacy": `?auth_token=` in an app URL signs in (servers before 2024-10);
   * "modern": it is ignored and only /auth/impersonate redeems a token.
   */
  kioskAuth: "legacy" | "modern";
  /** iframe_comm_hosts, as on the real server: host names, a leading dot for subdomains */
  iframeCommHosts: string[];
  /** exactly the real server's iframe origin rules: no loopback or app origins by default */
  iframeStrict: boolean;
  /** with `--api ai`: which cocalc.ai product to be (hosted: every route; launchpad: the bridges; plus: no keys) */
  aiProduct: "hosted" | "launchpad" | "plus";
  /** with `--api ai`: /api/v2/projects/copy-path "hangs" into a timeout as inferred of the real one, or "works" */
  aiCopyPath: "hangs" | "works";
}

export const DEFAULT_SETTINGS: HubSettings = {
  jsonLimit: 100 * 1024,
  formLimit: 1024 * 1024,
  maxReadBytes: 10 * 1024 * 1024,
  authTokenTtlMs: 12 * 3600 * 1000,
  userAuthBanMs: 60_000,
  kioskAuth: "legacy",
  iframeCommHosts: [],
  iframeStrict: false,
  aiProduct: "hosted",
  aiCopyPath: "hangs",
};

export interface Hub {
  store: Store;
  runtime: ProjectRuntime;
  copier: Copier;
  settings: HubSettings;
  /** caller→target pairs blocked after a wrong user_auth password, until the given time */
  authBans: Map<string, number>;
}

export function isUuid(s: unknown): s is string {
  return Uuid.safeParse(s).success;
}

export function canRead(hub: Hub, account: Account, project_id: string): boolean {
  return isUuid(project_id) && hub.store.groupIn(project_id, account.account_id) !== undefined;
}

/** Collaborators may read and write alike, as on CoCalc. */
export const canWrite = canRead;

export function requireRead(hub: Hub, account: Account, project_id: string): void {
  if (!canRead(hub, account, project_id)) throw noReadAccess(account.account_id, project_id);
}

export function requireWrite(hub: Hub, account: Account, project_id: string): void {
  if (!isUuid(project_id)) throw new HandlerError(`Write access denied -- invalid project_id -- ${project_id}`);
  if (!canWrite(hub, account, project_id)) throw noWriteAccess(account.account_id, project_id);
}
