/**
 * A text file as the editor holds it, and back to the file's own bytes.
 * CodeMirror splits lines on CRLF, CR and LF and joins them with LF, and a
 * BOM is no text a person edits: the file's separator and BOM are recorded
 * here and put back on save, so a save changes exactly what was edited.
 * A file that mixes separators cannot be given back as it was after an
 * edit (which separator would a new line get?): it opens read-only.
 */
import { utf8Text } from "./kind.js";

export type Eol = "\n" | "\r\n" | "\r";

export interface TextForm {
  /** a leading U+FEFF, written back on save */
  bom: boolean;
  /** the file's one line separator ("\n" when it has none) */
  eol: Eol;
  /** separators of more than one kind: shown, never edited */
  mixed: boolean;
  /** the text as the editor holds it: no BOM, every separator "\n" */
  text: string;
}

/** The editable form of a file, or null when it is not UTF-8 text. */
export function toTextForm(bytes: Uint8Array): TextForm | null {
  const s = utf8Text(bytes);
  return s === null ? null : textFormOf(s);
}

export function textFormOf(s: string): TextForm {
  const bom = s.startsWith("\uFEFF");
  const body = bom ? s.slice(1) : s;
  const crlf = /\r\n/.test(body);
  const cr = /\r(?!\n)/.test(body);
  const lf = /(?<!\r)\n/.test(body);
  const kinds = [crlf, cr, lf].filter(Boolean).length;
  const eol: Eol = crlf ? "\r\n" : cr ? "\r" : "\n";
  return { bom, eol, mixed: kinds > 1, text: body.replace(/\r\n?/g, "\n") };
}

/** The file's bytes for the editor's `text`: the recorded separator and BOM put back. */
export function fromTextForm(form: Pick<TextForm, "bom" | "eol" | "mixed">, text: string): Uint8Array {
  if (form.mixed) throw new Error("a file with mixed line separators is never written from the editor");
  const body = form.eol === "\n" ? text : text.replace(/\n/g, form.eol);
  return new TextEncoder().encode((form.bom ? "\uFEFF" : "") + body);
}
