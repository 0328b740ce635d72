/**
 * The iframe postMessage protocol's decisions, as the real server makes them
 * (src/packages/frontend/iframe-communication.ts; facts §5). Each function is
 * self-contained (no imports, no outer names) because the kiosk page's script
 * is built from their source text: the browser runs exactly what is tested.
 */

export interface OriginExtras {
  /** http(s) origins on 127.0.0.1, localhost or [::1], any port */
  loopback: boolean;
  /** exact origins allowed besides, e.g. the desktop app's app://cocalc-desktop */
  origins: string[];
}

/**
 * Whether a parent page at `origin` may send commands. `hosts` is the site
 * setting iframe_comm_hosts: its [a-z0-9.-]+ tokens; ".example.com" allows the
 * domain and its subdomains, "example.com" only https://example.com (by
 * suffix). http:// is always blocked by the real rules; the extras are the
 * hub's documented difference and are empty in strict mode.
 */
export function iframeOriginAllowed(origin: string, hosts: string, extras: OriginExtras): boolean {
  if (typeof origin !== "string" || origin === "" || origin === "null") return false;
  if (extras.origins.indexOf(origin) >= 0) return true;
  if (extras.loopback && /^https?:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d+)?$/.test(origin)) return true;
  if (origin.indexOf("http://") === 0) return false;
  const tokens = hosts.match(/[a-z0-9.-]+/g) || [];
  for (let i = 0; i < tokens.length; i++) {
    const host = tokens[i] as string;
    if (host.charAt(0) === ".") {
      if (origin.slice(-host.length) === host || origin.slice(-(host.length + 7)) === `https://${host.slice(1)}`) return true;
    } else if (origin.slice(-(host.length + 8)) === `https://${host}`) {
      return true;
    }
  }
  return false;
}

export type IframeRequest =
  | { kind: "reply"; reply: Record<string, unknown> }
  | { kind: "open"; project_id: string; path: string }
  | { kind: "status" }
  | { kind: "closeall" };

/** What a message's data asks for, or the error reply the real server sends for it. */
export function readIframeRequest(data: unknown): IframeRequest {
  if (data === undefined || data === null) return { kind: "reply", reply: { status: "error", mesg: 'There is no payload "data"' } };
  if (typeof data !== "object" || Array.isArray(data)) return { kind: "reply", reply: { status: "error", mesg: 'The payload "data" must be an object' } };
  const d = data as Record<string, unknown>;
  switch (d.action) {
    case "open": {
      const pid = d.project_id;
      if (typeof pid !== "string" || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(pid)) {
        return { kind: "reply", reply: { status: "error", mesg: `invalid project_id='${String(pid)}'` } };
      }
      if (typeof d.path !== "string") return { kind: "reply", reply: { status: "error", mesg: "invalid path, it must be a string" } };
      return { kind: "open", project_id: pid, path: d.path };
    }
    case "status":
      return { kind: "status" };
    case "closeall":
      return { kind: "closeall" };
    default:
      return { kind: "reply", reply: { status: "error", mesg: `Unknown action '${String(d.action)}'` } };
  }
}
