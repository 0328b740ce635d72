/**
 * Choosing the file to show from the project's own files, a folder at a time
 * (the Files view's listing), instead of typing its path: folders open on a
 * click, ".." goes up, a file is picked. Hidden entries stay hidden, as in a
 * file manager.
 */
import { useEffect, useState } from "react";
import type { FileEntry } from "../../../shared/domain.js";
import { Busy, ErrorNote, useApp, useCall } from "../lib.js";

const parentOf = (dir: string) => dir.split("/").slice(0, -1).join("/");
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

export function FilePicker({ project_id, start, onPick, onClose }: { project_id: string; start: string; onPick: (path: string) => void; onClose: () => void }) {
  const { api } = useApp();
  const call = useCall();
  const [dir, setDir] = useState(start);
  const [entries, setEntries] = useState<FileEntry[] | null>(null);
  useEffect(() => {
    let live = true;
    setEntries(null);
    void call.run(async () => {
      const r = await api.files.list({ project_id, path: dir });
      if (!live) return;
      // a file given as the start: list its folder
      if (r.type === "file") setDir(parentOf(dir));
      else setEntries(r.entries.filter((e) => !e.name.startsWith(".")).sort((a, b) => Number(b.isdir) - Number(a.isdir) || a.name.localeCompare(b.name)));
    });
    return () => {
      live = false;
    };
  }, [api, project_id, dir]);

  return (
    <div className="card file-picker" role="dialog" aria-label="Choose the file to show" onKeyDown={(e) => e.key === "Escape" && (e.stopPropagation(), onClose())}>
      <div className="row">
        <strong className="grow mono">~/{dir}</strong>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
      {call.busy && <Busy label="Listing…" />}
      <ErrorNote error={call.error} />
      <ul role="listbox" aria-label="Files in the project" className="picker-list">
        {dir !== "" && (
          <li role="option" aria-selected={false}>
            <button type="button" className="link" onClick={() => setDir(parentOf(dir))}>
              .. (up)
            </button>
          </li>
        )}
        {entries?.map((e) => (
          <li key={e.name} role="option" aria-selected={false}>
            <button type="button" className="link" onClick={() => (e.isdir ? setDir(join(dir, e.name)) : onPick(join(dir, e.name)))}>
              {e.isdir ? <strong>{e.name}/</strong> : e.name}
            </button>
          </li>
        ))}
        {entries?.length === 0 && <li className="muted">This folder is empty.</li>}
      </ul>
    </div>
  );
}
