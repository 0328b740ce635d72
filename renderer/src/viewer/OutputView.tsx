/** One saved output, shown by its richest MIME type that the viewer can show safely. */
import type { Output } from "../../../shared/nbformat.js";
import { ansiHtml } from "./ansi.js";
import { ConsoleText } from "./ConsoleText.js";
import { HtmlFrame } from "./HtmlFrame.js";
import { latexHtml, markdownHtml } from "./markdown.js";
import { chooseMime } from "./mime.js";
import { svgDataUrl } from "./sanitize.js";

const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

export function OutputView({ output }: { output: Output }) {
  switch (output.output_type) {
    case "stream":
      return <ConsoleText text={output.text} className={`nb-stream nb-${output.name === "stderr" ? "stderr" : "stdout"}`} attrs={{ "data-output-type": "stream" }} />;
    case "error": {
      const text = output.traceback.length ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`;
      return <ConsoleText text={text} className="nb-error" attrs={{ "data-output-type": "error" }} />;
    }
    case "display_data":
    case "execute_result":
      return <RichOutput data={output.data} type={output.output_type} />;
    default:
      return (
        <p className="nb-output nb-note" data-output-type="unknown">
          An output of type “{output.original_type}” is not shown.
        </p>
      );
  }
}

function RichOutput({ data, type }: { data: Record<string, unknown>; type: string }) {
  const choice = chooseMime(data);
  if (choice.kind === "unknown") {
    return (
      <p className="nb-output nb-note" data-output-type={type}>
        {choice.mimes.length ? `Output of type ${choice.mimes.join(", ")} is not shown.` : "Empty output."}
      </p>
    );
  }
  if (choice.kind === "not-run") {
    return (
      <div className="nb-output" data-output-type={type} data-mime={choice.mime}>
        <p className="nb-note">{choice.mime === "application/javascript" ? "JavaScript output not shown (the viewer runs no code)." : "Interactive widget not shown (the viewer runs no code)."}</p>
        {choice.fallback !== undefined && <pre className="nb-plain" dangerouslySetInnerHTML={{ __html: ansiHtml(choice.fallback) }} />}
      </div>
    );
  }
  const { mime, value } = choice;
  const attrs = { "data-output-type": type, "data-mime": mime };
  switch (mime) {
    case "text/html":
      return (
        <div className="nb-output nb-html" {...attrs}>
          <HtmlFrame html={value} />
        </div>
      );
    case "text/markdown":
      return <div className="nb-output nb-md" {...attrs} dangerouslySetInnerHTML={{ __html: markdownHtml(value) }} />;
    case "text/latex":
      return <div className="nb-output nb-latex" {...attrs} dangerouslySetInnerHTML={{ __html: latexHtml(value) }} />;
    case "image/svg+xml":
      return (
        <div className="nb-output nb-image" {...attrs}>
          <img alt="SVG output" src={svgDataUrl(value)} />
        </div>
      );
    case "image/png":
    case "image/jpeg":
    case "image/gif":
      return (
        <div className="nb-output nb-image" {...attrs}>
          {BASE64.test(value) ? <img alt={`${mime.slice(6).toUpperCase()} output`} src={`data:${mime};base64,${value.replace(/\s/g, "")}`} /> : <p className="nb-note">This image output is damaged (not base64).</p>}
        </div>
      );
    default:
      return <ConsoleText text={value} className="nb-plain" attrs={attrs} />;
  }
}
