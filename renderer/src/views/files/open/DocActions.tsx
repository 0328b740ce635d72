/**
 * What can be done with a file the app shows but does not edit: download
 * it (checked by its sha256), or open it with the system's app for its type.
 */
import { useState } from "react";
import { isApiError } from "../../../../../shared/errors.js";
import { LocalPathField } from "../../../LocalPathField.js";
import { ErrorNote, toApiError, useApp } from "../../../lib.js";
import { useTransfer } from "../../../transfers.js";
import type { OpenDoc } from "./useOpenDocs.js";

export function DocActions({ doc, project_id }: { doc: OpenDoc; project_id: string }) {
  const { api } = useApp();
  const transfer = useTransfer();
  const [downloading, setDownloading] = useState(false);
  const [localDir, setLocalDir] = useState("");
  const [external, setExternal] = useState<{ busy: boolean; error: ReturnType<typeof toApiError> | null; done: string | null }>({ busy: false, error: null, done: null });
  const name = doc.path.split("/").pop()!;

  const openExternally = async () => {
    setExternal({ busy: true, error: null, done: null });
    try {
      const r = await api.fileops.openWithSystem({ project_id, path: doc.path });
      setExternal({ busy: false, error: null, done: r.local_path });
    } catch (e) {
      setExternal({ busy: false, error: toApiError(e), done: null });
    }
  };
  const download = () =>
    void transfer.run(`Download of ${name} to ${localDir.trim()}`, ({ request_id }) => api.transfer.download({ request_id, project_id, paths: [doc.path], local_dir: localDir.trim() }));

  return (
    <div className="doc-actions">
      <div className="row">
        <button className="primary" onClick={() => setDownloading((v) => !v)} aria-expanded={downloading}>
          Download…
        </button>
        <button onClick={() => void openExternally()} disabled={external.busy}>
          {external.busy ? "Downloading…" : "Open with the system's app"}
        </button>
      </div>
      {downloading && (
        <form
          className="form-grid"
          style={{ marginTop: 8 }}
          aria-label={`Download ${name}`}
          onSubmit={(e) => {
            e.preventDefault();
            download();
          }}
        >
          <span>Into</span>
          <LocalPathField label="Download folder" value={localDir} onChange={setLocalDir} title={`Download ${name} into this folder`} />
          <span />
          <div className="row">
            <button type="submit" disabled={!localDir.trim() || !!transfer.running}>
              Download
            </button>
            {transfer.running && <progress aria-label="Download progress" max={Math.max(transfer.running.progress?.bytes_total ?? 1, 1)} value={transfer.running.progress?.bytes_done ?? 0} />}
          </div>
        </form>
      )}
      {transfer.done && (
        <p className="banner ok" role="status">
          Downloaded to {localDir.trim()}, checked by its sha256.
        </p>
      )}
      <ErrorNote error={transfer.error} />
      {external.done && (
        <p className="banner ok" role="status">
          Opened with the system's app (from {external.done}).
        </p>
      )}
      {external.error && !isApiError(external.error, "cancelled") && <ErrorNote error={external.error} />}
    </div>
  );
}
