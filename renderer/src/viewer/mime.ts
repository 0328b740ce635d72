/**
 * Which of an output's MIME types the viewer shows: the richest one it can
 * show safely, in JupyterLab's order of preference. JavaScript and widget
 * views are never run; they are chosen only when nothing else is there, so
 * the viewer can say what it did not show.
 */
import type { MimeBundle } from "../../../shared/nbformat.js";

export const SHOWN_MIMES = ["text/html", "text/markdown", "text/latex", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/plain"] as const;
export type ShownMime = (typeof SHOWN_MIMES)[number];

const NOT_RUN = ["application/vnd.jupyter.widget-view+json", "application/javascript"] as const;

export type MimeChoice =
  | { kind: "show"; mime: ShownMime; value: string }
  /** Active content that is not run: a note, with the plain-text fallback when there is one. */
  | { kind: "not-run"; mime: string; fallback?: string }
  /** Nothing the viewer can show (e.g. only a vendor JSON type). */
  | { kind: "unknown"; mimes: string[] };

export function chooseMime(bundle: MimeBundle): MimeChoice {
  const plain = typeof bundle["text/plain"] === "string" ? bundle["text/plain"] : undefined;
  // A widget view's text/plain is only a placeholder ("HBox(...)", "Loading..."), so the note comes first.
  const widget = bundle[NOT_RUN[0]] !== undefined;
  if (widget) return { kind: "not-run", mime: NOT_RUN[0], ...(plain !== undefined ? { fallback: plain } : {}) };
  for (const mime of SHOWN_MIMES) {
    if (mime === "text/plain") break;
    const value = bundle[mime];
    if (typeof value === "string" && value.trim() !== "") return { kind: "show", mime, value };
  }
  if (bundle[NOT_RUN[1]] !== undefined) return { kind: "not-run", mime: NOT_RUN[1], ...(plain !== undefined ? { fallback: plain } : {}) };
  if (plain !== undefined) return { kind: "show", mime: "text/plain", value: plain };
  return { kind: "unknown", mimes: Object.keys(bundle) };
}
