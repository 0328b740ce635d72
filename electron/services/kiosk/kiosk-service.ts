/**
 * The kiosk view's main-process side (`kiosk.*`): which modes a server
 * can have, sign-in tokens (asking for the password first, so a non-admin
 * is never banned for a missing one; renewed before they expire), the
 * navigated view, and the own viewer's one-call change check. Tokens and
 * passwords go to the redactor at once and leave only in kiosk.open's reply,
 * the one that needs a token.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { isApiError, ApiError } from "../../../shared/errors.js";
import type { ChannelOutput } from "../../../shared/ipc/contract.js";
import { RENEW_MARGIN_MS, banSeconds, chooseMode, modeOptions, needsPassword, secondsLeft, shouldRenew, signInFromProbe, tokenLifetimeMs, type SignInMethod } from "../../../shared/kiosk/decisions.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Backend } from "../backend/backend.js";
import type { ProjectRunner } from "../backend/project-start.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import type { Logger, Redactor } from "../log/log.js";
import type { StoredProfile } from "../store/profile-store.js";
import type { SecretStore } from "../secrets/secret-store.js";
import type { KioskLaunch } from "./launch-args.js";
import { NavigationController, impersonateUrl, kioskUrl, type KioskSurface } from "./navigation.js";
import { fileStampCommand, parseFileStamp } from "./file-stamp.js";
import { HostedProtocol, type ScriptableSurface } from "./hosted-protocol.js";
import type { KioskReply } from "../../../shared/kiosk/protocol.js";

export interface KioskConnection {
  backend: Backend;
  runner: ProjectRunner;
  profile: StoredProfile;
}

export interface KioskServiceOptions {
  /** the active server's backend and profile (the Connection makes it) */
  connection: () => Promise<KioskConnection>;
  secrets: SecretStore;
  log: Logger;
  redactor: Redactor;
  /** where the per-profile kiosk settings (embedding origin) are kept; no secret goes there */
  dataDir: string;
  /** a GET without cookies: the sign-in probe and the reachability check */
  fetchPage: (url: string, profile: StoredProfile) => Promise<{ status: number; body: string }>;
  /** the navigated view; absent where there is none to give */
  surface?: (profile: StoredProfile) => Promise<KioskSurface>;
  launch?: KioskLaunch | null;
  now?: () => number;
  /** how long the server keeps a token (tests shorten it to see renewal) */
  tokenLifetimeMs?: (generation: string | null) => number;
}

type Refusal = { status: "needs-password"; message: string } | { status: "banned"; retry_after_s: number; message: string };
type TokenInput = { password?: string; remember_password?: boolean };

const Settings = z.record(z.string(), z.object({ embedding_origin: z.string().nullable() }));

/** An https origin a server's admin can list in iframe_comm_hosts. */
export function embeddingOriginOf(s: string): string | null {
  try {
    const u = new URL(s.trim());
    return u.protocol === "https:" && u.hostname && !u.username && !u.password && (u.pathname === "/" || u.pathname === "") && !u.search && !u.hash ? u.origin : null;
  } catch {
    return null;
  }
}

export class KioskService implements HandlersOf<"kiosk"> {
  private readonly tokens = new Map<string, { token: string; issuedAt: number; lifetimeMs: number }>();
  private readonly admins = new Map<string, boolean>();
  private readonly signIns = new Map<string, SignInMethod>();
  private readonly bans = new Map<string, number>();
  private navigation: { profileId: string; controller: NavigationController; surface: KioskSurface; hosted: HostedProtocol | null } | null = null;
  private settings: z.infer<typeof Settings> | null = null;
  private readonly now: () => number;

  constructor(private readonly o: KioskServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  // ------------------------------------------------------------ facts about the server
  private passwordRef(p: StoredProfile): string {
    return `kiosk-password:${p.id}`;
  }

  private canSavePassword(): boolean {
    return this.o.secrets.info.kind === "keychain";
  }

  private async isAdmin(c: KioskConnection): Promise<boolean> {
    const known = this.admins.get(c.profile.id);
    if (known !== undefined) return known;
    const admin = !needsPassword((await c.backend.whoAmI()).is_admin);
    this.admins.set(c.profile.id, admin);
    return admin;
  }

  /** How this server signs a view in: one look at /auth/impersonate with no token. */
  private async signInMethod(c: KioskConnection): Promise<SignInMethod> {
    const known = this.signIns.get(c.profile.id);
    if (known) return known;
    let method: SignInMethod = "none";
    if (c.backend.capabilities.generation === "v1" || c.backend.capabilities.generation === "current") {
      const r = await this.o.fetchPage(`${c.profile.url}/auth/impersonate?auth_token=`, c.profile).catch(() => null);
      method = (r && signInFromProbe(r.status, r.body)) ?? "none";
    }
    this.signIns.set(c.profile.id, method);
    return method;
  }

  private async loadSettings(): Promise<z.infer<typeof Settings>> {
    if (this.settings) return this.settings;
    try {
      this.settings = Settings.parse(JSON.parse(await readFile(join(this.o.dataDir, "kiosk.json"), "utf8")));
    } catch {
      this.settings = {};
    }
    return this.settings;
  }

  // ------------------------------------------------------------ tokens
  /**
   * A token for the key's account, or why there is none. A non-admin's
   * password is required before the server is asked: an empty one would be
   * refused and the account banned.
   */
  private async token(c: KioskConnection, input: TokenInput, force = false): Promise<{ token: string } | Refusal> {
    const p = c.profile;
    const banned = secondsLeft(this.bans.get(p.id) ?? 0, this.now());
    if (banned > 0) return { status: "banned", retry_after_s: banned, message: `The server refuses new sign-in tries for ${banned} s after a wrong password.` };
    const cached = this.tokens.get(p.id);
    if (!force && cached && !shouldRenew(cached, this.now())) return { token: cached.token };
    if (!p.account_id) throw new ApiError("not-configured", "This server's account is not known yet.", { hint: "Test the connection in Connect first." });
    this.o.redactor.addSecret(input.password);
    let password = "";
    if (!(await this.isAdmin(c))) {
      password = input.password ?? (this.canSavePassword() ? ((await this.o.secrets.get(this.passwordRef(p)).catch(() => null)) ?? "") : "");
      this.o.redactor.addSecret(password);
      if (!password) {
        return { status: "needs-password", message: "This server's account is not an admin, so the server asks for the account's password before it gives a sign-in token." };
      }
    }
    try {
      const token = await c.backend.authToken(p.account_id, password);
      this.o.redactor.addSecret(token);
      this.tokens.set(p.id, { token, issuedAt: this.now(), lifetimeMs: (this.o.tokenLifetimeMs ?? tokenLifetimeMs)(c.backend.capabilities.generation) });
      if (input.password && input.remember_password && this.canSavePassword()) await this.o.secrets.set(this.passwordRef(p), input.password);
      return { token };
    } catch (e) {
      const text = isApiError(e) ? `${e.serverMessage ?? ""} ${e.message}` : String(e);
      const generation = c.backend.capabilities.generation;
      const ban = banSeconds(text, generation);
      const wrong = /incorrect password/.test(text);
      if (ban === null && !wrong) throw e;
      // A wrong password starts the server's ban; a saved one that is wrong is forgotten.
      const seconds = ban ?? (banSeconds("banned -- please wait", generation) as number);
      this.bans.set(p.id, this.now() + seconds * 1000);
      if (wrong && !input.password) await this.o.secrets.delete(this.passwordRef(p)).catch(() => false);
      return {
        status: "banned",
        retry_after_s: seconds,
        message: wrong ? `The password was not right. The server now refuses new tries for ${seconds} s.` : `The server refuses new sign-in tries for ${seconds} s after a wrong password.`,
      };
    }
  }

  // ------------------------------------------------------------ channels
  "kiosk.plan": HandlersOf<"kiosk">["kiosk.plan"] = async () => {
    const c = await this.o.connection();
    const generation = c.backend.capabilities.generation;
    const sign_in = await this.signInMethod(c);
    const admin = sign_in === "none" ? true : await this.isAdmin(c);
    const embedding_origin = (await this.loadSettings())[c.profile.id]?.embedding_origin ?? null;
    const facts = { generation, signIn: sign_in, embeddingOrigin: embedding_origin, hasView: this.o.surface !== undefined };
    return {
      generation,
      origin: new URL(c.profile.url).origin,
      sign_in,
      needs_password: !admin,
      password_saved: this.canSavePassword() && (await this.o.secrets.get(this.passwordRef(c.profile)).catch(() => null)) !== null,
      can_save_password: this.canSavePassword(),
      embedding_origin,
      options: modeOptions(facts),
      recommended: chooseMode(facts),
      banned_for_s: secondsLeft(this.bans.get(c.profile.id) ?? 0, this.now()),
    };
  };

  /** What the protocol frame loads: the one reply that carries a token. */
  "kiosk.open": HandlersOf<"kiosk">["kiosk.open"] = async ({ project_id, path, ...input }) => {
    const c = await this.o.connection();
    const sign_in = await this.signInMethod(c);
    if (sign_in === "none") throw new ApiError("not-available", "This server gives no sign-in token for an API key.", { hint: "Use the app's own viewer." });
    const t = await this.token(c, input);
    if (!("token" in t)) return t;
    const file = kioskUrl(c.profile.url, project_id, normalizeProjectPath(path), sign_in === "url" ? t.token : undefined);
    return { status: "ready" as const, origin: new URL(c.profile.url).origin, sign_in, steps: sign_in === "url" ? [file] : [impersonateUrl(c.profile.url, t.token), file] };
  };

  "kiosk.navigate": HandlersOf<"kiosk">["kiosk.navigate"] = async (input) => {
    const c = await this.o.connection();
    const nav = await this.controller(c);
    if (input.mode === "protocol") return this.hostedCommand(c, nav, input);
    if (input.action === "status") return { status: "reply" as const, reply: await nav.status() };
    if (input.action === "closeall") {
      if (this.renewal) clearTimeout(this.renewal);
      this.renewal = null;
      return { status: "reply" as const, reply: await nav.closeAll() };
    }
    const sign_in = await this.signInMethod(c);
    if (sign_in === "none") throw new ApiError("not-available", "This server gives no sign-in token for an API key.", { hint: "Use the app's own viewer." });
    const path = normalizeProjectPath(input.path);
    const { action: _a, project_id: _p, path: _f, mode: _m, ...tokenInput } = input;
    let t = await this.token(c, tokenInput);
    if (!("token" in t)) return t;
    let reply = await nav.openFile(input.project_id, path, sign_in, t.token);
    if (reply.status === "error" && sign_in === "impersonate") {
      // The server no longer knows the token (expired early, or the server restarted): renew once.
      this.o.log.info("the kiosk sign-in token was refused; getting a new one");
      t = await this.token(c, tokenInput, true);
      if (!("token" in t)) return t;
      reply = await nav.openFile(input.project_id, path, sign_in, t.token);
    }
    if (reply.status === "done") this.keepSignedIn(c, input.project_id, path);
    return { status: "reply" as const, reply };
  };

  /**
   * Keep a shown file signed in: shortly before the token's end, get a new
   * one (without asking: an admin's, or from a password in the keychain) and
   * redeem it by opening the file again. A screen left showing a file for
   * days stays signed in.
   */
  private renewal: ReturnType<typeof setTimeout> | null = null;
  private keepSignedIn(c: KioskConnection, project_id: string, path: string): void {
    if (this.renewal) clearTimeout(this.renewal);
    const cached = this.tokens.get(c.profile.id);
    if (!cached) return;
    const due = cached.issuedAt + cached.lifetimeMs - Math.min(RENEW_MARGIN_MS, cached.lifetimeMs / 2) - this.now();
    this.renewal = setTimeout(
      () => {
        this.renewal = null;
        void this["kiosk.navigate"]({ action: "open", project_id, path }).then(
          (r) => r.status !== "reply" && this.o.log.warn(`the kiosk view could not be kept signed in: ${r.message}`),
          (e: unknown) => this.o.log.warn("the kiosk view could not be kept signed in:", e),
        );
      },
      Math.max(0, due),
    );
    this.renewal.unref?.();
  }

  /** Stop keeping a view signed in (the app quits, or the view closes its files). */
  stop(): void {
    if (this.renewal) clearTimeout(this.renewal);
    this.renewal = null;
    this.navigation?.hosted?.stop();
  }

  "kiosk.check": HandlersOf<"kiosk">["kiosk.check"] = async ({ project_id, path }) => {
    const c = await this.o.connection();
    const r = await c.runner.exec({ project_id, ...fileStampCommand(normalizeProjectPath(path)), timeout: 20 });
    return parseFileStamp(r);
  };

  "kiosk.configure": HandlersOf<"kiosk">["kiosk.configure"] = async ({ embedding_origin, forget_password }) => {
    const c = await this.o.connection();
    if (forget_password) await this.o.secrets.delete(this.passwordRef(c.profile)).catch(() => false);
    if (embedding_origin !== undefined) {
      const origin = embedding_origin === null || embedding_origin.trim() === "" ? null : embeddingOriginOf(embedding_origin);
      if (embedding_origin && !origin) {
        throw new ApiError("invalid-input", `'${embedding_origin}' is not an https origin.`, { hint: "Give the https origin the server's admin listed in iframe_comm_hosts, e.g. https://kiosk.example.org." });
      }
      const s = await this.loadSettings();
      s[c.profile.id] = { embedding_origin: origin };
      await writeFile(join(this.o.dataDir, "kiosk.json"), JSON.stringify(s, null, 2));
    }
    return { ok: true as const };
  };

  /** Presentation mode for the kiosk view of its own (navigation, or protocol from an embedding origin). */
  "kiosk.present": HandlersOf<"kiosk">["kiosk.present"] = async ({ on }) => {
    const view = this.navigation;
    if (!view || view.surface.isClosed?.()) return { full_screen: false };
    return { full_screen: view.surface.setFullScreen?.(on) ?? false };
  };

  "kiosk.launch": HandlersOf<"kiosk">["kiosk.launch"] = async () => ({ launch: this.o.launch ?? null });

  /**
   * Protocol mode from the profile's embedding origin, in the kiosk view:
   * signed in top-level first (the cookie is the view's own), then the host
   * page frames the file and the protocol carries every command.
   */
  private async hostedCommand(
    c: KioskConnection,
    nav: NavigationController,
    input: { action: "open"; project_id: string; path: string; password?: string; remember_password?: boolean } | { action: "status" | "closeall" },
  ): Promise<ChannelOutput<"kiosk.navigate">> {
    const embedding = await this.embeddingOrigin(c.profile.id);
    const view = this.navigation!;
    if (!embedding || !view.surface.evaluate) {
      throw new ApiError("not-available", "Commands to the server's kiosk page need an embedding origin on this server profile.", {
        hint: "Set the https origin the server's admin listed in iframe_comm_hosts, or use navigation mode.",
      });
    }
    view.hosted ??= new HostedProtocol(view.surface as ScriptableSurface, { server: c.profile.url, embeddingOrigin: embedding });
    const hosted = view.hosted;
    const reply = (r: KioskReply) => ({ status: "reply" as const, reply: r });
    if (input.action !== "open") {
      if (hosted.started) return reply(await hosted.command(input));
      return reply(input.action === "closeall" ? { status: "done", mesg: "all files are closed" } : { status: "done", connection: { quality: "good", status: "no frame loaded" }, open_files: {} });
    }
    if (!hosted.started) {
      const sign_in = await this.signInMethod(c);
      if (sign_in === "none") throw new ApiError("not-available", "This server gives no sign-in token for an API key.", { hint: "Use the app's own viewer." });
      const { action: _a, project_id, path: p, ...tokenInput } = input;
      const path = normalizeProjectPath(p);
      let t = await this.token(c, tokenInput);
      if (!("token" in t)) return t;
      if (sign_in === "impersonate" && !(await nav.redeem(t.token))) {
        t = await this.token(c, tokenInput, true);
        if (!("token" in t)) return t;
        if (!(await nav.redeem(t.token))) return reply({ status: "error", action: "open", path, project_id, mesg: "The server did not accept the sign-in token." });
      }
      if (!(await hosted.start(kioskUrl(c.profile.url, project_id, path, sign_in === "url" ? t.token : undefined)))) {
        return reply({ status: "error", mesg: `The server's kiosk page did not answer commands from ${embedding}; its admin must list that origin in iframe_comm_hosts.` });
      }
    }
    return reply(await hosted.command({ action: "open", project_id: input.project_id, path: normalizeProjectPath(input.path) }));
  }

  /** The embedding origin of a profile, for the shell's protocol handling. */
  async embeddingOrigin(profileId: string): Promise<string | null> {
    return (await this.loadSettings())[profileId]?.embedding_origin ?? null;
  }

  private async controller(c: KioskConnection): Promise<NavigationController> {
    if (this.navigation?.profileId === c.profile.id && !this.navigation.surface.isClosed?.()) return this.navigation.controller;
    if (!this.o.surface) throw new ApiError("not-available", "Navigation mode needs the desktop app's kiosk view.", { hint: "Use the app's own viewer." });
    const surface = await this.o.surface(c.profile);
    const controller = new NavigationController(surface, {
      server: c.profile.url,
      ping: async () => {
        const t0 = performance.now();
        try {
          await c.backend.ping();
          return Math.round(performance.now() - t0);
        } catch {
          return null;
        }
      },
    });
    this.navigation?.hosted?.stop();
    this.navigation = { profileId: c.profile.id, controller, surface, hosted: null };
    return controller;
  }
}

export type KioskPlan = ChannelOutput<"kiosk.plan">;
