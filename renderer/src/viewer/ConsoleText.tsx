/**
 * Stream, traceback and plain text outputs. A long one (over HEAD_LINES lines
 * or HEAD_CHARS characters) shows its first piece at once and says how much
 * more there is; "Show all" renders the rest one piece per task, so the page
 * answers input while it grows.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { ansiHtml, ansiPieces } from "./ansi.js";
import { cutPieces, lineCount } from "./long-text.js";

type Attrs = Record<`data-${string}`, string>;

export function ConsoleText({ text, className, attrs }: { text: string; className: string; attrs: Attrs }) {
  const pieces = useMemo(() => cutPieces(text), [text]);
  if (pieces.length <= 1) return <pre className={`nb-output ${className}`} {...attrs} dangerouslySetInnerHTML={{ __html: ansiHtml(text) }} />;
  return <LongText text={text} pieces={pieces} className={className} attrs={attrs} />;
}

function LongText({ text, pieces, className, attrs }: { text: string; pieces: string[]; className: string; attrs: Attrs }) {
  const [all, setAll] = useState(false);
  const [shown, setShown] = useState(1);
  const html = useConverted(pieces, shown);
  const rest = useMemo(() => lineCount(text) - lineCount(pieces[0]!), [text, pieces]);
  useEffect(() => {
    if (!all || shown >= pieces.length) return;
    const next = setTimeout(() => setShown((n) => n + 1), 0);
    return () => clearTimeout(next);
  }, [all, shown, pieces.length]);
  return (
    <div className={`nb-output nb-long ${className}`} {...attrs} aria-busy={all && shown < pieces.length} data-complete={shown >= pieces.length}>
      <pre>
        {html.map((piece, i) => (
          <span key={i} className="nb-piece" dangerouslySetInnerHTML={{ __html: piece }} />
        ))}
      </pre>
      {!all && (
        <p className="nb-more">
          {rest > 0 ? `${rest.toLocaleString("en")} more lines not shown.` : "The rest of this output is not shown."}{" "}
          <button type="button" onClick={() => setAll(true)}>
            Show all
          </button>
        </p>
      )}
    </div>
  );
}

/** Each piece's HTML, converted once and in order (a colour carries from one piece into the next). */
function useConverted(pieces: string[], upTo: number): string[] {
  const cache = useRef<{ pieces: string[]; convert: (s: string) => string; html: string[] } | null>(null);
  if (cache.current?.pieces !== pieces) cache.current = { pieces, convert: ansiPieces(), html: [] };
  const c = cache.current;
  while (c.html.length < Math.min(upTo, pieces.length)) c.html.push(c.convert(pieces[c.html.length]!));
  return c.html.slice(0, upTo);
}
