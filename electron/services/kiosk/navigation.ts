/**
 * Navigation mode: the server's kiosk page loaded top-level in a view with
 * its own session (so the server's SameSite=Strict cookie is first-party),
 * and the protocol's three commands carried out by navigating. Plain Node
 * behind a narrow surface, so the shell's WebContentsView and a test's
 * Playwright page in its own browser context drive the same controller.
 */
import type { KioskReply } from "../../../shared/kiosk/protocol.js";
import type { SignInMethod } from "../../../shared/kiosk/decisions.js";

/** What the controller needs of a view: load a URL, tell where it is, say when it moved. */
export interface KioskSurface {
  loadURL(url: string): Promise<void>;
  getURL(): string;
  /** the value of a cookie the view's own session holds for `url`, or null */
  cookie(url: string, name: string): Promise<string | null>;
  /** the person closed the view (a new one is made on the next command) */
  isClosed?(): boolean;
  /** fill the screen, or not (presentation mode); false where the view cannot */
  setFullScreen?(on: boolean): boolean;
  /** run a small script in the page (only the app's own host page on an embedding origin is asked) */
  evaluate?(script: string): Promise<unknown>;
}

/** The cookie a redeemed token leaves in the session (SameSite=Strict, httpOnly; facts §4). */
export const SESSION_COOKIE = "remember_me";

/** The kiosk URL of a file: every path segment encoded, so spaces, unicode, '?' and '#' survive. */
export function kioskUrl(server: string, project_id: string, path: string, token?: string): string {
  const p = path.split("/").map(encodeURIComponent).join("/");
  const q = token ? `auth_token=${encodeURIComponent(token)}&fullscreen=kiosk&session=` : "fullscreen=kiosk&session=";
  return `${server.replace(/\/+$/, "")}/projects/${encodeURIComponent(project_id)}/files/${p}?${q}`;
}

export function impersonateUrl(server: string, token: string): string {
  return `${server.replace(/\/+$/, "")}/auth/impersonate?auth_token=${encodeURIComponent(token)}`;
}

export interface NavigationOptions {
  /** the profile's URL (origin and base path) */
  server: string;
  /** a round trip to the server in ms, or null when it cannot be reached */
  ping: () => Promise<number | null>;
  /** how long the sign-in page may take */
  cookieWaitMs?: number;
}

export class NavigationController {
  private open: { project_id: string; path: string } | null = null;
  private readonly origin: string;

  constructor(
    private readonly surface: KioskSurface,
    private readonly o: NavigationOptions,
  ) {
    this.origin = new URL(o.server).origin;
  }

  /**
   * Redeem a token in the view's own session before each file loads (the
   * session may have ended since; a redemption is one quick page). The
   * sign-in is judged by the session cookie the answer sets, never by where
   * its script redirect lands: real servers send the browser to
   * `https://<dns>/app`, which without a `dns` setting (or over plain http)
   * is an error page although the sign-in worked (facts §10). A token the
   * server does not know sets no cookie (a plain-text error instead).
   */
  async redeem(token: string): Promise<boolean> {
    const url = impersonateUrl(this.o.server, token);
    const start = this.surface.getURL();
    const before = await this.surface.cookie(this.o.server, SESSION_COOKIE);
    // Failing to load says nothing (the redirect may go nowhere); the cookie does. The page is done with
    // once its load ends or the view has gone on from it (to wherever the redirect leads, not waited for).
    let settled = false;
    const loading = this.surface
      .loadURL(url)
      .catch(() => undefined)
      .finally(() => (settled = true));
    const done = () => settled || ![start, url].includes(this.surface.getURL());
    const until = Date.now() + (this.o.cookieWaitMs ?? 20_000);
    while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const now = await this.surface.cookie(this.o.server, SESSION_COOKIE);
    const ok = now !== null && now !== before;
    if (!ok) {
      await loading;
      // never leave the token in the view's address (on success the kiosk page replaces it at once)
      await this.surface.loadURL("about:blank").catch(() => undefined);
    }
    return ok;
  }

  async openFile(project_id: string, path: string, signIn: SignInMethod, token: string): Promise<KioskReply> {
    if (signIn === "impersonate" && !(await this.redeem(token))) {
      return { status: "error", action: "open", path, project_id, mesg: "The server did not accept the sign-in token." };
    }
    const url = kioskUrl(this.o.server, project_id, path, signIn === "url" ? token : undefined);
    await this.surface.loadURL(url);
    if (originOf(this.surface.getURL()) !== this.origin) {
      return { status: "error", action: "open", path, project_id, mesg: "The kiosk page did not load." };
    }
    this.open = { project_id, path };
    return { status: "done", action: "open", path, project_id };
  }

  async closeAll(): Promise<KioskReply> {
    await this.surface.loadURL("about:blank");
    this.open = null;
    return { status: "done", mesg: "all files are closed" };
  }

  /** The app's own state, and whether the server answers at all. */
  async status(): Promise<KioskReply> {
    const ping = await this.o.ping();
    return {
      status: "done",
      connection: {
        quality: ping === null ? "bad" : ping < 500 ? "good" : ping < 2000 ? "flaky" : "bad",
        status: ping === null ? "disconnected" : "connected",
        status_time: new Date().toISOString(),
        ping,
      },
      open_files: this.open ? { [this.open.project_id]: [this.open.path] } : {},
    };
  }
}

function originOf(u: string): string | null {
  try {
    return new URL(u).origin;
  } catch {
    return null;
  }
}
