/**
 * What kind of file a person opened, from its bytes first and its name
 * second: the magic numbers of the formats the app shows itself, then
 * whether the bytes are UTF-8 text at all. Only text ever reaches an editor.
 */
import { z } from "zod";

export const DocKind = z.enum(["text", "notebook", "csv", "image", "pdf", "binary"]);
export type DocKind = z.infer<typeof DocKind>;

/** Files above this size are not shown inline (their bytes are not sent to the window): Download or the system's app instead. */
export const INLINE_BYTES = 20 * 1024 * 1024;

const MAGIC: ReadonlyArray<{ kind: DocKind; mime: string; test: (b: Uint8Array) => boolean }> = [
  { kind: "image", mime: "image/png", test: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { kind: "image", mime: "image/jpeg", test: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  { kind: "image", mime: "image/gif", test: (b) => ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a") },
  { kind: "image", mime: "image/webp", test: (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP") },
  { kind: "pdf", mime: "application/pdf", test: (b) => ascii(b, 0, "%PDF-") },
];

/** A few more binary types by their magic, only to name them on the card. */
const NAMED: ReadonlyArray<{ mime: string; test: (b: Uint8Array) => boolean }> = [
  { mime: "application/zip", test: (b) => starts(b, [0x50, 0x4b, 0x03, 0x04]) },
  { mime: "application/gzip", test: (b) => starts(b, [0x1f, 0x8b]) },
  { mime: "application/x-bzip2", test: (b) => ascii(b, 0, "BZh") },
  { mime: "application/x-executable", test: (b) => starts(b, [0x7f, 0x45, 0x4c, 0x46]) },
  { mime: "application/x-sqlite3", test: (b) => ascii(b, 0, "SQLite format 3") },
];

function starts(b: Uint8Array, sig: number[]): boolean {
  return b.length >= sig.length && sig.every((v, i) => b[i] === v);
}

function ascii(b: Uint8Array, at: number, s: string): boolean {
  return b.length >= at + s.length && [...s].every((c, i) => b[at + i] === c.charCodeAt(0));
}

export function extensionOf(path: string): string {
  const name = path.split("/").pop() ?? path;
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** The bytes as UTF-8, or null when they are not valid UTF-8 or hold a NUL (no text file does; an editor would mangle it). */
export function utf8Text(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The viewer for a file. `whole` says whether `bytes` is the whole file
 * (a large file's first bytes only name its type: it is never text here).
 */
export function classify(path: string, bytes: Uint8Array, whole: boolean): { kind: DocKind; mime: string } {
  const magic = MAGIC.find((m) => m.test(bytes));
  if (magic) return { kind: magic.kind, mime: magic.mime };
  // archives, executables and databases by their magic are never text, even where their first bytes are ASCII
  const named = NAMED.find((m) => m.test(bytes));
  if (named) return { kind: "binary", mime: named.mime };
  const ext = extensionOf(path);
  if (whole && utf8Text(bytes) !== null) {
    if (ext === "ipynb") return { kind: "notebook", mime: "application/x-ipynb+json" };
    if (ext === "csv" || ext === "tsv") return { kind: "csv", mime: ext === "csv" ? "text/csv" : "text/tab-separated-values" };
    // an SVG is text, but people open it to see it: shown as an image (which runs none of its scripts), editable as text
    if (ext === "svg") return { kind: "image", mime: "image/svg+xml" };
    return { kind: "text", mime: "text/plain" };
  }
  return { kind: "binary", mime: "application/octet-stream" };
}
