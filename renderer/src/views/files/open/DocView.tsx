/**
 * One open file, shown by its kind: text in the editor (read-only when its
 * line separators are mixed), a notebook rendered, a CSV as a table, an
 * image, a PDF, and anything else as a card. Notebooks, CSV and SVG can be
 * edited as text one click away; nothing else ever reaches the editor.
 */
import { lazy, Suspense } from "react";
import { FileViewer } from "../../../viewer/FileViewer.js";
import { BinaryCard } from "./BinaryCard.js";
import { DocActions } from "./DocActions.js";
import { CsvView } from "./CsvView.js";
import { editable } from "./doc-model.js";
import { ImageView } from "./ImageView.js";
import { TextDoc } from "./TextDoc.js";
import type { OpenDoc, OpenDocs } from "./useOpenDocs.js";

const PdfView = lazy(() => import("./PdfView.js"));

const EDIT_LABEL: Record<string, string> = { notebook: "Edit as JSON", csv: "Edit as text", image: "Edit as text" };
const VIEW_LABEL: Record<string, string> = { notebook: "Show rendered", csv: "Show as table", image: "Show as image" };

export function DocView({
  doc,
  docs,
  project_id,
  onShowInKiosk,
  goto,
}: {
  doc: OpenDoc;
  docs: OpenDocs;
  project_id: string;
  onShowInKiosk?: (path: string) => void;
  goto?: { line: number; n: number };
}) {
  const kind = doc.opened?.kind ?? "text";
  // a file with no bytes here (over the inline limit) is shown as a card whatever its type
  if (doc.opened && doc.bytes === null) return <BinaryCard doc={doc} project_id={project_id} tooLarge />;
  const switcher =
    editable(doc) && kind !== "text" ? (
      <button onClick={() => docs.patch(doc.path, { mode: doc.mode === "view" ? "edit" : "view", rev: doc.rev + 1 })}>{doc.mode === "view" ? EDIT_LABEL[kind] : VIEW_LABEL[kind]}</button>
    ) : null;
  if (doc.mode === "edit" && doc.form) return <TextDoc doc={doc} docs={docs} extra={switcher} onShowInKiosk={onShowInKiosk} goto={goto} />;
  const bar = (
    <div className="row">
      <span className="mono">{doc.path}</span>
      <span className="grow" />
      {onShowInKiosk && (kind === "notebook" || kind === "text") && <button onClick={() => onShowInKiosk(doc.path)}>Show in kiosk view</button>}
      {switcher}
      {(kind === "image" || kind === "pdf") && <DocActions doc={doc} project_id={project_id} />}
    </div>
  );
  switch (kind) {
    case "notebook":
      return (
        <>
          {bar}
          <FileViewer path={doc.path} content={doc.text} />
        </>
      );
    case "csv":
      return (
        <>
          {bar}
          <CsvView path={doc.path} text={doc.text} />
        </>
      );
    case "image":
      return (
        <>
          {bar}
          <ImageView path={doc.path} mime={doc.opened!.mime} bytes={doc.bytes!} />
        </>
      );
    case "pdf":
      return (
        <>
          {bar}
          <Suspense fallback={<p className="busy">Opening {doc.path}…</p>}>
            <PdfView path={doc.path} bytes={doc.bytes!} />
          </Suspense>
        </>
      );
    default:
      return <BinaryCard doc={doc} project_id={project_id} />;
  }
}
