/**
 * Markdown as Jupyter shows it: CommonMark with raw HTML (sanitised with
 * DOMPurify afterwards, rather than markdown-it's `html: false`, because real
 * notebooks rely on inline HTML: `<img>`, `<div>`, `<cite>`, tables), math by
 * KaTeX in `$…$`, `$$…$$` and bare `\begin{…}` environments, and fenced code
 * highlighted.
 */
import katex from "katex";
import * as markdownItKatexModule from "@vscode/markdown-it-katex";
import type { MarkdownKatexOptions } from "@vscode/markdown-it-katex";
import MarkdownIt from "markdown-it";
import { highlightHtml, languageFor } from "./highlight.js";
import { deferStyles, sanitizeMarkdownHtml } from "./sanitize.js";

/**
 * TeX as Jupyter's MathJax takes it, for KaTeX: `eqnarray` (which KaTeX lacks)
 * is the `rcl` array it is defined as, and an environment written between
 * single dollars is still shown as display math.
 */
export function texForKatex(tex: string, options: katex.KatexOptions = {}): [string, katex.KatexOptions] {
  const t = tex.replace(/\\begin\{eqnarray\*?\}/g, "\\begin{array}{rcl}").replace(/\\end\{eqnarray\*?\}/g, "\\end{array}");
  const display = options.displayMode || /\\begin\{(equation|align|gather|multline|array|eqnarray)\*?\}/.test(tex);
  return [t, { ...options, displayMode: display }];
}

const jupyterKatex = { ...katex, renderToString: (tex: string, options?: katex.KatexOptions) => katex.renderToString(...texForKatex(tex, options)) };

// The package is CommonJS with `exports.default`; bundlers hand it over either wrapped or not.
type KatexPlugin = typeof markdownItKatexModule.default;
const markdownItKatex: KatexPlugin = (markdownItKatexModule.default as unknown as { default?: KatexPlugin }).default ?? markdownItKatexModule.default;

const md = new MarkdownIt({
  html: true,
  linkify: true,
  highlight: (code, lang) => highlightHtml(code, languageFor(lang)) ?? "",
});
// The plugin bundles an older KaTeX; ours is passed in so the output matches the stylesheet the viewer loads.
md.use(markdownItKatex, { katex: jupyterKatex as unknown as MarkdownKatexOptions["katex"], enableBareBlocks: true, enableMathBlockInHtml: true, enableMathInlineInHtml: true, throwOnError: false });

// KaTeX's style attributes (glyph metrics) are set aside while DOMPurify removes the notebook's own; see sanitize.ts.
for (const rule of ["math_inline", "math_inline_block", "math_inline_bare_block", "math_block"] as const) {
  const render = md.renderer.rules[rule];
  if (!render) continue;
  md.renderer.rules[rule] = (tokens, idx, options, env, self) => deferStyles(render(tokens, idx, options, env, self));
}

// Table alignment as classes, not style attributes (which the sanitiser removes from markdown).
md.core.ruler.push("align_classes", (state) => {
  for (const token of state.tokens) {
    const align = /^text-align:(left|right|center)$/.exec(String(token.attrGet("style")));
    if (!align) continue;
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== "style");
    token.attrJoin("class", `align-${align[1]}`);
  }
});

export function markdownHtml(source: string, attachments?: Record<string, Record<string, unknown>>): string {
  return sanitizeMarkdownHtml(md.render(source), attachments);
}

/** A text/latex output: typically `$…$`, `$$…$$` or an environment, sometimes with text around it. */
export function latexHtml(latex: string): string {
  const t = latex.trim();
  const whole = /^\$\$([\s\S]*)\$\$$/.exec(t) ?? /^\\\[([\s\S]*)\\\]$/.exec(t) ?? (/^\\begin\{/.test(t) ? [t, t] : null);
  if (whole && !whole[1]!.includes("$$")) return sanitizeMarkdownHtml(deferStyles(jupyterKatex.renderToString(whole[1]!, { displayMode: true, throwOnError: false })));
  const inline = /^\$([^$]*)\$$/.exec(t);
  if (inline) return sanitizeMarkdownHtml(deferStyles(jupyterKatex.renderToString(inline[1]!, { displayMode: true, throwOnError: false })));
  return markdownHtml(latex);
}
