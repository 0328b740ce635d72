/**
 * The app's FileViewer alone, for the viewer's end-to-end tests and benchmark:
 * `window.viewer.show(path, content)` renders a file's text (as FileViewer
 * gets it from the file's proven bytes, decoded as UTF-8) and resolves once the rendered file is in the
 * page (after its lazily loaded renderers, on the first file).
 */
import "../../../renderer/src/styles.css";
import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { FileViewer } from "../../../renderer/src/viewer/FileViewer.js";

type Shown = { path: string; content: string; done: () => void };
let setShown: (s: Shown) => void = () => undefined;

function Harness() {
  const [shown, set] = useState<Shown | null>(null);
  setShown = set;
  useEffect(() => {
    if (!shown) return;
    const rendered = () => document.querySelector(".file-viewer .viewer-body") !== null;
    if (rendered()) return shown.done();
    const watch = new MutationObserver(() => {
      if (!rendered()) return;
      watch.disconnect();
      shown.done();
    });
    watch.observe(document.body, { childList: true, subtree: true });
    return () => watch.disconnect();
  }, [shown]);
  return <div style={{ height: "100vh" }}>{shown && <FileViewer path={shown.path} content={shown.content} />}</div>;
}

createRoot(document.getElementById("root")!).render(<Harness />);
(window as unknown as { viewer: unknown }).viewer = {
  show: (path: string, content: string) => new Promise<void>((done) => setShown({ path, content, done })),
};
