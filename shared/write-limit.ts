/**
 * How large a file a server takes in one write, measured as the server
 * measures it: the request body, after encoding (facts §7–§9). A v1 server
 * parses JSON up to 100 KB and form-encoded bodies up to 1 MB, and
 * form-encoding makes text larger (900 KB of text with punctuation and
 * non-ASCII becomes 1.33 MB); a current server takes a JSON body up to 1 MiB.
 * Used by the main process before sending and by the editor before editing,
 * so both say the same thing. Pure: no Node or DOM APIs beyond the web
 * platform's URLSearchParams and TextEncoder.
 */

/** express.json()'s default limit on the last v1 server */
export const V1_JSON_LIMIT = 100 * 1024;
/** express.urlencoded()'s limit there */
export const V1_FORM_LIMIT = 1024 * 1024;
/** the current server's body limit ("1mb" in Next.js terms: 1,048,576 bytes) */
export const CURRENT_BODY_LIMIT = 1024 * 1024;

/** a uuid's length, for ids that are not known before sending (v1 adds a random call id) */
const UUID_SIZED = "00000000-0000-4000-8000-000000000000";

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

export interface WriteSize {
  /** bytes of the file's text (UTF-8) */
  textBytes: number;
  /** bytes of the request body that carries it */
  bodyBytes: number;
  /** the most the server takes */
  limit: number;
  encoding: "JSON" | "form-encoded";
}

/** The v1 body of a write: JSON up to the JSON limit, form-encoded above (text fields only). */
export function v1WriteBody(body: Record<string, string>): { text: string; contentType: string } {
  const json = JSON.stringify(body);
  if (utf8Bytes(json) <= V1_JSON_LIMIT) return { text: json, contentType: "application/json" };
  return { text: new URLSearchParams(body).toString(), contentType: "application/x-www-form-urlencoded" };
}

/** The size a write of `content` to `path` has on the wire of this generation; null for a generation without a known limit. */
export function writeSize(generation: string | null | undefined, path: string, content: string): WriteSize | null {
  const textBytes = utf8Bytes(content);
  if (generation === "v1") {
    const { text, contentType } = v1WriteBody({ project_id: UUID_SIZED, path, content, id: UUID_SIZED });
    const form = contentType !== "application/json";
    return { textBytes, bodyBytes: utf8Bytes(text), limit: form ? V1_FORM_LIMIT : V1_JSON_LIMIT, encoding: form ? "form-encoded" : "JSON" };
  }
  if (generation === "current") {
    const body = JSON.stringify({ project_id: UUID_SIZED, name: "system.writeTextFileToProject", args: [{ path, content }], timeout: 15_000 });
    return { textBytes, bodyBytes: utf8Bytes(body), limit: CURRENT_BODY_LIMIT, encoding: "JSON" };
  }
  return null;
}

export function formatBytes(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(2)} MB`;
  if (n >= 1_000) return `${Math.round(n / 1_000)} KB`;
  return `${n} bytes`;
}

/** Why a write of `content` cannot go to this server in one request, in the user's terms; null when it can. */
export function writeTooLarge(generation: string | null | undefined, path: string, content: string): { message: string; hint: string } | null {
  const s = writeSize(generation, path, content);
  if (!s || s.bodyBytes <= s.limit) return null;
  const name = path.split("/").pop() || path;
  const how =
    s.encoding === "form-encoded"
      ? `${formatBytes(s.bodyBytes)} once form-encoded for this server (API v1)`
      : `${formatBytes(s.bodyBytes)} as the request to this server`;
  return {
    message: `${name} is too large to save to this server: it is ${formatBytes(s.textBytes)} of text, ${how}, and the server accepts at most ${formatBytes(s.limit)} per write.`,
    hint: "Nothing was saved. Make the file smaller (or split it) to save it here.",
  };
}
