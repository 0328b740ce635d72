/**
 * A pair's versions, both sides: this computer's store (versions-store.ts)
 * and the project's versions folder, which the agent fills in the same
 * command that deletes or replaces a file there. Listing the project's is one
 * listing call; restoring one is a verified read (size and sha256) into the
 * local folder. Either way the restored file lands here and the next sync
 * carries it across.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import type { VersionEntry } from "../../../shared/sync.js";
import { fetchFiles } from "../transfer/pipeline.js";
import { AGENT_DIR, type RemoteAgent } from "../transfer/remote.js";
import { parseStoreRel, parseVersionId, versionId } from "./versions-rules.js";
import { restoreInto, VersionStore } from "./versions-store.js";

/** the project's versions folder of a pair, relative to the home folder (outside every synced folder but home's, whose listing skips AGENT_DIR) */
export function remoteVersionsDir(pairId: string): string {
  return `${AGENT_DIR}/versions/pair-${pairId}`;
}

/** this computer's store of a pair: in its state folder */
export function localVersions(stateDir: string): VersionStore {
  return new VersionStore(join(stateDir, "versions"));
}

export class PairVersions {
  constructor(
    private readonly pairId: string,
    private readonly localRoot: string,
    private readonly store: VersionStore,
    private readonly agent: () => Promise<RemoteAgent>,
  ) {}

  private async remoteListing(signal?: AbortSignal) {
    const agent = await this.agent();
    const l = await agent.list({ root: remoteVersionsDir(this.pairId), state: `${AGENT_DIR}/xfer-${Math.random().toString(16).slice(2, 10)}`, keep: false, signal });
    return { agent, entries: l.kind === "missing" ? [] : l.entries.filter((e) => e.type === "f" && parseStoreRel(e.path)) };
  }

  /** both sides' versions, newest first */
  async list(signal?: AbortSignal): Promise<VersionEntry[]> {
    const here = await this.store.list();
    const { entries } = await this.remoteListing(signal);
    const there: VersionEntry[] = entries.map((e) => {
      const p = parseStoreRel(e.path)!;
      return { id: versionId("project", e.path), path: p.path, at: p.at.toISOString(), side: "project", size: e.size, why: p.why };
    });
    return [...here, ...there].sort((a, b) => b.at.localeCompare(a.at) || a.path.localeCompare(b.path));
  }

  /** the stored file of a version kept on this computer (to open or show in its folder) */
  async storedFile(id: string): Promise<string> {
    const v = parseVersionId(id);
    if (v?.side !== "here") throw new ApiError("invalid-input", "Only versions kept on this computer can be opened here.", { hint: "Restore it first; it then opens from the synced folder." });
    const abs = join(this.store.dir, v.rel);
    if (!(await stat(abs).catch(() => null))?.isFile()) throw new ApiError("invalid-input", "That version is no longer kept (it was cleaned by retention).", { hint: "Reload the versions list." });
    return abs;
  }

  /** the version back in the local folder (beside it when the path is taken); returns the path it took */
  async restore(id: string, now = new Date(), signal?: AbortSignal): Promise<string> {
    const v = parseVersionId(id);
    if (!v) throw new ApiError("invalid-input", "That version is not one of this pair's.", { hint: "Reload the versions list." });
    if (v.side === "here") {
      return this.store.restore(v.rel, this.localRoot, now).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") throw new ApiError("invalid-input", "That version is no longer kept (it was cleaned by retention).", { hint: "Reload the versions list." });
        throw e;
      });
    }
    const { agent, entries } = await this.remoteListing(signal);
    const e = entries.find((x) => x.path === v.rel);
    if (!e) throw new ApiError("invalid-input", "That version is no longer kept in the project.", { hint: "Reload the versions list." });
    const item = { from: e.path, size: e.size, sha: e.sha, x: (e.mode & 0o100) !== 0, expect: "absent" };
    return restoreInto(this.localRoot, parseStoreRel(v.rel)!.path, now, async (tmp) => {
      const [r] = await fetchFiles(agent, remoteVersionsDir(this.pairId), [item], () => tmp, { signal });
      if (r?.status !== "ok") throw new ApiError("bad-content", `The version could not be read from the project: ${r?.message ?? "no answer"}.`, { hint: "Try again." });
    });
  }
}
