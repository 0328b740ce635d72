/**
 * A command's output: stdout and stderr apart, ANSI colours and `\r`
 * progress lines shown as a terminal would (ansi_up escapes the text), and
 * the exit code when the command ended. The same view shows the output as it
 * comes, what came before a cancel or a timeout, and the server's result.
 */
import "../viewer/viewer.css";
import { useEffect, useMemo, useRef } from "react";
import { ansiHtml } from "../viewer/ansi.js";

export interface ShownOutput {
  stdout: string;
  stderr: string;
  /** only once the command ended and the server said so */
  exit_code?: number;
  duration_ms?: number;
}

function Stream({ name, text, follow }: { name: "stdout" | "stderr"; text: string; follow: boolean }) {
  const html = useMemo(() => ansiHtml(text || " "), [text]);
  const pre = useRef<HTMLPreElement>(null);
  // While it runs, the newest line stays in sight unless the person scrolled up to read.
  const atEnd = useRef(true);
  useEffect(() => {
    const el = pre.current;
    if (el && follow && atEnd.current) el.scrollTop = el.scrollHeight;
  }, [html, follow]);
  return (
    <div className={name}>
      <h3>{name}</h3>
      <pre
        ref={pre}
        aria-label={name}
        className="ansi-text"
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
        }}
        dangerouslySetInnerHTML={{ __html: html }}
      />
    </div>
  );
}

export function ConsoleOutput({ label, output, note, running = false }: { label: string; output: ShownOutput; note?: string; running?: boolean }) {
  return (
    <section className="output card" aria-label={label} aria-busy={running}>
      <div className="row">
        {output.exit_code !== undefined ? (
          <span>
            Exit code{" "}
            <span className={`exit ${output.exit_code === 0 ? "ok" : "bad"}`} aria-label="Exit code">
              {output.exit_code}
            </span>
          </span>
        ) : (
          <span className="muted">{note}</span>
        )}
        {output.duration_ms !== undefined && <span className="muted">{output.duration_ms} ms</span>}
      </div>
      <Stream name="stdout" text={output.stdout} follow={running} />
      <Stream name="stderr" text={output.stderr} follow={running} />
    </section>
  );
}
