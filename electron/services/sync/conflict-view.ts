/**
 * The two versions of a conflict as the side-by-side view shows them: the
 * text of both when both are text (valid UTF-8, no NUL, not huge), otherwise
 * only sizes and hashes — half a comparison would mislead.
 */
import { createHash } from "node:crypto";
import type { ConflictVersion } from "../../../shared/ipc/contract.js";

/** Above this, text is not shown side by side (the view would be unreadable and the IPC answer large). */
export const MAX_SIDE_BY_SIDE_BYTES = 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function asText(b: Uint8Array): string | null {
  if (b.byteLength > MAX_SIDE_BY_SIDE_BYTES || b.includes(0)) return null;
  try {
    return utf8.decode(b);
  } catch {
    return null;
  }
}

export function describeVersions(mine: Uint8Array | null, theirs: Uint8Array | null): { mine: ConflictVersion; theirs: ConflictVersion } {
  const texts = [mine, theirs].map((b) => (b === null ? "" : asText(b)));
  const bothText = texts.every((t) => t !== null);
  const one = (b: Uint8Array | null, text: string | null): ConflictVersion =>
    b === null
      ? { exists: false, size: 0, sha256: null, text: bothText ? "" : null }
      : { exists: true, size: b.byteLength, sha256: createHash("sha256").update(b).digest("hex"), text: bothText ? text : null };
  return { mine: one(mine, texts[0] ?? null), theirs: one(theirs, texts[1] ?? null) };
}
