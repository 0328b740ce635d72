/**
 * The kiosk view's decisions as plain functions: which mode a server gets,
 * when to fall back to the app's own viewer, when to renew a token, how a
 * server signs a view in, and what a ban means for the person waiting.
 * What real servers did (facts §4, §5, §9; cocalc-ai facts §3) is the
 * evidence each rule cites.
 */
import { z } from "zod";

export const KioskMode = z.enum(["protocol", "navigation", "viewer"]);
export type KioskMode = z.infer<typeof KioskMode>;

export const SignInMethod = z.enum(["url", "impersonate", "none"]);
export type SignInMethod = z.infer<typeof SignInMethod>;

export interface ModeFacts {
  /** "v1", "current", or another generation (cocalc.ai) the app knows no kiosk token for */
  generation: string | null;
  /** how the server signs a view in, as detected; "none": no token can be had */
  signIn: SignInMethod;
  /** an https origin the server's admin listed in iframe_comm_hosts, set on the profile */
  embeddingOrigin: string | null;
  /** the app can open a view of its own for the server's page (the desktop shell; not the browser preview) */
  hasView?: boolean;
}

export interface ModeOption {
  mode: KioskMode;
  usable: boolean;
  /** why it is or is not usable here, in the user's terms */
  why: string;
}

const NO_TOKEN = "This server gives no sign-in token for an API key, so its kiosk page cannot be signed in.";
const BLANK = "This server's kiosk page stays blank even when signed in.";

/** Every mode with whether it can work on this server and why. */
export function modeOptions(f: ModeFacts): ModeOption[] {
  const token = f.signIn !== "none";
  const serverPage = token && f.generation !== "current";
  return [
    {
      mode: "protocol",
      usable: serverPage,
      why: !token
        ? NO_TOKEN
        : !serverPage
          ? BLANK
          : f.embeddingOrigin
            ? `The server's kiosk page in a frame on ${f.embeddingOrigin}, which its admin allowed to send commands.`
            : "The server's kiosk page in a frame; it answers only origins its admin listed (iframe_comm_hosts), else the app's viewer takes over.",
    },
    {
      mode: "navigation",
      usable: serverPage && f.hasView !== false,
      why: !token
        ? NO_TOKEN
        : !serverPage
          ? BLANK
          : f.hasView === false
            ? "A view of its own for the server's page needs the desktop app."
            : "The server's own kiosk page, signed in and loaded in a view of its own.",
    },
    { mode: "viewer", usable: true, why: "The file read through the API and shown by this app; works on every server." },
  ];
}

/**
 * The mode to start in: the person's choice where it can work; else the
 * frame where the admin allowed an embedding origin; else the navigated
 * page where the server's kiosk page works; else the app's viewer.
 */
export function chooseMode(f: ModeFacts, wanted?: KioskMode | null): { mode: KioskMode; why: string } {
  const options = modeOptions(f);
  const byMode = (m: KioskMode) => options.find((o) => o.mode === m)!;
  if (wanted && byMode(wanted).usable) return { mode: wanted, why: byMode(wanted).why };
  const fallback: KioskMode = byMode("protocol").usable && f.embeddingOrigin ? "protocol" : byMode("navigation").usable ? "navigation" : "viewer";
  if (wanted) return { mode: fallback, why: `${byMode(wanted).why} Showing it with ${MODE_LABEL[fallback].toLowerCase()} instead.` };
  return { mode: fallback, why: byMode(fallback).why };
}

export const MODE_LABEL: Record<KioskMode, string> = {
  protocol: "The server's kiosk page (commands)",
  navigation: "The server's kiosk page (navigation)",
  viewer: "The app's own viewer",
};

/** How long the protocol may stay silent after the frame loaded before the app's viewer takes over. */
export const PROTOCOL_ANSWER_MS = 4000;

/**
 * What to do once the protocol probe is over: keep the frame only if it
 * answered. A frame that never answers may still look blank or show "Open
 * CoCalc", so it is never left on screen.
 */
export function afterProbe(answered: boolean): { mode: KioskMode; why: string | null } {
  return answered
    ? { mode: "protocol", why: null }
    : {
        mode: "viewer",
        why: "The server's kiosk page did not answer within a few seconds (it answers only https origins its admin listed, and may not be signed in). Showing the file with the app's own viewer instead.",
      };
}

/** Renew a token this long before it expires. */
export const RENEW_MARGIN_MS = 10 * 60 * 1000;

/** Whether a token made at `issuedAt` should be replaced now. */
export function shouldRenew(token: { issuedAt: number; lifetimeMs: number } | null, now: number, marginMs = RENEW_MARGIN_MS): boolean {
  if (!token) return true;
  return now >= token.issuedAt + token.lifetimeMs - Math.min(marginMs, token.lifetimeMs / 2);
}

/** How long a server keeps a token it hands out: v1's user_auth 12 h, the current generation 24 h; the shorter when unknown. */
export function tokenLifetimeMs(generation: string | null): number {
  return generation === "current" ? 24 * 3600_000 : 12 * 3600_000;
}

/**
 * How the server signs a view in, from one look at /auth/impersonate with
 * no token: servers since 2024-10 answer its "unknown or expired token"
 * error (redeem there); older ones have no such route (the token goes in the
 * URL).
 */
export function signInFromProbe(status: number, body: string): SignInMethod | null {
  if (/^ERROR: impersonate error/.test(body.trim())) return "impersonate";
  if (status === 404) return "url";
  return null;
}

/**
 * Whether the key's account must give its password for a token (real servers:
 * admins need none). Unknown counts as "must": asking costs less than a ban.
 */
export function needsPassword(is_admin: boolean | null): boolean {
  return is_admin !== true;
}

/**
 * A ban as a countdown: v1 says how long ("at least 60s"); the current
 * generation sends its template unformatted ("#{BAN_TIME_MS/1000}s"), so
 * its known ~30 s is used. Null when the text is not a ban.
 */
export function banSeconds(serverMessage: string, generation: string | null): number | null {
  if (!/banned -- please wait/.test(serverMessage)) return null;
  const n = /at least (\d+)\s*s/.exec(serverMessage);
  if (n) return Number(n[1]);
  return generation === "v1" ? 60 : 30;
}

/** Whole seconds left until `until`, never negative. */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** How long the own viewer waits between checks of the file: quick while online, backing off while the server is away. */
export function nextCheckMs(failuresInARow: number, baseMs = 2000, maxMs = 10_000): number {
  return failuresInARow <= 0 ? baseMs : Math.min(maxMs, baseMs * 2 ** Math.min(failuresInARow, 4));
}

/**
 * What a key does while presenting. The app scrolls the stage itself rather
 * than leaving it to the browser: the browser scrolls whatever holds focus,
 * and focus can move (a file arriving, going full screen), so a clicker's
 * key would then do nothing. Keys typed into a field are not ours.
 */
export type PresentKey =
  | { kind: "leave" }
  | { kind: "step"; d: 1 | -1 }
  | { kind: "scroll"; by: "page" | "line"; d: 1 | -1; orStep: boolean }
  | { kind: "edge"; d: 1 | -1 };

export function presentKey(key: string, shift: boolean, inField: boolean): PresentKey | null {
  if (key === "Escape") return { kind: "leave" };
  if (inField) return null;
  switch (key) {
    case "ArrowRight": return { kind: "step", d: 1 };
    case "ArrowLeft": return { kind: "step", d: -1 };
    // a presenter's clicker sends PageDown/PageUp: at the file's end they go on to the next file
    case "PageDown": return { kind: "scroll", by: "page", d: 1, orStep: true };
    case "PageUp": return { kind: "scroll", by: "page", d: -1, orStep: true };
    case " ": return { kind: "scroll", by: "page", d: shift ? -1 : 1, orStep: false };
    case "ArrowDown": return { kind: "scroll", by: "line", d: 1, orStep: false };
    case "ArrowUp": return { kind: "scroll", by: "line", d: -1, orStep: false };
    case "Home": return { kind: "edge", d: -1 };
    case "End": return { kind: "edge", d: 1 };
    default: return null;
  }
}

/** How far a scroll goes: a page keeps one line of the last page in view, as browsers do. */
export function scrollAmount(by: "page" | "line", viewHeight: number, lineHeight = 40): number {
  return by === "line" ? lineHeight : Math.max(lineHeight, viewHeight - lineHeight);
}
