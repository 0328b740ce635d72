/** What every handler of the hub works with, and the access rules they share. */
import { Uuid } from "../shared/api/common.js";
import type { ProjectRuntime } from "./runtime.js";
import type { Account, Store } from "./store.js";
import { HandlerError, noReadAccess, noWriteAccess } from "./v1/errors.js";
import type { Copier } from "./copier.js";
import type { Traffic } from "./traffic.js";

export interface HubSettings {
  /** JSON bodies over this many bytes get a 413 (express.json's default on the last v1 server) */
  jsonLimit: number;
  /** form bodies over this many bytes get a 413 */
  formLimit: number;
  /** largest file a read returns, bytes (the project's COCALC_PROJECT_MAX_FILE_SIZE_MB) */
  maxReadBytes: number;
  /** auth token lifetime, ms */
  authTokenTtlMs: number;
  /** a wrong user_auth password blocks that caller→target pair this long, ms (v1: 60 s) */
  userAuthBanMs: number;
  /** the same through the current generation's system.generateUserAuthToken, ms (~30 s) */
  currentUserAuthBanMs: number;
  /**
   * "modern" (every server since 2024-10, the default): a token in an app URL
   * is ignored; only /auth/impersonate redeems it, into a SameSite=Strict
   * cookie. "legacy" (servers before 2024-10, only for tests about them):
   * `?auth_token=` in an app URL signs in, and there is no /auth/impersonate.
   */
  kioskAuth: "legacy" | "modern";
  /**
   * The site setting `dns` (the server's host name). /auth/impersonate sends
   * the browser to `https://<dns>/app` by script, as the real server does
   * (facts §10): without it (a single-user server's default) that is
   * `https:///app`, nowhere useful, although the sign-in worked.
   */
  dns: string;
  /** iframe_comm_hosts, as on the real server: host names, a leading dot for subdomains */
  iframeCommHosts: string[];
  /**
   * true (the default): exactly the real server's iframe origin rules, https
   * parents listed in iframe_comm_hosts only. false (tests about the
   * protocol itself): loopback parents and the app's own origin are answered too.
   */
  iframeStrict: boolean;
  /** with `--api ai`: which cocalc.ai product to be (hosted: every route; launchpad: the bridges; plus: no keys) */
  aiProduct: "hosted" | "launchpad" | "plus";
  /** with `--api ai`: /api/v2/projects/copy-path "hangs" into a timeout as inferred of the real one, or "works" */
  aiCopyPath: "hangs" | "works";
  /**
   * With `--api ai`: a free cocalc.ai account's membership limits (facts §7),
   * "free" by default: 5 projects and 1 running project per owner, refused
   * with the real server's texts. "off" lifts them, for tests about
   * something else that need more projects or several running at once.
   */
  aiLimits: "free" | "off";
  /**
   * Kill a command when its HTTP call is dropped. Real servers do not (facts §9):
   * the command runs on to its own timeout. Only for tests that need the old, kinder hub.
   */
  execKillOnDisconnect: boolean;
  /**
   * "single-user": copies as a single-user server makes them (facts §7–9): v1 without
   * wait_until_done answers copy_path_id "" at once and never reports the result, its
   * `timeout` is read as milliseconds, `scheduled` is ignored, nothing is recorded;
   * v2 copies synchronously and answers copy_id "".
   * "kucalc": the queue of cocalc.com: ids, status, scheduling, delete.
   */
  copyMode: CopyMode;
  /** serve v1 create_account (gone from real servers since 2024-10: 400 "unknown message event type") */
  createAccount: boolean;
  /** hold each reply back this many ms per MB of it, as a real server under load answers large replies slowly (0: none) */
  replyMsPerMB: number;
}

export type CopyMode = "single-user" | "kucalc";

export const DEFAULT_SETTINGS: HubSettings = {
  jsonLimit: 100 * 1024,
  formLimit: 1024 * 1024,
  maxReadBytes: 10 * 1024 * 1024,
  authTokenTtlMs: 12 * 3600 * 1000,
  userAuthBanMs: 60_000,
  currentUserAuthBanMs: 30_000,
  kioskAuth: "modern",
  dns: "",
  iframeCommHosts: [],
  iframeStrict: true,
  aiProduct: "hosted",
  aiCopyPath: "hangs",
  aiLimits: "free",
  execKillOnDisconnect: false,
  copyMode: "single-user",
  createAccount: false,
  replyMsPerMB: 0,
};

export interface Hub {
  store: Store;
  runtime: ProjectRuntime;
  copier: Copier;
  settings: HubSettings;
  /** caller→target pairs blocked after a wrong user_auth password, until the given time */
  authBans: Map<string, number>;
  /** every request, and replies the client dropped (for tests) */
  traffic: Traffic;
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
