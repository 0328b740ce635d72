/**
 * HTML from a notebook made safe to show, with DOMPurify (a dedicated
 * instance, so its hooks touch nothing else):
 *
 * - no script, event handler, `javascript:` URL, form, frame or object survives;
 * - images load only from the notebook itself (data: URLs and cell
 *   attachments); an image, video or sound by URL or by a path on the server
 *   becomes a small placeholder naming it, because the viewer fetches nothing
 *   (the CSP would refuse it anyway, and a remote image tells its server who
 *   is watching); for the same reason CSS that would load something (fonts,
 *   url()) is dropped, by the browser's own CSS parser;
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

/** Images from the notebook itself; an SVG shown as an image runs and loads nothing, whatever its encoding. */
const SAFE_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$|^data:image\/svg\+xml[;,]/i;

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
  if (typeof svg === "string") return svgDataUrl(svgText(svg));
  return null;
}

const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/**
 * An SVG attachment's markup: JupyterLab stores every pasted or dropped image
 * base64-encoded, SVG included, while an SVG written by hand or by older tools
 * is the markup itself. Markup always holds a "<", which base64 never does.
 */
export function svgText(value: string): string {
  if (!BASE64.test(value)) return value;
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(value.replace(/\s/g, "")), (c) => c.charCodeAt(0)));
  } catch {
    return value; // not base64 after all: the sanitiser gets the text and shows what it can
  }
}

/**
 * An SVG as an <img> source: sanitised, and shown as an image, so nothing in
 * it can run or load. Serialised as XML, which gives it the SVG namespace
 * even where the output left it out (R's svg outputs do), or an image would
 * not show it.
 */
export function svgDataUrl(svg: string): string {
  const body = purify.sanitize(svg, { USE_PROFILES: { svg: true, svgFilters: true }, RETURN_DOM: true });
  const root = body.querySelector("svg");
  const clean = root ? new XMLSerializer().serializeToString(root) : "";
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(clean)}`;
}

/** A url() that is not a data: URL: it would make the viewer fetch something. */
const REMOTE_URL = /url\(\s*(?!['"]?\s*data:)/i;

purify.addHook("uponSanitizeAttribute", (node, data) => {
  // Cell attachments become data: URLs before DOMPurify checks the URL (it knows no attachment: scheme).
  if (data.attrName === "src" && node.nodeName === "IMG" && data.attrValue.startsWith("attachment:")) {
    const url = attachmentUrl(ctx.attachments, decodeURIComponent(data.attrValue.slice("attachment:".length)));
    if (url) data.attrValue = url;
  }
  if (data.attrName === "style" && (ctx.markdown || REMOTE_URL.test(data.attrValue))) data.keepAttr = false;
  // SVG <image>/<use>/<feImage> may point at anything; only data: and in-document references stay.
  if ((data.attrName === "href" || data.attrName === "xlink:href") && node.nodeName !== "A" && node.nodeName !== "a" && !/^(#|data:image\/)/i.test(data.attrValue.trim())) data.keepAttr = false;
});

/** CSS from a notebook without anything that would load: no @font-face, no @import, no rule with a remote url(). */
export function safeCss(css: string): string {
  const sheet = new CSSStyleSheet();
  try {
    sheet.replaceSync(css);
  } catch {
    return "";
  }
  return Array.from(sheet.cssRules)
    .filter((rule) => !(rule instanceof CSSFontFaceRule) && !(rule instanceof CSSImportRule) && !REMOTE_URL.test(rule.cssText))
    .map((rule) => rule.cssText)
    .join("\n");
}

purify.addHook("afterSanitizeAttributes", (node) => {
  const el = node as Element;
  if (el.tagName === "VIDEO" || el.tagName === "AUDIO") {
    // Media never loads (nothing is fetched, and media-src is not in the CSP): a placeholder names it.
    el.setAttribute("data-blocked-src", el.getAttribute("src") ?? "");
    el.removeAttribute("src");
  } else if (el.tagName === "IMG") {
    const src = el.getAttribute("src") ?? "";
    if (SAFE_DATA_IMAGE.test(src)) return;
    // Marked here, replaced after sanitising (a hook must not move nodes under DOMPurify's walker).
    el.setAttribute("data-blocked-src", src);
    el.removeAttribute("src");
    el.removeAttribute("srcset");
  } else if (el.tagName === "A" && el.hasAttribute("href")) {
    el.setAttribute("target", "_blank");
    el.setAttribute("rel", "noopener noreferrer");
  }
});

const MEDIA_KIND: Record<string, string> = { IMG: "image", VIDEO: "video", AUDIO: "sound" };

function placeholders(root: ParentNode): void {
  for (const el of Array.from(root.querySelectorAll("[data-blocked-src]"))) {
    const src = el.getAttribute("data-blocked-src") ?? "";
    const alt = el.getAttribute("alt");
    const note = document.createElement("span");
    note.className = "image-placeholder";
    note.title = src;
    note.textContent = `[${MEDIA_KIND[el.tagName] ?? "media"}${alt ? `: ${alt}` : ""} — not loaded${src ? `: ${src}` : ""}]`;
    el.replaceWith(note);
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

const FORBID = ["form", "input", "button", "textarea", "select", "iframe", "frame", "object", "embed", "base", "meta", "link", "source", "track", "portal"];

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
  for (const style of Array.from(body.querySelectorAll("style"))) {
    style.textContent = safeCss(style.textContent ?? "");
    style.setAttribute("nonce", nonce);
  }
  return body.innerHTML;
}
