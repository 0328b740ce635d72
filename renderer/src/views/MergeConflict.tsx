/**
 * Two versions of a text as a real diff (@codemirror/merge): mine on the
 * left, editable — it is the result —, theirs on the right, read-only. Each
 * change has an arrow that takes theirs for that change alone; a change left
 * alone keeps mine; Ctrl+Z takes a choice back. Long unchanged stretches are
 * folded. The editor's save conflict and the sync's conflict view both use it.
 */
import { useEffect, useRef, useState } from "react";
import { EditorState } from "@codemirror/state";
import { EditorView, lineNumbers, keymap } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { MergeView, getChunks } from "@codemirror/merge";
import { cspNonce } from "../lib.js";
import { lineBreakOf } from "../conflict-rules.js";

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--bg)", color: "var(--fg)", fontSize: "13px" },
  ".cm-gutters": { backgroundColor: "var(--bg2)", color: "var(--muted)", borderRight: "1px solid var(--line)" },
  ".cm-cursor": { borderLeftColor: "var(--fg)" },
});

function revertButton(): HTMLElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = "⇜";
  b.title = "Take theirs for this change";
  b.setAttribute("aria-label", "Take theirs for this change");
  return b;
}

export function MergeConflict({
  mine,
  theirs,
  mineLabel,
  theirsLabel,
  onResult,
}: {
  mine: string;
  theirs: string;
  /** accessible names of the two sides */
  mineLabel: string;
  theirsLabel: string;
  /** the result (mine with the changes taken from theirs), on every change */
  onResult: (text: string) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const report = useRef(onResult);
  report.current = onResult;
  const [changes, setChanges] = useState<number | null>(null);

  useEffect(() => {
    const base = [EditorState.lineSeparator.of(lineBreakOf(mine, theirs)), EditorView.cspNonce.of(cspNonce()), lineNumbers(), theme];
    const count = (s: EditorState) => setChanges(getChunks(s)?.chunks.length ?? null);
    const view = new MergeView({
      parent: host.current!,
      a: {
        doc: mine,
        extensions: [
          ...base,
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.contentAttributes.of({ "aria-label": mineLabel }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) report.current(u.state.doc.toString());
            count(u.state);
          }),
        ],
      },
      b: { doc: theirs, extensions: [...base, EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.contentAttributes.of({ "aria-label": theirsLabel })] },
      revertControls: "b-to-a",
      renderRevertControl: revertButton,
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
    });
    count(view.a.state);
    report.current(mine);
    return () => view.destroy();
  }, [mine, theirs, mineLabel, theirsLabel]);

  return (
    <div className="merge-conflict">
      <div className="merge-heads" aria-hidden="true">
        <h3>{mineLabel} — the result</h3>
        <h3>{theirsLabel}</h3>
      </div>
      <div ref={host} className="merge-host" />
      <p className="muted" role="status" aria-label="Changes">
        {changes === null ? "" : changes === 0 ? "No differences left: the result is the same as theirs." : `${changes} ${changes === 1 ? "change" : "changes"}: each kept as yours unless you take theirs with ⇜ (Ctrl+Z takes it back).`}
      </p>
    </div>
  );
}
