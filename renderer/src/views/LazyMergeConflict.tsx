/** The diff of a conflict, loaded in its own chunk (CodeMirror and its merge view) when a conflict is shown, not with the first screen. */
import { lazy, Suspense, type ComponentProps } from "react";
import type { MergeConflict as Loaded } from "./MergeConflict.js";

const LoadedMerge = lazy(() => import("./MergeConflict.js").then((m) => ({ default: m.MergeConflict })));

export function MergeConflict(props: ComponentProps<typeof Loaded>) {
  return (
    <Suspense fallback={<p className="busy">Comparing the two versions…</p>}>
      <LoadedMerge {...props} />
    </Suspense>
  );
}
