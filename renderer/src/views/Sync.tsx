/**
 * Folder sync: the pairs (a folder on this computer kept in step with a
 * project folder) with their live state, adding one, pause/resume, sync now,
 * removing one (files are never deleted), the conflicts side by side with
 * keep mine / take theirs / keep both, and each pair's activity log. The
 * state arrives as `sync.status` events from the engine.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ConflictVersion, Profile, ProjectSummary } from "../../../shared/ipc/contract.js";
import { MergeConflict } from "./LazyMergeConflict.js";
import type { ActivityEntry, ConflictChoice, PairConfig, PairStatus, SyncConflict, SyncPolicy } from "../../../shared/sync.js";
import { formatBytes, plural } from "../format.js";
import { Busy, ErrorNote, formatWhen, Section, useApp, useCall } from "../lib.js";
import { LocalPathField } from "../LocalPathField.js";
import { pairStateLine } from "../sync-state.js";
import { ChooseFolders } from "./SyncFolders.js";
import { PairVersions } from "./SyncVersions.js";

type Pair = { config: PairConfig; status: PairStatus };
/** A pair (and a conflict in it) to open, as a notification's click asks; `n` tells one click from the next. */
export type SyncOpen = { pair_id: string; conflict_path: string | null; n: number };

const POLICIES: { value: SyncPolicy; label: string }[] = [
  { value: "keep-both", label: "Keep both versions (a conflict copy) — safest" },
  { value: "newer", label: "The newer version wins" },
  { value: "local", label: "This computer wins" },
  { value: "remote", label: "The server wins" },
];

const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;
const pairName = (c: PairConfig) => c.name ?? baseName(c.local_path);

export function Sync({ profiles, activeId, open }: { profiles: Profile[]; activeId: string | null; open?: SyncOpen | null }) {
  const { api, epoch } = useApp();
  const list = useCall();
  const act = useCall();
  const [pairs, setPairs] = useState<Pair[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [choosing, setChoosing] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [projects, setProjects] = useState<ProjectSummary[]>([]);

  useEffect(() => {
    if (open) setSelected(open.pair_id);
  }, [open]);

  const refresh = useCallback(async () => {
    const r = await list.run(() => api.sync.list({}));
    if (r) setPairs(r.pairs);
  }, [api, list.run]);

  useEffect(() => {
    void refresh();
  }, [refresh, epoch]);

  // Live state from the engine.
  useEffect(
    () =>
      api.on("sync.status", (payload) => {
        const s = payload as PairStatus;
        setPairs((cur) => cur?.map((p) => (p.config.id === s.id ? { ...p, status: s } : p)) ?? cur);
      }),
    [api],
  );

  // Project titles of the active server, for the form and the list.
  useEffect(() => {
    if (!activeId) return;
    void api.projects.list({}).then(
      (r) => setProjects(r.projects.filter((p) => !p.deleted)),
      () => undefined,
    );
  }, [api, activeId, epoch]);
  const titles = useMemo(() => new Map(projects.map((p) => [p.project_id, p.title || "(untitled)"])), [projects]);
  const serverName = (id: string) => profiles.find((p) => p.id === id)?.name ?? `(server '${id}' is gone)`;

  const doAct = async (fn: () => Promise<unknown>) => {
    if ((await act.run(fn)) !== undefined) await refresh();
  };

  const current = pairs?.find((p) => p.config.id === selected) ?? null;

  return (
    <>
      <div className="row">
        <h1 style={{ margin: 0, fontSize: 20 }}>Sync</h1>
        <span className="muted">A folder on this computer kept in step with a project folder.</span>
        <span className="grow" />
        <button className="primary" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
          Add a pair
        </button>
        <button onClick={() => void refresh()}>Refresh</button>
      </div>
      {adding && (
        <AddPair
          profiles={profiles}
          activeId={activeId}
          projects={projects}
          onAdded={async (c) => {
            setAdding(false);
            setSelected(c.id);
            await refresh();
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      {list.busy && !pairs && <Busy label="Loading the pairs…" />}
      <ErrorNote error={list.error} onRetry={() => void refresh()} />
      <ErrorNote error={act.error} />
      {pairs && pairs.length === 0 && !adding && <p className="muted">No folder is kept in sync yet. Choose "Add a pair" to start.</p>}
      <ul className="pairs" aria-label="Sync pairs">
        {pairs?.map(({ config: c, status: s }) => {
          const line = pairStateLine(s);
          const p = s.progress;
          // the status (pushed at once) rather than the config (read again after the call returns)
          const paused = s.state === "paused";
          return (
            <li key={c.id} className="card pair" aria-label={`Pair ${pairName(c)}`} aria-current={selected === c.id ? "true" : undefined}>
              <div className="row">
                <strong>{pairName(c)}</strong>
                <span className={`badge ${line.tone}`} aria-label="State">
                  {line.label}
                </span>
                <span className="grow" />
                <button onClick={() => void doAct(() => api.sync.now({ id: c.id }))} disabled={paused || s.state === "syncing"}>
                  Sync now
                </button>
                {paused ? (
                  <button onClick={() => void doAct(() => api.sync.resume({ id: c.id }))}>Resume</button>
                ) : (
                  <button onClick={() => void doAct(() => api.sync.pause({ id: c.id }))}>Pause</button>
                )}
                <button onClick={() => setChoosing(choosing === c.id ? null : c.id)} aria-expanded={choosing === c.id}>
                  {c.skip_folders.length ? `Choose folders (${c.skip_folders.length} not synced)` : "Choose folders"}
                </button>
                <button onClick={() => setSelected(selected === c.id ? null : c.id)} aria-expanded={selected === c.id}>
                  {s.conflicts.length ? `Conflicts (${s.conflicts.length}), versions and activity` : "Versions and activity"}
                </button>
                <button className="danger" onClick={() => setRemoving(c.id)}>
                  Remove…
                </button>
              </div>
              <div className="mono muted pair-paths">
                {c.local_path} ⇄ {serverName(c.profile_id)} · {titles.get(c.project_id) ?? c.project_id} · ~/{c.remote_path}
              </div>
              <div className={`state-text ${line.tone}`} role="status" aria-label="Sync state">
                {line.text}
              </div>
              {line.hint && <div className="hint">{line.hint}</div>}
              {s.state === "syncing" && p && (
                <progress aria-label="Sync progress" max={Math.max(p.bytes_total, 1)} value={p.bytes_done}>
                  {p.bytes_done}
                </progress>
              )}
              {s.not_synced.length > 0 && (
                <details>
                  <summary>{plural(s.not_synced.length, "file")} not synced</summary>
                  <ul>
                    {s.not_synced.slice(0, 200).map((n) => (
                      <li key={n.path}>
                        <span className="mono">{n.path}</span>: {n.reason}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              {chosen && choosing !== c.id && selected === c.id && (
                <div className="banner ok" role="status">
                  {chosen}
                </div>
              )}
              {choosing === c.id && (
                <ChooseFolders
                  id={c.id}
                  title={pairName(c)}
                  saved={c.skip_folders}
                  onSaved={(note) => {
                    setChoosing(null);
                    setChosen(note);
                    setSelected(c.id);
                    void refresh();
                  }}
                />
              )}
              {removing === c.id && (
                <div className="banner warn" role="alertdialog" aria-label="Remove the pair">
                  <div>
                    Stop syncing <strong>{pairName(c)}</strong>? This never deletes a file: the folder on this computer and the project folder stay exactly as they are. Only the
                    pair and its sync history are forgotten.
                  </div>
                  <div className="row" style={{ marginTop: 6 }}>
                    <button
                      className="danger"
                      onClick={() => {
                        setRemoving(null);
                        if (selected === c.id) setSelected(null);
                        void doAct(() => api.sync.remove({ id: c.id }));
                      }}
                    >
                      Remove the pair (keep all files)
                    </button>
                    <button onClick={() => setRemoving(null)}>Cancel</button>
                  </div>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {current && <PairDetails key={current.config.id} pair={current} open={open?.pair_id === current.config.id ? open : null} />}
    </>
  );
}

function AddPair({
  profiles,
  activeId,
  projects,
  onAdded,
  onCancel,
}: {
  profiles: Profile[];
  activeId: string | null;
  projects: ProjectSummary[];
  onAdded: (c: PairConfig) => Promise<void>;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const call = useCall();
  const [local, setLocal] = useState("");
  const [profileId, setProfileId] = useState(activeId ?? profiles[0]?.id ?? "");
  const [projectId, setProjectId] = useState("");
  const [remote, setRemote] = useState("");
  const [ignore, setIgnore] = useState("");
  const [policy, setPolicy] = useState<SyncPolicy>("keep-both");
  const [name, setName] = useState("");
  const fromList = profileId === activeId && projects.length > 0;

  const submit = async () => {
    const c = await call.run(() =>
      api.sync.add({
        local_path: local.trim(),
        profile_id: profileId,
        project_id: projectId.trim(),
        remote_path: remote.trim().replace(/^~\/?/, ""),
        ignore: ignore
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l !== ""),
        policy,
        ...(name.trim() ? { name: name.trim() } : {}),
      }),
    );
    if (c) await onAdded(c);
  };

  return (
    <form
      className="card form-grid"
      aria-label="Add a sync pair"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <span>Folder on this computer</span>
      <LocalPathField label="Local folder" value={local} onChange={setLocal} title="Choose the folder to keep in sync" />
      <label htmlFor="pair-server">Server</label>
      <select id="pair-server" aria-label="Server" value={profileId} onChange={(e) => setProfileId(e.target.value)}>
        {profiles.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.url})
          </option>
        ))}
      </select>
      <label htmlFor="pair-project">Project</label>
      {fromList ? (
        <select id="pair-project" aria-label="Project" value={projectId} onChange={(e) => setProjectId(e.target.value)}>
          <option value="">Choose a project…</option>
          {projects.map((p) => (
            <option key={p.project_id} value={p.project_id}>
              {p.title || "(untitled)"}
            </option>
          ))}
        </select>
      ) : (
        <input id="pair-project" aria-label="Project" className="mono" placeholder="project id (open the server's project list to copy it)" value={projectId} onChange={(e) => setProjectId(e.target.value)} />
      )}
      <label htmlFor="pair-remote">Folder in the project</label>
      <input id="pair-remote" aria-label="Remote folder" className="mono" placeholder="(the project's home folder)" value={remote} onChange={(e) => setRemote(e.target.value)} />
      <label htmlFor="pair-ignore">Also ignore</label>
      <div style={{ display: "grid", gap: 2 }}>
        <textarea id="pair-ignore" aria-label="Ignore rules" className="mono" rows={3} placeholder={"*.log\nbuild/"} value={ignore} onChange={(e) => setIgnore(e.target.value)} />
        <span className="muted">One rule per line, as in .gitignore. Always ignored: .git/, node_modules/, editor swap and lock files, .DS_Store.</span>
      </div>
      <label htmlFor="pair-policy">When both sides change a file</label>
      <select id="pair-policy" aria-label="Conflict policy" value={policy} onChange={(e) => setPolicy(e.target.value as SyncPolicy)}>
        {POLICIES.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </select>
      <label htmlFor="pair-name">Name (optional)</label>
      <input id="pair-name" aria-label="Pair name" placeholder="thesis" value={name} onChange={(e) => setName(e.target.value)} />
      <span />
      <div className="row">
        <button type="submit" className="primary" disabled={!local.trim() || !profileId || !projectId.trim()}>
          Add and sync
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {call.busy && <Busy label="Adding…" />}
      </div>
      {call.error && (
        <div style={{ gridColumn: "1 / 3" }}>
          <ErrorNote error={call.error} />
        </div>
      )}
    </form>
  );
}

function PairDetails({ pair, open: request }: { pair: Pair; open: SyncOpen | null }) {
  const { api } = useApp();
  const log = useCall();
  const [entries, setEntries] = useState<ActivityEntry[]>([]);
  const [open, setOpen] = useState<string | null>(request?.conflict_path ?? pair.status.conflicts[0]?.path ?? null);
  const id = pair.config.id;

  // a notification's click names the conflict to show
  useEffect(() => {
    if (request?.conflict_path) setOpen(request.conflict_path);
  }, [request]);
  const stamp = `${pair.status.state}:${pair.status.last_sync}:${pair.status.conflicts.length}`;

  // The log is read again whenever the pair's state moves on.
  useEffect(() => {
    void log.run(() => api.sync.activity({ id })).then((r) => r && setEntries(r.entries));
  }, [api, id, stamp, log.run]);

  const conflicts = pair.status.conflicts;
  const shown = conflicts.find((c) => c.path === open) ?? conflicts[0] ?? null;
  return (
    <>
      {conflicts.length > 0 && (
        <Section title={`Conflicts in ${pairName(pair.config)}`}>
          <div className="row" role="tablist" aria-label="Files in conflict">
            {conflicts.map((c) => (
              <button key={c.path} role="tab" aria-selected={c.path === shown?.path} onClick={() => setOpen(c.path)} className="mono">
                {c.path}
              </button>
            ))}
          </div>
          {shown && <ConflictView key={shown.path} pairId={id} conflict={shown} />}
        </Section>
      )}
      <PairVersions id={id} title={pairName(pair.config)} stamp={stamp} days={pair.config.versions_days} />
      <Section title={`Activity of ${pairName(pair.config)}`}>
        <ErrorNote error={log.error} />
        {entries.length === 0 ? (
          <p className="muted">Nothing yet. Each sync of this pair is logged here; choose Sync now to run one.</p>
        ) : (
          <table aria-label="Activity log">
            <tbody>
              {[...entries].reverse().slice(0, 500).map((e, i) => (
                <tr key={i} className={`level-${e.level}`}>
                  <td className="muted nowrap" style={{ width: "1%" }}>
                    {formatWhen(e.time)}
                  </td>
                  <td>
                    {e.level === "info" ? "" : <strong>{e.level === "warn" ? "Warning: " : "Error: "}</strong>}
                    {e.text}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}

const KIND_TEXT: Record<SyncConflict["kind"], string> = {
  "both-edited": "was changed on both sides",
  "both-created": "was created on both sides with different content",
  "delete-vs-edit": "was deleted on one side and changed on the other",
  "type-change": "is a file on one side and a folder on the other",
};

function VersionPane({ title, v, label }: { title: string; v: ConflictVersion; label: string }) {
  return (
    <div>
      <h3>{title}</h3>
      {!v.exists ? (
        <pre aria-label={label}>(deleted on this side)</pre>
      ) : v.text !== null ? (
        <pre aria-label={label}>{v.text}</pre>
      ) : (
        <dl aria-label={label} className="facts">
          <dt>size</dt>
          <dd>{formatBytes(v.size)}</dd>
          <dt>sha256</dt>
          <dd className="mono">{v.sha256}</dd>
        </dl>
      )}
    </div>
  );
}

function ConflictView({ pairId, conflict }: { pairId: string; conflict: SyncConflict }) {
  const { api } = useApp();
  const load = useCall();
  const resolve = useCall();
  const [versions, setVersions] = useState<{ mine: ConflictVersion; theirs: ConflictVersion } | null>(null);

  useEffect(() => {
    void load.run(() => api.sync.conflict({ id: pairId, path: conflict.path })).then((r) => r && setVersions(r));
  }, [api, pairId, conflict.path, load.run]);

  const choose = (choice: ConflictChoice) => void resolve.run(() => api.sync.resolve({ id: pairId, path: conflict.path, choice }));
  const binary = versions && versions.mine.text === null && versions.theirs.text === null;
  // both there and both text: a diff with a choice per change
  const mergeable = versions && versions.mine.exists && versions.theirs.exists && versions.mine.text !== null && versions.theirs.text !== null ? versions : null;
  const [merged, setMerged] = useState<string | null>(null);
  const saveMerged = () => {
    if (!mergeable || merged === null) return;
    void resolve.run(() => api.sync.resolve({ id: pairId, path: conflict.path, choice: "merged", text: merged, mine_sha256: mergeable.mine.sha256!, theirs_sha256: mergeable.theirs.sha256! }));
  };
  return (
    <div aria-label={`Conflict on ${conflict.path}`} role="region">
      <p>
        <strong className="mono">{conflict.path}</strong> {KIND_TEXT[conflict.kind]}. Nothing is lost: {conflict.kept === "local" ? "the server's" : "this computer's"} version is kept as{" "}
        <span className="mono">{conflict.conflict_path}</span> on both sides until you choose.
      </p>
      <ErrorNote error={load.error} />
      {load.busy && <Busy label="Reading both versions…" />}
      {mergeable ? (
        <MergeConflict mine={mergeable.mine.text!} theirs={mergeable.theirs.text!} mineLabel="My version" theirsLabel="Their version" onResult={setMerged} />
      ) : (
        versions && (
          <>
            {binary && <p className="muted">These are not both text files, so their sizes and hashes are shown instead of their content.</p>}
            <div className="conflict">
              <VersionPane title="On this computer (mine)" v={versions.mine} label="My version" />
              <VersionPane title="On the server (theirs)" v={versions.theirs} label="Their version" />
            </div>
          </>
        )
      )}
      <div className="row" style={{ marginTop: 8 }}>
        {mergeable && (
          <button className="primary" onClick={saveMerged} disabled={resolve.busy || merged === null}>
            Save this result
          </button>
        )}
        <button className={mergeable ? undefined : "primary"} onClick={() => choose("mine")} disabled={resolve.busy}>
          Keep mine
        </button>
        <button onClick={() => choose("theirs")} disabled={resolve.busy}>
          Take theirs
        </button>
        <button onClick={() => choose("both")} disabled={resolve.busy}>
          Keep both
        </button>
        {resolve.busy && <Busy label="Resolving…" />}
      </div>
      <ErrorNote error={resolve.error} />
    </div>
  );
}
