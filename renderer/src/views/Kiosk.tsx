/**
 * The kiosk view: one file of the project alone, as the server shows it in
 * ?fullscreen=kiosk, driven by the iframe postMessage protocol. Messages go
 * only to the server's origin and are taken only from it.
 */
import { useEffect, useRef, useState } from "react";
import type { ProjectSummary } from "../../../shared/ipc/contract.js";
import { Busy, ErrorNote, useApp, useCall } from "../lib.js";

export function Kiosk({ project, frameAllowed, onReload }: { project: ProjectSummary; frameAllowed: boolean; onReload: () => void }) {
  const { api } = useApp();
  const call = useCall();
  const [path, setPath] = useState("");
  const [password, setPassword] = useState("");
  const [frame, setFrame] = useState<{ url: string; origin: string; sign_in: string } | null>(null);
  const [log, setLog] = useState<string[]>([]);
  const iframe = useRef<HTMLIFrameElement>(null);

  useEffect(() => {
    if (!frame) return;
    const onMessage = (e: MessageEvent) => {
      // Only the server's frame may talk to this page.
      if (e.origin !== frame.origin || e.source !== iframe.current?.contentWindow) return;
      const d = e.data as { status?: unknown; mesg?: unknown; action?: unknown; path?: unknown };
      if (typeof d !== "object" || d === null || typeof d.status !== "string") return;
      setLog((l) => [`${d.status}${typeof d.action === "string" ? ` ${d.action}` : ""}${typeof d.path === "string" ? ` ${d.path}` : ""}${typeof d.mesg === "string" ? `: ${d.mesg}` : ""}`, ...l].slice(0, 20));
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [frame]);

  const send = (m: Record<string, unknown>) => frame && iframe.current?.contentWindow?.postMessage(m, frame.origin);

  // The page allows frames from the server that was active when it loaded; after a switch it must load again.
  useEffect(() => {
    if (!frameAllowed) onReload();
  }, [frameAllowed, onReload]);

  return (
    <div className="kiosk" style={{ display: "flex", flexDirection: "column", gap: 8, flex: 1 }}>
      <h1 style={{ margin: 0, fontSize: 20 }}>Kiosk view</h1>
      <form
        className="row"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await call.run(() => api.kiosk.open({ project_id: project.project_id, path, ...(password ? { password } : {}) }));
          if (r) setFrame(r);
        }}
      >
        <input className="grow" aria-label="File to show" placeholder="notebook.ipynb" value={path} onChange={(e) => setPath(e.target.value)} required />
        <input aria-label="Your password (if not an admin)" type="password" placeholder="password (if not an admin)" value={password} onChange={(e) => setPassword(e.target.value)} />
        <button type="submit" className="primary">
          Show
        </button>
        {frame && (
          <>
            <button type="button" onClick={() => send({ action: "status" })}>
              Status
            </button>
            <button type="button" onClick={() => send({ action: "closeall" })}>
              Close all
            </button>
          </>
        )}
      </form>
      {call.busy && <Busy label="Getting a sign-in token…" />}
      <ErrorNote error={call.error} />
      {frame?.sign_in === "impersonate" && <p className="muted">This server signs the view in through its impersonate link; the frame may need the server's cookie settings to allow embedding.</p>}
      {frame && (
        <iframe
          ref={iframe}
          title={`Kiosk view of ${path}`}
          src={frame.url}
          sandbox="allow-scripts allow-same-origin allow-forms"
          referrerPolicy="no-referrer"
          onLoad={() => send({ action: "status" })}
        />
      )}
      {log.length > 0 && (
        <ul aria-label="Messages from the kiosk view" className="muted mono" style={{ margin: 0 }}>
          {log.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
