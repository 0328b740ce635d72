/**
 * A file the app does not show itself (or one too large to show here): what
 * it is — size, type, sha256 — and what can be done with it. Never an editor.
 */
import { INLINE_BYTES } from "../../../../../shared/open/kind.js";
import { formatBytes } from "../../../format.js";
import { DocActions } from "./DocActions.js";
import type { OpenDoc } from "./useOpenDocs.js";

export function BinaryCard({ doc, project_id, tooLarge = false }: { doc: OpenDoc; project_id: string; tooLarge?: boolean }) {
  const o = doc.opened!;
  return (
    <div className="card doc-card" role="region" aria-label={`File: ${doc.path}`}>
      <h3 style={{ marginTop: 0 }} className="mono">
        {doc.path.split("/").pop()}
      </h3>
      <p className="muted" style={{ marginTop: 0 }}>
        {tooLarge
          ? `Larger than ${formatBytes(INLINE_BYTES)}, so it is not shown here.`
          : "Not text the app can show or edit: opening it in the editor would change its bytes."}
      </p>
      <dl className="doc-facts">
        <dt>Size</dt>
        <dd aria-label="Size">
          {formatBytes(o.size)} ({o.size.toLocaleString()} {o.size === 1 ? "byte" : "bytes"})
        </dd>
        <dt>Type</dt>
        <dd aria-label="Type" className="mono">
          {o.mime}
        </dd>
        <dt>SHA-256</dt>
        <dd aria-label="SHA-256" className="mono">
          {o.sha256}
        </dd>
      </dl>
      <DocActions doc={doc} project_id={project_id} />
    </div>
  );
}
