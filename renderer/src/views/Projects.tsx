/** Projects: all of the account's, filtered and sorted instantly (a virtual list), with details edited in place. */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Capabilities, Upgrades } from "../../../shared/domain.js";
import type { ProjectDetails, ProjectSummary } from "../../../shared/ipc/contract.js";
import { Busy, ErrorNote, Section, useApp, useCall } from "../lib.js";
import { exactTime, formatUpgrades, relativeTime, stateBadge } from "../project-format.js";
import type { ViewName } from "../view-names.js";

type Sort = "last_edited" | "title";
const ROW = 38;

/** Filter and sort: lower-cased titles are computed once per list, so a keystroke is one pass of `includes`. */
export function filterProjects(index: { p: ProjectSummary; key: string }[], q: string): ProjectSummary[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return index.map((x) => x.p);
  const out: ProjectSummary[] = [];
  for (const x of index) if (words.every((w) => x.key.includes(w))) out.push(x.p);
  return out;
}

/** running / starting / stopped, as the server last said */
export function StateBadge({ state }: { state: string | null | undefined }) {
  const b = stateBadge(state);
  if (!b) return null;
  return (
    <span className={`badge ${b.tone}`} data-state={b.label} aria-label={`State: ${b.label}`}>
      {b.label}
    </span>
  );
}

/** Start or Stop for a row, as the state allows; `act` answers once the server confirms the change. */
function RowAction({ p, act }: { p: ProjectSummary; act: (p: ProjectSummary, action: "start" | "stop") => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const b = stateBadge(p.state);
  const action = b?.label === "running" || b?.label === "starting" ? "stop" : "start";
  const run = (e: React.MouseEvent) => {
    e.stopPropagation();
    setBusy(true);
    void act(p, action).finally(() => setBusy(false));
  };
  return (
    <button className="small" disabled={busy} onClick={run} aria-label={`${action === "stop" ? "Stop" : "Start"} ${p.title || "(untitled)"}`}>
      {busy ? (action === "stop" ? "Stopping…" : "Starting…") : action === "stop" ? "Stop" : "Start"}
    </button>
  );
}

export function Projects({
  caps,
  projects,
  setProjects,
  selected,
  onSelect,
  onOpen,
  act,
}: {
  caps: Capabilities;
  projects: ProjectSummary[] | null;
  setProjects: (p: ProjectSummary[]) => void;
  selected: ProjectSummary | null;
  onSelect: (p: ProjectSummary) => void;
  onOpen: (p: ProjectSummary, view?: ViewName) => void;
  /** start or stop a project; the list shows the state the server then confirms */
  act: (p: ProjectSummary, action: "start" | "stop" | "restart") => Promise<void>;
}) {
  const { api, epoch } = useApp();
  const load = useCall();
  const [q, setQ] = useState("");
  const [sort, setSort] = useState<Sort>("last_edited");
  const [showDeleted, setShowDeleted] = useState(false);
  const [creating, setCreating] = useState(false);
  const [newTitle, setNewTitle] = useState("");
  const [notice, setNotice] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const r = await load.run(() => api.projects.list({}));
    if (r) setProjects(r.projects);
  }, [api, load.run, setProjects]);

  useEffect(() => {
    void reload();
  }, [reload, epoch]);

  const index = useMemo(() => {
    const rows = (projects ?? []).filter((p) => showDeleted || !p.deleted);
    rows.sort((a, b) => (sort === "title" ? a.title.localeCompare(b.title) : (b.last_edited ?? "").localeCompare(a.last_edited ?? "")));
    return rows.map((p) => ({ p, key: `${p.title} ${p.description}`.toLowerCase() }));
  }, [projects, sort, showDeleted]);
  const shown = useMemo(() => filterProjects(index, q), [index, q]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 8 });

  const create = async () => {
    const r = await load.run(() => api.projects.create({ title: newTitle }));
    if (!r) return;
    setNotice(r.notice ?? null);
    setCreating(false);
    setNewTitle("");
    await reload();
  };

  return (
    <>
      <div className="row">
        <h1 style={{ margin: 0, fontSize: 20 }}>Projects</h1>
        <span className="muted" aria-live="polite" data-testid="project-count">
          {projects ? `${shown.length} of ${index.length}` : ""}
        </span>
        <span className="grow" />
        <button className="primary" onClick={() => setCreating(true)}>
          New project
        </button>
        <button onClick={() => void reload()}>Refresh</button>
      </div>
      {creating && (
        <form
          className="row card"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <input className="grow" aria-label="New project title" autoFocus value={newTitle} onChange={(e) => setNewTitle(e.target.value)} placeholder="Title" />
          <button type="submit" className="primary">
            Create
          </button>
          <button type="button" onClick={() => setCreating(false)}>
            Cancel
          </button>
        </form>
      )}
      <div className="row">
        <input className="grow" type="search" aria-label="Filter projects" placeholder="Filter by title or description" value={q} onChange={(e) => setQ(e.target.value)} />
        <label>
          Sort
          <select aria-label="Sort projects" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="last_edited">last edited</option>
            <option value="title">title</option>
          </select>
        </label>
        <label>
          <input type="checkbox" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} /> deleted
        </label>
      </div>
      {notice && (
        <div className="banner warn" role="status">
          {notice}{" "}
          <button onClick={() => setNotice(null)} aria-label="Dismiss">
            OK
          </button>
        </div>
      )}
      {load.busy && <Busy label="Loading projects…" />}
      <ErrorNote error={load.error} onRetry={() => void reload()} />
      <div className="projects">
        <div className="list" ref={scroller} role="listbox" aria-label="Projects" tabIndex={0}>
          <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {virtual.getVirtualItems().map((v) => {
              const p = shown[v.index]!;
              return (
                <div
                  key={p.project_id}
                  className="item"
                  role="option"
                  aria-selected={selected?.project_id === p.project_id}
                  style={{ top: v.start, height: ROW }}
                  onClick={() => onSelect(p)}
                  onDoubleClick={() => onOpen(p)}
                  onKeyDown={(e) => e.key === "Enter" && onOpen(p)}
                  tabIndex={-1}
                >
                  <span className="t">{p.title || "(untitled)"}</span>
                  {p.key_denied && (
                    <span className="exit bad" title={`This API key lacks '${p.key_denied}' for this project`}>
                      no access for this key
                    </span>
                  )}
                  <StateBadge state={p.state} />
                  {caps.projectDates && (
                    <span className="d" title={exactTime(p.last_edited)}>
                      {relativeTime(p.last_edited)}
                    </span>
                  )}
                  <RowAction p={p} act={act} />
                </div>
              );
            })}
          </div>
          {projects && shown.length === 0 && <p className="muted" style={{ padding: 10 }}>{projects.length === 0 ? "No projects yet. Make one with New project above." : "No project matches. Clear the filter to see them all."}</p>}
        </div>
        {selected ? <Details key={selected.project_id} summary={selected} caps={caps} onOpen={onOpen} onChanged={reload} act={act} /> : <p className="muted">Select a project to see its details; double-click or Enter opens its files.</p>}
      </div>
    </>
  );
}

function EditableText({ label, value, multiline, onSave }: { label: string; value: string; multiline?: boolean; onSave: (v: string) => Promise<boolean> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  if (!editing) {
    return (
      <button className="editable" aria-label={`Edit ${label.toLowerCase()}`} onClick={() => setEditing(true)} style={{ textAlign: "left", width: "100%", background: "none", whiteSpace: "pre-wrap" }}>
        {value || <span className="muted">(no {label.toLowerCase()}; click to add)</span>}
      </button>
    );
  }
  const save = async () => {
    if (await onSave(draft)) setEditing(false);
  };
  const keys = (e: React.KeyboardEvent) => {
    if (e.key === "Escape") {
      setDraft(value);
      setEditing(false);
    } else if (e.key === "Enter" && (!multiline || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void save();
    }
  };
  return (
    <div className="row">
      {multiline ? (
        <textarea className="grow" aria-label={label} rows={3} autoFocus value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={keys} />
      ) : (
        <input className="grow" aria-label={label} autoFocus value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={keys} />
      )}
      <button className="primary" onClick={() => void save()}>
        Save
      </button>
      <button
        onClick={() => {
          setDraft(value);
          setEditing(false);
        }}
      >
        Cancel
      </button>
    </div>
  );
}

function Details({
  summary,
  caps,
  onOpen,
  onChanged,
  act,
}: {
  summary: ProjectSummary;
  caps: Capabilities;
  onOpen: (p: ProjectSummary, view?: ViewName) => void;
  onChanged: () => Promise<void>;
  act: (p: ProjectSummary, action: "start" | "stop" | "restart") => Promise<void>;
}) {
  const { api, epoch } = useApp();
  const call = useCall();
  const [d, setD] = useState<ProjectDetails | null>(null);
  const [ups, setUps] = useState<Upgrades | null>(null);
  const load = useCallback(async () => {
    const r = await call.run(() => api.projects.get({ project_id: summary.project_id }));
    if (r) setD(r);
    if (caps.upgrades) {
      try {
        setUps(await api.upgrades.available({}));
      } catch {
        setUps(null); // "not available" on servers without billing
      }
    }
  }, [api, call.run, summary.project_id, caps.upgrades]);
  useEffect(() => {
    void load();
  }, [load, epoch]);
  const update = async (fields: { title?: string; description?: string }) => {
    const ok = await call.run(() => api.projects.update({ project_id: summary.project_id, ...fields }));
    if (!ok) return false;
    await load();
    await onChanged();
    return true;
  };
  // the state the list holds is the one the server last confirmed (after Start or Stop too)
  const p = { ...(d ?? { ...summary, users: {}, created: null }), state: summary.state ?? d?.state ?? null };
  const [acting, setActing] = useState<string | null>(null);
  const doAct = async (action: "start" | "stop" | "restart") => {
    setActing(action === "stop" ? "Stopping…" : action === "start" ? "Starting…" : "Restarting…");
    await act(p, action).finally(() => setActing(null));
  };
  return (
    <Section
      title="Project"
      actions={
        <div className="row">
          <button className="primary" onClick={() => onOpen({ ...summary, title: p.title }, "files")}>
            Files
          </button>
          <button onClick={() => onOpen({ ...summary, title: p.title }, "console")}>Console</button>
          <button onClick={() => onOpen({ ...summary, title: p.title }, "copy")}>Copy</button>
        </div>
      }
    >
      <div style={{ display: "grid", gap: 10 }}>
        {p.key_denied && (
          <div className="banner warn" role="status" aria-label="Key access">
            <div>This API key cannot reach this project (it lacks &apos;{p.key_denied}&apos; for it).</div>
            <div className="hint">Add the project and the capability to the key where it was made: Settings → SSH &amp; API keys on the server.</div>
          </div>
        )}
        <div>
          <div className="muted">Title</div>
          <EditableText label="Title" value={p.title} onSave={(title) => update({ title })} />
        </div>
        <div>
          <div className="muted">Description</div>
          <EditableText label="Description" multiline value={p.description} onSave={(description) => update({ description })} />
        </div>
        <div className="row muted">
          <StateBadge state={p.state} />
          {caps.projectDates && <span title={exactTime(p.last_edited)}>Last edited {relativeTime(p.last_edited)}</span>}
        </div>
        <div className="row">
          <button disabled={acting !== null} onClick={() => void doAct("start")}>Start</button>
          <button disabled={acting !== null} onClick={() => void doAct("stop")}>Stop</button>
          <button disabled={acting !== null} onClick={() => void doAct("restart")}>Restart</button>
          {acting && <Busy label={acting} />}
        </div>
        <div>
          <div className="muted">Collaborators</div>
          <table aria-label="Collaborators">
            <tbody>
              {Object.entries(p.users).map(([id, u]) => (
                <tr key={id}>
                  <td title={id}>{u.name || "An account without a public name"}</td>
                  <td className="muted">{u.group ?? ""}</td>
                  <td className="muted">{u.upgrades && Object.keys(u.upgrades).length ? `upgrades: ${formatUpgrades(u.upgrades)}` : "no upgrades"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <div className="muted">Your available upgrades</div>
          {!caps.upgrades ? (
            <p className="muted">This server has no upgrades (licenses replaced them on current CoCalc and cocalc.ai).</p>
          ) : ups ? (
            <p aria-label="Available upgrades">{formatUpgrades(ups.available)}</p>
          ) : (
            <p className="muted">This server does not offer upgrades.</p>
          )}
        </div>
      </div>
        <DeleteProject p={p} caps={caps} onChanged={onChanged} />
        <details>
          <summary className="muted">Technical details</summary>
          <div className="muted mono" aria-label="Project id">
            {p.project_id}
          </div>
        </details>
      {call.busy && <Busy label="Working…" />}
      <ErrorNote error={call.error} />
    </Section>
  );
}

/** Delete with the app's own confirmation and an Undo; where the server has no delete for keys, say where to do it. */
function DeleteProject({ p, caps, onChanged }: { p: ProjectSummary; caps: Capabilities; onChanged: () => Promise<void> }) {
  const { api } = useApp();
  const call = useCall();
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState(false);
  const name = p.title || "(untitled)";
  if (!caps.projectDelete) {
    return <p className="muted">This server does not let API keys delete projects (cocalc.ai has no delete for keys): delete it in the browser, in the project&apos;s settings.</p>;
  }
  const set = async (deleted: boolean) => {
    if ((await call.run(() => api.projects.delete({ project_id: p.project_id, deleted }))) === undefined) return;
    setConfirming(false);
    setDone(deleted);
    await onChanged();
  };
  return (
    <div>
      {done || p.deleted ? (
        <div className="banner warn" role="status">
          “{name}” is deleted: it is hidden from the list (tick “deleted” to see it) and its files are kept.{" "}
          <button onClick={() => void set(false)}>Undo</button>
        </div>
      ) : confirming ? (
        <div className="row card" role="group" aria-label="Confirm delete">
          <span className="grow">Delete “{name}”? It leaves your project list; its files are kept and it can be restored.</span>
          <button className="danger" onClick={() => void set(true)}>
            Delete
          </button>
          <button onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      ) : (
        <button className="danger" onClick={() => setConfirming(true)}>
          Delete project…
        </button>
      )}
      <ErrorNote error={call.error} />
    </div>
  );
}
