/**
 * `--api ai`: cocalc.ai's HTTP rules on the hub's handlers. JSON bodies only
 * (10 MB), no API v1, HTTP 200 `{error}` for every refusal, 500
 * `{"error":"api_v2_error"}` for a handler that breaks. Which routes exist
 * depends on the product (facts §2.0): hosted has the bridges and the key
 * routes of /api/v2; Launchpad only the bridges and the auth routes; Plus no
 * keys at all.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Hub } from "../context.js";
import { ExecError } from "../exec.js";
import { PathError } from "../paths.js";
import { StartTimeout } from "../runtime.js";
import { HandlerError } from "../v1/errors.js";
import { aiKeys, apiKeyOf } from "./auth.js";
import { hubBridge, projectBridge } from "./bridges.js";
import { AiExec } from "./exec.js";
import { ScopeError } from "./keys.js";
import { callerOf, v2Routes, type V2Route } from "./v2.js";

/** express.json's limit on cocalc.ai's router */
export const AI_JSON_LIMIT = "10mb";

const ADMIN_EMAIL = "admin@localhost";

/** A failure a route reports as `{error}`; anything else is a bug and answers 500. */
export function isReportable(e: unknown): boolean {
  if (e instanceof HandlerError || e instanceof ScopeError || e instanceof PathError || e instanceof ExecError || e instanceof StartTimeout) return true;
  const err = e as NodeJS.ErrnoException;
  return typeof err?.code === "string" && typeof err.syscall === "string";
}

export function aiRouter(hub: Hub, url: () => string): Router {
  const r = express.Router();
  const product = hub.settings.aiProduct;
  const exec = new AiExec(hub);
  r.use(["/api/v2", "/api/conat"], express.json({ limit: AI_JSON_LIMIT }));

  if (product !== "plus") {
    r.post("/api/conat/hub", hubBridge(hub, exec));
    r.post("/api/conat/project", projectBridge(hub, exec));
  }

  const { hosted, auth } = v2Routes(hub, exec, url);
  const plus: Record<string, V2Route> = {
    // Plus is one signed-in user and no keys: the bootstrap stub says who.
    "auth/bootstrap": async () => ({ signed_in: true, account_id: hub.store.accountByEmail(ADMIN_EMAIL)?.account_id }),
  };
  const routes = product === "hosted" ? hosted : product === "launchpad" ? auth : plus;

  r.post("/api/v2/*route", async (req: Request, res: Response, next: NextFunction) => {
    const parts = (req.params as { route: string[] | string }).route;
    const route = Array.isArray(parts) ? parts.join("/") : parts;
    const fn = Object.hasOwn(routes, route) ? routes[route] : undefined;
    if (!fn) return next();
    const ac = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) ac.abort();
    });
    const body = typeof req.body === "object" && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    try {
      res.json(await fn(callerOf(hub, req), body, ac.signal));
    } catch (e) {
      if (!isReportable(e)) throw e;
      res.json({ error: e instanceof HandlerError && typeof e.value !== "string" ? JSON.stringify(e.value) : (e as Error).message });
    }
  });

  r.get("/customize", (req: Request, res: Response) => {
    if (product === "plus") {
      const admin = hub.store.accountByEmail(ADMIN_EMAIL);
      const [project] = admin ? hub.store.projectsOf(admin.account_id) : [];
      return void res.json({ configuration: { lite: true, site_name: "CoCalc Lite", account_id: admin?.account_id, project_id: project?.project_id } });
    }
    let is_authenticated: boolean;
    try {
      is_authenticated = req.headers.authorization !== undefined && aiKeys(hub.store).authenticate(apiKeyOf(req)) !== undefined;
    } catch {
      is_authenticated = false;
    }
    res.json({ configuration: { cocalc_product: "launchpad", is_launchpad: true, is_rocket: false, site_name: "CoCalc", is_authenticated } });
  });

  // Body-parser failures (413, 400) go on to the app's HTML error page; a broken handler answers as the real router does.
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: unknown })?.status;
    if (typeof status === "number" && status >= 400 && status < 500) return next(err);
    res.status(500).json({ error: "api_v2_error" });
  });
  return r;
}
