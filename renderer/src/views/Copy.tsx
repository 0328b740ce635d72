/**
 * Copy between projects: a source path here, a target project and path, the
 * API's options; the operations with live status (polled with backoff) and
 * delete for scheduled ones, where the server offers them.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Capabilities, CopyStatus } from "../../../shared/domain.js";
import type { ProjectSummary } from "../../../shared/ipc/contract.js";
import { Busy, ErrorNote, formatWhen, Section, useApp, useCall } from "../lib.js";

type Tracked = CopyStatus & { label: string; done_at_start?: boolean };

function state(c: Tracked): { text: string; cls: string } {
  if (c.error) return { text: `failed: ${c.error}`, cls: "bad" };
  if (c.finished || c.done_at_start) return { text: "done", cls: "ok" };
  if (c.started) return { text: "copying…", cls: "" };
  if (c.scheduled) return { text: `scheduled for ${formatWhen(c.scheduled)}`, cls: "" };
  return { text: "queued", cls: "" };
}

export function Copy({ project, projects, caps }: { project: ProjectSummary; projects: ProjectSummary[]; caps: Capabilities }) {
  const { api, epoch } = useApp();
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
      const pending = opsRef.current.filter((o) => !o.finished && !o.error && !o.done_at_start && o.copy_id);
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
    const r = await call.run(() =>
      api.copy.start({
        src_project_id: project.project_id,
        src_path: src,
        target_project_id: target,
        ...(targetPath ? { target_path: targetPath } : {}),
        overwrite_newer: overwrite,
        delete_missing: del,
        backup,
        ...(excludes.length ? { exclude: excludes } : {}),
        ...(scheduled && caps.copySchedule ? { scheduled: new Date(scheduled).toISOString() } : {}),
      }),
    );
    if (!r) return;
    const label = `${src} → ${titles.get(target) ?? "?"}:${targetPath || src}`;
    setOps((cur) => [{ copy_id: r.copy_id ?? `done-${crypto.randomUUID()}`, label, done_at_start: r.copy_id === null, time: new Date().toISOString(), target_path: targetPath || src, scheduled: scheduled || null }, ...cur]);
  }, [api, call.run, project.project_id, src, target, targetPath, overwrite, del, backup, exclude, scheduled, caps.copySchedule, titles]);

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
              <span className="muted">This server runs copies right away (no scheduling).</span>
            )}
            <button type="submit" className="primary" disabled={!src}>
              Copy
            </button>
          </div>
        </form>
        {call.busy && <Busy label="Starting the copy…" />}
        <ErrorNote error={call.error} />
      </Section>
      <Section title="Copy operations">
        {!caps.copyStatusList && <p className="muted">This server cannot list copies; the ones started here are followed until they finish.</p>}
        {ops.length === 0 ? (
          <p className="muted">None yet.</p>
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
                      <span className={`exit ${s.cls}`} aria-label="Copy status">
                        {s.text}
                      </span>
                    </td>
                    <td>{formatWhen(o.started)}</td>
                    <td>{formatWhen(o.finished)}</td>
                    <td>
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
