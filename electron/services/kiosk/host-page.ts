/**
 * The kiosk host page the app serves on a profile's embedding origin (an
 * https origin the server's admin listed in iframe_comm_hosts), inside the
 * kiosk view's own session: the server's kiosk page in a frame whose parent
 * is that origin, and a relay that posts only to the server's exact origin
 * and keeps only replies from that origin and that frame.
 */
const escapeAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function kioskHostPage(serverOrigin: string, frameUrl: string, nonce: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CoCalc kiosk</title>
<style nonce="${escapeAttr(nonce)}">html,body{margin:0;height:100%}iframe{border:0;width:100%;height:100%;display:block}</style></head>
<body><iframe id="k" src="${escapeAttr(frameUrl)}" sandbox="allow-scripts allow-same-origin allow-forms allow-popups" referrerpolicy="no-referrer"></iframe>
<script nonce="${escapeAttr(nonce)}">
(function () {
  var SERVER = ${JSON.stringify(serverOrigin).replace(/</g, "\\u003c")};
  var frame = document.getElementById("k");
  var replies = [];
  window.addEventListener("message", function (e) {
    if (e.origin === SERVER && e.source === frame.contentWindow) replies.push(e.data);
  });
  window.kioskHost = {
    send: function (m) { frame.contentWindow.postMessage(m, SERVER); },
    take: function () { return replies.splice(0); },
    load: function (u) { if (new URL(u).origin === SERVER) frame.src = u; }
  };
})();
</script></body></html>`;
}

/** Where the host page lives on the embedding origin. */
export const KIOSK_HOST_PATH = "/cocalc-desktop-kiosk-host";

/**
 * The answer to a request on the embedding origin: the host page at its
 * path (framing only a URL on the server's origin), 404 elsewhere.
 */
export function kioskHostResponse(requestUrl: string, serverOrigin: string, nonce: string, csp: string): { status: number; headers: Record<string, string>; body: string } {
  const u = new URL(requestUrl);
  if (u.pathname !== KIOSK_HOST_PATH) return { status: 404, headers: { "content-type": "text/plain" }, body: "Not found" };
  const frame = u.searchParams.get("frame") ?? "about:blank";
  let frameOrigin: string | null;
  try {
    frameOrigin = new URL(frame).origin;
  } catch {
    frameOrigin = null;
  }
  return {
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": csp, "x-content-type-options": "nosniff", "cache-control": "no-store" },
    body: kioskHostPage(serverOrigin, frameOrigin === serverOrigin ? frame : "about:blank", nonce),
  };
}
