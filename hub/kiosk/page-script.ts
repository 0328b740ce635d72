/**
 * The kiosk page's script, run in the browser. Self-contained like
 * iframe-rules.ts: the hub serves its source text with the rule functions
 * passed in, so there is nothing to bundle.
 */
import type { IframeRequest, OriginExtras } from "./iframe-rules.js";

export interface KioskConfig {
  /** whether the iframe protocol listens (only in ?fullscreen=kiosk, as on the real server) */
  kiosk: boolean;
  hosts: string;
  extras: OriginExtras;
  /** page session token for the hub's own fetches; "" when not signed in */
  session: string;
  /** a file shown when the page loads (the /projects/<id>/files/<path> form) */
  initial: { project_id: string; path: string } | null;
}

export function kioskMain(
  cfg: KioskConfig,
  originAllowed: (origin: string, hosts: string, extras: OriginExtras) => boolean,
  readRequest: (data: unknown) => IframeRequest,
): void {
  const content = document.getElementById("content") as HTMLElement;
  const banner = document.getElementById("banner") as HTMLElement;
  const openFiles: Record<string, string[]> = {};
  const headers = { "x-kiosk-session": cfg.session };
  let lastPing = 0;

  const get = (url: string) => fetch(url, { headers, credentials: "same-origin" });

  const show = async (project_id: string, path: string) => {
    const res = await get(`/kiosk/file?project_id=${encodeURIComponent(project_id)}&path=${encodeURIComponent(path)}`);
    const text = await res.text();
    if (!res.ok) throw new Error(text || `HTTP ${res.status}`);
    // The fragment is rendered by the hub from the file with every text escaped; it holds no scripts.
    content.innerHTML = text;
    content.setAttribute("data-project-id", project_id);
    content.setAttribute("data-path", path);
    banner.hidden = true;
    const list = openFiles[project_id] || (openFiles[project_id] = []);
    if (list.indexOf(path) < 0) list.push(path);
  };

  const closeAll = () => {
    content.innerHTML = "";
    content.removeAttribute("data-project-id");
    content.removeAttribute("data-path");
    for (const k of Object.keys(openFiles)) delete openFiles[k];
    banner.hidden = false;
  };

  if (cfg.initial) {
    show(cfg.initial.project_id, cfg.initial.path).catch((e: Error) => {
      content.textContent = e.message;
    });
  }

  // The ready signal of the docs: a green banner once the page can take commands.
  const t0 = Date.now();
  get("/kiosk/ping")
    .then((r) => {
      lastPing = Date.now() - t0;
      banner.textContent = r.ok ? "CoCalc is ready" : "Not signed in: open this page with a valid auth token";
      banner.className = r.ok ? "ready" : "signed-out";
    })
    .catch(() => {
      banner.textContent = "The server cannot be reached";
      banner.className = "signed-out";
    });

  if (!cfg.kiosk) return;

  window.addEventListener("message", (event: MessageEvent) => {
    if (event.source === window) return;
    if (!originAllowed(event.origin, cfg.hosts, cfg.extras)) return; // blocked: no reply at all
    const source = event.source as Window | null;
    if (!source) return;
    const reply = (r: Record<string, unknown>) => source.postMessage(r, event.origin);
    const req = readRequest(event.data);
    switch (req.kind) {
      case "reply":
        reply(req.reply);
        return;
      case "status":
        reply({
          status: "done",
          connection: { quality: lastPing < 500 ? "good" : lastPing < 2000 ? "flaky" : "bad", status: "connected", status_time: new Date().toISOString(), ping: lastPing },
          open_files: JSON.parse(JSON.stringify(openFiles)),
        });
        return;
      case "closeall":
        try {
          closeAll();
          reply({ status: "done", mesg: "all files are closed" });
        } catch (e) {
          reply({ status: "error", mesg: String(e) });
        }
        return;
      case "open": {
        const { project_id, path } = req;
        get(`/kiosk/project?project_id=${encodeURIComponent(project_id)}`)
          .then(async (r) => {
            if (!r.ok) {
              reply({ status: "error", mesg: `problem opening project ${project_id}` });
              return;
            }
            reply({ status: "ack", action: "open", path, project_id });
            try {
              await show(project_id, path);
              reply({ status: "done", action: "open", path, project_id });
            } catch (e) {
              reply({ status: "error", action: "open", path, project_id, mesg: (e as Error).message });
            }
          })
          .catch(() => reply({ status: "error", mesg: `problem opening project ${project_id}` }));
      }
    }
  });
}
