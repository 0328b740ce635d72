/**
 * The app's own file viewer: a notebook, Markdown, source or plain text,
 * rendered from the file's text. The renderers (markdown-it, KaTeX,
 * highlight.js, DOMPurify) load with the first file shown, not with the app.
 *
 * A new `content` for the same path re-renders in place, so the scroll
 * position stays; a new path starts at the top.
 */
import { lazy, Suspense } from "react";

const ViewerBody = lazy(() => import("./ViewerBody.js"));

export function FileViewer(props: { path: string; content: string }) {
  return (
    <div className="file-viewer" data-path={props.path} key={props.path}>
      <Suspense fallback={<p className="busy">Opening {props.path}…</p>}>
        <ViewerBody path={props.path} content={props.content} />
      </Suspense>
    </div>
  );
}
