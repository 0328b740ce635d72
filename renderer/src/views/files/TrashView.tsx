/**
 * The project's trash (~/.trash, shared with CoCalc's own explorer): what was
 * deleted, where from and when; restore to where it was, or delete for ever
 * (asked first, in the app's own words — nothing else here cannot be undone).
 */
import { useCallback, useEffect, useState } from "react";
import type { TrashEntry } from "../../../../shared/ipc/contract.js";
import { plural } from "../../format.js";
import { Busy, ErrorNote, useApp, useCall } from "../../lib.js";
import { exactTime, fileKind, relativeTime } from "./entries.js";
import { Icon, Icons, KindIcon } from "../../icons.js";

export function TrashView({ pid, onRestore, onClose, version }: { pid: string; onRestore: (names: string[]) => Promise<boolean>; onClose: () => void; version: number }) {
  const { api } = useApp();
  const c = useCall();
  const [entries, setEntries] = useState<TrashEntry[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<null | "picked" | "all">(null);

  const load = useCallback(async () => {
    const r = await c.run(() => api.fileops.trashList({ project_id: pid }));
    if (r) setEntries(r.entries.sort((a, b) => b.mtime - a.mtime));
    setPicked(new Set());
  }, [api, pid, c.run]);
  useEffect(() => void load(), [load, version]);

  const restore = async () => {
    await onRestore([...picked]);
    await load();
  };
  const erase = async () => {
    const names = confirm === "all" ? undefined : [...picked];
    setConfirm(null);
    if (await c.run(() => api.fileops.emptyTrash({ project_id: pid, names }))) await load();
  };
  const now = Date.now() / 1000;
  return (
    <section className="trash" aria-label="Trash">
      <div className="row">
        <strong>Trash</strong>
        <span className="grow" />
        <button onClick={onClose}>
          <Icon icon={Icons.folderOpen} /> Back to files
        </button>
      </div>
      <div className="row">
        <button disabled={!picked.size} onClick={() => void restore()}>
          <Icon icon={Icons.restore} /> Restore ({picked.size})
        </button>
        <button className="danger" disabled={!picked.size} onClick={() => setConfirm("picked")}>
          Delete for ever ({picked.size})
        </button>
        <button className="danger" disabled={!entries?.length} onClick={() => setConfirm("all")}>
          <Icon icon={Icons.trash} /> Empty trash
        </button>
      </div>
      {confirm && (
        <div className="banner warn" role="alertdialog" aria-label="Delete for ever?">
          <div>
            {confirm === "all" ? `Delete all ${plural(entries?.length ?? 0, "item")} in the trash for ever?` : `Delete ${plural(picked.size, "item")} for ever?`} This cannot be undone.
          </div>
          <div className="row" style={{ marginTop: 6 }}>
            <button className="danger" onClick={() => void erase()}>
              Delete for ever
            </button>
            <button autoFocus onClick={() => setConfirm(null)}>
              Keep them
            </button>
          </div>
        </div>
      )}
      {c.busy && <Busy label="Reading the trash…" />}
      <ErrorNote error={c.error} onRetry={() => void load()} />
      <div role="listbox" aria-label="Items in the trash" aria-multiselectable="true" className="entries">
        {entries?.map((e) => (
          <button
            key={e.name}
            role="option"
            aria-label={e.name}
            aria-selected={picked.has(e.name)}
            className="entry trash-row"
            onClick={() => {
              const next = new Set(picked);
              if (next.has(e.name)) next.delete(e.name);
              else next.add(e.name);
              setPicked(next);
            }}
          >
            <span className="col-name" title={e.origin ? `Deleted from ~/${e.origin}` : "Where it was deleted from is not known: it goes back to the home folder"}>
              <KindIcon kind={fileKind(e)} />
              <span className="name">{e.name}</span>
            </span>
            <span className="col-size muted">{e.origin ? `from ~/${e.origin.includes("/") ? e.origin.slice(0, e.origin.lastIndexOf("/")) : ""}` : ""}</span>
            <span className="col-mtime" title={exactTime(e.mtime)}>
              {relativeTime(e.mtime, now)}
            </span>
          </button>
        ))}
      </div>
      {entries?.length === 0 && <p className="muted empty">The trash is empty. Files and folders you delete come here, and can be restored from here until you empty it.</p>}
    </section>
  );
}
