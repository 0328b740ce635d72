/**
 * A save too large for one write to this server (v1: 1 MB form-encoded;
 * current: a 1 MiB body). The text goes through the shared transfer layer:
 * staged in parts that each fit, assembled on the server, verified by sha256
 * and moved into place atomically — and only if the file on the server is
 * still what the editor's conflict check saw (the commit's compare-and-swap),
 * so a change made on the server in between is never overwritten unseen.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import type { Backend } from "../backend/backend.js";
import { pushFiles } from "../transfer/pipeline.js";
import { baseName, parentOf } from "../transfer/rel-path.js";
import { RemoteAgent } from "../transfer/remote.js";

export type PartsOutcome = { status: "saved"; sha256: string } | { status: "changed" };

/**
 * `expect`: the sha256 the file on the server must still have, "absent" for
 * a new file, or "any" to overwrite whatever is there.
 */
export async function saveInParts(backend: Backend, file: { project_id: string; path: string }, content: string, expect: string, signal?: AbortSignal): Promise<PartsOutcome> {
  // The transfer layer sends files: the text is put in a private temp file for the length of the save.
  const dir = await mkdtemp(join(tmpdir(), "cocalc-save-"));
  try {
    const local = join(dir, "content");
    await writeFile(local, content, { encoding: "utf8", mode: 0o600 });
    const agent = new RemoteAgent(backend, file.project_id);
    const res = await pushFiles(agent, parentOf(file.path), [{ path: baseName(file.path), sha: null, x: false, expect }], () => local, { mkroot: true }, { signal });
    const r = res.files[0]!;
    if (r.status === "ok") return { status: "saved", sha256: res.sent(0)!.sha };
    if (r.status === "cas") return { status: "changed" };
    throw new ApiError(r.status === "hash" ? "bad-content" : "server", `${baseName(file.path)} was not saved: ${r.message}.`, {
      hint: "Nothing was changed on the server. Try again.",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
