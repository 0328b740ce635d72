/** The app's frame: top bar, navigation, the "reconnecting" banner, the command palette, and the views. */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { capabilitiesOf } from "../../shared/domain.js";
import { ApiError } from "../../shared/errors.js";
import type { CocalcApi } from "../../shared/ipc/api.js";
import type { Profile, ProjectSummary } from "../../shared/ipc/contract.js";
import { AppContext, ErrorNote, isOffline, toApiError } from "./lib.js";
import { ProjectStartEvent } from "../../shared/domain.js";
import { Connect } from "./views/Connect.js";
import { Projects } from "./views/Projects.js";
import { Files } from "./views/Files.js";
import { Console } from "./views/Console.js";
import { Copy } from "./views/Copy.js";
import { Kiosk } from "./views/Kiosk.js";
import { Sync, type SyncOpen } from "./views/Sync.js";
import { Settings } from "./views/Settings.js";
import type { SyncOpenRequest } from "../../shared/background.js";
import { Palette, type PaletteItem } from "./Palette.js";
import { observeCalls } from "./connection.js";
import { Icon, Icons, type IconName } from "./icons.js";
import { VIEW_NAMES, type ViewName } from "./view-names.js";

const RESTORE_KEY = "cocalc:restore-view";
/** Each view's icon, the same in the sidebar and the palette. */
const VIEW_ICON: Record<ViewName, IconName> = { connect: "connect", projects: "projects", sync: "sync", files: "files", console: "console", copy: "copy", kiosk: "kiosk", settings: "settings" };
const PROJECT_VIEWS: { name: ViewName; label: string; key: string }[] = [
  { name: "files", label: "Files", key: "3" },
  { name: "console", label: "Console", key: "4" },
  { name: "copy", label: "Copy", key: "5" },
  { name: "kiosk", label: "Kiosk view", key: "6" },
];

export function App({ api: rawApi }: { api: CocalcApi }) {
  const [view, setView] = useState<ViewName>("projects");
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [project, setProject] = useState<ProjectSummary | null>(null);
  const [offline, setOffline] = useState<ApiError | null>(null);
  const [epoch, setEpoch] = useState(0);
  const [launchProblem, setLaunchProblem] = useState<string | null>(null);
  const [palette, setPalette] = useState<null | "all" | "files">(null);
  const [fileNames, setFileNames] = useState<string[]>([]);
  const [openRequest, setOpenRequest] = useState<{ path: string; n: number } | null>(null);
  const [kioskRequest, setKioskRequest] = useState<{ path: string; n: number; present?: boolean } | null>(null);
  const showInKiosk = useCallback((path: string, present = false) => {
    setKioskRequest((r) => ({ path, n: (r?.n ?? 0) + 1, present }));
    setView("kiosk");
  }, []);
  const [syncOpen, setSyncOpen] = useState<SyncOpen | null>(null);
  /** What the active server last said about its key: "connected" only once it answered a call made with it. */
  const [link, setLink] = useState<{ state: "checking" | "connected" | "refused" | "failed"; why?: string }>({ state: "checking" });
  // Every call to the active server updates the one connection state the header shows.
  const api = useMemo(
    () =>
      observeCalls(rawApi, (o) => {
        if (o.ok) setLink((l) => (l.state === "connected" ? l : { state: "connected" }));
        else if (isOffline(o.error)) setOffline(toApiError(o.error));
        else if (o.error instanceof ApiError && (o.error.kind === "auth" || o.error.kind === "not-configured")) setLink({ state: "refused", why: o.error.message });
      }),
    [rawApi],
  );

  /** starts the app made before calls that needed a project, by project id (from `projects.starting`) */
  const [starts, setStarts] = useState<Record<string, ProjectStartEvent>>({});
  const [failedAction, setFailedAction] = useState<{ error: ApiError; retry: () => void } | null>(null);
  useEffect(
    () =>
      api.on("projects.starting", (payload) => {
        const e = ProjectStartEvent.safeParse(payload);
        if (!e.success) return;
        setStarts((cur) => ({ ...cur, [e.data.project_id]: e.data }));
        const state = e.data.phase === "running" ? "running" : e.data.phase === "starting" ? "starting" : null;
        if (state) setProjects((cur) => cur?.map((p) => (p.project_id === e.data.project_id ? { ...p, state } : p)) ?? cur);
      }),
    [api],
  );
  const setProjectState = useCallback((project_id: string, state: string | null) => {
    setProjects((cur) => cur?.map((p) => (p.project_id === project_id ? { ...p, state } : p)) ?? cur);
    setProject((cur) => (cur?.project_id === project_id ? { ...cur, state } : cur));
  }, []);
  /** Start or stop; the list shows the state the server then confirms, a refusal (a plan's limit) says what to do. */
  const act = useCallback(
    async (p: ProjectSummary, action: "start" | "stop" | "restart") => {
      setFailedAction(null);
      try {
        const r = await api.projects.action({ project_id: p.project_id, action });
        setProjectState(p.project_id, r.state);
      } catch (e) {
        setFailedAction({ error: toApiError(e), retry: () => void act(p, action) });
      }
    },
    [api, setProjectState],
  );

  const active = profiles.find((p) => p.id === activeId) ?? null;
  const caps = capabilitiesOf(active?.generation ?? "v1");

  const loadProfiles = useCallback(async () => {
    try {
      const r = await api.profiles.list({});
      setProfiles(r.profiles);
      setActiveId(r.active);
      if (!r.active) setView("connect");
    } catch (e) {
      setOffline(toApiError(e));
    } finally {
      setLoaded(true);
    }
  }, [api]);

  useEffect(() => {
    void loadProfiles();
    return api.on("profiles.changed", () => void loadProfiles());
  }, [api, loadProfiles]);

  // A notification was clicked: the Sync view with that pair (and its conflict) open. One clicked before this
  // page ran waits in the main process; asking for it also tells the main process the page listens now.
  useEffect(() => {
    const show = (req: SyncOpenRequest) => {
      setSyncOpen((o) => ({ ...req, n: (o?.n ?? 0) + 1 }));
      setView("sync");
    };
    const off = api.on("sync.open", (payload) => show(payload as SyncOpenRequest));
    void api.background.takeOpen({}).then(
      (r) => r.open && show(r.open),
      () => undefined,
    );
    return off;
  }, [api]);

  // Started with --kiosk --profile NAME --project ID --path FILE: straight into presentation mode.
  useEffect(() => {
    void (async () => {
      try {
        const { launch } = await api.kiosk.launch({});
        if (!launch) return;
        const { profiles: all } = await api.profiles.list({});
        const p = all.find((x) => x.name === launch.profile || x.id === launch.profile);
        if (!p) {
          setLaunchProblem(`There is no server profile named '${launch.profile}' (started with --kiosk). Known: ${all.map((x) => x.name).join(", ") || "none"}.`);
          return;
        }
        await api.profiles.switch({ id: p.id });
        const details = await api.projects.get({ project_id: launch.project_id });
        setProject(details);
        showInKiosk(launch.path, true);
      } catch (e) {
        setLaunchProblem(`Could not start the kiosk view from the command line: ${toApiError(e).message}`);
      }
    })();
  }, [api, showInKiosk]);

  // A refused key is the header's business only when the active server refused it (observeCalls above):
  // testing another server in Connect says nothing about the one in use.
  const report = useCallback((e: unknown) => {
    if (isOffline(e)) setOffline(toApiError(e));
  }, []);

  // Ask the active server once with its key whenever the active server (or its key) changes.
  const linkKey = active ? `${active.id}|${active.url}|${active.has_key}` : null;
  useEffect(() => {
    if (!linkKey) return;
    let stale = false;
    setLink({ state: "checking" });
    api.server.ping({}).then(
      () => !stale && setLink({ state: "connected" }),
      (e: unknown) => {
        if (stale) return;
        const err = toApiError(e);
        if (isOffline(err)) setOffline(err);
        else setLink({ state: err.kind === "auth" || err.kind === "not-configured" ? "refused" : "failed", why: err.message });
      },
    );
    return () => {
      stale = true;
    };
  }, [api, linkKey]);

  // While the server cannot be reached, ask it again with backoff; when it answers, every view reloads.
  useEffect(() => {
    if (!offline) return;
    let delay = 1000;
    let timer: ReturnType<typeof setTimeout>;
    let stopped = false;
    const tick = async () => {
      try {
        await api.server.ping({});
        if (stopped) return;
        setOffline(null);
        setLink({ state: "connected" });
        setEpoch((n) => n + 1);
      } catch (e) {
        if (stopped) return;
        if (!isOffline(e)) {
          // It answered (or there is no server any more): not a connection problem.
          setOffline(null);
          return;
        }
        setOffline(toApiError(e));
        delay = Math.min(delay * 1.6, 8000);
        timer = setTimeout(tick, delay);
      }
    };
    timer = setTimeout(tick, delay);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [offline, api]);

  const retryNow = () => {
    void api.server
      .ping({})
      .then(() => {
        setOffline(null);
        setLink({ state: "connected" });
        setEpoch((n) => n + 1);
      })
      .catch((e: unknown) => setOffline(toApiError(e)));
  };

  // the open project as the list last said (a rename shows in the sidebar at once)
  const shownProject = project ? (projects?.find((p) => p.project_id === project.project_id) ?? project) : null;
  const starting = shownProject ? starts[shownProject.project_id] : undefined;

  const openProject = useCallback((p: ProjectSummary, next: ViewName = "files") => {
    setProject(p);
    setView(next);
  }, []);

  // Keyboard: Ctrl/Cmd+K the palette, Ctrl/Cmd+P quick open a file, Alt+1…6 the views, Alt+7 Sync.
  const viewRef = useRef(view);
  viewRef.current = view;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setPalette("all");
      } else if (mod && e.key.toLowerCase() === "p" && project) {
        e.preventDefault();
        setPalette("files");
      } else if (e.altKey && /^[1-7]$/.test(e.key)) {
        const v = VIEW_NAMES[Number(e.key) - 1]!;
        if (v === "connect" || v === "projects" || v === "sync" || project) {
          e.preventDefault();
          setView(v);
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [project]);

  const paletteItems = useMemo((): PaletteItem[] => {
    if (palette === "files") {
      return fileNames.map((name) => ({
        id: `file:${name}`,
        label: name,
        hint: "open file",
        icon: "open" as const,
        run: () => {
          setView("files");
          setOpenRequest({ path: name, n: Date.now() });
        },
      }));
    }
    const items: PaletteItem[] = [
      { id: "v:connect", label: "Go to Connect", hint: "Alt+1", icon: "connect", run: () => setView("connect") },
      { id: "v:projects", label: "Go to Projects", hint: "Alt+2", icon: "projects", run: () => setView("projects") },
      { id: "v:sync", label: "Go to Sync (folders kept in sync)", hint: "Alt+7", icon: "sync", run: () => setView("sync") },
      { id: "v:settings", label: "Go to Settings (background, notifications, start at login)", hint: "settings", icon: "settings", run: () => setView("settings") },
    ];
    if (project) {
      for (const v of PROJECT_VIEWS) items.push({ id: `v:${v.name}`, label: `${v.label} of ${project.title || "(untitled)"}`, hint: `Alt+${v.key}`, icon: VIEW_ICON[v.name], run: () => setView(v.name) });
      items.push({ id: "run", label: "Run a command…", hint: "Console", icon: "run", run: () => setView("console") });
      items.push({ id: "quick", label: "Open a file…", hint: "Ctrl+P", icon: "open", run: () => setPalette("files") });
    }
    for (const p of projects ?? []) {
      const name = p.title || "(untitled)";
      items.push({ id: `p:${p.project_id}`, label: `Open project: ${name}`, hint: p.state ?? "project", icon: "projects", run: () => openProject(p) });
      const up = p.state === "running" || p.state === "starting";
      items.push({ id: `a:${p.project_id}`, label: `${up ? "Stop" : "Start"} project: ${name}`, hint: up ? "stop" : "start", icon: up ? "close" : "run", run: () => void act(p, up ? "stop" : "start") });
    }
    return items;
  }, [palette, fileNames, project, projects, openProject, act]);

  // The page's Content-Security-Policy allows frames (the kiosk view) from the active server only,
  // and is fixed when the page loads: when the active server changes, load the page again.
  const origin = useMemo(() => {
    try {
      return active ? new URL(active.url).origin : null;
    } catch {
      return null;
    }
  }, [active]);
  const loadedOrigin = useRef<string | null | undefined>(undefined);
  if (loaded && loadedOrigin.current === undefined) loadedOrigin.current = origin;
  const frameAllowed = loaded && loadedOrigin.current === origin;
  const originRef = useRef(origin);
  originRef.current = origin;
  /** After connecting to another server, load the page again so its CSP allows that server's frames. */
  const connected = useCallback(() => {
    if (loadedOrigin.current !== undefined && loadedOrigin.current !== originRef.current) {
      sessionStorage.setItem(RESTORE_KEY, JSON.stringify({ view: "projects" }));
      window.location.reload();
    } else setView("projects");
  }, []);
  /** Load the page again (its CSP then names the active server) and come back to the kiosk view. */
  const reloadForKiosk = useCallback(() => {
    if (project) sessionStorage.setItem(RESTORE_KEY, JSON.stringify({ view: "kiosk", project }));
    window.location.reload();
  }, [project]);

  // After such a reload, return to where the person was.
  useEffect(() => {
    const raw = sessionStorage.getItem(RESTORE_KEY);
    if (!raw) return;
    sessionStorage.removeItem(RESTORE_KEY);
    try {
      const r = JSON.parse(raw) as { view: ViewName; project?: ProjectSummary };
      if (r.project) setProject(r.project);
      setView(r.view);
    } catch {
      /* nothing to restore */
    }
  }, []);

  const ctx = useMemo(() => ({ api, report, epoch, onProjectState: setProjectState }), [api, report, epoch, setProjectState]);

  return (
    <AppContext.Provider value={ctx}>
      <div className="app">
        <header className="topbar">
          <span className="title">CoCalc Desktop</span>
          <span className="server" aria-label="Server">
            {active ? `${active.name} · ${active.url}${active.generation ? ` · API ${active.generation}` : ""}` : "No server"}
          </span>
          <span className="spacer" />
          {offline ? (
            <span className="muted" role="status">
              reconnecting…
            </span>
          ) : active ? (
            <span role="status" aria-label="Connection" className={link.state === "refused" || link.state === "failed" ? "exit bad" : "muted"} title={link.why}>
              {link.state === "connected" ? "connected" : link.state === "refused" ? (active.has_key ? "key refused" : "no key") : link.state === "failed" ? "not connected" : "checking…"}
            </span>
          ) : null}
          <button onClick={() => setPalette("all")} aria-label="Open the command palette">
            <Icon icon={Icons.command} /> Commands <kbd>Ctrl K</kbd>
          </button>
        </header>
        <nav className="side" aria-label="Views">
          <button aria-current={view === "connect" ? "page" : undefined} onClick={() => setView("connect")}>
            <Icon icon={Icons.connect} /> Connect
          </button>
          <button aria-current={view === "projects" ? "page" : undefined} onClick={() => setView("projects")} disabled={!active}>
            <Icon icon={Icons.projects} /> Projects
          </button>
          <button aria-current={view === "sync" ? "page" : undefined} onClick={() => setView("sync")} disabled={!active}>
            <Icon icon={Icons.sync} /> Sync
          </button>
          <button aria-current={view === "settings" ? "page" : undefined} onClick={() => setView("settings")}>
            <Icon icon={Icons.settings} /> Settings
          </button>
          {project && (
            <>
              <div className="group" title={shownProject?.title} aria-label="Open project">
                {shownProject?.title || "(untitled)"}
              </div>
              {PROJECT_VIEWS.map((v) => (
                <button key={v.name} aria-current={view === v.name ? "page" : undefined} onClick={() => setView(v.name)}>
                  <Icon icon={Icons[VIEW_ICON[v.name]]} /> {v.label}
                </button>
              ))}
            </>
          )}
        </nav>
        <main className="view">
          {offline && (
            <div className="banner warn" role="alert" aria-label="Connection problem">
              <div>{offline.message}</div>
              <div className="hint">The app keeps trying and picks up where you were when the server answers. {offline.hint}</div>
              <div className="row" style={{ marginTop: 6 }}>
                <button onClick={retryNow}>Retry now</button>
              </div>
            </div>
          )}
          {starting?.phase === "starting" && view !== "projects" && view !== "connect" && (
            <div className="banner" role="status" aria-label="Project starting">
              Starting the project “{shownProject?.title || "(untitled)"}”… The server is bringing it up; what you asked for runs as soon as it is ready.
            </div>
          )}
          {view === "sync" && Object.values(starts).some((s) => s.phase === "starting") && (
            <div className="banner" role="status" aria-label="Project starting">
              Starting the project {Object.values(starts).filter((s) => s.phase === "starting").map((s) => `“${projects?.find((p) => p.project_id === s.project_id)?.title ?? "(untitled)"}”`).join(", ")}…
            </div>
          )}
          {failedAction && <ErrorNote error={failedAction.error} onRetry={failedAction.retry} />}
          {launchProblem && (
            <div className="banner error" role="alert">
              {launchProblem}
            </div>
          )}
          {!loaded ? null : view === "settings" ? (
            <Settings />
          ) : view === "connect" || !active ? (
            <Connect profiles={profiles} activeId={activeId} onChanged={loadProfiles} onConnected={connected} />
          ) : view === "sync" ? (
            <Sync profiles={profiles} activeId={activeId} open={syncOpen} />
          ) : view === "projects" || !project ? (
            <Projects caps={caps} projects={projects} setProjects={setProjects} selected={shownProject} onSelect={setProject} onOpen={openProject} act={act} />
          ) : view === "files" ? (
            <Files key={project.project_id} project={project} generation={active?.generation ?? null} onListing={setFileNames} openRequest={openRequest} onShowInKiosk={showInKiosk} />
          ) : view === "console" ? (
            <Console key={project.project_id} project={project} />
          ) : view === "copy" ? (
            <Copy key={project.project_id} project={project} projects={projects ?? []} caps={caps} />
          ) : (
            <Kiosk key={project.project_id} project={project} frameAllowed={frameAllowed} onReload={reloadForKiosk} request={kioskRequest} present={kioskRequest?.present} />
          )}
        </main>
      </div>
      {palette && <Palette items={paletteItems} placeholder={palette === "files" ? "Open a file in this folder…" : "Type a command or a project…"} onClose={() => setPalette(null)} />}
    </AppContext.Provider>
  );
}
