/**
 * Files of a project: a folder listing, a text editor with tabs, saving with a
 * conflict check (never overwriting a change made on the server unseen), new
 * files and folders. Opening several files reads them in one call. Files and
 * folders go to and from this computer (download, upload by chooser or path,
 * drag and drop onto the listing), byte-exact, with progress and cancel.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "../../../shared/errors.js";
import type { FileEntry, ProjectSummary } from "../../../shared/ipc/contract.js";
import { isApiError } from "../../../shared/errors.js";
import { Busy, ErrorNote, sha256Hex, toApiError, useApp, useCall } from "../lib.js";
import { formatBytes, plural, progressText } from "../format.js";
import { LocalPathField } from "../LocalPathField.js";
import { droppedFiles, stageDropped, useTransfer, type DroppedFile } from "../transfers.js";
import { writeTooLarge } from "../../../shared/write-limit.js";
import { Editor } from "./LazyEditor.js";
import { Breadcrumbs } from "./files/Breadcrumbs.js";
import { FileBrowser } from "./files/FileBrowser.js";
import { Icon, Icons } from "../icons.js";

interface OpenFile {
  path: string;
  /** the text as last loaded or saved: the editor starts from it */
  base: string;
  /** sha256 of `base`, or null for a new file not on the server yet */
  baseSha: string | null;
  text: string;
  /** bumped to make a fresh editor from `base` */
  rev: number;
  conflict?: { server: string | null; serverSha: string | null };
}

/** What the server said about one path: rows are only ever shown for the folder they were listed from. */
interface Listing {
  dir: string;
  type: "folder" | "file";
  entries: FileEntry[];
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

export function Files({
  project,
  generation,
  onListing,
  openRequest,
  onShowInKiosk,
}: {
  project: ProjectSummary;
  /** the server's API generation, for its write limit */
  generation: string | null;
  onListing: (names: string[]) => void;
  openRequest: { path: string; n: number } | null;
  /** "Show in kiosk view": the file alone, in the kiosk view */
  onShowInKiosk?: (path: string) => void;
}) {
  const { api, epoch } = useApp();
  const list = useCall();
  const io = useCall();
  const [dir, setDir] = useState("");
  const [listing, setListing] = useState<Listing | null>(null);
  /** the latest listing asked for: an answer to any earlier request is stale and dropped */
  const listToken = useRef(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<OpenFile[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const [making, setMaking] = useState<null | "file" | "folder">(null);
  const [newName, setNewName] = useState("");
  const [moving, setMoving] = useState<null | "download" | "upload">(null);
  const [localDir, setLocalDir] = useState("");
  const [uploadPaths, setUploadPaths] = useState("");
  const [chooserMissing, setChooserMissing] = useState(false);
  const [dropping, setDropping] = useState(false);
  const [goto, setGoto] = useState<{ path: string; line: number; n: number } | null>(null);
  const transfer = useTransfer();
  const pid = project.project_id;

  const refresh = useCallback(async () => {
    const token = ++listToken.current;
    const r = await list.run(() => api.files.list({ project_id: pid, path: dir }));
    if (token !== listToken.current || !r) return;
    setListing({ dir, type: r.type, entries: r.entries });
    onListing(r.entries.filter((e) => !e.isdir).map((e) => join(dir, e.name)));
  }, [api, list.run, pid, dir, onListing]);

  useEffect(() => {
    void refresh();
  }, [refresh, epoch]);

  const openFiles = useCallback(
    async (paths: string[]) => {
      const fresh = paths.filter((p) => !open.some((o) => o.path === p));
      if (fresh.length) {
        // one call for all of them (the array form where the server has one)
        const r = await io.run(() => api.files.read({ files: fresh.map((path) => ({ project_id: pid, path })) }));
        if (!r) return;
        const loaded: OpenFile[] = [];
        for (const f of r.files) {
          if ("error" in f) {
            io.setError(ApiError.fromData(f.error));
            continue;
          }
          loaded.push({ path: f.path, base: f.content, baseSha: await sha256Hex(f.content), text: f.content, rev: 0 });
        }
        setOpen((o) => [...o, ...loaded]);
      }
      setActive(paths[paths.length - 1] ?? null);
      setSelected(new Set());
    },
    [api, io.run, io.setError, open, pid],
  );

  useEffect(() => {
    if (openRequest) void openFiles([openRequest.path]);
  }, [openRequest]);

  /** A file from the browser or a search result (at its line). */
  const openAt = (path: string, line?: number) => {
    void openFiles([path]);
    setGoto(line ? { path, line, n: Date.now() } : null);
  };

  const current = open.find((o) => o.path === active) ?? null;
  // Said before editing: a file this server cannot take in one write (measured as the server measures it) is saved in parts.
  const overLimit = useMemo(() => (current ? writeTooLarge(generation, current.path, current.text) : null), [generation, current?.path, current?.text]);
  // Rows of another folder are never shown: after a click into a folder, nothing stale can be clicked.
  const shown = listing && listing.dir === dir ? listing : null;
  const patch = (path: string, f: Partial<OpenFile>) => setOpen((o) => o.map((x) => (x.path === path ? { ...x, ...f } : x)));

  const save = async (file: OpenFile, base: string | null | undefined = file.baseSha) => {
    const r = await io.run(() => api.files.write({ project_id: pid, path: file.path, content: file.text, base_sha256: base }));
    if (!r) return;
    if (r.status === "conflict") patch(file.path, { conflict: { server: r.server_content, serverSha: r.server_sha256 } });
    else patch(file.path, { base: file.text, baseSha: r.sha256, conflict: undefined });
    void refresh();
  };

  const make = async () => {
    const path = join(dir, newName.trim());
    if (!newName.trim()) return;
    if (making === "folder") {
      if (await io.run(() => api.files.mkdir({ project_id: pid, path }))) setDir(path);
    } else {
      setOpen((o) => [...o, { path, base: "", baseSha: null, text: "", rev: 0 }]);
      setActive(path);
    }
    setMaking(null);
    setNewName("");
  };

  const download = async () => {
    const paths = [...selected];
    const r = await transfer.run(`Download of ${plural(paths.length, "item")} to ${localDir.trim()}`, ({ request_id }) =>
      api.transfer.download({ request_id, project_id: pid, paths, local_dir: localDir.trim() }),
    );
    if (r) {
      setMoving(null);
      setSelected(new Set());
    }
  };

  const uploadLocal = async (local_paths: string[]) => {
    if (local_paths.length === 0) return;
    const r = await transfer.run(`Upload of ${plural(local_paths.length, "item")} to ~/${dir}`, ({ request_id }) => api.transfer.upload({ request_id, project_id: pid, local_paths, remote_dir: dir }));
    if (r) {
      setMoving(null);
      setUploadPaths("");
      void refresh();
    }
  };

  const choose = async (folders: boolean) => {
    try {
      const r = await api.desktop.chooseFiles({ folders, title: folders ? "Folders to upload" : "Files to upload" });
      await uploadLocal(r.paths);
    } catch (e) {
      if (isApiError(e, "not-available")) setChooserMissing(true);
      else transfer.setError(toApiError(e));
    }
  };

  const uploadDropped = async (files: DroppedFile[]) => {
    if (files.length === 0) return;
    const upload_id = crypto.randomUUID();
    const r = await transfer.run(`Upload of ${plural(files.length, "dropped file")} to ~/${dir}`, async ({ request_id, signal, stagingProgress }) => {
      try {
        await stageDropped(api, upload_id, files, { signal, onProgress: stagingProgress });
      } catch (e) {
        await api.transfer.discardStaged({ upload_id }).catch(() => undefined);
        throw e;
      }
      return api.transfer.uploadStaged({ request_id, upload_id, project_id: pid, remote_dir: dir, files: files.map((f) => ({ path: f.path, size: f.file.size })) });
    });
    if (r) void refresh();
  };

  const crumbs = dir ? dir.split("/") : [];
  return (
    <>
      <div className="row">
        <h1 style={{ margin: 0, fontSize: 20 }}>Files</h1>
        <Breadcrumbs dir={dir} onGo={setDir} />
        <span className="grow" />
        <button onClick={() => setMaking("file")}>
          <Icon icon={Icons.newFile} /> New file
        </button>
        <button onClick={() => setMaking("folder")}>
          <Icon icon={Icons.newFolder} /> New folder
        </button>
        <button disabled={selected.size === 0 || [...selected].some((p) => (shown?.entries ?? []).find((e) => join(dir, e.name) === p)?.isdir)} onClick={() => void openFiles([...selected])}>
          Open selected ({selected.size})
        </button>
        <button disabled={selected.size === 0} onClick={() => setMoving(moving === "download" ? null : "download")} aria-expanded={moving === "download"}>
          <Icon icon={Icons.download} /> Download ({selected.size})…
        </button>
        <button onClick={() => setMoving(moving === "upload" ? null : "upload")} aria-expanded={moving === "upload"}>
          <Icon icon={Icons.upload} /> Upload…
        </button>
        <button onClick={() => void refresh()}>
          <Icon icon={Icons.refresh} /> Refresh
        </button>
      </div>
      {shown?.type === "file" && (
        <div className="banner warn" role="alert" aria-label="Not a folder">
          <div>
            <strong className="mono">{dir}</strong> is a file, not a folder.
          </div>
          <div className="row" style={{ marginTop: 6 }}>
            <button className="primary" onClick={() => void openFiles([dir])}>
              Open {dir.split("/").pop()}
            </button>
            <button onClick={() => setDir(crumbs.slice(0, -1).join("/"))}>Go to its folder</button>
          </div>
        </div>
      )}
      {making && (
        <form
          className="row card"
          onSubmit={(e) => {
            e.preventDefault();
            void make();
          }}
        >
          <input className="grow" autoFocus aria-label={`New ${making} name`} placeholder={making === "file" ? "notes.md" : "folder"} value={newName} onChange={(e) => setNewName(e.target.value)} />
          <button type="submit" className="primary">
            Create
          </button>
          <button type="button" onClick={() => setMaking(null)}>
            Cancel
          </button>
        </form>
      )}
      {moving === "download" && (
        <form
          className="card form-grid"
          aria-label="Download to this computer"
          onSubmit={(e) => {
            e.preventDefault();
            void download();
          }}
        >
          <span>Download {plural(selected.size, "item")} into</span>
          <LocalPathField label="Download folder" value={localDir} onChange={setLocalDir} title="Download into this folder" />
          <span />
          <div className="row">
            <button type="submit" className="primary" disabled={!localDir.trim() || !!transfer.running}>
              Download
            </button>
            <button type="button" onClick={() => setMoving(null)}>
              Close
            </button>
            <span className="muted">Folders come with everything in them. Existing files of the same name are replaced.</span>
          </div>
        </form>
      )}
      {moving === "upload" && (
        <form
          className="card form-grid"
          aria-label="Upload from this computer"
          onSubmit={(e) => {
            e.preventDefault();
            void uploadLocal(uploadPaths.split("\n").map((l) => l.trim()).filter(Boolean));
          }}
        >
          <span>Upload into ~/{dir}</span>
          <div className="row">
            {!chooserMissing && (
              <>
                <button type="button" onClick={() => void choose(false)} disabled={!!transfer.running}>
                  Choose files…
                </button>
                <button type="button" onClick={() => void choose(true)} disabled={!!transfer.running}>
                  Choose folders…
                </button>
              </>
            )}
            <span className="muted">{chooserMissing ? "There is no file chooser here: type full paths below, or" : "or"} drop files and folders onto the list.</span>
          </div>
          <span>Full paths, one per line</span>
          <textarea aria-label="Paths to upload" className="mono" rows={2} placeholder="/home/you/data.csv" value={uploadPaths} onChange={(e) => setUploadPaths(e.target.value)} />
          <span />
          <div className="row">
            <button type="submit" className="primary" disabled={!uploadPaths.trim() || !!transfer.running}>
              Upload
            </button>
            <button type="button" onClick={() => setMoving(null)}>
              Close
            </button>
          </div>
        </form>
      )}
      {transfer.running && (
        <div className="card transfer" role="status" aria-label="Transfer">
          <div className="row">
            <strong>{transfer.running.label}</strong>
            <span className="grow" />
            <button onClick={() => void transfer.cancel()}>Cancel</button>
          </div>
          {transfer.running.progress ? (
            <>
              <progress aria-label="Transfer progress" max={Math.max(transfer.running.progress.bytes_total, 1)} value={transfer.running.progress.bytes_done} />
              <span className="muted" aria-label="Transfer progress text">
                {transfer.running.phase === "staging" ? "Reading the dropped files: " : ""}
                {progressText(transfer.running.progress)}
                {transfer.running.progress.current ? ` · ${transfer.running.progress.current}` : ""}
              </span>
            </>
          ) : (
            <Busy label="Starting…" />
          )}
        </div>
      )}
      {transfer.done && (
        <div className="banner ok" role="status" aria-label="Transfer result">
          {transfer.done.label}: {plural(transfer.done.files, "file")}, {formatBytes(transfer.done.bytes)}, each checked by its sha256.
        </div>
      )}
      <ErrorNote error={transfer.error} />
      {(list.busy || io.busy) && <Busy label={io.busy ? "Reading or saving…" : "Listing…"} />}
      <ErrorNote error={list.error} onRetry={() => void refresh()} />
      <ErrorNote error={io.error} />
      <div className="files">
        <div
          className={`tree${dropping ? " drop-target" : ""}`}
          onDragOver={(e) => {
            if (!e.dataTransfer.types.includes("Files")) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = "copy";
            setDropping(true);
          }}
          onDragLeave={() => setDropping(false)}
          onDrop={(e) => {
            if (!e.dataTransfer.types.includes("Files")) return;
            e.preventDefault();
            setDropping(false);
            void droppedFiles(e.dataTransfer).then(uploadDropped, (err: unknown) => transfer.setError(toApiError(err)));
          }}
        >
          {!shown && !list.error && <p className="muted">Listing {dir || "~"}…</p>}
          <FileBrowser
            pid={pid}
            dir={dir}
            setDir={setDir}
            entries={shown?.type === "folder" ? shown.entries : null}
            selected={selected}
            setSelected={setSelected}
            active={active}
            openFile={openAt}
            refresh={() => void refresh()}
            footer={<p className="muted drop-hint">Drop files or folders here to upload them into ~/{dir}.</p>}
          />
        </div>
        <div className="editor-pane">
          <div className="row" role="tablist" aria-label="Open files">
            {open.map((o) => (
              <button key={o.path} role="tab" aria-selected={o.path === active} onClick={() => setActive(o.path)}>
                {o.path}
                {o.text !== o.base || o.baseSha === null ? " •" : ""}
                <span
                  aria-label={`Close ${o.path}`}
                  role="button"
                  style={{ marginLeft: 6 }}
                  onClick={(ev) => {
                    ev.stopPropagation();
                    if (o.text !== o.base && !window.confirm(`Close ${o.path} without saving?`)) return;
                    setOpen((x) => x.filter((y) => y.path !== o.path));
                    if (active === o.path) setActive(null);
                  }}
                >
                  ×
                </span>
              </button>
            ))}
          </div>
          {current ? (
            <>
              <div className="row">
                <span className="mono">{current.path}</span>
                <span className="muted">{current.text !== current.base || current.baseSha === null ? "unsaved changes" : "saved"}</span>
                {overLimit && (
                  <span className="muted" title={overLimit.message}>
                    · larger than this server takes in one write: saved in parts, verified on the server
                  </span>
                )}
                <span className="grow" />
                {onShowInKiosk && <button onClick={() => onShowInKiosk(current.path)}>Show in kiosk view</button>}
                <button className="primary" onClick={() => void save(current)}>
                  Save <kbd>Ctrl S</kbd>
                </button>
              </div>
              {current.conflict && (
                <div className="card" role="alert" aria-label="Save conflict">
                  <p style={{ marginTop: 0 }}>
                    <strong>{current.path} changed on the server since you opened it.</strong> Nothing was saved. Choose which version to keep:
                  </p>
                  <div className="conflict">
                    <div>
                      <h3>Your version</h3>
                      <pre aria-label="Your version">{current.text}</pre>
                    </div>
                    <div>
                      <h3>On the server</h3>
                      <pre aria-label="Server version">{current.conflict.server ?? "(the file was deleted on the server)"}</pre>
                    </div>
                  </div>
                  <div className="row" style={{ marginTop: 8 }}>
                    <button className="primary" onClick={() => void save(current, current.conflict!.serverSha)}>
                      Keep mine (overwrite the server's)
                    </button>
                    <button
                      onClick={async () => {
                        const server = current.conflict!.server ?? "";
                        patch(current.path, { base: server, baseSha: current.conflict!.serverSha, text: server, rev: current.rev + 1, conflict: undefined });
                      }}
                    >
                      Take the server's (drop mine)
                    </button>
                  </div>
                </div>
              )}
              <Editor key={`${current.path}:${current.rev}`} goto={goto?.path === current.path ? goto : undefined} path={current.path} doc={current.base} onChange={(text) => patch(current.path, { text })} onSave={() => void save(current)} />
            </>
          ) : (
            <p className="muted">Open a file from the list (Ctrl/Cmd-click to select several, then "Open selected"), or press Ctrl+P.</p>
          )}
        </div>
      </div>
    </>
  );
}
