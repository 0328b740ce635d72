/**
 * A notebook's cells with their saved outputs. Each cell is memoised on its
 * content, so when the file changes on the server only the changed cells
 * render again (and unchanged HTML frames do not reload and jump).
 *
 * A large notebook renders progressively: the first cells at once (a screen
 * and more), the rest in small batches between frames, so the first screen
 * shows at once and the page stays responsive. A refresh of the same file
 * renders every cell already shown at once, so the scroll position holds.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { notebookLanguage, parseNotebook, type Cell } from "../../../shared/nbformat.js";
import { highlightHtml, languageFor } from "./highlight.js";
import { markdownHtml } from "./markdown.js";
import { OutputView } from "./OutputView.js";

/** Cells rendered with the first paint; later batches grow while a batch takes less than BATCH_MS, and shrink when it takes more. */
const FIRST_CELLS = 4;
const BATCH_MS = 40;

export function NotebookView({ path, content }: { path: string; content: string }) {
  const parsed = useMemo(() => parseNotebook(content), [content]);
  const total = parsed.ok ? parsed.notebook.cells.length : 0;
  const [shown, setShown] = useState(FIRST_CELLS);
  const batch = useRef({ size: FIRST_CELLS, started: 0 });
  // After each batch is laid out: how long did it take? The next batch is sized to fit the budget.
  useLayoutEffect(() => {
    const b = batch.current;
    if (!b.started) return;
    void document.body.offsetHeight; // the batch's layout belongs to its cost
    const took = performance.now() - b.started;
    b.size = took > BATCH_MS ? Math.max(1, b.size >> 1) : Math.min(256, b.size * 2);
    b.started = 0;
  }, [shown]);
  useEffect(() => {
    if (shown >= total) return;
    const next = setTimeout(() => {
      batch.current.started = performance.now();
      setShown((n) => n + batch.current.size);
    }, 0);
    return () => clearTimeout(next);
  }, [shown, total]);
  if (!parsed.ok) {
    return (
      <div className="banner error" role="alert">
        Cannot show {path}: {parsed.error}
        <div className="hint">Open it in the editor to see or fix its text.</div>
      </div>
    );
  }
  const nb = parsed.notebook;
  const language = languageFor(notebookLanguage(nb)) ?? "python";
  return (
    <article className="notebook" aria-label={`Notebook ${path}`} aria-busy={shown < total} data-complete={shown >= total}>
      {nb.cells.slice(0, shown).map((cell, i) => (
        <CellView key={cell.id ?? i} index={i} cell={cell} signature={cellSignature(cell)} language={language} />
      ))}
    </article>
  );
}

/** What a cell shows, cheaply compared: a re-read file yields new objects for unchanged cells. */
function cellSignature(cell: Cell): string {
  return JSON.stringify(cell);
}

const CellView = memo(
  function CellView({ cell, index, language }: { cell: Cell; index: number; signature: string; language: string }) {
    if (cell.cell_type === "markdown") return <MarkdownCell cell={cell} index={index} />;
    if (cell.cell_type === "code") {
      const lang = languageFor(typeof cell.metadata.language === "string" ? cell.metadata.language : undefined) ?? language;
      return <CodeCell cell={cell} index={index} language={lang} />;
    }
    return (
      <section className="nb-cell nb-raw" data-cell-index={index} data-cell-type={cell.cell_type}>
        <pre>{cell.source}</pre>
      </section>
    );
  },
  (a, b) => a.signature === b.signature && a.index === b.index && a.language === b.language,
);

function MarkdownCell({ cell, index }: { cell: Cell; index: number }) {
  const html = markdownHtml(cell.source, cell.attachments as Record<string, Record<string, unknown>> | undefined);
  return <section className="nb-cell nb-markdown nb-md" data-cell-index={index} data-cell-type="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

function CodeCell({ cell, index, language }: { cell: Cell; index: number; language: string }) {
  const html = highlightHtml(cell.source, language);
  const n = cell.execution_count;
  return (
    <section className="nb-cell nb-code" data-cell-index={index} data-cell-type="code">
      <div className="nb-input">
        <div className="nb-prompt" aria-hidden="true">
          [{n ?? " "}]:
        </div>
        <pre className="nb-source">{html === null ? <code>{cell.source}</code> : <code className={`hljs language-${language}`} dangerouslySetInnerHTML={{ __html: html }} />}</pre>
      </div>
      {cell.outputs.length > 0 && (
        <div className="nb-outputs">
          {cell.outputs.map((o, i) => (
            <OutputView key={i} output={o} />
          ))}
        </div>
      )}
    </section>
  );
}
