/**
 * A text file in the editor, with Save and the conflict view. A file whose
 * line separators are mixed is shown read-only and says why: an edit could
 * not be saved without changing separators the person did not touch.
 */
import type { ReactNode } from "react";
import { Editor } from "../../LazyEditor.js";
import { dirty, editable } from "./doc-model.js";
import { SaveConflict } from "../../SaveConflict.js";
import type { OpenDoc, OpenDocs } from "./useOpenDocs.js";

const EOL_NAME = { "\n": "LF", "\r\n": "CRLF", "\r": "CR" } as const;

export function TextDoc({
  doc,
  docs,
  extra,
  onShowInKiosk,
  goto,
}: {
  doc: OpenDoc;
  docs: OpenDocs;
  extra?: ReactNode;
  onShowInKiosk?: (path: string) => void;
  goto?: { line: number; n: number };
}) {
  const canEdit = editable(doc);
  const save = () => void docs.save(doc);
  return (
    <>
      <div className="row">
        <span className="mono">{doc.path}</span>
        {canEdit && <span className="muted">{dirty(doc) ? "unsaved changes" : "saved"}</span>}
        {doc.form && !doc.form.mixed && (doc.form.eol !== "\n" || doc.form.bom) && (
          <span className="muted" title="Kept as the file has them when you save">
            · {EOL_NAME[doc.form.eol]}
            {doc.form.bom ? ", BOM" : ""}
          </span>
        )}
        {doc.note && <span className="muted">· {doc.note}</span>}
        <span className="grow" />
        {extra}
        {onShowInKiosk && <button onClick={() => onShowInKiosk(doc.path)}>Show in kiosk view</button>}
        {canEdit && (
          <button className="primary" onClick={save}>
            Save <kbd>Ctrl S</kbd>
          </button>
        )}
      </div>
      {!canEdit && (
        <div className="banner warn" role="note" aria-label="Read-only">
          This file mixes line endings (LF, CRLF or CR), so it is shown read-only: saving from the editor would change line endings you did not touch.
        </div>
      )}
      {doc.conflict && (
        <SaveConflict
          key={`${doc.path}:${doc.conflict.serverSha}`}
          path={doc.path}
          mine={doc.text}
          server={doc.conflict.server}
          serverGone={doc.conflict.serverSha === null}
          busy={docs.io.busy}
          act={{
            save: (text) => void docs.save({ ...doc, text }, doc.conflict!.serverSha).then((ok) => ok && docs.patch(doc.path, { text, base: text, rev: doc.rev + 1 })),
            takeServer: () => void docs.takeServer(doc),
            keepBoth: () => void docs.keepBoth(doc),
          }}
        />
      )}
      <Editor key={`${doc.path}:${doc.rev}`} path={doc.path} doc={doc.text} goto={goto} readOnly={!canEdit} onChange={(text) => docs.patch(doc.path, { text, note: undefined })} onSave={save} />
    </>
  );
}
