/**
 * An HTML output in a sandboxed frame: sanitised with DOMPurify, then shown
 * through `srcdoc` in a frame whose sandbox has no `allow-scripts`, so even
 * HTML that got past the sanitiser runs nothing. `allow-same-origin` is kept
 * (without scripts it grants the frame nothing) so the page can read the
 * frame's height and size it to its content. The frame also inherits the
 * page's CSP: no remote loads, and styles only with this page load's nonce
 * (the output's style attributes are applied by the page through the CSSOM).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { cspNonce } from "../lib.js";
import { applyStyles, sanitizeOutputHtml } from "./sanitize.js";
import { FRAME_CSS } from "./frame-style.js";

export function HtmlFrame({ html }: { html: string }) {
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
    applyStyles(frame.current?.contentDocument);
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
