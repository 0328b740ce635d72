/**
 * Electron's session.resolveProxy answers in PAC result syntax:
 * "DIRECT", "PROXY host:port; DIRECT", "HTTPS host:port", "SOCKS5 host:port".
 * undici needs one proxy URL, or none. The first usable entry wins, as in a
 * browser; SOCKS entries are skipped because undici's ProxyAgent speaks HTTP
 * CONNECT only.
 *
 * Returns a proxy URL, or null for a direct connection.
 */
export function proxyUrlFromPac(pac: string): string | null {
  for (const raw of pac.split(";")) {
    const [type, hostPort] = raw.trim().split(/\s+/, 2);
    const t = (type ?? "").toUpperCase();
    if (t === "DIRECT") return null;
    if ((t === "PROXY" || t === "HTTP") && hostPort) return `http://${hostPort}`;
    if (t === "HTTPS" && hostPort) return `https://${hostPort}`;
  }
  return null;
}
