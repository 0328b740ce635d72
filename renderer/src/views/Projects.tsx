/** Projects: all of the account's, filtered and sorted instantly (a virtual list), with details edited in place. */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Capabilities, Upgrades } from "../../../shared/domain.js";
import type { ProjectDetails, ProjectSummary } from "../../../shared/ipc/contract.js";
import { Busy, ErrorNote, formatWhen, Section, useApp, useCall } from "../lib.js";
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

export function Projects({
  caps,
  projects,
  setProjects,
  selected,
  onSelect,
  onOpen,
}: {
  caps: Capabilities;
  projects: ProjectSummary[] | null;
  setProjects: (p: ProjectSummary[]) => void;
  selected: ProjectSummary | null;
  onSelect: (p: ProjectSummary) => void;
  onOpen: (p: ProjectSummary, view?: ViewName) => void;
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
                  <span className="d">{caps.projectDates ? formatWhen(p.last_edited) : (p.state ?? "")}</span>
                </div>
              );
            })}
          </div>
          {projects && shown.length === 0 && <p className="muted" style={{ padding: 10 }}>{projects.length === 0 ? "No projects yet. Make one with New project above." : "No project matches. Clear the filter to see them all."}</p>}
        </div>
        {selected ? <Details key={selected.project_id} summary={selected} caps={caps} onOpen={onOpen} onChanged={reload} /> : <p className="muted">Select a project to see its details; double-click or Enter opens its files.</p>}
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

function Details({ summary, caps, onOpen, onChanged }: { summary: ProjectSummary; caps: Capabilities; onOpen: (p: ProjectSummary, view?: ViewName) => void; onChanged: () => Promise<void> }) {
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
  const p = d ?? { ...summary, users: {}, created: null };
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
          {caps.projectDates && <span>Last edited {formatWhen(p.last_edited)}</span>}
          {p.state && <span>{caps.projectDates ? "· " : ""}{p.state}</span>}
        </div>
        <div className="muted mono" aria-label="Project id">
          {p.project_id}
        </div>
        <div className="row">
          <button onClick={() => void call.run(() => api.projects.action({ project_id: p.project_id, action: "start" }))}>Start</button>
          <button onClick={() => void call.run(() => api.projects.action({ project_id: p.project_id, action: "stop" }))}>Stop</button>
          <button onClick={() => void call.run(() => api.projects.action({ project_id: p.project_id, action: "restart" }))}>Restart</button>
        </div>
        <div>
          <div className="muted">Collaborators</div>
          <table aria-label="Collaborators">
            <tbody>
              {Object.entries(p.users).map(([id, u]) => (
                <tr key={id}>
                  <td className="mono">{id}</td>
                  <td>{[u.name, u.group].filter(Boolean).join(" · ")}</td>
                  <td className="muted">{u.upgrades && Object.keys(u.upgrades).length ? Object.entries(u.upgrades).map(([k, n]) => `${k} ${n}`).join(", ") : "no upgrades"}</td>
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
            <p className="mono" aria-label="Available upgrades">
              {Object.entries(ups.available).map(([k, n]) => `${k} ${n}`).join(" · ") || "none"}
            </p>
          ) : (
            <p className="muted">This server does not offer upgrades.</p>
          )}
        </div>
      </div>
      {call.busy && <Busy label="Working…" />}
      <ErrorNote error={call.error} />
    </Section>
  );
}
