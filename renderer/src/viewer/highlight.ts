/** Syntax highlighting with highlight.js: its common languages plus those notebooks often use. */
import hljs from "highlight.js/lib/common";
import julia from "highlight.js/lib/languages/julia";
import latex from "highlight.js/lib/languages/latex";
import matlab from "highlight.js/lib/languages/matlab";
import scala from "highlight.js/lib/languages/scala";
import haskell from "highlight.js/lib/languages/haskell";

hljs.registerLanguage("julia", julia);
hljs.registerLanguage("latex", latex);
hljs.registerLanguage("matlab", matlab);
hljs.registerLanguage("scala", scala);
hljs.registerLanguage("haskell", haskell);

/** Above this, highlighting costs more than it helps; the text is shown plain. */
const MAX_HIGHLIGHT = 300_000;

/** A highlight.js language name for a notebook language or a file extension, or null if it has none. */
export function languageFor(nameOrExtension: string | undefined): string | null {
  if (!nameOrExtension) return null;
  const name = nameOrExtension.toLowerCase();
  const lang = hljs.getLanguage(name);
  return lang ? name : null;
}

/** Highlighted HTML of `code` (highlight.js escapes the text), or null when it stays plain. */
export function highlightHtml(code: string, language: string | null): string | null {
  if (!language || code.length > MAX_HIGHLIGHT) return null;
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
