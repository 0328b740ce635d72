/**
 * The CodeMirror editor, loaded in its own chunk with the first file opened,
 * not with the app's first screen.
 */
import { lazy, Suspense, type ComponentProps } from "react";
import type { Editor as CodeMirrorEditor } from "./Editor.js";

const LoadedEditor = lazy(() => import("./Editor.js").then((m) => ({ default: m.Editor })));

export function Editor(props: ComponentProps<typeof CodeMirrorEditor>) {
  return (
    <Suspense fallback={<p className="editor busy">Opening the editor…</p>}>
      <LoadedEditor {...props} />
    </Suspense>
  );
}
