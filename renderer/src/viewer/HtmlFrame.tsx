/**
 * An HTML output in a sandboxed frame: sanitised with DOMPurify, then shown
 * through `srcdoc` in a frame whose sandbox has no `allow-scripts`, so even
 * HTML that got past the sanitiser runs nothing. `allow-same-origin` is kept
 * (without scripts it grants the frame nothing) so the page can read the
 * frame's height and size it to its content. The frame also inherits the
 * page's CSP: no remote loads, and style elements only with this page load's
 * nonce.
 *
 * A frame is a whole document, costly to create (a notebook may hold a
 * hundred DataFrames), so each is made only when it comes near the visible
 * part of the viewer, and then kept.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { cspNonce } from "../lib.js";
import { sanitizeOutputHtml } from "./sanitize.js";
import { FRAME_CSS } from "./frame-style.js";

/** How far outside the visible area a frame is already made, so scrolling does not show it empty. */
const AHEAD = "1200px 0px";

export function HtmlFrame({ html }: { html: string }) {
  const [near, setNear] = useState(false);
  const spot = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = spot.current;
    if (near || !el) return;
    const watch = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { root: el.closest(".file-viewer"), rootMargin: AHEAD });
    watch.observe(el);
    return () => watch.disconnect();
  }, [near]);
  return near ? <SandboxedHtml html={html} /> : <div ref={spot} className="nb-frame-pending" aria-busy="true" />;
}

function SandboxedHtml({ html }: { html: string }) {
  const nonce = cspNonce();
  const srcDoc = useMemo(
    () => `<!doctype html><html><head><meta charset="utf-8"><style nonce="${nonce}">${FRAME_CSS}</style></head><body>${sanitizeOutputHtml(html, nonce)}</body></html>`,
    [html, nonce],
  );
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(0);
  const observer = useRef<ResizeObserver | null>(null);

  const fit = useCallback(() => {
    const doc = frame.current?.contentDocument;
    if (!doc?.body) return;
    setHeight(Math.ceil(doc.documentElement.scrollHeight));
  }, []);

  const onLoad = useCallback(() => {
    fit();
    observer.current?.disconnect();
    const body = frame.current?.contentDocument?.body;
    if (!body) return;
    observer.current = new ResizeObserver(fit);
    observer.current.observe(body);
  }, [fit]);

  useEffect(() => () => observer.current?.disconnect(), []);

  return <iframe ref={frame} className="nb-frame" title="HTML output" sandbox="allow-same-origin" srcDoc={srcDoc} onLoad={onLoad} height={height || 24} />;
}
