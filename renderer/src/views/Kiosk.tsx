/**
 * The kiosk view: one file alone, with a small control strip (open another
 * file, a playlist, close all, status) that drives three modes through the
 * protocol's three commands: the server's kiosk page in a frame
 * (postMessage), the server's page in a view of its own (navigation), or the
 * app's own viewer. A full-screen presentation mode leaves with Esc.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ChannelOutput, ProjectSummary } from "../../../shared/ipc/contract.js";
import { afterProbe, MODE_LABEL, presentKey, scrollAmount, secondsLeft, type KioskMode } from "../../../shared/kiosk/decisions.js";
import type { KioskProtocolClient, KioskReply, KioskRequest } from "../../../shared/kiosk/protocol.js";
import { Busy, ErrorNote, toApiError, useApp, useCall, usePersisted } from "../lib.js";
import { OwnViewer, type OpenOutcome, type ShownFile, type ViewerState } from "../kiosk/own-viewer.js";
import { ProtocolFrame } from "../kiosk/protocol-frame.js";
import { FilePicker } from "../kiosk/file-picker.js";

/** Whether a scroller is at its end (d = 1) or its start (d = -1). */
const atEdge = (el: HTMLElement, d: 1 | -1) => (d > 0 ? el.scrollTop + el.clientHeight >= el.scrollHeight - 2 : el.scrollTop <= 0);

const isField = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

/** What scrolls in the stage: the viewer's own scroller where it has one (the file viewer), else the stage. */
function scrollerOf(stage: HTMLElement): HTMLElement {
  const all = [stage, ...stage.querySelectorAll<HTMLElement>("*")];
  return all.find((el) => /auto|scroll/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight) ?? stage;
}

/** Focus goes to the stage's scroller too, so a screen reader and the browser's own keys start there. */
function focusScroller(stage: HTMLElement | null): void {
  if (!stage) return;
  const el = scrollerOf(stage);
  if (el.tabIndex < 0 && !el.hasAttribute("tabindex")) el.tabIndex = -1;
  el.focus({ preventScroll: true });
}

type Plan = ChannelOutput<"kiosk.plan">;
type Refusal = { status: "needs-password"; message: string } | { status: "banned"; until: number; message: string };

/** What a command came to: the protocol's final reply, or why no call was made. */
type Outcome = { reply: KioskReply } | { refusal: Refusal };

const describeReply = (r: KioskReply) =>
  `${r.status}${r.action ? ` ${r.action}` : ""}${r.path !== undefined ? ` ${r.path}` : ""}${r.mesg ? `: ${r.mesg}` : ""}`;

export function Kiosk({
  project,
  frameAllowed,
  onReload,
  request,
  present,
}: {
  project: ProjectSummary;
  frameAllowed: boolean;
  onReload: () => void;
  /** a file to show now ("Show in kiosk view", the command line) */
  request?: { path: string; n: number } | null;
  /** start in presentation mode (the command line) */
  present?: boolean;
}) {
  const { api, epoch } = useApp();
  const call = useCall();
  const pid = project.project_id;
  const [plan, setPlan] = useState<Plan | null>(null);
  const [mode, setMode] = useState<KioskMode | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [path, setPath] = useState(request?.path ?? "");
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [now, setNow] = useState(Date.now());
  const [log, setLog] = useState<string[]>([]);
  const [status, setStatus] = useState<KioskReply | null>(null);
  const [shown, setShown] = useState<ShownFile | null>(null);
  const [viewer, setViewer] = useState<ViewerState>({ online: true, loaded: null });
  const [frame, setFrame] = useState<{ origin: string; steps: string[]; path: string } | null>(null);
  const [presenting, setPresenting] = useState(!!present);
  const [picking, setPicking] = useState(false);
  const [playlist, setPlaylist] = usePersisted<string[]>(`cocalc:kiosk-playlist:${pid}`, []);
  const [index, setIndex] = useState(-1);
  const client = useRef<KioskProtocolClient | null>(null);
  const pendingFrameOpen = useRef<{ path: string; resolve: (o: Outcome) => void } | null>(null);
  const viewerOpen = useRef<{ path: string; resolve: (o: Outcome) => void } | null>(null);
  const stage = useRef<HTMLDivElement>(null);

  const addLog = useCallback((line: string) => setLog((l) => [line, ...l].slice(0, 20)), []);

  // The frame's CSP names the server that was active when the page loaded; after a switch, load again.
  useEffect(() => {
    if (!frameAllowed) onReload();
  }, [frameAllowed, onReload]);

  useEffect(() => {
    void call.run(async () => {
      const p = await api.kiosk.plan({});
      setPlan(p);
      setMode((m) => m ?? p.recommended.mode);
      if (p.banned_for_s > 0) setRefusal({ status: "banned", until: Date.now() + p.banned_for_s * 1000, message: "The server refuses new sign-in tries after a wrong password." });
    });
  }, [api, epoch]);

  // A ban is a countdown, ticking once a second until it is over.
  useEffect(() => {
    if (refusal?.status !== "banned") return;
    const t = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= refusal.until) setRefusal(null);
    }, 1000);
    return () => clearInterval(t);
  }, [refusal]);

  const refused = (r: { status: "needs-password"; message: string } | { status: "banned"; retry_after_s: number; message: string }): Outcome => {
    const x: Refusal = r.status === "banned" ? { status: "banned", until: Date.now() + r.retry_after_s * 1000, message: r.message } : r;
    setRefusal(x);
    setNow(Date.now());
    return { refusal: x };
  };
  const tokenInput = () => (password ? { password, ...(remember ? { remember_password: true } : {}) } : {});

  /** One command, in whichever mode is on: the single interface of the control strip. */
  const drive = async (req: KioskRequest, m: KioskMode | null = mode): Promise<Outcome> => {
    if (m === "viewer") {
      if (req.action === "closeall") {
        setShown(null);
        return { reply: { status: "done", mesg: "all files are closed" } };
      }
      if (req.action === "status") {
        return {
          reply: {
            status: "done",
            connection: { quality: viewer.online ? "good" : "bad", status: viewer.online ? "connected" : "disconnected" },
            open_files: viewer.loaded ? { [viewer.loaded.project_id]: [viewer.loaded.path] } : {},
          },
        };
      }
      return new Promise<Outcome>((resolve) => {
        viewerOpen.current?.resolve({ reply: { status: "error", action: "open", path: viewerOpen.current.path, project_id: pid, mesg: "another file was opened" } });
        viewerOpen.current = { path: req.path, resolve };
        setShown({ project_id: req.project_id, path: req.path });
      });
    }
    if (m === "navigation" || (m === "protocol" && plan?.embedding_origin)) {
      // the kiosk view of its own: navigated, or driven by the protocol from the profile's embedding origin
      const viewMode = m === "navigation" ? "navigation" : "protocol";
      const r = await api.kiosk.navigate(req.action === "open" ? { ...req, ...tokenInput(), mode: viewMode } : { ...req, mode: viewMode });
      if (r.status !== "reply") return refused(r);
      if (m === "protocol" && req.action === "open" && r.reply.status === "error" && r.reply.action === undefined) {
        setMode("viewer");
        setNotice(`${r.reply.mesg ?? ""} Showing the file with the app's own viewer instead.`);
        return drive(req, "viewer");
      }
      return { reply: r.reply };
    }
    // protocol: the first open loads the frame (signed in first); later commands go over postMessage
    if (req.action === "open" && (!frame || !client.current)) {
      const r = await api.kiosk.open({ project_id: req.project_id, path: req.path, ...tokenInput() });
      if (r.status !== "ready") return refused(r);
      return new Promise<Outcome>((resolve) => {
        pendingFrameOpen.current = { path: req.path, resolve };
        setFrame({ origin: r.origin, steps: r.steps, path: req.path });
      });
    }
    if (!client.current) {
      // no frame yet: nothing is open, and the app has nothing to ask
      return { reply: req.action === "closeall" ? { status: "done", mesg: "all files are closed" } : { status: "done", connection: { quality: "good", status: "no frame loaded" }, open_files: {} } };
    }
    return { reply: await client.current.command(req) };
  };

  const run = async (req: KioskRequest) => {
    const o = await call.run(() => drive(req));
    if (!o) return;
    if ("refusal" in o) return;
    setRefusal(null);
    if (!("reply" in o)) return;
    addLog(describeReply(o.reply));
    if (req.action === "status") setStatus(o.reply);
    if (req.action === "closeall") {
      setFrame(null);
      setStatus(null);
    }
  };

  const open = (p: string) => {
    const clean = p.trim();
    if (!clean) return;
    setPath(clean);
    void run({ action: "open", project_id: pid, path: clean });
  };

  // "Show in kiosk view" and the command line ask for a file; wait until the mode is known.
  const served = useRef<number | null>(null);
  useEffect(() => {
    if (!request || !mode || served.current === request.n) return;
    served.current = request.n;
    open(request.path);
  }, [request, mode]);

  const switchMode = (m: KioskMode) => {
    if (m === mode) return;
    setMode(m);
    setNotice(null);
    setFrame(null);
    client.current = null;
    const current = shown?.path ?? frame?.path ?? null;
    setShown(null);
    if (current) void call.run(async () => addLog(describeOutcome(await drive({ action: "open", project_id: pid, path: current }, m))));
  };

  const describeOutcome = (o: Outcome) => ("reply" in o ? describeReply(o.reply) : o.refusal.message);

  // The frame answered, or not: when not, say why and show the file with the app's viewer.
  const onAnswered = (answered: boolean) => {
    const d = afterProbe(answered);
    if (answered) return;
    const pending = pendingFrameOpen.current;
    pendingFrameOpen.current = null;
    setFrame(null);
    setMode(d.mode);
    setNotice(d.why);
    const p = pending?.path ?? frame?.path;
    if (p) {
      void drive({ action: "open", project_id: pid, path: p }, "viewer").then((o) => {
        addLog(describeOutcome(o));
        pending?.resolve(o);
      });
    }
  };
  const onClient = (c: KioskProtocolClient | null) => {
    client.current = c;
    const pending = pendingFrameOpen.current;
    if (!c || !pending) return;
    // Queued by the client until the frame has answered once.
    c.command({ action: "open", project_id: pid, path: pending.path }).then(
      (reply) => {
        if (pendingFrameOpen.current === pending) pendingFrameOpen.current = null;
        pending.resolve({ reply });
      },
      (e: unknown) => {
        if (pendingFrameOpen.current === pending) pendingFrameOpen.current = null;
        pending.resolve({ reply: { status: "error", mesg: toApiError(e).message } });
      },
    );
  };
  const onOpened = (file: ShownFile, outcome: OpenOutcome) => {
    const w = viewerOpen.current;
    if (!w || w.path !== file.path) return;
    viewerOpen.current = null;
    w.resolve({
      reply: outcome.ok ? { status: "done", action: "open", path: file.path, project_id: file.project_id } : { status: "error", action: "open", path: file.path, project_id: file.project_id, mesg: outcome.error.message },
    });
  };

  // Presentation: the stage fills the screen; Esc leaves; arrow keys step through the playlist.
  const step = (d: number) => {
    if (playlist.length === 0) return;
    const i = (index + d + playlist.length) % playlist.length;
    setIndex(i);
    open(playlist[i]!);
  };
  // The server's page in the kiosk window of its own: that window fills the screen instead.
  const ownWindow = mode === "navigation" || (mode === "protocol" && !!plan?.embedding_origin);
  useEffect(() => {
    if (!presenting || !ownWindow) return;
    void api.kiosk.present({ on: true }).catch(() => undefined);
    return () => void api.kiosk.present({ on: false }).catch(() => undefined);
  }, [presenting, ownWindow, api]);
  useEffect(() => {
    if (!presenting) return;
    const onKey = (e: KeyboardEvent) => {
      const act = presentKey(e.key, e.shiftKey, isField(e.target));
      if (!act) return;
      const s = stage.current && scrollerOf(stage.current);
      if (act.kind === "leave") return setPresenting(false);
      e.preventDefault();
      if (act.kind === "step") return step(act.d);
      if (!s) return;
      if (act.kind === "edge") return s.scrollTo({ top: act.d > 0 ? s.scrollHeight : 0, behavior: "instant" });
      if (act.orStep && atEdge(s, act.d) && playlist.length > 0) return step(act.d);
      s.scrollBy({ top: act.d * scrollAmount(act.by, s.clientHeight), behavior: "instant" });
    };
    window.addEventListener("keydown", onKey);
    focusScroller(stage.current);
    if (document.fullscreenEnabled && !document.fullscreenElement) void stage.current?.requestFullscreen?.().catch(() => undefined);
    const onFs = () => {
      if (!document.fullscreenElement) setPresenting(false);
    };
    document.addEventListener("fullscreenchange", onFs);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("fullscreenchange", onFs);
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    };
  }, [presenting, playlist, index]);

  // a file shown while presenting (the next in the playlist, a change on the server) gets the keys too
  useEffect(() => {
    if (presenting) focusScroller(stage.current);
  }, [presenting, viewer.loaded]);

  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(plan?.embedding_origin ?? ""), [plan?.embedding_origin]);
  const saveOrigin = () =>
    void call.run(async () => {
      await api.kiosk.configure({ embedding_origin: origin.trim() || null });
      const p = await api.kiosk.plan({});
      setPlan(p);
      setMode(p.recommended.mode);
    });

  const banned = refusal?.status === "banned" ? secondsLeft(refusal.until, now) : 0;
  const askPassword = !!plan && plan.needs_password && !plan.password_saved && mode !== "viewer";
  const openFiles = status?.open_files ? Object.values(status.open_files).flat() : [];

  return (
    <div className={`kiosk${presenting ? " presenting" : ""}`}>
      {!presenting && (
        <>
          <div className="row">
            <h1 style={{ margin: 0, fontSize: 20 }}>Kiosk view</h1>
            <span className="grow" />
            {plan && (
              <div role="radiogroup" aria-label="How to show the file" className="row modes">
                {plan.options.map((o) => (
                  <label key={o.mode} title={o.why} className={o.usable ? undefined : "muted"}>
                    <input type="radio" name="kiosk-mode" checked={mode === o.mode} disabled={!o.usable} onChange={() => switchMode(o.mode)} />
                    {MODE_LABEL[o.mode]}
                  </label>
                ))}
              </div>
            )}
          </div>
          <form
            className="row kiosk-strip"
            aria-label="Kiosk controls"
            onSubmit={(e) => {
              e.preventDefault();
              open(path);
            }}
          >
            <input className="grow" aria-label="File to show" placeholder="notebook.ipynb" value={path} onChange={(e) => setPath(e.target.value)} required />
            <button type="button" aria-expanded={picking} onClick={() => setPicking(!picking)}>
              Choose…
            </button>
            <button type="submit" className="primary" disabled={banned > 0 || (askPassword && !password)}>
              Open
            </button>
            <button type="button" disabled={!path.trim() || playlist.includes(path.trim())} onClick={() => setPlaylist([...playlist, path.trim()])}>
              Add to playlist
            </button>
            <button type="button" onClick={() => void run({ action: "closeall" })}>
              Close all
            </button>
            <button type="button" onClick={() => void run({ action: "status" })}>
              Status
            </button>
            <button type="button" title="Full screen; Esc leaves, ← → step through the playlist" onClick={() => setPresenting(true)}>
              Present <kbd>Esc</kbd> leaves
            </button>
          </form>
          {picking && (
            <FilePicker
              project_id={pid}
              start={path.trim().split("/").slice(0, -1).join("/")}
              onClose={() => setPicking(false)}
              onPick={(p) => {
                setPicking(false);
                setPath(p);
                open(p);
              }}
            />
          )}
          {askPassword && (
            <div className="row card" role="group" aria-label="Password for the server's kiosk page">
              <span>
                This server's account is not an admin: the server gives a sign-in token only for the account's password. A wrong one locks sign-in for
                {plan.generation === "v1" ? " a minute" : " about 30 seconds"}.
              </span>
              <input aria-label="Account password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
              <label title={plan.can_save_password ? undefined : "There is no keychain here; the password is used once and not kept."}>
                <input type="checkbox" checked={remember} disabled={!plan.can_save_password} onChange={(e) => setRemember(e.target.checked)} />
                Remember in the keychain
              </label>
            </div>
          )}
          {banned > 0 && (
            <div className="banner warn" role="timer" aria-label="Sign-in locked">
              {refusal?.message} You can try again in <strong>{banned} s</strong>.
            </div>
          )}
          {refusal?.status === "needs-password" && !password && <div className="banner warn" role="alert">{refusal.message}</div>}
          {notice && (
            <div className="banner warn" role="status" aria-label="Kiosk mode note">
              {notice}
            </div>
          )}
          {plan && mode && !notice && <p className="muted" style={{ margin: 0 }}>{plan.options.find((o) => o.mode === mode)?.why}</p>}
          {call.busy && <Busy label="Working…" />}
          <ErrorNote error={call.error} />
          <details>
            <summary className="muted">Embedding origin for this server</summary>
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                saveOrigin();
              }}
            >
              <span className="muted">An https origin the server's admin listed in iframe_comm_hosts; the kiosk view then sends its commands from there.</span>
              <input aria-label="Embedding origin" placeholder="https://kiosk.example.org" value={origin} onChange={(e) => setOrigin(e.target.value)} />
              <button type="submit">Save</button>
            </form>
          </details>
          {playlist.length > 0 && (
            <div className="row" aria-label="Playlist" role="group">
              <span className="muted">Playlist:</span>
              <button type="button" onClick={() => step(-1)} aria-label="Previous file">
                ‹
              </button>
              {playlist.map((p, i) => (
                <span key={p} className={`chip${i === index ? " current" : ""}`}>
                  <button type="button" className="link" onClick={() => (setIndex(i), open(p))}>
                    {p}
                  </button>
                  <button type="button" aria-label={`Remove ${p} from the playlist`} onClick={() => setPlaylist(playlist.filter((x) => x !== p))}>
                    ×
                  </button>
                </span>
              ))}
              <button type="button" onClick={() => step(1)} aria-label="Next file">
                ›
              </button>
            </div>
          )}
          <div className="muted" aria-label="Kiosk status" role="status">
            {[
              `Mode: ${mode ? MODE_LABEL[mode] : "…"}`,
              `Connection: ${mode === "viewer" ? (viewer.online ? "connected" : "offline") : (status?.connection?.status ?? "not asked yet")}`,
              `Open: ${mode === "viewer" ? (viewer.loaded?.path ?? "none") : openFiles.length ? openFiles.join(", ") : status ? "none" : "—"}`,
            ].join(" · ")}
          </div>
        </>
      )}
      <div className="kiosk-stage" ref={stage} aria-label="Kiosk stage" tabIndex={-1}>
        {((mode === "viewer" && !shown) || (mode === "protocol" && !frame)) && (
          <p className="empty-stage" role="note">
            {presenting
              ? "Nothing is open to present. Press Esc, choose a file to show (or a playlist), then Present again."
              : "No file is open. Choose one with Choose… (or type its path) and press Open; Present then fills the screen with it."}
          </p>
        )}
        {mode === "viewer" && <OwnViewer file={shown} onOpened={onOpened} onState={setViewer} />}
        {mode === "protocol" && frame && (
          <ProtocolFrame
            origin={frame.origin}
            steps={frame.steps}
            title={`Kiosk view of ${frame.path}`}
            onClient={onClient}
            onAnswered={onAnswered}
            onReply={(r) => addLog(describeReply(r))}
          />
        )}
        {mode === "navigation" && <p className="muted">The server's kiosk page is shown in the kiosk window, signed in on its own.</p>}
      </div>
      {!presenting && log.length > 0 && (
        <ul aria-label="Messages from the kiosk view" className="muted mono" style={{ margin: 0 }}>
          {log.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
