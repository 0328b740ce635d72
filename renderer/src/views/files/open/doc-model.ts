/**
 * An open file as the Files view holds it, and what a save may send: pure,
 * so the rules (only text is edited; the file's separator and BOM go back
 * with it; an unchanged text sends nothing) are tested without a window.
 */
import type { ChannelInput, OpenedDoc } from "../../../../../shared/ipc/contract.js";
import { fromTextForm, toTextForm, type TextForm } from "../../../../../shared/open/text-form.js";

export interface DocState {
  path: string;
  /** as the server proved it; null for a new file not on the server yet */
  opened: OpenedDoc | null;
  /** the file's bytes (null above the inline limit, or for a new file) */
  bytes: Uint8Array | null;
  /** the editable form; null when the file is not UTF-8 text (it is never edited) */
  form: TextForm | null;
  /** the editor's text as last opened or saved */
  base: string;
  text: string;
  /** sha256 of the file's bytes as last opened or saved; null for a new file */
  baseSha: string | null;
  executable: boolean;
}

export function bytesOf(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export function base64Of(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function docFromOpened(o: OpenedDoc): DocState {
  const bytes = o.data === null ? null : bytesOf(o.data);
  const form = bytes && (o.kind === "text" || o.kind === "notebook" || o.kind === "csv" || o.mime === "image/svg+xml") ? toTextForm(bytes) : null;
  const text = form?.text ?? "";
  return { path: o.path, opened: o, bytes, form, base: text, text, baseSha: o.sha256, executable: o.executable };
}

export function newDoc(path: string): DocState {
  return { path, opened: null, bytes: null, form: { bom: false, eol: "\n", mixed: false, text: "" }, base: "", text: "", baseSha: null, executable: false };
}

/** Whether the editor may change it: UTF-8 text with one kind of line separator. */
export const editable = (d: DocState): boolean => d.form !== null && !d.form.mixed;

/** Unsaved: edited since opened or saved, or new and not on the server yet. */
export const dirty = (d: DocState): boolean => editable(d) && (d.text !== d.base || d.baseSha === null);

/** What Save sends, or null when there is nothing it may send (not text, or nothing changed). */
export async function saveRequest(d: DocState, project_id: string): Promise<ChannelInput<"doc.save"> | null> {
  if (!editable(d) || !dirty(d)) return null;
  const bytes = fromTextForm(d.form!, d.text);
  return { project_id, path: d.path, data: base64Of(bytes), sha256: await sha256Bytes(bytes), base_sha256: d.baseSha, executable: d.executable };
}
