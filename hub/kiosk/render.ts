/**
 * A file as the kiosk view shows it: a notebook as its cells with outputs
 * (markdown rendered, code highlighted), anything else as text. Every text
 * from the file is escaped; markdown's raw HTML is off, so a notebook cannot
 * put script into the page. The notebook model (nbformat 4 and 3) is the
 * app's own, from shared/nbformat.ts.
 */
import hljs from "highlight.js/lib/common";
import MarkdownIt from "markdown-it";
import { notebookLanguage, parseNotebook, type Output } from "../../shared/nbformat.js";

const md = new MarkdownIt({ html: false, linkify: true });

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

function highlight(code: string, language: string): string {
  const lang = hljs.getLanguage(language) ? language : "plaintext";
  return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}

function renderOutput(o: Output): string {
  if (o.output_type === "stream") return `<pre class="output stream ${o.name === "stderr" ? "stderr" : "stdout"}">${escapeHtml(o.text)}</pre>`;
  if (o.output_type === "error") {
    return `<pre class="output error">${escapeHtml((o.traceback.length ? o.traceback : [`${o.ename}: ${o.evalue}`]).join("\n").replace(ANSI, ""))}</pre>`;
  }
  if (o.output_type === "unknown") return "";
  const data = o.data;
  const png = data["image/png"];
  if (typeof png === "string" && /^[A-Za-z0-9+/=\s]+$/.test(png)) return `<img class="output" alt="output image" src="data:image/png;base64,${png.replace(/\s/g, "")}">`;
  const markdown = data["text/markdown"];
  if (typeof markdown === "string") return `<div class="output markdown">${md.render(markdown)}</div>`;
  const plain = data["text/plain"];
  if (typeof plain === "string") return `<pre class="output result">${escapeHtml(plain)}</pre>`;
  return "";
}

export function renderNotebook(text: string, path: string): string {
  const parsed = parseNotebook(text);
  if (!parsed.ok) return renderText(text, path);
  const language = notebookLanguage(parsed.notebook) ?? "python";
  const cells = parsed.notebook.cells.map((c) => {
    if (c.cell_type === "markdown") return `<section class="cell markdown">${md.render(c.source)}</section>`;
    if (c.cell_type === "code") {
      const n = c.execution_count ?? " ";
      return `<section class="cell code"><div class="prompt">In [${escapeHtml(String(n))}]:</div><pre class="input"><code class="hljs language-${escapeHtml(language)}">${highlight(c.source, language)}</code></pre>${(c.outputs ?? []).map(renderOutput).join("")}</section>`;
    }
    return `<section class="cell raw"><pre>${escapeHtml(c.source)}</pre></section>`;
  });
  return `<article class="notebook" data-path="${escapeHtml(path)}">${cells.join("\n")}</article>`;
}

export function renderText(text: string, path: string): string {
  return `<article class="text" data-path="${escapeHtml(path)}"><pre>${escapeHtml(text)}</pre></article>`;
}

export function renderFile(text: string, path: string): string {
  if (path.endsWith(".ipynb")) {
    try {
      return renderNotebook(text, path);
    } catch {
      return renderText(text, path);
    }
  }
  return renderText(text, path);
}
