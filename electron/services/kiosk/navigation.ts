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
  /** every top-level navigation the page made (a script redirect included) */
  onNavigated(listener: (url: string) => void): () => void;
  /** the person closed the view (a new one is made on the next command) */
  isClosed?(): boolean;
  /** fill the screen, or not (presentation mode); false where the view cannot */
  setFullScreen?(on: boolean): boolean;
  /** run a small script in the page (only the app's own host page on an embedding origin is asked) */
  evaluate?(script: string): Promise<unknown>;
}

/** The kiosk URL of a file: each path segment encoded, so spaces, unicode and '#' survive. */
export function kioskUrl(server: string, project_id: string, path: string, token?: string): string {
  const p = path.split("/").map(encodeURIComponent).join("/");
  const q = token ? `auth_token=${encodeURIComponent(token)}&fullscreen=kiosk&session=` : "fullscreen=kiosk&session=";
  return `${server.replace(/\/+$/, "")}/projects/${project_id}/files/${p}?${q}`;
}

export function impersonateUrl(server: string, token: string): string {
  return `${server.replace(/\/+$/, "")}/auth/impersonate?auth_token=${encodeURIComponent(token)}`;
}

export interface NavigationOptions {
  /** the profile's URL (origin and base path) */
  server: string;
  /** a round trip to the server in ms, or null when it cannot be reached */
  ping: () => Promise<number | null>;
  /** how long a redirect after /auth/impersonate may take */
  redirectMs?: number;
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
   * server answers a page that redirects by script; a token it does not
   * know leaves the view on its plain-text error, which is a refusal.
   */
  async redeem(token: string): Promise<boolean> {
    const url = impersonateUrl(this.o.server, token);
    const moved = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => (off(), resolve(false)), this.o.redirectMs ?? 5000);
      const off = this.surface.onNavigated((u) => {
        if (!u.includes("/auth/impersonate") && originOf(u) === this.origin) {
          clearTimeout(timer);
          off();
          resolve(true);
        }
      });
    });
    await this.surface.loadURL(url);
    const ok = await moved;
    // never leave the token in the view's address
    if (!ok) await this.surface.loadURL("about:blank");
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
