/// <reference types="vite/client" />
/**
 * A PDF drawn by pdf.js (pdfjs-dist) into canvases, page by page as they
 * are reached. Its worker is a file of the app (the CSP's script-src 'self'
 * covers it), it never evaluates strings (isEvalSupported off), and nothing
 * is fetched: the bytes are given, no fonts or maps are loaded by URL.
 */
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { useEffect, useRef, useState } from "react";

GlobalWorkerOptions.workerSrc = workerUrl;

/** pages drawn at most; a longer PDF says how many more there are */
const MAX_PAGES = 100;

export default function PdfView({ path, bytes }: { path: string; bytes: Uint8Array }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ pages: number; drawn: number } | { error: string } | null>(null);

  useEffect(() => {
    let cancelled = false;
    // pdf.js takes the buffer over to its worker: it gets a copy, the open file keeps its bytes
    const task = getDocument({ data: bytes.slice(), isEvalSupported: false, enableXfa: false, stopAtErrors: false });
    let pdf: PDFDocumentProxy | null = null;
    void (async () => {
      try {
        pdf = await task.promise;
        const n = Math.min(pdf.numPages, MAX_PAGES);
        setState({ pages: pdf.numPages, drawn: 0 });
        for (let i = 1; i <= n && !cancelled; i++) {
          const page = await pdf.getPage(i);
          const width = host.current?.clientWidth || 800;
          const base = page.getViewport({ scale: 1 });
          const viewport = page.getViewport({ scale: Math.min(2, (width - 24) / base.width) * (window.devicePixelRatio || 1) });
          const canvas = document.createElement("canvas");
          canvas.width = Math.floor(viewport.width);
          canvas.height = Math.floor(viewport.height);
          canvas.setAttribute("aria-label", `Page ${i}`);
          canvas.className = "pdf-page";
          host.current?.appendChild(canvas);
          await page.render({ canvas, viewport }).promise;
          if (!cancelled) setState({ pages: pdf.numPages, drawn: i });
        }
      } catch (e) {
        if (!cancelled) setState({ error: e instanceof Error ? e.message : String(e) });
      }
    })();
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [bytes]);

  return (
    <div className="doc-pdf" role="document" aria-label={`PDF: ${path}`} aria-busy={!state || ("drawn" in state && state.drawn < Math.min(state.pages, MAX_PAGES))}>
      {state && "error" in state && (
        <p className="banner warn" role="alert">
          This PDF could not be shown ({state.error}). Download it or open it with the system's app.
        </p>
      )}
      {state && "pages" in state && state.pages > MAX_PAGES && <p className="muted">The first {MAX_PAGES} of {state.pages} pages are shown.</p>}
      <div ref={host} className="pdf-pages" />
    </div>
  );
}
