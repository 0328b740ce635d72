/**
 * cocalc.ai's two HTTP bridges (facts §2.1): POST /api/conat/hub with its
 * allowlist of RPCs and their capabilities, and POST /api/conat/project
 * (project:exec plus collaborator access). Both answer HTTP 200, with
 * `{error}` for every failure.
 */
import type { Request, Response } from "express";
import { canRead, type Hub } from "../context.js";
import { BridgeTimeout, withBridgeTimeout } from "../current/routes.js";
import { listFolder } from "../listing.js";
import type { Account } from "../store.js";
import { handlers, toHandlerError } from "../v1/handlers.js";
import { HandlerError } from "../v1/errors.js";
import { principalOf, KeyHeaderError } from "./auth.js";
import type { AiExec } from "./exec.js";
import { checkCreate } from "./limits.js";
import { displayName } from "./names.js";
import { requireCapability, requireProjectCapability, ScopeError, type AiCapability, type AiPrincipal } from "./keys.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const NO_SIGNAL = new AbortController().signal;

/** conat's default request timeout, ms */
export const BRIDGE_TIMEOUT_MS = 15_000;

const text = (e: unknown): string => {
  const v = toHandlerError(e).value;
  return typeof v === "string" ? v : JSON.stringify(v);
};

function timeoutOf(body: Obj): number {
  return typeof body.timeout === "number" && body.timeout > 0 ? body.timeout : BRIDGE_TIMEOUT_MS;
}

/** Ends the call when the client goes away. */
function abortOnClose(res: Response): AbortSignal {
  const ac = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

interface HubRpc {
  /** an account capability, or a project one checked against args[0].project_id */
  cap?: { account: AiCapability } | { project: AiCapability };
  run(account: Account, arg: Obj, signal: AbortSignal, args: unknown[]): Promise<unknown>;
}

export function hubBridge(hub: Hub, exec: AiExec) {
  const collaborator = (a: Account, pid: unknown): string => {
    if (typeof pid !== "string" || !canRead(hub, a, pid)) throw new HandlerError("user must be a collaborator on project");
    return pid;
  };
  const rpcs: Record<string, HubRpc> = {
    "system.ping": { run: async () => ({ now: Date.now() }) },
    "system.getNames": {
      cap: { account: "account:read" },
      run: async (_a, _arg, _s, args) => {
        const ids = Array.isArray(args[0]) ? args[0] : [];
        const names: Obj = {};
        for (const id of ids) {
          const acc = typeof id === "string" ? hub.store.account(id) : undefined;
          if (acc) names[acc.account_id] = { display_name: displayName(acc), first_name: acc.first_name, last_name: acc.last_name };
        }
        return names;
      },
    },
    "projects.createProject": {
      cap: { account: "project:create" },
      // The new project is not added to the key's allowed projects (facts §1.4).
      run: async (a, arg) => {
        checkCreate(hub, a);
        return (await handlers.create_project(hub, a, { title: stringOr(arg.title, ""), description: stringOr(arg.description, ""), start: arg.start === true }, NO_SIGNAL)).project_id;
      },
    },
    "projects.exec": {
      cap: { project: "project:exec" },
      run: async (a, arg, signal) => exec.run(a, collaborator(a, arg.project_id), obj(arg.execOpts), signal),
    },
    "projects.getProjectState": {
      cap: { project: "project:read" },
      run: async (a, arg) => {
        const pid = collaborator(a, arg.project_id);
        // A project never started has no state at all (facts §7).
        if (!hub.runtime.everStarted(pid)) return {};
        const s = hub.runtime.state(pid);
        return { state: s === "stopped" ? "opened" : s, time: new Date().toISOString() };
      },
    },
    "projects.getProjectAddress": {
      cap: { project: "project:read" },
      run: async (a, arg) => ({ host: "127.0.0.1", project_id: collaborator(a, arg.project_id) }),
    },
    "projects.getProjectCreated": {
      cap: { project: "project:read" },
      run: async (a, arg) => hub.store.project(collaborator(a, arg.project_id))?.created ?? null,
    },
    "projects.getProjectRunQuota": {
      cap: { project: "project:read" },
      run: async (a, arg) => {
        collaborator(a, arg.project_id);
        return { cpu_limit: 1, memory_limit: 1000, disk_quota: 3000, network: true, member_host: false, always_running: false };
      },
    },
  };

  /** The allowlist check, before anything runs (http-api-key-policy). */
  function allow(p: AiPrincipal, name: string, args: unknown[]): HubRpc {
    const rpc = Object.hasOwn(rpcs, name) ? rpcs[name] : undefined;
    if (!rpc) throw new ScopeError(`API keys are not allowed to call hub RPC '${name}'`);
    if (rpc.cap && "project" in rpc.cap) {
      const pid = `${(obj(args[0]).project_id as string | undefined) ?? ""}`.trim();
      if (!pid) throw new ScopeError("API key project capability check requires project_id");
      requireProjectCapability(p, rpc.cap.project, pid);
    } else if (rpc.cap) {
      requireCapability(p, rpc.cap.account);
    }
    return rpc;
  }

  return async (req: Request, res: Response) => {
    const body = obj(req.body);
    let p: AiPrincipal | undefined;
    try {
      p = principalOf(hub, req);
    } catch (e) {
      if (!(e instanceof KeyHeaderError)) throw e;
      return void res.json({ error: e.message });
    }
    const account = p && hub.store.account(p.account_id);
    if (!p || !account) return void res.json({ error: "must be signed in and MUST provide an api key (cookies are not allowed)" });
    const name = String(body.name);
    const args = Array.isArray(body.args) ? body.args : [];
    const subject = `hub.account.${account.account_id}.api`;
    try {
      const rpc = allow(p, name, args);
      res.json(await withBridgeTimeout(rpc.run(account, obj(args[0]), abortOnClose(res), args), timeoutOf(body)));
    } catch (e) {
      if (e instanceof ScopeError) return void res.json({ error: e.message });
      const code = e instanceof BridgeTimeout ? "408" : "unknown";
      const msg = e instanceof BridgeTimeout ? `timeout - Error: operation has timed out subject:${subject}` : text(e);
      res.json({ error: `${msg} - callHub: subject='${subject}', name='${name}', code='${code}' ` });
    }
  };
}

function stringOr(v: unknown, d: string): string {
  return typeof v === "string" ? v : d;
}

export function projectBridge(hub: Hub, exec: AiExec) {
  type Fn = (a: Account, pid: string, arg: Obj, signal: AbortSignal) => Promise<unknown>;
  const api: Record<string, Record<string, Fn>> = {
    system: {
      exec: (a, pid, arg, signal) => exec.run(a, pid, arg, signal),
      readTextFileFromProject: async (a, pid, arg) =>
        (await handlers.read_text_file_from_project(hub, a, { project_id: pid, path: String(arg.path ?? "") }, NO_SIGNAL)).content,
      writeTextFileToProject: async (a, pid, arg) => {
        await handlers.write_text_file_to_project(hub, a, { project_id: pid, path: String(arg.path ?? ""), content: String(arg.content ?? "") }, NO_SIGNAL);
        return null;
      },
      listing: async (_a, pid, arg) => listFolder(hub, pid, String(arg.path ?? ""), arg.hidden === true),
    },
  };

  /** What the project itself answers: "pong" for ping, `{error: "<err>"}` for anything that throws. */
  async function projectAnswer(a: Account, pid: string, name: unknown, args: unknown[], signal: AbortSignal): Promise<unknown> {
    if (name === "ping") return "pong";
    try {
      if (typeof name !== "string") throw new TypeError("Cannot read properties of undefined (reading 'split')");
      const [group = "", fname = ""] = name.split(".");
      const g = Object.hasOwn(api, group) ? api[group] : undefined;
      if (!g) throw new TypeError("Cannot convert undefined or null to object");
      const f = Object.hasOwn(g, fname) ? g[fname] : undefined;
      if (!f) throw new Error(`unknown function '${name}' -- available functions are ${JSON.stringify(Object.keys(g))}`);
      return (await f(a, pid, obj(args[0]), signal)) ?? null;
    } catch (e) {
      // the project answers `${err}`: "Error: …", "TypeError: …"
      const t = e instanceof Error && (e.constructor === Error || e instanceof TypeError) ? `${e}` : text(e);
      return { error: /^[A-Za-z]*Error\b/.test(t) ? t : `Error: ${t}` };
    }
  }

  return async (req: Request, res: Response) => {
    const body = obj(req.body);
    let p: AiPrincipal | undefined;
    try {
      p = principalOf(hub, req);
    } catch (e) {
      if (!(e instanceof KeyHeaderError)) throw e;
      return void res.json({ error: e.message });
    }
    const account = p && hub.store.account(p.account_id);
    if (!p || !account) return void res.json({ error: "must sign in with an account API key" });
    const pid = body.project_id;
    if (!pid) return void res.json({ error: "must specify project_id" });
    try {
      requireProjectCapability(p, "project:exec", pid);
    } catch (e) {
      return void res.json({ error: (e as Error).message });
    }
    if (typeof pid !== "string" || !canRead(hub, account, pid)) return void res.json({ error: "user must be a collaborator on the project" });
    const name = body.name;
    const subject = `project.${pid}.api.-`;
    try {
      // The bridge waits for the project to answer (waitForInterest), within its timeout; it never starts it (facts §7).
      const signal = abortOnClose(res);
      const waiting = new AbortController();
      const run = hub.runtime.untilRunning(pid, AbortSignal.any([signal, waiting.signal])).then(() => projectAnswer(account, pid, name, Array.isArray(body.args) ? body.args : [], signal));
      res.json(await withBridgeTimeout(run, timeoutOf(body)).finally(() => waiting.abort()));
    } catch (e) {
      if (!(e instanceof BridgeTimeout)) throw e;
      // nobody answered (the project does not run: facts §6), or the project answered too late (a call that ran too long: server facts §8)
      const noAnswer = hub.runtime.state(pid) !== "running" ? `Error: operation has timed out subject:${subject} - ` : "";
      res.json({ error: `timeout - ${noAnswer}callHub: subject='${subject}', name='${String(name)}', code='408' ` });
    }
  };
}
