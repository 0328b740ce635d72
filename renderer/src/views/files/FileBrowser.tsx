/**
 * The file browser's part of the Files view: the actions on the selection
 * (rename, move, duplicate, delete, open with the system's app), the listing
 * with its columns, the trash and the search. Files.tsx keeps the folder, the
 * listing and the editor; this takes them as they are.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import type { FileEntry } from "../../../../shared/ipc/contract.js";
import { ErrorNote, useApp, useCall, usePersisted } from "../../lib.js";
import { useFileActions } from "./actions.js";
import { EntryList } from "./EntryList.js";
import { sortEntries, visibleEntries, type SortOrder } from "./entries.js";
import { Icon, Icons } from "../../icons.js";
import { MoveDialog } from "./MoveDialog.js";
import { ActionNotice } from "./Notice.js";
import { SearchPanel } from "./SearchPanel.js";
import { TrashView } from "./TrashView.js";
import "./files.css";

export interface FileBrowserProps {
  pid: string;
  dir: string;
  setDir: (dir: string) => void;
  /** the rows listed for `dir`, or null while it is listed */
  entries: FileEntry[] | null;
  selected: Set<string>;
  setSelected: (s: Set<string>) => void;
  active: string | null;
  /** open files in the editor (at a line, from a search) */
  openFile: (path: string, line?: number) => void;
  refresh: () => void;
  /** shown under the rows (the drop hint) */
  footer?: React.ReactNode;
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

export function FileBrowser(p: FileBrowserProps) {
  const { api } = useApp();
  const [mode, setMode] = useState<"list" | "trash" | "search">("list");
  const [showHidden, setShowHidden] = usePersisted("cocalc:files:hidden", false);
  const [sort, setSort] = usePersisted<SortOrder>("cocalc:files:sort", { key: "name", desc: false });
  const [renaming, setRenaming] = useState<string | null>(null);
  const [moving, setMoving] = useState<string[] | null>(null);
  const [trashVersion, setTrashVersion] = useState(0);
  const opener = useCall();
  const after = useCallback(() => {
    p.setSelected(new Set());
    p.refresh();
    setTrashVersion((n) => n + 1);
  }, [p.setSelected, p.refresh]);
  const acts = useFileActions(api, p.pid, after);

  // Ctrl+H hidden files, Ctrl+Shift+F search, wherever the focus is in the view.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      if (e.key.toLowerCase() === "h" && !e.shiftKey) setShowHidden(!showHidden);
      else if (e.key.toLowerCase() === "f" && e.shiftKey) setMode("search");
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [showHidden, setShowHidden]);

  const rows = useMemo(() => (p.entries ? sortEntries(visibleEntries(p.entries, p.dir, showHidden), sort) : null), [p.entries, p.dir, showHidden, sort]);
  const hiddenCount = p.entries && rows ? p.entries.length - rows.length - (p.dir === "" && p.entries.some((e) => e.name === ".cocalc-sync") ? 1 : 0) : 0;
  const sel = [...p.selected];
  const one = sel.length === 1 ? sel[0]! : null;
  const oneFile = one && p.entries?.some((e) => !e.isdir && join(p.dir, e.name) === one) ? one : null;

  const toolbar = (
    <div className="row browser-bar" role="toolbar" aria-label="File actions">
      <button disabled={!one} onClick={() => setRenaming(one)} aria-label="Rename" title="Rename (F2)">
        <Icon icon={Icons.rename} />
      </button>
      <button disabled={!sel.length} onClick={() => setMoving(sel)} aria-label="Move to…" title="Move to another folder… (or drag onto a folder)">
        <Icon icon={Icons.move} />
      </button>
      <button disabled={!sel.length} onClick={() => void acts.run({ kind: "duplicate", paths: sel })} aria-label="Duplicate" title="Duplicate">
        <Icon icon={Icons.duplicate} />
      </button>
      <button disabled={!sel.length} onClick={() => void acts.run({ kind: "trash", paths: sel })} aria-label="Delete" title="Delete: move to the trash (Delete)">
        <Icon icon={Icons.trash} />
      </button>
      <button disabled={!oneFile} onClick={() => void opener.run(() => api.fileops.openWithSystem({ project_id: p.pid, path: oneFile! }))} aria-label="Open with system app" title="Open a copy with this computer's app for its type">
        <Icon icon={Icons.openExternal} />
      </button>
      <span className="count" aria-live="polite">
        {sel.length ? `${sel.length} selected` : ""}
      </span>
      <span className="grow" />
      <button aria-pressed={showHidden} onClick={() => setShowHidden(!showHidden)} aria-label="Hidden files" title={`${showHidden ? "Hide" : "Show"} hidden files (Ctrl+H)`}>
        <Icon icon={showHidden ? Icons.hiddenShown : Icons.hiddenHidden} />
      </button>
      <button aria-pressed={mode === "search"} onClick={() => setMode(mode === "search" ? "list" : "search")} aria-label="Search" title="Search in the project (Ctrl+Shift+F)">
        <Icon icon={Icons.search} />
      </button>
      <button aria-pressed={mode === "trash"} onClick={() => setMode(mode === "trash" ? "list" : "trash")} aria-label="Trash" title="Trash: restore deleted files, or delete them for ever">
        <Icon icon={Icons.trashView} />
      </button>
    </div>
  );

  return (
    <>
      {toolbar}
      <ActionNotice notice={acts.notice} onUndo={() => void acts.undo()} onDismiss={acts.dismiss} />
      <ErrorNote error={acts.error} />
      <ErrorNote error={opener.error} />
      {moving && (
        <MoveDialog
          count={moving.length}
          dir={p.dir}
          folders={(rows ?? []).filter((e) => e.isdir && !moving.includes(join(p.dir, e.name))).map((e) => join(p.dir, e.name))}
          onClose={() => setMoving(null)}
          onMove={(dest) => {
            setMoving(null);
            void acts.run({ kind: "move", paths: moving, dest_dir: dest });
          }}
        />
      )}
      {mode === "trash" ? (
        <TrashView pid={p.pid} version={trashVersion} onClose={() => setMode("list")} onRestore={(names) => acts.run({ kind: "restore", names })} />
      ) : mode === "search" ? (
        <SearchPanel pid={p.pid} dir={p.dir} onClose={() => setMode("list")} onOpen={(path, line) => p.openFile(path, line ?? undefined)} />
      ) : (
        rows && (
          <>
            <EntryList
              dir={p.dir}
              entries={rows}
              sort={sort}
              onSort={setSort}
              selected={p.selected}
              onSelect={p.setSelected}
              active={p.active}
              onOpen={(e, path) => (e.isdir ? p.setDir(path) : p.openFile(path))}
              onUp={p.dir ? () => p.setDir(p.dir.includes("/") ? p.dir.slice(0, p.dir.lastIndexOf("/")) : "") : null}
              renaming={renaming}
              onRenameStart={setRenaming}
              onRename={(path, name) => {
                setRenaming(null);
                void acts.run({ kind: "rename", path, new_name: name });
              }}
              onRenameCancel={() => setRenaming(null)}
              onDelete={(paths) => void acts.run({ kind: "trash", paths })}
              onDropInto={(paths, dest) => void acts.run({ kind: "move", paths, dest_dir: dest })}
              now={Date.now() / 1000}
            />
            {rows.length === 0 && (
              <p className="muted empty">
                {hiddenCount > 0
                  ? `Only hidden files here (${hiddenCount}): press Ctrl+H to show them.`
                  : "Empty folder. Make a file or a folder with New file / New folder, or drop files here from your computer."}
              </p>
            )}
            {p.footer}
          </>
        )
      )}
    </>
  );
}
