/**
 * cocalc.ai's /api/v2 routes a key may reach (facts §2.2), each with its own
 * sign-in text and scope check, as the real route files order them: the
 * account first (key errors swallowed into "not signed in"), then the key's
 * capability, then collaborator access, then the work on the hub's handlers.
 */
import type { Request } from "express";
import { canRead, isUuid, type Hub } from "../context.js";
import { BridgeTimeout, withBridgeTimeout } from "../current/routes.js";
import type { Account } from "../store.js";
import { handlers } from "../v1/handlers.js";
import { HandlerError } from "../v1/errors.js";
import { aiKeys, apiKeyOf } from "./auth.js";
import { BRIDGE_TIMEOUT_MS } from "./bridges.js";
import type { AiExec } from "./exec.js";
import { checkCreate, checkStart } from "./limits.js";
import { displayName } from "./names.js";
import { requireCapability, requireProjectCapability, type AiPrincipal } from "./keys.js";

type Obj = Record<string, unknown>;
const NO_SIGNAL = new AbortController().signal;

/** The caller as a route sees it. */
export interface Caller {
  /** the key's principal, undefined when there is no valid key (never an error here) */
  principal?: AiPrincipal;
  account?: Account;
  /** an Authorization header was sent at all */
  hasHeader: boolean;
  /** reading the key threw (unknown scheme): the text routes that read the key themselves answer */
  headerError?: string;
}

export function callerOf(hub: Hub, req: Request): Caller {
  const hasHeader = req.headers.authorization !== undefined;
  let key: string | undefined;
  let headerError: string | undefined;
  try {
    key = apiKeyOf(req);
  } catch (e) {
    if (hasHeader) headerError = (e as Error).message;
  }
  const principal = key === undefined ? undefined : aiKeys(hub.store).authenticate(key);
  const account = principal && hub.store.account(principal.account_id);
  return account ? { principal, account, hasHeader } : { hasHeader, headerError };
}

export type V2Route = (c: Caller, body: Obj, signal: AbortSignal) => Promise<unknown>;

/** The project's collaborator check on the server side (project-local-access). */
const collaborator = (hub: Hub, a: Account, pid: unknown): string => {
  if (typeof pid !== "string" || !isUuid(pid) || !canRead(hub, a, pid)) throw new HandlerError("user must be a collaborator on project");
  return pid;
};

function signedIn(c: Caller, text: string): { account: Account; principal: AiPrincipal } {
  if (!c.account || !c.principal) throw new HandlerError(text);
  return { account: c.account, principal: c.principal };
}

/** Routes that read the key a second time fail with its own text for an unknown scheme. */
function validKey(c: Caller): { account: Account; principal: AiPrincipal } {
  if (c.headerError) throw new HandlerError(c.headerError);
  return signedIn(c, "must be signed in with a valid account API key");
}

const nameOf = (a: Account) => ({ account_id: a.account_id, first_name: a.first_name, last_name: a.last_name });

export function v2Routes(hub: Hub, exec: AiExec, url: () => string): { hosted: Record<string, V2Route>; auth: Record<string, V2Route> } {
  const projectRoute =
    (cap: "project:exec", reply: (pid: string) => Promise<unknown>): V2Route =>
    async (c, b) => {
      const { account, principal } = signedIn(c, "must be signed in");
      requireProjectCapability(principal, cap, b.project_id);
      return reply(collaborator(hub, account, b.project_id));
    };

  const auth: Record<string, V2Route> = {
    "auth/bootstrap": async (c) => {
      if (c.hasHeader) throw new HandlerError("API keys are not allowed to use browser bootstrap");
      return {
        signed_in: false,
        home_bay_id: "bay-0",
        home_bay_url: url(),
        client_capabilities: {
          protocol_version: 1,
          app_base_path: "/",
          browser_challenge_login: 1,
          project_window: 1,
          project_host_routing: 1,
          chat_sync: 2,
          agent_session_index: 1,
          acp: 1,
        },
      };
    },
  };

  const hosted: Record<string, V2Route> = {
    ...auth,
    "accounts/profile": async (c, b) => {
      if (typeof b.account_id === "string") {
        const a = isUuid(b.account_id) ? hub.store.account(b.account_id) : undefined;
        return { profile: a ? nameOf(a) : {} };
      }
      // A wrong key is no error here: the private profile of nobody is empty.
      if (!c.account || !c.principal) return { profile: {} };
      requireCapability(c.principal, "account:read");
      const a = c.account;
      return {
        profile: { ...nameOf(a), display_name: displayName(a), is_admin: a.is_admin, is_partner: false, email_address: a.email_address },
      };
    },
    "accounts/get-names": async (c, b) => {
      const { principal } = signedIn(c, "must be signed in");
      requireCapability(principal, "account:read");
      const ids = b.account_ids;
      if (!Array.isArray(ids) || !ids.every(isUuid)) throw new HandlerError("account_ids must be an array of valid uuid's");
      const names: Obj = {};
      for (const id of ids) {
        const a = hub.store.account(id);
        if (a) names[id] = { first_name: a.first_name, last_name: a.last_name };
      }
      return { names };
    },
    "projects/get": async (c, b) => {
      const { account, principal } = signedIn(c, "Must be signed in.");
      requireCapability(principal, "project:list");
      if (b.account_id && b.account_id !== account.account_id) throw new HandlerError("API keys may only list projects for their own account");
      const limit = typeof b.limit === "number" && b.limit > 0 ? Math.floor(b.limit) : 50;
      return hub.store
        .projectsOf(account.account_id)
        .filter((p) => !p.deleted)
        .slice(0, limit)
        .map((p) => ({ project_id: p.project_id, title: p.title, description: p.description }));
    },
    "projects/get-one": async (c) => {
      const { account, principal } = validKey(c);
      requireCapability(principal, "project:list");
      const [latest] = hub.store.projectsOf(account.account_id).filter((p) => !p.deleted);
      if (latest) return { project_id: latest.project_id, title: latest.title };
      requireCapability(principal, "project:create");
      checkCreate(hub, account);
      const { project_id } = await handlers.create_project(hub, account, { title: "Untitled Project", description: "" }, NO_SIGNAL);
      return { project_id, title: "Untitled Project" };
    },
    "projects/create": async (c, b) => {
      if (!c.hasHeader) throw new HandlerError("user must be signed in");
      const { account, principal } = validKey(c);
      requireCapability(principal, "project:create");
      checkCreate(hub, account);
      // The new project is not added to the key's allowed projects (facts §1.4).
      const r = await handlers.create_project(hub, account, { title: str(b.title), description: str(b.description) }, NO_SIGNAL);
      return { project_id: r.project_id };
    },
    "projects/update": async (c, b) => {
      const { account, principal } = signedIn(c, "Must be signed in to update project.");
      if (b.account_id) throw new HandlerError("The `account_id` field cannot be specified by API keys.");
      requireProjectCapability(principal, "project:write", b.project_id);
      const pid = collaborator(hub, account, b.project_id);
      hub.store.updateProject(pid, {
        ...(typeof b.title === "string" ? { title: b.title } : {}),
        ...(typeof b.description === "string" ? { description: b.description } : {}),
      });
      return { status: "ok" };
    },
    "projects/start": projectRoute("project:exec", async (pid) => {
      checkStart(hub, pid);
      void hub.runtime.start(pid);
      return { status: "ok" };
    }),
    "projects/stop": projectRoute("project:exec", async (pid) => {
      hub.runtime.stop(pid);
      return { status: "ok" };
    }),
    "projects/touch": projectRoute("project:exec", async (pid) => {
      checkStart(hub, pid);
      hub.store.touchProject(pid);
      void hub.runtime.start(pid);
      return {};
    }),
    "projects/collaborators/list": async (c, b) => {
      const { account, principal } = signedIn(c, "must be signed in");
      requireProjectCapability(principal, "project:read", b.project_id);
      const p = hub.store.project(collaborator(hub, account, b.project_id))!;
      return Object.keys(p.users)
        .map((id) => hub.store.account(id))
        .filter((a): a is Account => a !== undefined)
        .map((a) => ({ ...nameOf(a), display_name: displayName(a) }));
    },
    exec: async (c, b, signal) => {
      const { account, principal } = signedIn(c, "must be signed in");
      requireProjectCapability(principal, "project:exec", b.project_id);
      return exec.run(account, collaborator(hub, account, b.project_id), b, signal);
    },
    "projects/copy-path": async (c, b, signal) => {
      if (b.path == null) throw new HandlerError("path must be specified");
      if (!isUuid(b.src_project_id)) throw new HandlerError("src_project_id must be a valid uuid");
      if (!isUuid(b.target_project_id)) throw new HandlerError("target_project_id must be a valid uuid");
      const { account, principal } = signedIn(c, "must be signed in");
      requireProjectCapability(principal, "file:read", b.src_project_id);
      requireProjectCapability(principal, "file:write", b.target_project_id);
      if (!canRead(hub, account, b.target_project_id)) throw new HandlerError("must be a collaborator on target project");
      if (!canRead(hub, account, b.src_project_id)) throw new HandlerError("must be a collaborator on source project");
      const ms = typeof b.timeout === "number" && b.timeout > 0 ? b.timeout * 1000 : BRIDGE_TIMEOUT_MS;
      // The real route asks an unbound file-server subject that nothing answers (facts §2.2, inferred).
      const copy =
        hub.settings.aiCopyPath === "works"
          ? handlers.copy_path_between_projects(
              hub,
              account,
              { src_project_id: b.src_project_id, src_path: String(b.path), target_project_id: b.target_project_id, target_path: str(b.target_path) || String(b.path), wait_until_done: true },
              signal,
            )
          : new Promise<never>(() => undefined);
      try {
        await withBridgeTimeout(copy, ms);
      } catch (e) {
        if (e instanceof BridgeTimeout) throw new HandlerError("timeout - Error: operation has timed out subject:file-server.api");
        throw e;
      }
      return { status: "ok" };
    },
    "user-query": async (c) => {
      throw new HandlerError(c.hasHeader ? "API keys are not allowed to use user-query" : "must be signed in");
    },
    "api-keys": async (c) => {
      throw new HandlerError(c.hasHeader ? "API keys cannot manage account API keys" : "must be signed in");
    },
  };
  return { hosted, auth };
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}
