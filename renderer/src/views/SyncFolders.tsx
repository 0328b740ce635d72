/**
 * A pair's "Choose folders": the server's folders as a checkbox tree with
 * their sizes (one listing), tri-state parents, Save. Leaving out folders
 * never deletes them on the server; for folders that are here too the
 * person chooses to keep the copies (no longer synced) or remove them here
 * (into Versions, restorable). The tree's rules: shared/sync-selection.ts.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { checkState, newlySkipped, toggleFolder, type Check } from "../../../shared/sync-selection.js";
import type { FolderInfo } from "../../../shared/sync.js";
import { useConfirm } from "../ConfirmDialog.js";
import { formatBytes } from "../format.js";
import { Busy, ErrorNote, Section, useApp, useCall } from "../lib.js";

interface Node {
  f: FolderInfo;
  children: Node[];
}

function buildTree(folders: readonly FolderInfo[]): Node[] {
  const byPath = new Map<string, Node>();
  const roots: Node[] = [];
  for (const f of folders) {
    const n: Node = { f, children: [] };
    byPath.set(f.path, n);
    const slash = f.path.lastIndexOf("/");
    const parent = slash < 0 ? null : byPath.get(f.path.slice(0, slash));
    (parent ? parent.children : roots).push(n);
  }
  return roots;
}

function Box({ check, label, onToggle }: { check: Check; label: string; onToggle: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = check === "some";
  }, [check]);
  return <input ref={ref} type="checkbox" aria-label={label} checked={check === "on"} aria-checked={check === "some" ? "mixed" : check === "on"} onChange={onToggle} />;
}

function Branch({ nodes, skip, open, setOpen, toggle }: { nodes: Node[]; skip: string[]; open: Set<string>; setOpen: (p: string) => void; toggle: (p: string) => void }) {
  return (
    <ul role="group" className="folder-tree">
      {nodes.map(({ f, children }) => {
        const name = f.path.slice(f.path.lastIndexOf("/") + 1);
        const expanded = open.has(f.path);
        return (
          <li key={f.path} role="treeitem" aria-expanded={children.length ? expanded : undefined} aria-label={f.path}>
            <div className="row folder-row">
              {children.length ? (
                <button className="twisty" aria-label={`${expanded ? "Collapse" : "Expand"} ${f.path}`} onClick={() => setOpen(f.path)}>
                  {expanded ? "▾" : "▸"}
                </button>
              ) : (
                <span className="twisty" />
              )}
              <label className="row grow">
                <Box check={checkState(f.path, skip)} label={`Sync ${f.path}`} onToggle={() => toggle(f.path)} />
                <span className="mono">{name}</span>
              </label>
              <span className="muted nowrap">
                {formatBytes(f.bytes)} · {f.files} file{f.files === 1 ? "" : "s"}
              </span>
            </div>
            {expanded && children.length > 0 && <Branch nodes={children} skip={skip} open={open} setOpen={setOpen} toggle={toggle} />}
          </li>
        );
      })}
    </ul>
  );
}

export function ChooseFolders({ id, title, saved, onSaved }: { id: string; title: string; saved: readonly string[]; onSaved: (note: string) => void }) {
  const { api } = useApp();
  const load = useCall();
  const save = useCall();
  const { ask, dialog } = useConfirm();
  const [folders, setFolders] = useState<FolderInfo[] | null>(null);
  const [skip, setSkip] = useState<string[]>([...saved]);
  const [open, setOpen] = useState<Set<string>>(new Set());

  useEffect(() => {
    void load.run(() => api.sync.folderTree({ id })).then((r) => r && setFolders(r.folders));
  }, [api, id, load.run]);

  const tree = useMemo(() => buildTree(folders ?? []), [folders]);
  const paths = useMemo(() => (folders ?? []).map((f) => f.path), [folders]);
  const changed = skip.join("\n") !== [...saved].sort().join("\n");
  const toggleOpen = (p: string) =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(p)) n.delete(p);
      else n.add(p);
      return n;
    });

  const apply = async () => {
    const fresh = newlySkipped(saved, skip);
    const here = (folders ?? []).filter((f) => f.here && fresh.includes(f.path));
    let local: "keep" | "remove" = "keep";
    if (here.length) {
      const bytes = here.reduce((n, f) => n + f.bytes, 0);
      const remove = await ask({
        title: here.length === 1 ? `Stop syncing ${here[0]!.path}?` : `Stop syncing ${here.length} folders?`,
        body: (
          <>
            <p>Nothing is deleted in the project. The copies on this computer ({here.map((f) => f.path).join(", ")}; {formatBytes(bytes)}) can stay here, no longer synced, or be removed here.</p>
            <p className="muted">Removed files are kept in Versions and can be restored. Files the project does not have as they are here stay in place.</p>
          </>
        ),
        confirm: "Remove here",
        cancel: "Keep here",
        danger: true,
      });
      local = remove ? "remove" : "keep";
    }
    const r = await save.run(() => api.sync.setSelection({ id, skip_folders: skip, local }));
    if (!r) return;
    const kept = r.kept.length ? ` ${r.kept.length} file(s) only this computer has stay in place.` : "";
    onSaved(skip.length ? `${skip.length} folder(s) are not synced now.${r.moved ? ` ${r.moved} file(s) were removed here and are kept in Versions.` : ""}${kept}` : "Every folder is synced now.");
  };

  return (
    <Section title={`Choose folders of ${title}`}>
      <p className="muted">Checked folders are synced. Unchecking one never deletes it in the project. Files at the top of the pair's folder are always synced.</p>
      {load.busy && !folders && <Busy label="Listing the project's folders…" />}
      <ErrorNote error={load.error} onRetry={() => void load.run(() => api.sync.folderTree({ id })).then((r) => r && setFolders(r.folders))} />
      <ErrorNote error={save.error} />
      {folders && folders.length === 0 && <p className="muted">The project's folder has no folders inside it; everything in it is synced.</p>}
      {folders && folders.length > 0 && (
        <div role="tree" aria-label="Folders to sync" className="tree folder-tree-root">
          <Branch nodes={tree} skip={skip} open={open} setOpen={toggleOpen} toggle={(p) => setSkip((s) => toggleFolder(p, s, paths))} />
        </div>
      )}
      <div className="row">
        <button className="primary" onClick={() => void apply()} disabled={!changed || save.busy || !folders}>
          Save
        </button>
        <button onClick={() => setSkip([...saved].sort())} disabled={!changed || save.busy}>
          Undo changes
        </button>
      </div>
      {dialog}
    </Section>
  );
}
