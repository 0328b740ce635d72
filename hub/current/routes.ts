/**
 * The current generation's wire formats on the hub (facts §3, §8): the conat
 * bridges POST /api/conat/hub and /api/conat/project ({name, args, timeout}),
 * and POST /api/v2/<route>. The same handlers as v1 do the work; only the
 * request shapes, the replies (bare values, HTTP 200 {error}) and the auth
 * rules differ.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { parse as parseCookies } from "cookie";
import { isUuid, canRead, type Hub } from "../context.js";
import { listFolder } from "../listing.js";
import type { Account } from "../store.js";
import { handlers, toHandlerError, userAuth } from "../v1/handlers.js";
import { HandlerError, TransportError } from "../v1/errors.js";
import { accountOf, checkParams } from "../v1/transport.js";
import { handleQuery } from "../v1/query.js";
import { ExecJobs } from "./jobs.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const EXEC_PREFIX = /^Error executing command '.*?' with args '.*?' -- /s;

/** Next.js's 404 page, as the current server sends it for unknown routes (and for /api/v1 there). */
export function nextNotFound(res: Response): void {
  res
    .status(404)
    .type("html")
    .send('<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><title>404 Page Not Found</title></head><body><h1>404</h1><p>This page could not be found.</p></body></html>');
}

export class BridgeTimeout extends Error {}

export function withBridgeTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new BridgeTimeout()), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}

const errorText = (e: unknown): string => {
  const v = toHandlerError(e).value;
  return typeof v === "string" ? v : `Error: ${String((v as Obj).code ?? "")}: ${JSON.stringify(v)}`;
};

/** Conat errors read "Error: …" where the v1 texts were bare. */
const conatError = (e: unknown): string => {
  const t = errorText(e).replace(EXEC_PREFIX, "");
  return /^(Error|TypeError|FATAL|timeout|command |killed )/.test(t) ? t : `Error: ${t}`;
};

export function currentRouter(hub: Hub): Router {
  const jobs = new ExecJobs(hub);
  const r = express.Router();
  r.use(express.json({ limit: "1mb", strict: false }));

  async function exec(account: Account, project_id: string, o: Obj, signal: AbortSignal, errOnExitDefault: boolean): Promise<Obj> {
    if (typeof o.async_get === "string") return jobs.get(account, o.async_get, o.async_await === true, o.async_stats === true);
    const params = {
      project_id,
      command: String(o.command ?? ""),
      args: Array.isArray(o.args) ? o.args.map(String) : [],
      path: typeof o.path === "string" ? o.path : "",
      timeout: typeof o.timeout === "number" ? o.timeout : 10,
      max_output: typeof o.max_output === "number" ? o.max_output : undefined,
      bash: o.bash === true,
      err_on_exit: typeof o.err_on_exit === "boolean" ? o.err_on_exit : errOnExitDefault,
    };
    if (o.async_call === true) return jobs.start(account, params);
    await hub.runtime.start(project_id);
    const out = await handlers.project_exec(hub, account, params, signal, undefined, { resultWhenNotRun: true });
    return { type: "blocking", stdout: out.stdout, stderr: out.stderr, exit_code: out.exit_code };
  }

  // ------------------------------------------------------------ conat hub bridge
  const hubFns: Record<string, (a: Account, arg: Obj, signal: AbortSignal) => Promise<unknown>> = {
    "system.ping": async () => ({ now: Date.now() }),
    "system.test": async (a) => ({ account_id: a.account_id, server_time: Date.now() }),
    "projects.createProject": async (a, arg) => (await handlers.create_project(hub, a, { title: arg.title as string, description: arg.description as string, start: arg.start as boolean }, new AbortController().signal)).project_id,
    "db.userQuery": async (a, arg) => {
      if (arg.query === undefined) throw new HandlerError("TypeError: Cannot read properties of undefined (reading 'undefined')");
      return handleQuery(hub, a, obj(arg.query), Array.isArray(arg.options) ? (arg.options as Obj[]) : []);
    },
    "system.generateUserAuthToken": async (a, arg) =>
      userAuth(hub, a, { account_id: String(arg.user_account_id ?? ""), password: typeof arg.password === "string" ? arg.password : "" }, "current").auth_token,
    "projects.copyPathBetweenProjects": async (a, arg, signal) => {
      const { scheduled: _s, ...rest } = arg;
      let params;
      try {
        params = checkParams("copy_path_between_projects", { ...rest, wait_until_done: true });
      } catch (e) {
        throw new HandlerError(`Error: ${(e as Error).message}`);
      }
      await handlers.copy_path_between_projects(hub, a, params as never, signal);
      return null;
    },
    "projects.state": async (a, arg) => {
      const pid = String(arg.project_id ?? "");
      if (!canRead(hub, a, pid)) throw new HandlerError("user must be a collaborator on the project");
      const s = hub.runtime.state(pid);
      return { ip: "127.0.0.1", state: s === "stopped" ? "opened" : s, time: new Date().toISOString() };
    },
    "projects.stop": async (a, arg) => {
      const pid = String(arg.project_id ?? "");
      if (!canRead(hub, a, pid)) throw new HandlerError("user must be a collaborator on the project");
      hub.runtime.stop(pid);
      return null;
    },
    "projects.start": async (a, arg) => {
      const pid = String(arg.project_id ?? "");
      if (!canRead(hub, a, pid)) throw new HandlerError("user must be a collaborator on the project");
      await hub.runtime.start(pid);
      return null;
    },
    "system.logClientError": async (a, arg) => {
      await handlers.log_client_error(hub, a, { error: String(arg.error ?? "") }, new AbortController().signal);
      return null;
    },
    "jupyter.kernels": async (a, arg) => {
      if (typeof arg.project_id !== "string") throw new HandlerError("Error: Jupyter API is not enabled on this server.");
      if (!canRead(hub, a, arg.project_id)) throw new HandlerError("user must be a collaborator on the project");
      return [];
    },
    "jupyter.execute": async () => {
      throw new HandlerError("Error: Jupyter API is not enabled on this server.");
    },
  };

  // ------------------------------------------------------------ conat project bridge
  const projectFns: Record<string, (a: Account, pid: string, arg: Obj, signal: AbortSignal) => Promise<unknown>> = {
    "system.ping": async () => ({ now: Date.now() }),
    "system.test": async (_a, pid) => ({ project_id: pid, server_time: Date.now() }),
    "system.exec": (a, pid, arg, signal) => exec(a, pid, arg, signal, true),
    "system.readTextFileFromProject": async (a, pid, arg) => {
      const r = await handlers.read_text_file_from_project(hub, a, { project_id: pid, path: String(arg.path ?? "") }, new AbortController().signal);
      return r.content;
    },
    "system.writeTextFileToProject": async (a, pid, arg) => {
      await handlers.write_text_file_to_project(hub, a, { project_id: pid, path: String(arg.path ?? ""), content: String(arg.content ?? "") }, new AbortController().signal);
      return null;
    },
    "system.listing": async (_a, pid, arg) => listFolder(hub, pid, String(arg.path ?? "")),
  };

  const bridge = (kind: "hub" | "project") => async (req: Request, res: Response) => {
    const body = obj(req.body);
    let account: Account;
    try {
      // The bridges take the key only; cookies are ignored.
      account = accountOf(hub, req.headers.authorization);
    } catch (e) {
      const msg = e instanceof TransportError && e.message.startsWith("You must provide") ? e.message : "must be signed in and MUST provide an api key (cookies are not allowed)";
      return void res.json({ error: msg });
    }
    const name = body.name;
    if (typeof name !== "string") return void res.json({ error: "TypeError: Cannot read properties of undefined (reading 'split')" });
    if (!Array.isArray(body.args)) return void res.json({ error: "TypeError: Spread syntax requires ...iterable[Symbol.iterator] to be a function" });
    const timeoutMs = typeof body.timeout === "number" && body.timeout > 0 ? body.timeout : 15_000;
    const ac = new AbortController();
    // As on real servers, a dropped call leaves its command running unless the kinder hub is asked for.
    if (hub.settings.execKillOnDisconnect) {
      res.on("close", () => {
        if (!res.writableFinished) ac.abort();
      });
    }
    const arg0 = body.args[0];
    if (body.args.length > 0 && (typeof arg0 !== "object" || arg0 === null)) {
      return void res.json({ error: `TypeError: Cannot create property 'account_id' on ${typeof arg0} '${String(arg0)}'` });
    }
    let subject = `hub.account.${account.account_id}.api`;
    try {
      let run: Promise<unknown>;
      if (kind === "hub") {
        const fn = hubFns[name];
        if (!fn) return void res.json({ error: `Error: unknown function '${name}'` });
        run = fn(account, obj(arg0), ac.signal);
      } else {
        const pid = body.project_id;
        if (typeof pid !== "string" || !pid) return void res.json({ error: "must specify project_id or use project-specific api key" });
        if (!isUuid(pid) || !canRead(hub, account, pid)) return void res.json({ error: "user must be a collaborator on the project" });
        subject = `project.${pid}.0.api.-`;
        const fn = projectFns[name];
        if (!fn) return void res.json({ error: `Error: unknown function '${name}'` });
        // The project bridge starts the project and waits for it (within the bridge's timeout).
        run = hub.runtime.start(pid).then(() => fn(account, pid, obj(arg0), ac.signal));
      }
      res.json(await withBridgeTimeout(run, timeoutMs));
    } catch (e) {
      if (e instanceof BridgeTimeout) return void res.json({ error: `timeout - callHub: subject='${subject}', name='${name}', code='408' ` });
      res.json({ error: conatError(e) });
    }
  };
  r.post("/api/conat/hub", bridge("hub"));
  r.post("/api/conat/project", bridge("project"));
  r.get(["/api/conat/hub", "/api/conat/project"], (_req, res) => void res.json({ error: "TypeError: Cannot read properties of undefined (reading 'split')" }));

  // ------------------------------------------------------------ v2
  /** v2 auth: a remember_me cookie wins over the key (a stale one fails); otherwise the key. */
  const v2Account = (req: Request): Account | string => {
    const cookie = parseCookies(req.headers.cookie ?? "").remember_me;
    if (cookie !== undefined) {
      if (!/^[A-Za-z0-9]{32}$/.test(cookie) && !cookie.includes("$")) return "badly formatted remember_me cookie";
      const id = hub.store.accountForSession(cookie);
      const a = id ? hub.store.account(id) : undefined;
      return a ?? "must be signed in";
    }
    try {
      return accountOf(hub, req.headers.authorization);
    } catch {
      return "must be signed in";
    }
  };

  const v2Routes: Record<string, (a: Account, b: Obj, signal: AbortSignal) => Promise<unknown>> = {
    exec: async (a, b, signal) => {
      const pid = b.project_id;
      if (typeof pid !== "string" || !isUuid(pid)) throw new HandlerError("invalid account_id or project_id -- all must be valid uuid's");
      if (!canRead(hub, a, pid)) throw new HandlerError("user must be a collaborator on the project");
      try {
        return await exec(a, pid, b, signal, true);
      } catch (e) {
        const t = errorText(e);
        throw new HandlerError(EXEC_PREFIX.test(t) ? t : `Error executing command '${String(b.command)}' with args '${Array.isArray(b.args) ? b.args.join(" ") : "undefined"}' -- ${t}`);
      }
    },
    "projects/create": async (a, b) => ({
      project_id: (await handlers.create_project(hub, a, { title: String(b.title ?? ""), description: String(b.description ?? "") }, new AbortController().signal)).project_id,
    }),
    "projects/write-text-file": async (a, b) => {
      if (typeof b.project_id !== "string" || !isUuid(b.project_id)) throw new HandlerError("must set project_id to a valid uuid");
      if (typeof b.path !== "string") throw new HandlerError("must specify a 'path'");
      await hub.runtime.start(b.project_id);
      await handlers.write_text_file_to_project(hub, a, { project_id: b.project_id, path: b.path, content: String(b.content ?? "") }, new AbortController().signal);
      return { status: "ok" };
    },
    "projects/copy-path": async (a, b, signal) => {
      if (typeof b.path !== "string") throw new HandlerError("path must be specified");
      // A single-user server copies before it answers, whatever wait_until_done says (facts §8).
      const wait = hub.settings.copyMode === "single-user" || b.wait_until_done !== false;
      const r = await handlers.copy_path_between_projects(
        hub,
        a,
        {
          src_project_id: String(b.src_project_id ?? ""),
          src_path: b.path,
          target_project_id: String(b.target_project_id ?? ""),
          ...(typeof b.target_path === "string" ? { target_path: b.target_path } : {}),
          overwrite_newer: b.overwrite_newer === true,
          delete_missing: b.delete_missing === true,
          backup: b.backup === true,
          ...(typeof b.timeout === "number" ? { timeout: b.timeout } : {}),
          wait_until_done: wait,
        },
        signal,
      );
      return { copy_id: r.copy_path_id };
    },
    "projects/copy-path-status": async (a, b) => {
      if (typeof b.copy_id !== "string" || !isUuid(b.copy_id)) throw new HandlerError("copy_id must be a valid uuid");
      const op = hub.store.copy(b.copy_id);
      if (!op || !canRead(hub, a, op.source_project_id)) throw new HandlerError("copy_id not found");
      return { started: op.started, finished: op.finished, copy_error: op.error };
    },
    "user-query": async (a, b) => ({ query: handleQuery(hub, a, obj(b.query), Array.isArray(b.options) ? (b.options as Obj[]) : []) }),
    "jupyter/kernels": async (a, b) => {
      if (typeof b.project_id !== "string") throw new HandlerError("Jupyter API is not enabled on this server.");
      if (!canRead(hub, a, b.project_id)) throw new HandlerError("user must be a collaborator on the project");
      return { kernels: [], success: true };
    },
    "jupyter/execute": async () => {
      throw new HandlerError("Jupyter API is not enabled on this server.");
    },
  };

  r.post("/api/v2/*route", async (req: Request, res: Response) => {
    const parts = (req.params as { route: string[] | string }).route;
    const route = Array.isArray(parts) ? parts.join("/") : parts;
    const fn = v2Routes[route];
    if (!fn) return nextNotFound(res);
    const who = v2Account(req);
    if (typeof who === "string") return void res.json({ error: route === "projects/create" && who === "must be signed in" ? "user must be signed in" : who });
    const ac = new AbortController();
    // As on real servers, a dropped call leaves its command running unless the kinder hub is asked for.
    if (hub.settings.execKillOnDisconnect) {
      res.on("close", () => {
        if (!res.writableFinished) ac.abort();
      });
    }
    try {
      // v2 exec and project calls ride the hub→project socket, which gives up after about 60 s.
      res.json(await withBridgeTimeout(fn(who, obj(req.body), ac.signal), 60_000));
    } catch (e) {
      res.json({ error: e instanceof BridgeTimeout ? "undefined" : errorText(e) });
    }
  });

  // Next.js answers plain text for unparsable and oversized bodies.
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number })?.status;
    if (status === 413) return void res.status(413).type("text/plain").send("Body exceeded 1mb limit");
    if (status === 400 || (err as { type?: string })?.type === "entity.parse.failed") return void res.status(400).type("text/plain").send("Invalid JSON");
    if (typeof status === "number" && status >= 400 && status < 500) return void res.status(status).type("text/plain").send("Bad Request");
    next(err);
  });
  return r;
}
