/**
 * The last v1 servers return a file's bytes as comma-separated decimal
 * numbers ("hello\n" as "104,101,108,108,111,10"). A file may also really
 * contain such text, so the shape alone decides nothing: the decoded bytes
 * and the literal text are both compared with the file's hash on the server,
 * and only the one that matches is handed on.
 */
import { createHash } from "node:crypto";

const BYTE_LIST = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:,(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d))*$/;

export function looksLikeByteList(s: string): boolean {
  return s.length > 0 && BYTE_LIST.test(s);
}

export function decodeByteList(s: string): Buffer {
  return Buffer.from(s.split(",").map(Number));
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** bzip2's magic: reading a folder returns its tar.bz2 archive. */
export function isBzip2(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes.subarray(0, 3).toString("latin1") === "BZh";
}

/** UTF-8 text (a leading BOM kept: it is part of the file), or null for bytes that are not valid UTF-8 (a binary file). */
export function utf8OrNull(bytes: Buffer): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

export type ContentVerdict =
  | { kind: "text"; content: string }
  | { kind: "binary" }
  | { kind: "folder" }
  | { kind: "mismatch" };

/**
 * Decide what a byte-list-shaped reply is, given the file's sha256 on the
 * server (undefined when the server could not hash it, e.g. a folder).
 */
export function judgeByteList(reply: string, serverSha: string | undefined): ContentVerdict {
  const bytes = decodeByteList(reply);
  if (serverSha === undefined) return isBzip2(bytes) ? { kind: "folder" } : { kind: "mismatch" };
  if (sha256Hex(bytes) === serverSha) {
    const text = utf8OrNull(bytes);
    return text === null ? { kind: "binary" } : { kind: "text", content: text };
  }
  if (sha256Hex(reply) === serverSha) return { kind: "text", content: reply };
  return { kind: "mismatch" };
}

/**
 * Parse `sha256sum -z -- paths…`: NUL-terminated "hash  name" records (with
 * -z, names are not escaped, so any name survives). Unreadable files are
 * absent from the map.
 */
export function parseSha256sumZ(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rec of stdout.split("\0")) {
    const m = /^([0-9a-f]{64}) [ *](.*)$/s.exec(rec);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}
