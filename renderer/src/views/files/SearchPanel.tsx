/**
 * Search in the project (Ctrl+Shift+F): names and contents at once, each
 * shown as soon as its answer comes, a page at a time ("More"), a click
 * opening the file at the line. Runs on the server (find, grep) with limits
 * and a time limit; what a search that ran out of time found is still shown.
 */
import { useEffect, useState } from "react";
import type { SearchPage } from "../../../../shared/ipc/contract.js";
import { Busy, ErrorNote, useApp, useCall } from "../../lib.js";
import { fileKind } from "./entries.js";
import { Icon, Icons, KindIcon } from "../../icons.js";

const PAGE = 50;
type Mode = "names" | "contents";

export function SearchPanel({ pid, dir, onOpen, onClose }: { pid: string; dir: string; onOpen: (path: string, line: number | null) => void; onClose: () => void }) {
  const [q, setQ] = useState("");
  const [asked, setAsked] = useState<string | null>(null);
  return (
    <section className="search" aria-label="Search in the project">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (q.trim()) setAsked(q.trim());
        }}
      >
        <input className="grow" autoFocus aria-label="Search for" placeholder="A name or a text, then Enter" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="submit" className="primary" aria-label="Search" title="Search">
          <Icon icon={Icons.search} />
        </button>
        <button type="button" onClick={onClose} aria-label="Close search" title="Close search (back to the files)">
          <Icon icon={Icons.close} />
        </button>
      </form>
      <p className="muted small">In ~/{dir}, its folders included (not the trash, .git or node_modules).</p>
      {asked ? (
        <>
          <Results key={`n:${asked}`} pid={pid} dir={dir} query={asked} mode="names" onOpen={onOpen} />
          <Results key={`c:${asked}`} pid={pid} dir={dir} query={asked} mode="contents" onOpen={onOpen} />
        </>
      ) : (
        <p className="muted empty">Type part of a file name or a text in the files, and press Enter. Click a result to open it, at its line.</p>
      )}
    </section>
  );
}

function Results({ pid, dir, query, mode, onOpen }: { pid: string; dir: string; query: string; mode: Mode; onOpen: (path: string, line: number | null) => void }) {
  const { api } = useApp();
  const c = useCall();
  const [pages, setPages] = useState<SearchPage[]>([]);
  const more = async () => {
    const offset = pages.reduce((n, p) => n + p.hits.length, 0);
    const r = await c.run(() => api.fileops.search({ project_id: pid, dir, query, mode, offset, limit: PAGE }));
    if (r) setPages((ps) => [...ps, r]);
  };
  // the first page as soon as the panel shows this query (a new query is a new panel, by its key)
  useEffect(() => void more(), []);
  const hits = pages.flatMap((p) => p.hits);
  const last = pages.at(-1);
  const title = mode === "names" ? "Names" : "Lines";
  return (
    <div className="results">
      <h3>
        {title} {last && <span className="muted">({hits.length}{last.more ? "+" : ""})</span>}
      </h3>
      <div role="listbox" aria-label={`${title} matching`}>
        {hits.map((h, i) => (
          <button key={i} role="option" aria-selected={false} className="entry hit" onClick={() => onOpen(h.path, h.line)} aria-label={h.line ? `${h.path}:${h.line}` : h.path}>
            <KindIcon kind={fileKind({ name: h.path, isdir: false })} />
            <span className="name">{h.line ? `${h.path}:${h.line}` : h.path}</span>
            {h.text !== null && <span className="muted line-text">{h.text}</span>}
          </button>
        ))}
      </div>
      {c.busy && <Busy label={mode === "names" ? "Searching names…" : "Searching the files' text…"} />}
      <ErrorNote error={c.error} />
      {last && hits.length === 0 && <p className="muted">No {mode === "names" ? "name" : "line"} contains “{query}”.</p>}
      {last?.timed_out && <p className="muted">The search stopped after 20 seconds; there may be more. Search a smaller folder to see all.</p>}
      {last?.more && (
        <button onClick={() => void more()} disabled={c.busy}>
          More {mode === "names" ? "names" : "lines"}
        </button>
      )}
    </div>
  );
}
