/**
 * The shell's security decisions as small pure functions, so each can be
 * table-tested without Electron (after JupyterLab Desktop's navigation and
 * permission policies).
 */

/** The renderer is served from this privileged, secure, standard scheme, never file://. */
export const APP_SCHEME = "app";
export const APP_HOST = "cocalc-desktop";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    // Non-special schemes have an opaque origin ("null"); rebuild it for ours.
    return u.origin !== "null" ? u.origin : `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

export function isAppUrl(url: string): boolean {
  return originOf(url) === APP_ORIGIN;
}

export type NavigationDecision = "allow" | "open-external" | "deny";

/**
 * A top-level navigation: staying inside the app is allowed; a web or mail
 * link goes to the system browser; anything else is refused.
 */
export function decideNavigation(targetUrl: string): NavigationDecision {
  if (isAppUrl(targetUrl)) return "allow";
  return canOpenExternally(targetUrl) ? "open-external" : "deny";
}

/** Only these schemes are handed to shell.openExternal; file:, javascript:, custom handlers never. */
export function canOpenExternally(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === "https:" || u.protocol === "http:" || u.protocol === "mailto:") && (u.protocol === "mailto:" || u.hostname !== "");
  } catch {
    return false;
  }
}

/**
 * Web permissions (camera, notifications, geolocation, …) are refused for
 * every page; the app needs none. Copying to the clipboard from the app's
 * own page is the one exception.
 */
export function permissionAllowed(permission: string, requestingUrl: string): boolean {
  return permission === "clipboard-sanitized-write" && isAppUrl(requestingUrl);
}

/**
 * The renderer's Content-Security-Policy. Frames are allowed only for the
 * active server's origin (the kiosk view); scripts only from the app.
 */
export function contentSecurityPolicy(kioskOrigin?: string | null, styleNonce?: string): string {
  const frame = kioskOrigin && /^https?:\/\/[^/\s;]+$/.test(kioskOrigin) ? kioskOrigin : "'none'";
  // The editor (CodeMirror) adds <style> elements; they carry this page load's nonce, so no 'unsafe-inline'.
  const nonce = styleNonce && /^[A-Za-z0-9+/=]{16,64}$/.test(styleNonce) ? ` 'nonce-${styleNonce}'` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${nonce}`,
    // Style attributes (not <style> elements, which still need the nonce): the file viewer's math (KaTeX
    // sets each glyph's height and offset as a style attribute, different for every formula, so hashes
    // cannot list them) and ANSI 256-colour spans. A style attribute runs no script and loads nothing the
    // other directives refuse; a notebook's own markdown HTML has its style attributes removed by the
    // viewer's sanitiser. Deferring the styles and setting them through the CSSOM was tried: DOMPurify's
    // parse of any HTML with style attributes (an SVG plot, a pandas table) still reported thousands of
    // violations, because its inert document inherits this policy.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    `frame-src ${frame}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Map an app:// request path to a file under the renderer's folder, or null
 * when it would leave that folder.
 */
export function rendererFileFor(requestUrl: string, rendererRoot: string, join: (...p: string[]) => string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(requestUrl).pathname);
  } catch {
    return null;
  }
  if (pathname.includes("\0")) return null;
  const parts = pathname.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === ".." || p.includes("\\"))) return null;
  return join(rendererRoot, ...(parts.length ? parts : ["index.html"]));
}

/** The placeholder index.html carries where each page load's style nonce goes. */
export const NONCE_PLACEHOLDER = "__CSP_NONCE__";

/** index.html with this load's nonce in place of the placeholder (its CSP meta and the editor's meta). */
export function withStyleNonce(html: string, nonce: string): string {
  return html.split(NONCE_PLACEHOLDER).join(nonce);
}

/**
 * A navigation inside the kiosk view: it stays on the server's origin (and
 * about:blank, which closeall loads); web links elsewhere go to the system
 * browser; anything else is refused.
 */
export function decideKioskNavigation(targetUrl: string, serverOrigin: string): NavigationDecision {
  if (targetUrl === "about:blank") return "allow";
  if (originOf(targetUrl) === serverOrigin && /^https?:/.test(targetUrl)) return "allow";
  return canOpenExternally(targetUrl) ? "open-external" : "deny";
}

/** The kiosk view's own in-memory session per server profile: its cookies never mix with the app's, and never reach a file. */
export function kioskPartition(profileId: string): string {
  return `kiosk-${profileId.replace(/[^a-z0-9-]/gi, "")}`;
}

/** The CSP of the kiosk host page served on an embedding origin: it may frame the server and nothing else. */
export function kioskHostCsp(serverOrigin: string, scriptNonce: string): string {
  const frame = /^https?:\/\/[^/\s;]+$/.test(serverOrigin) ? serverOrigin : "'none'";
  return ["default-src 'none'", `script-src 'nonce-${scriptNonce}'`, `style-src 'nonce-${scriptNonce}'`, `frame-src ${frame}`, "base-uri 'none'", "form-action 'none'"].join("; ");
}
