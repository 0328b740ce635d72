/**
 * Saving text by its bytes, through the transfer layer's commit: staged,
 * checked by sha256 on the server, and put in place only if the file is
 * still what was opened (compare-and-swap). Bytes that are not UTF-8 are
 * never written from an editor, and bytes equal to what was opened are not
 * written at all.
 */
import { ApiError } from "../../../shared/errors.js";
import { utf8Text } from "../../../shared/open/kind.js";
import type { Backend } from "../backend/backend.js";
import { RemoteAgent } from "../transfer/remote.js";
import { sha256Of, statFile } from "./proven-read.js";

export type SaveOutcome = { status: "saved" | "unchanged"; sha256: string } | { status: "conflict"; server_sha256: string | null };

export interface SaveInput {
  project_id: string;
  path: string;
  bytes: Buffer;
  /** the sha256 the sender computed of `bytes`: what crossed IPC is checked against it */
  sha256: string;
  /** what the file held when it was opened; null for a new file that must not exist yet */
  base_sha256: string | null;
  executable: boolean;
}

export async function saveProven(backend: Backend, s: SaveInput, o: { signal?: AbortSignal } = {}): Promise<SaveOutcome> {
  if (sha256Of(s.bytes) !== s.sha256) throw new ApiError("bad-content", "The text to save arrived changed inside the app; nothing was written.", { hint: "Save again." });
  if (utf8Text(s.bytes) === null && s.bytes.length > 0) throw new ApiError("invalid-input", `Only text is saved from the editor; ${s.path} was not written.`);
  if (s.base_sha256 === s.sha256) return { status: "unchanged", sha256: s.sha256 };
  const agent = new RemoteAgent(backend, s.project_id);
  const op = { op: "put" as const, path: s.path, off: 0, len: s.bytes.length, sha: s.sha256, x: s.executable, expect: s.base_sha256 ?? "absent", km: true };
  const [r] = await agent.commit("", { length: 1, at: () => op }, (async function* () {
    yield s.bytes;
  })(), { signal: o.signal });
  if (r?.[0] === "ok") return { status: "saved", sha256: s.sha256 };
  if (r?.[0] === "cas") {
    const now = await statFile(agent, s.path).then(
      (e) => e.sha,
      () => null,
    );
    return { status: "conflict", server_sha256: now };
  }
  throw new ApiError("server", `${s.path} was not saved: ${r?.[1] ?? "the server did not say why"}.`, { hint: "Nothing was changed on the server. Try again." });
}
