/**
 * A folder's entries as a sortable list with columns (name with a type icon,
 * size, modified), several selected with Ctrl/Shift-click, renamed in place
 * (F2), deleted with Delete, and dragged onto a folder to move them there.
 * A plain click opens a file or a folder, as before.
 */
import { useState, type DragEvent, type KeyboardEvent } from "react";
import type { FileEntry } from "../../../../shared/ipc/contract.js";
import { formatBytes } from "../../format.js";
import { exactTime, fileKind, relativeTime, type SortKey, type SortOrder } from "./entries.js";
import { Icon, Icons, KindIcon } from "../../icons.js";

/** What a drag of entries inside the app carries (files dragged in from the desktop carry "Files"). */
export const DRAG_TYPE = "application/x-cocalc-paths";

export interface EntryListProps {
  /** the folder the entries were listed from */
  dir: string;
  entries: FileEntry[];
  sort: SortOrder;
  onSort: (o: SortOrder) => void;
  selected: Set<string>;
  onSelect: (s: Set<string>) => void;
  /** a path open in the editor, shown selected */
  active: string | null;
  onOpen: (e: FileEntry, path: string) => void;
  onUp: (() => void) | null;
  renaming: string | null;
  onRenameStart: (path: string) => void;
  onRename: (path: string, name: string) => void;
  onRenameCancel: () => void;
  onDelete: (paths: string[]) => void;
  onDropInto: (paths: string[], dir: string) => void;
  now: number;
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const COLUMNS: { key: SortKey; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "size", label: "Size" },
  { key: "mtime", label: "Modified" },
];

export function EntryList(p: EntryListProps) {
  const [anchor, setAnchor] = useState<string | null>(null);
  const [dropOn, setDropOn] = useState<string | null>(null);
  const paths = p.entries.map((e) => join(p.dir, e.name));

  const click = (ev: React.MouseEvent, e: FileEntry, path: string) => {
    // The second click of a double-click: the first one already acted.
    if (ev.detail > 1) return;
    if (ev.shiftKey && anchor && paths.includes(anchor)) {
      const [a, b] = [paths.indexOf(anchor), paths.indexOf(path)].sort((x, y) => x - y);
      p.onSelect(new Set([...p.selected, ...paths.slice(a, b! + 1)]));
    } else if (ev.ctrlKey || ev.metaKey || ev.shiftKey) {
      const next = new Set(p.selected);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      p.onSelect(next);
      setAnchor(path);
    } else p.onOpen(e, path);
  };

  /** the selection, or the focused row when nothing is selected */
  const targets = (focused: string | undefined) => (p.selected.size ? [...p.selected] : focused ? [focused] : []);
  const keys = (ev: KeyboardEvent) => {
    // keys typed into the rename field are its own: Delete there edits the name, it does not delete the file
    if (ev.target instanceof HTMLInputElement) return;
    const focused = (document.activeElement as HTMLElement | null)?.dataset.path;
    if (ev.key === "F2") {
      const t = targets(focused);
      if (t.length === 1) p.onRenameStart(t[0]!);
    } else if (ev.key === "Delete") {
      const t = targets(focused);
      if (t.length) p.onDelete(t);
    } else if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "a") p.onSelect(new Set(paths));
    else if (ev.key === "Escape" && p.selected.size) p.onSelect(new Set());
    else return;
    ev.preventDefault();
  };

  const dragStart = (ev: DragEvent, path: string) => {
    const moving = p.selected.has(path) ? [...p.selected] : [path];
    ev.dataTransfer.setData(DRAG_TYPE, JSON.stringify(moving));
    ev.dataTransfer.effectAllowed = "move";
  };
  const dropTarget = (path: string) => ({
    onDragOver: (ev: DragEvent) => {
      if (!ev.dataTransfer.types.includes(DRAG_TYPE)) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = "move";
      setDropOn(path);
    },
    onDragLeave: () => setDropOn(null),
    onDrop: (ev: DragEvent) => {
      if (!ev.dataTransfer.types.includes(DRAG_TYPE)) return;
      ev.preventDefault();
      ev.stopPropagation();
      setDropOn(null);
      const moving = (JSON.parse(ev.dataTransfer.getData(DRAG_TYPE)) as string[]).filter((x) => x !== path);
      if (moving.length) p.onDropInto(moving, path);
    },
  });

  return (
    <>
      <div className="entry-head" role="group" aria-label="Sort">
        {COLUMNS.map((c) => {
          const on = p.sort.key === c.key;
          return (
            <button
              key={c.key}
              className={`col-${c.key}`}
              aria-label={`Sort by ${c.label.toLowerCase()}`}
              aria-pressed={on}
              title={`Sort by ${c.label.toLowerCase()}${on ? (p.sort.desc ? ", descending" : ", ascending") : ""}`}
              onClick={() => p.onSort({ key: c.key, desc: on ? !p.sort.desc : c.key !== "name" })}
            >
              {c.label}
              {on && <Icon icon={p.sort.desc ? Icons.sortDesc : Icons.sortAsc} size={14} />}
            </button>
          );
        })}
      </div>
      <div className="entries" role="listbox" aria-label="Files in this folder" aria-multiselectable="true" onKeyDown={keys}>
      {p.onUp && (
        <button
          className={`entry${dropOn === ".." ? " drop-on" : ""}`}
          {...dropTarget("..")}
          onDrop={(ev) => {
            if (!ev.dataTransfer.types.includes(DRAG_TYPE)) return;
            ev.preventDefault();
            ev.stopPropagation();
            setDropOn(null);
            p.onDropInto(JSON.parse(ev.dataTransfer.getData(DRAG_TYPE)) as string[], p.dir.includes("/") ? p.dir.slice(0, p.dir.lastIndexOf("/")) : "");
          }}
          onClick={(ev) => {
            // where the first row was: the second click of a double-click on it must not go back up
            if (ev.detail <= 1) p.onUp?.();
          }}
        >
          <span className="col-name" title="Up to the folder above (drop here to move there)">
            <Icon icon={Icons.up} />
            <span className="name">..</span>
          </span>
        </button>
      )}
      {p.entries.map((e) => {
        const path = join(p.dir, e.name);
        if (p.renaming === path) return <RenameRow key={e.name} entry={e} onDone={(n) => p.onRename(path, n)} onCancel={p.onRenameCancel} />;
        return (
          <button
            key={e.name}
            className={`entry${dropOn === path ? " drop-on" : ""}`}
            role="option"
            aria-label={e.name}
            aria-selected={p.selected.has(path) || p.active === path}
            data-path={path}
            draggable
            onDragStart={(ev) => dragStart(ev, path)}
            {...(e.isdir ? dropTarget(path) : {})}
            onClick={(ev) => click(ev, e, path)}
          >
            <span className="col-name" title={e.name}>
              <KindIcon kind={fileKind(e)} />
              <span className="name">{e.name}</span>
            </span>
            <span className="col-size">{e.isdir ? "" : formatBytes(e.size)}</span>
            <span className="col-mtime" title={exactTime(e.mtime)}>
              {relativeTime(e.mtime, p.now)}
            </span>
          </button>
        );
      })}
      </div>
    </>
  );
}

/** A name edited in place: Enter renames, Escape (or leaving the field) keeps the old name. */
function RenameRow({ entry, onDone, onCancel }: { entry: FileEntry; onDone: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(entry.name);
  const dot = entry.isdir ? -1 : entry.name.lastIndexOf(".");
  return (
    <form
      className="entry renaming"
      onSubmit={(ev) => {
        ev.preventDefault();
        const n = name.trim();
        if (n && n !== entry.name) onDone(n);
        else onCancel();
      }}
    >
      <KindIcon kind={fileKind(entry)} />
      <input
        autoFocus
        aria-label={`New name for ${entry.name}`}
        value={name}
        onFocus={(ev) => ev.currentTarget.setSelectionRange(0, dot > 0 ? dot : entry.name.length)}
        onChange={(ev) => setName(ev.target.value)}
        onKeyDown={(ev) => {
          if (ev.key === "Escape") {
            ev.preventDefault();
            ev.stopPropagation();
            onCancel();
          }
        }}
        onBlur={onCancel}
      />
    </form>
  );
}
