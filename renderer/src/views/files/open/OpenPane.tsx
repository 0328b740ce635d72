/**
 * The right-hand side of Files: a tab per open file, and the active file in
 * the view its bytes call for (or, while a file is read, its progress in
 * that place). Save appears only for text in the editor.
 */
import type { OpenDocs } from "./useOpenDocs.js";
import { dirty } from "./doc-model.js";
import { DocView } from "./DocView.js";
import { OpenProgress } from "./OpenProgress.js";
import { useConfirm } from "../../../ConfirmDialog.js";
import "./open.css";

/** `goto`: a search result's line, for the file it names */
export function OpenPane({ docs, project_id, onShowInKiosk, goto }: { docs: OpenDocs; project_id: string; onShowInKiosk?: (path: string) => void; goto?: { path: string; line: number; n: number } | null }) {
  const { current } = docs;
  const { ask, dialog } = useConfirm();
  return (
    <div className="editor-pane">
      {dialog}
      <div className="row" role="tablist" aria-label="Open files">
        {docs.docs.map((o) => (
          <button key={o.path} role="tab" aria-selected={o.path === docs.active} onClick={() => docs.setActive(o.path)}>
            {o.path}
            {dirty(o) ? " •" : ""}
            <span
              aria-label={`Close ${o.path}`}
              role="button"
              style={{ marginLeft: 6 }}
              onClick={async (ev) => {
                ev.stopPropagation();
                if (dirty(o) && !(await ask({ title: `Close ${o.path} without saving?`, body: "Your changes to it since the last save are lost.", confirm: "Close without saving", cancel: "Keep editing", danger: true }))) return;
                docs.close(o.path);
              }}
            >
              ×
            </span>
          </button>
        ))}
      </div>
      {docs.reading?.shown ? (
        <OpenProgress reading={docs.reading} onCancel={docs.cancelRead} />
      ) : current ? (
        <DocView key={current.path} doc={current} docs={docs} project_id={project_id} onShowInKiosk={onShowInKiosk} goto={goto?.path === current.path ? goto : undefined} />
      ) : (
        <p className="muted">Open a file from the list (Ctrl/Cmd-click to select several, then "Open selected"), or press Ctrl+P.</p>
      )}
    </div>
  );
}
