/**
 * A pair's Versions: every file a sync deleted or replaced, on this computer
 * or in the project, with a filter; Restore puts one back into the local
 * folder (beside it when the path is taken) and the next sync carries it
 * across; any version can be opened or shown in its folder (one kept in the
 * project is downloaded into the pair's versions store first).
 */
import { useEffect, useMemo, useState } from "react";
import { RESOLVED_WHY, type VersionEntry } from "../../../shared/sync.js";
import { formatBytes } from "../format.js";
import { Busy, ErrorNote, formatWhen, Section, useApp, useCall } from "../lib.js";

const SIDE = { here: "This computer", project: "Project" } as const;
const WHY = { deleted: "Deleted", replaced: "Replaced" } as const;

/** why a version was kept, in words: deleted or replaced, and by which conflict resolution */
export function whyText(v: VersionEntry): string {
  return v.resolved ? `${WHY[v.why]} (${RESOLVED_WHY[v.resolved]})` : WHY[v.why];
}

/** the versions a filter shows: the words match the path, the side and the reason */
export function filterVersions(list: readonly VersionEntry[], text: string, side: "all" | VersionEntry["side"]): VersionEntry[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return list.filter((v) => (side === "all" || v.side === side) && words.every((w) => `${v.path} ${whyText(v)}`.toLowerCase().includes(w)));
}

export function PairVersions({ id, title, stamp, days }: { id: string; title: string; stamp: string; days: number }) {
  const { api } = useApp();
  const load = useCall();
  const act = useCall();
  const [list, setList] = useState<VersionEntry[] | null>(null);
  const [text, setText] = useState("");
  const [side, setSide] = useState<"all" | VersionEntry["side"]>("all");
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    void load.run(() => api.sync.versions({ id })).then((r) => r && setList(r.versions));
  }, [api, id, stamp, load.run]);

  const shown = useMemo(() => filterVersions(list ?? [], text, side), [list, text, side]);
  const restore = async (v: VersionEntry) => {
    const r = await act.run(() => api.sync.restoreVersion({ id, version_id: v.id }));
    if (r) setDone(r.path === v.path ? `Restored ${v.path}. The next sync puts it back on the server too.` : `${v.path} is taken, so the version was restored beside it as ${r.path}. The next sync carries it across.`);
  };
  const reveal = (v: VersionEntry, how: "open" | "folder") => void act.run(() => api.sync.revealVersion({ id, version_id: v.id, how }));

  return (
    <Section title={`Versions of ${title}`}>
      <p className="muted">What a sync deleted or replaced is kept for {days} days, on each side (the oldest are cleaned first when a store is full).</p>
      <div className="row">
        <input type="search" aria-label="Filter versions" placeholder="Filter by path" value={text} onChange={(e) => setText(e.target.value)} />
        <select aria-label="Which side" value={side} onChange={(e) => setSide(e.target.value as typeof side)}>
          <option value="all">Both sides</option>
          <option value="here">{SIDE.here}</option>
          <option value="project">{SIDE.project}</option>
        </select>
      </div>
      {load.busy && !list && <Busy label="Loading the versions…" />}
      <ErrorNote error={load.error} />
      <ErrorNote error={act.error} />
      {done && (
        <div className="banner ok" role="status">
          {done}
        </div>
      )}
      {list && shown.length === 0 && <p className="muted">{list.length ? "No version matches the filter." : "No versions yet: nothing was deleted or replaced by a sync."}</p>}
      {shown.length > 0 && (
        <table aria-label="Versions">
          <thead>
            <tr>
              <th>Path</th>
              <th>When</th>
              <th>Side</th>
              <th>Size</th>
              <th>Why</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, 500).map((v) => (
              <tr key={v.id} aria-label={`Version of ${v.path}`}>
                <td className="mono">{v.path}</td>
                <td className="nowrap">{formatWhen(v.at)}</td>
                <td>{SIDE[v.side]}</td>
                <td className="nowrap">{formatBytes(v.size)}</td>
                <td>{whyText(v)}</td>
                <td className="nowrap">
                  <button onClick={() => void restore(v)} disabled={act.busy}>
                    Restore
                  </button>
                  {/* a version kept in the project is downloaded (checked) into this pair's versions store first */}
                  <button onClick={() => reveal(v, "open")} disabled={act.busy} title={v.side === "project" ? "Downloads a checked copy, then opens it" : undefined}>
                    Open
                  </button>
                  <button onClick={() => reveal(v, "folder")} disabled={act.busy} title={v.side === "project" ? "Downloads a checked copy, then shows it in its folder" : undefined}>
                    Show in folder
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
