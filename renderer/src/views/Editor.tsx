/** A CodeMirror 6 editor: syntax by file extension, Ctrl/Cmd+S to save, styles under the page's CSP nonce. */
import { useEffect, useRef } from "react";
import { EditorState, type Extension } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { defaultHighlightStyle, syntaxHighlighting, bracketMatching, indentOnInput } from "@codemirror/language";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { markdown } from "@codemirror/lang-markdown";
import { json } from "@codemirror/lang-json";
import { html } from "@codemirror/lang-html";
import { css } from "@codemirror/lang-css";
import { cspNonce } from "../lib.js";

export function languageFor(path: string): Extension[] {
  const ext = path.toLowerCase().split(".").pop() ?? "";
  switch (ext) {
    case "js":
    case "mjs":
    case "cjs":
    case "jsx":
      return [javascript({ jsx: true })];
    case "ts":
    case "tsx":
      return [javascript({ typescript: true, jsx: ext === "tsx" })];
    case "py":
    case "sage":
      return [python()];
    case "md":
    case "markdown":
      return [markdown()];
    case "json":
    case "ipynb":
      return [json()];
    case "html":
    case "htm":
      return [html()];
    case "css":
      return [css()];
    default:
      return [];
  }
}

export function Editor({
  path,
  doc,
  onChange,
  onSave,
  goto,
}: {
  path: string;
  doc: string;
  onChange: (text: string) => void;
  onSave: () => void;
  /** put the cursor on this line (1-based) and scroll to it; `n` changes for each request */
  goto?: { line: number; n: number };
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const handlers = useRef({ onChange, onSave });
  handlers.current = { onChange, onSave };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc,
        extensions: [
          EditorView.cspNonce.of(cspNonce()),
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          bracketMatching(),
          indentOnInput(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([{ key: "Mod-s", preventDefault: true, run: () => (handlers.current.onSave(), true) }, indentWithTab, ...defaultKeymap, ...historyKeymap, ...searchKeymap]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) handlers.current.onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ "aria-label": `Editor: ${path}` }),
          EditorView.theme({ "&": { height: "100%", backgroundColor: "var(--bg)", color: "var(--fg)" }, ".cm-gutters": { backgroundColor: "var(--bg2)", color: "var(--muted)", borderRight: "1px solid var(--line)" }, ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 7%, transparent)" }, ".cm-cursor": { borderLeftColor: "var(--fg)" } }),
          ...languageFor(path),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // Made once: a new document (another file, or the server's version taken) comes with a new React key.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v || !goto) return;
    const line = v.state.doc.line(Math.min(Math.max(goto.line, 1), v.state.doc.lines));
    v.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: "center" }) });
    v.focus();
  }, [goto?.n]);

  return <div className="editor" ref={host} />;
}
