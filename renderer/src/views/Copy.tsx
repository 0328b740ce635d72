/**
 * Copy between projects: a source path here, a target project and path, the
 * API's options. A copy shows "copying…" until the main process confirmed it
 * (by the server's status, or by checking the target), and its failure in
 * words; scheduled ones (where the server really schedules) are followed with
 * live status, polled with backoff, and can be deleted before they run.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Capabilities, CopyStatus } from "../../../shared/domain.js";
import type { ProjectSummary } from "../../../shared/ipc/contract.js";
import { ErrorNote, formatWhen, Section, toApiError, useApp, useCall } from "../lib.js";

type Tracked = CopyStatus & {
  label: string;
  /** started here and not answered yet: the main process is copying and confirming */
  local?: "copying" | "done";
  /** how it was confirmed, or what the failure means */
  note?: string;
  /** the request id to stop waiting for it with */
  request_id?: string;
  /** the person stopped waiting: what became of it is unknown */
  stoppedWaiting?: boolean;
};

function state(c: Tracked): { text: string; cls: string } {
  if (c.stoppedWaiting) return { text: "stopped waiting (the server may still finish it)", cls: "" };
  if (c.error) return { text: `failed: ${c.error}`, cls: "bad" };
  if (c.local === "copying") return { text: "copying…", cls: "" };
  if (c.finished || c.local === "done") return { text: "done", cls: "ok" };
  if (c.started) return { text: "copying…", cls: "" };
  if (c.scheduled) return { text: `scheduled for ${formatWhen(c.scheduled)}`, cls: "" };
  return { text: "queued", cls: "" };
}

export function Copy({ project, projects, caps: generationCaps }: { project: ProjectSummary; projects: ProjectSummary[]; caps: Capabilities }) {
  const { api, epoch, report } = useApp();
  // What this server really does (a single-user server ignores scheduling): learned once, remembered per server.
  const [learned, setLearned] = useState<Capabilities | null>(null);
  useEffect(() => {
    let live = true;
    api.server.capabilities({ project_id: project.project_id }).then(
      (c) => live && setLearned(c),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, project.project_id, epoch]);
  const caps = learned ?? generationCaps;
  const call = useCall();
  const [src, setSrc] = useState("");
  const [target, setTarget] = useState(project.project_id);
  const [targetPath, setTargetPath] = useState("");
  const [overwrite, setOverwrite] = useState(false);
  const [del, setDel] = useState(false);
  const [backup, setBackup] = useState(false);
  const [exclude, setExclude] = useState("");
  const [scheduled, setScheduled] = useState("");
  const [ops, setOps] = useState<Tracked[]>([]);
  const opsRef = useRef(ops);
  opsRef.current = ops;
  const titles = useMemo(() => new Map(projects.map((p) => [p.project_id, p.title || "(untitled)"])), [projects]);

  // Live status: poll the unfinished ones, slowing down while nothing changes.
  useEffect(() => {
    let delay = 500;
    let timer: ReturnType<typeof setTimeout>;
    let stopped = false;
    const tick = async () => {
      // only copies the server keeps by id (scheduled ones); those started here are answered by copy.start
      const pending = opsRef.current.filter((o) => !o.finished && !o.error && !o.local && o.copy_id);
      let changed = false;
      try {
        if (caps.copyStatusList) {
          const r = await api.copy.list({ src_project_id: project.project_id, pending: false, limit: 100 });
          setOps((cur) => {
            const byId = new Map(cur.map((c) => [c.copy_id, c]));
            for (const c of r.copies) {
              const before = byId.get(c.copy_id);
              if (!before || before.finished !== c.finished || before.started !== c.started || before.error !== c.error) changed = true;
              byId.set(c.copy_id, { ...c, label: before?.label ?? `${c.source_path} → ${titles.get(c.target_project_id ?? "") ?? "?"}:${c.target_path}` });
            }
            return [...byId.values()].sort((a, b) => (b.time ?? "").localeCompare(a.time ?? ""));
          });
        } else {
          for (const p of pending) {
            const s = await api.copy.status({ copy_id: p.copy_id });
            if (s.finished !== p.finished || s.error !== p.error || s.started !== p.started) changed = true;
            setOps((cur) => cur.map((c) => (c.copy_id === p.copy_id ? { ...c, ...s, label: c.label } : c)));
          }
        }
      } catch {
        /* the app-wide banner reports a lost server; keep polling slowly */
      }
      if (stopped) return;
      delay = changed ? 500 : Math.min(delay * 1.5, 5000);
      timer = setTimeout(tick, delay);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, caps.copyStatusList, project.project_id, titles, epoch]);

  const start = useCallback(async () => {
    const excludes = exclude.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
    const when = scheduled && caps.copySchedule ? new Date(scheduled).toISOString() : undefined;
    const label = `${src} → ${titles.get(target) ?? "?"}:${targetPath || src}`;
    const request_id = crypto.randomUUID();
    const localId = `local-${request_id}`;
    const now = new Date().toISOString();
    setOps((cur) => [{ copy_id: localId, request_id, label, local: "copying", time: now, started: now, target_path: targetPath || src, scheduled: when ?? null }, ...cur]);
    const update = (patch: Partial<Tracked>) => setOps((cur) => cur.map((c) => (c.copy_id === localId ? { ...c, ...patch } : c)));
    call.setError(null);
    try {
      const r = await api.copy.start({
        request_id,
        src_project_id: project.project_id,
        src_path: src,
        target_project_id: target,
        ...(targetPath ? { target_path: targetPath } : {}),
        overwrite_newer: overwrite,
        delete_missing: del,
        backup,
        ...(excludes.length ? { exclude: excludes } : {}),
        ...(when ? { scheduled: when } : {}),
      });
      if (r.status === "scheduled" && r.copy_id) update({ copy_id: r.copy_id, local: undefined, started: null });
      else {
        const note =
          r.confirmed_by === "server"
            ? "confirmed by the server"
            : r.confirmed_by === "hash-verified"
              ? `copied by the app, every file checked by its sha256: ${r.files_checked ?? 0} files`
              : `checked in the target: ${r.files_checked ?? 0} items`;
        update({ local: "done", finished: new Date().toISOString(), note });
      }
    } catch (e) {
      const err = toApiError(e);
      if (err.kind === "cancelled") update({ local: undefined, stoppedWaiting: true, note: err.hint });
      else {
        update({ local: undefined, error: err.message, note: err.hint });
        report(err);
      }
    }
  }, [api, report, call, project.project_id, src, target, targetPath, overwrite, del, backup, exclude, scheduled, caps.copySchedule, titles]);

  return (
    <>
      <h1 style={{ margin: 0, fontSize: 20 }}>Copy between projects</h1>
      <Section title="New copy">
        <form
          style={{ display: "grid", gap: 8 }}
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <div className="row">
            <label className="grow">
              From <span className="muted">{project.title || "(untitled)"}:</span>
              <input className="grow" aria-label="Source path" value={src} onChange={(e) => setSrc(e.target.value)} placeholder="folder or file" required />
            </label>
          </div>
          <div className="row">
            <label>
              To project
              <select aria-label="Target project" value={target} onChange={(e) => setTarget(e.target.value)}>
                {projects.filter((p) => !p.deleted).map((p) => (
                  <option key={p.project_id} value={p.project_id}>
                    {p.title || "(untitled)"}
                  </option>
                ))}
              </select>
            </label>
            <label className="grow">
              path <input className="grow" aria-label="Target path" value={targetPath} onChange={(e) => setTargetPath(e.target.value)} placeholder="same as the source" />
            </label>
          </div>
          <div className="row">
            <label>
              <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> overwrite newer files
            </label>
            <label>
              <input type="checkbox" checked={del} onChange={(e) => setDel(e.target.checked)} /> delete files missing from the source
            </label>
            <label>
              <input type="checkbox" checked={backup} onChange={(e) => setBackup(e.target.checked)} /> keep ~ backups
            </label>
          </div>
          <div className="row">
            <label className="grow">
              Exclude <input className="grow" aria-label="Exclude patterns" value={exclude} onChange={(e) => setExclude(e.target.value)} placeholder="*.log, build/" />
            </label>
            {caps.copySchedule ? (
              <label>
                Run at <input aria-label="Scheduled time" type="datetime-local" value={scheduled} onChange={(e) => setScheduled(e.target.value)} />
              </label>
            ) : (
              <span className="muted" aria-label="Scheduling">
                {learned ? "This server runs copies right away (it does not schedule them)." : "Checking whether this server schedules copies…"}
              </span>
            )}
            <button type="submit" className="primary" disabled={!src}>
              Copy
            </button>
          </div>
        </form>
        <ErrorNote error={call.error} />
      </Section>
      <Section title="Copy operations">
        {!caps.copyStatusList && <p className="muted">This server cannot list copies; the ones started here are followed until they finish.</p>}
        {ops.length === 0 ? (
          <p className="muted">None yet. Copies you start above are listed here, with their progress.</p>
        ) : (
          <table aria-label="Copy operations">
            <thead>
              <tr>
                <th>Copy</th>
                <th>Status</th>
                <th>Started</th>
                <th>Finished</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {ops.map((o) => {
                const s = state(o);
                return (
                  <tr key={o.copy_id}>
                    <td className="mono">{o.label}</td>
                    <td>
                      <span className={`exit ${s.cls}`} aria-label="Copy status" title={o.note}>
                        {s.text}
                      </span>
                      {o.note && <div className="muted">{o.note}</div>}
                    </td>
                    <td>{formatWhen(o.started)}</td>
                    <td>{formatWhen(o.finished)}</td>
                    <td>
                      {o.local === "copying" && o.request_id && (
                        <button onClick={() => void api.copy.cancel({ request_id: o.request_id! })}>Stop waiting</button>
                      )}
                      {caps.copyDelete && o.scheduled && !o.started && (
                        <button
                          className="danger"
                          onClick={async () => {
                            if (await call.run(() => api.copy.delete({ copy_id: o.copy_id }))) setOps((cur) => cur.filter((c) => c.copy_id !== o.copy_id));
                          }}
                        >
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}
