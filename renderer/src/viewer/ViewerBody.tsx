/** The renderers behind FileViewer (loaded lazily, with their styles). */
import "katex/dist/katex.min.css";
import "./viewer.css";
import { useMemo } from "react";
import { highlightHtml } from "./highlight.js";
import { viewKindOf } from "./kind.js";
import { markdownHtml } from "./markdown.js";
import { NotebookView } from "./NotebookView.js";

export default function ViewerBody({ path, content }: { path: string; content: string }) {
  return (
    <div className="viewer-body">
      <Body path={path} content={content} />
    </div>
  );
}

function Body({ path, content }: { path: string; content: string }) {
  const kind = viewKindOf(path);
  switch (kind.kind) {
    case "notebook":
      return <NotebookView path={path} content={content} />;
    case "markdown":
      return <MarkdownFile content={content} />;
    case "source":
      return <SourceFile content={content} language={kind.language} />;
    default:
      return <pre className="viewer-text">{content}</pre>;
  }
}

function MarkdownFile({ content }: { content: string }) {
  const html = useMemo(() => markdownHtml(content), [content]);
  return <article className="viewer-markdown nb-md" dangerouslySetInnerHTML={{ __html: html }} />;
}

function SourceFile({ content, language }: { content: string; language: string }) {
  const html = useMemo(() => highlightHtml(content, language), [content, language]);
  return (
    <pre className="viewer-source">
      {html === null ? <code>{content}</code> : <code className={`hljs language-${language}`} dangerouslySetInnerHTML={{ __html: html }} />}
    </pre>
  );
}
