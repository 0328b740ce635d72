/**
 * HTML from a notebook made safe to show, with DOMPurify (a dedicated
 * instance, so its hooks touch nothing else):
 *
 * - no script, event handler, `javascript:` URL, form, frame or object survives;
 * - images load only from the notebook itself (data: URLs and cell
 *   attachments); an image by URL or by a path on the server becomes a small
 *   placeholder naming it, because the viewer fetches nothing (the CSP's
 *   img-src would refuse it anyway, and a remote image tells its server who is
 *   watching);
 * - links open outside the app;
 * - in markdown, the notebook's own `style` attributes are removed, so its raw
 *   HTML cannot lay itself over the app; KaTeX's (glyph metrics) are kept: they
 *   are moved aside under an attribute named with a per-session token a
 *   notebook cannot guess while DOMPurify runs, and put back after. An HTML
 *   output keeps its style attributes: they apply inside its sandboxed frame.
 */
import DOMPurify from "dompurify";
import { cspNonce } from "../lib.js";

const purify = DOMPurify(window);

/** Holds KaTeX's style attributes while DOMPurify runs; the name is unguessable, so a notebook's HTML cannot claim it. */
export const STYLE_ATTR = `data-s${Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, "0")).join("")}`;

/**
 * HTML from KaTeX with each tag's style attribute moved to STYLE_ATTR. Its
 * text is escaped (no "<" in text), so only real tags match.
 */
export function deferStyles(html: string): string {
  return html.replace(/(<[a-zA-Z][^<>]*?)\sstyle="/g, `$1 ${STYLE_ATTR}="`);
}

/** Put the styles deferStyles moved aside back (after sanitising). */
function restoreStyles(root: ParentNode): void {
  for (const el of Array.from(root.querySelectorAll(`[${STYLE_ATTR}]`))) {
    el.setAttribute("style", el.getAttribute(STYLE_ATTR) ?? "");
    el.removeAttribute(STYLE_ATTR);
  }
}

const SAFE_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$/i;

interface Context {
  attachments: Record<string, Record<string, unknown>> | undefined;
  /** Keep style attributes only inside math. */
  markdown: boolean;
}
let ctx: Context = { attachments: undefined, markdown: false };

/** An attachment's image as a data: URL, or null when there is none of an image type. */
export function attachmentUrl(attachments: Context["attachments"], name: string): string | null {
  const bundle = attachments?.[name];
  if (!bundle) return null;
  for (const mime of ["image/png", "image/jpeg", "image/gif", "image/webp"]) {
    const v = bundle[mime];
    if (typeof v === "string" && /^[A-Za-z0-9+/=\s]*$/.test(v)) return `data:${mime};base64,${v.replace(/\s/g, "")}`;
  }
  const svg = bundle["image/svg+xml"];
  if (typeof svg === "string") return svgDataUrl(svg);
  return null;
}

/** An SVG as an <img> source: sanitised, and shown as an image, so nothing in it can run or load. */
export function svgDataUrl(svg: string): string {
  const clean = purify.sanitize(svg, { USE_PROFILES: { svg: true, svgFilters: true } });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(clean)}`;
}

purify.addHook("uponSanitizeAttribute", (_node, data) => {
  if (data.attrName === "style" && ctx.markdown) data.keepAttr = false;
});

purify.addHook("afterSanitizeAttributes", (node) => {
  const el = node as Element;
  if (el.tagName === "IMG") {
    const src = el.getAttribute("src") ?? "";
    if (src.startsWith("attachment:")) {
      const url = attachmentUrl(ctx.attachments, decodeURIComponent(src.slice("attachment:".length)));
      if (url) return void el.setAttribute("src", url);
    } else if (SAFE_DATA_IMAGE.test(src)) return;
    // Marked here, replaced after sanitising (a hook must not move nodes under DOMPurify's walker).
    el.setAttribute("data-blocked-src", src);
    el.removeAttribute("src");
    el.removeAttribute("srcset");
  } else if (el.tagName === "A" && el.hasAttribute("href")) {
    el.setAttribute("target", "_blank");
    el.setAttribute("rel", "noopener noreferrer");
  }
});

function placeholders(root: ParentNode): void {
  for (const img of Array.from(root.querySelectorAll("img[data-blocked-src]"))) {
    const src = img.getAttribute("data-blocked-src") ?? "";
    const note = document.createElement("span");
    note.className = "image-placeholder";
    note.title = src;
    note.textContent = `[image${img.getAttribute("alt") ? `: ${img.getAttribute("alt")}` : ""} — not loaded${src ? `: ${src}` : ""}]`;
    img.replaceWith(note);
  }
}

/**
 * Even the inert document DOMPurify parses into inherits the page's CSP, which
 * reports every <style> element without the nonce as a violation. The
 * elements get the nonce before parsing (a stray match in text only adds
 * text); DOMPurify then removes every nonce attribute, and output frames get
 * it back on the <style> elements that survived.
 */
function nonceStyles(html: string, nonce: string): string {
  return nonce ? html.replace(/<style(?=[\s>])/gi, `<style nonce="${nonce}"`) : html;
}

const FORBID = ["form", "input", "button", "textarea", "select", "iframe", "frame", "object", "embed", "base", "meta", "link"];

/** Markdown's HTML (with KaTeX's) made safe for the app's page. */
export function sanitizeMarkdownHtml(html: string, attachments?: Context["attachments"]): string {
  ctx = { attachments, markdown: true };
  try {
    const frag = purify.sanitize(nonceStyles(html, cspNonce()), { RETURN_DOM_FRAGMENT: true, FORBID_TAGS: [...FORBID, "style"], ADD_ATTR: ["target"] });
    placeholders(frag);
    restoreStyles(frag);
    const div = document.createElement("div");
    div.appendChild(frag);
    return div.innerHTML;
  } finally {
    ctx = { attachments: undefined, markdown: false };
  }
}

/**
 * An HTML output made safe for a sandboxed frame: its <style> elements stay
 * (they style only the frame) and get the page's CSP nonce, which the frame
 * inherits; everything else as above.
 */
export function sanitizeOutputHtml(html: string, nonce: string): string {
  ctx = { attachments: undefined, markdown: false };
  const body = purify.sanitize(nonceStyles(html, nonce), { RETURN_DOM: true, FORCE_BODY: true, FORBID_TAGS: FORBID, ADD_ATTR: ["target"] });
  placeholders(body);
  for (const style of Array.from(body.querySelectorAll("style"))) style.setAttribute("nonce", nonce);
  return body.innerHTML;
}
