/**
 * The kiosk URLs and sign-in of the real server (facts §4):
 * - `/projects/<id>/files/<path>?auth_token=…&fullscreen=kiosk` and
 *   `/app?auth_token=…&fullscreen=kiosk`: the token signs in on servers
 *   before 2024-10 ("legacy"); newer ones ignore it ("modern", the default).
 * - `/auth/impersonate?auth_token=…` (modern only) redeems a token into a
 *   remember_me cookie (SameSite=Strict, httpOnly) and answers a page that
 *   redirects with JavaScript to `https://<dns>/app` (the site setting; with
 *   none, as on a single-user server, that lands nowhere useful).
 * - `/app?get_api_key=<app>`: the sign-in page an embedding app opens to get
 *   an API key; success redirects to https://authenticated/?api_key=….
 */
import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import express, { type Express, type Request, type Response } from "express";
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import { canRead, isUuid, type Hub } from "../context.js";
import { PathError, resolveInProject } from "../paths.js";
import { iframeOriginAllowed, readIframeRequest } from "./iframe-rules.js";
import { kioskMain, type KioskConfig } from "./page-script.js";
import { escapeHtml, renderFile } from "./render.js";
import { KIOSK_CSS } from "./style.js";

const SESSION_COOKIE = "remember_me";
const SESSION_TTL_MS = 12 * 3600 * 1000;
/** The desktop app's own origin: allowed to drive the kiosk page unless the hub is strict. */
export const APP_ORIGINS = ["app://cocalc-desktop"];

const PAGE_SCRIPT = [
  "'use strict';",
  // esbuild's keepNames helper, in case the function texts below carry calls to it
  "var __name = function (f) { return f; };",
  "(function () {",
  "  var cfg = JSON.parse(document.getElementById('kiosk-config').textContent);",
  `  (${kioskMain.toString()})(cfg, (${iframeOriginAllowed.toString()}), (${readIframeRequest.toString()}));`,
  "})();",
].join("\n");

function accountFromSession(hub: Hub, req: Request): string | undefined {
  const header = req.headers["x-kiosk-session"];
  if (typeof header === "string" && header) return hub.store.accountForSession(header);
  const cookies = parseCookies(req.headers.cookie ?? "");
  const c = cookies[SESSION_COOKIE];
  return c ? hub.store.accountForSession(c) : undefined;
}

function sessionCookie(hub: Hub, token: string): string {
  return serializeCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
    sameSite: hub.settings.kioskAuth === "modern" ? "strict" : "lax",
  });
}

function pageCsp(nonce?: string): string {
  return [
    "default-src 'none'",
    `script-src 'self'${nonce ? ` 'nonce-${nonce}'` : ""}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self' https://authenticated",
  ].join("; ");
}

function kioskPage(hub: Hub, req: Request, res: Response, initial: KioskConfig["initial"]): void {
  const q = req.query;
  const token = typeof q.auth_token === "string" ? q.auth_token : undefined;
  let account = accountFromSession(hub, req);
  if (!account && token && hub.settings.kioskAuth === "legacy") {
    account = hub.store.accountForAuthToken(token);
  }
  const session = account ? hub.store.createSession(account, SESSION_TTL_MS) : "";
  if (session && token && hub.settings.kioskAuth === "legacy") res.setHeader("Set-Cookie", sessionCookie(hub, session));
  const cfg: KioskConfig = {
    kiosk: q.fullscreen === "kiosk",
    hosts: hub.settings.iframeCommHosts.join(" "),
    extras: hub.settings.iframeStrict ? { loopback: false, origins: [] } : { loopback: true, origins: APP_ORIGINS },
    session,
    initial: account ? initial : null,
  };
  const config = JSON.stringify(cfg).replace(/</g, "\\u003c");
  res
    .status(200)
    .setHeader("Content-Security-Policy", pageCsp())
    .setHeader("Cache-Control", "no-store")
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CoCalc</title>` +
        `<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/static/kiosk.css"></head>` +
        `<body class="${cfg.kiosk ? "kiosk" : "plain"}"><div id="banner" class="loading" role="status">Loading…</div>` +
        `<main id="content" aria-live="polite"></main>` +
        `<script type="application/json" id="kiosk-config">${config}</script><script src="/static/kiosk.js"></script></body></html>`,
    );
}

function signInPage(res: Response, appName: string, error?: string): void {
  const title = appName.charAt(0).toUpperCase() + appName.slice(1);
  res
    .status(error ? 401 : 200)
    .setHeader("Content-Security-Policy", pageCsp())
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title><link rel="stylesheet" href="/static/kiosk.css"></head>` +
        `<body class="signin"><main><h1>CoCalc API Key Access for ${escapeHtml(title)}</h1>` +
        (error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : "") +
        `<form method="post" action="/auth/get-api-key"><input type="hidden" name="app" value="${escapeHtml(appName)}">` +
        `<label>Email address <input name="email" type="email" autocomplete="username" required></label>` +
        `<label>Password <input name="password" type="password" autocomplete="current-password" required></label>` +
        `<button type="submit">Sign in</button></form></main></body></html>`,
    );
}

export function mountKiosk(app: Express, hub: Hub): void {
  app.get("/static/kiosk.js", (_req, res) => {
    res.type("application/javascript").setHeader("Cache-Control", "no-cache").send(PAGE_SCRIPT);
  });
  app.get("/static/kiosk.css", (_req, res) => {
    res.type("text/css").send(KIOSK_CSS);
  });

  app.get("/app", (req, res) => {
    const getKey = req.query.get_api_key;
    if (typeof getKey === "string" && getKey) return signInPage(res, getKey);
    kioskPage(hub, req, res, null);
  });

  app.get("/projects/:project_id/files/*path", (req, res) => {
    const segments = (req.params as { path: string[] | string }).path;
    const path = Array.isArray(segments) ? segments.join("/") : segments;
    kioskPage(hub, req, res, { project_id: req.params.project_id, path });
  });

  app.post("/auth/get-api-key", express.urlencoded({ extended: false, limit: "10kb" }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const appName = typeof body.app === "string" ? body.app : "app";
    const account = typeof body.email === "string" ? hub.store.accountByEmail(body.email) : undefined;
    if (!account || typeof body.password !== "string" || !hub.store.checkPassword(account.account_id, body.password)) {
      return signInPage(res, appName, "The email address or password is not right.");
    }
    // What the docs describe: the key arrives as a redirect the embedding app intercepts.
    res.redirect(302, `https://authenticated/?api_key=${encodeURIComponent(hub.store.createApiKey(account.account_id))}`);
  });

  app.get("/auth/impersonate", (req, res, next) => {
    // Servers of the legacy kind signed in by the URL token and had no impersonate route.
    if (hub.settings.kioskAuth === "legacy") return next();
    const token = typeof req.query.auth_token === "string" ? req.query.auth_token : "";
    const account = token ? hub.store.accountForAuthToken(token) : undefined;
    if (!account) {
      res.status(200).type("text/plain").send(`ERROR: impersonate error -- unknown or expired token: '${token}'`);
      return;
    }
    const nonce = randomBytes(16).toString("base64");
    res.setHeader("Set-Cookie", [sessionCookie(hub, hub.store.createSession(account, SESSION_TTL_MS)), serializeCookie("account_id", account, { path: "/", maxAge: SESSION_TTL_MS / 1000 })]);
    res
      .status(200)
      .setHeader("Content-Security-Policy", pageCsp(nonce))
      .type("html")
      .send(
        `<!doctype html><html><head><meta charset="utf-8"><title>Signed in</title></head><body>Signed in.` +
          `<script nonce="${nonce}">window.location.href = ${JSON.stringify(`https://${hub.settings.dns}/app`).replace(/</g, "\\u003c")};</script></body></html>`,
      );
  });

  app.get("/kiosk/ping", (req, res) => {
    if (!accountFromSession(hub, req)) return void res.status(401).type("text/plain").send("not signed in");
    res.type("text/plain").send("ok");
  });

  app.get("/kiosk/project", (req, res) => {
    const account = accountFromSession(hub, req);
    const pid = String(req.query.project_id ?? "");
    const acc = account ? hub.store.account(account) : undefined;
    if (!acc) return void res.status(401).type("text/plain").send("not signed in");
    if (!isUuid(pid) || !canRead(hub, acc, pid)) return void res.status(403).type("text/plain").send(`no access to project ${pid}`);
    void hub.runtime.start(pid);
    res.type("text/plain").send("ok");
  });

  app.get("/kiosk/file", async (req, res) => {
    const account = accountFromSession(hub, req);
    const acc = account ? hub.store.account(account) : undefined;
    const pid = String(req.query.project_id ?? "");
    const path = String(req.query.path ?? "");
    if (!acc) return void res.status(401).type("text/plain").send("not signed in");
    if (!isUuid(pid) || !canRead(hub, acc, pid)) return void res.status(403).type("text/plain").send(`no access to project ${pid}`);
    try {
      const root = await hub.runtime.ensureRunning(pid);
      const file = resolveInProject(root, path);
      const st = await stat(file);
      if (st.isDirectory()) return void res.status(400).type("text/plain").send(`${path} is a folder`);
      if (st.size > hub.settings.maxReadBytes) return void res.status(413).type("text/plain").send(`${path} is too large to show`);
      res.type("html").setHeader("Cache-Control", "no-store").send(renderFile(await readFile(file, "utf8"), path));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      res.status(code === "ENOENT" ? 404 : 400).type("text/plain").send(e instanceof PathError ? e.message : code === "ENOENT" ? `${path} does not exist` : `cannot open ${path}`);
    }
  });
}
