/**
 * A pair's versions, both sides: this computer's store (versions-store.ts)
 * and the project's versions folder, which the agent fills in the same
 * command that deletes or replaces a file there. Listing the project's is one
 * listing call; restoring one is a verified read (size and sha256) into the
 * local folder. Either way the restored file lands here and the next sync
 * carries it across.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import type { VersionEntry } from "../../../shared/sync.js";
import { fetchFiles } from "../transfer/pipeline.js";
import { AGENT_DIR, type RemoteAgent } from "../transfer/remote.js";
import { parseStoreRel, parseVersionId, versionId } from "./versions-rules.js";
import { OPENED, restoreInto, VersionStore } from "./versions-store.js";

const goneHere = () => new ApiError("invalid-input", "That version is no longer kept (it was cleaned by retention).", { hint: "Reload the versions list." });

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
      return { id: versionId("project", e.path), path: p.path, at: p.at.toISOString(), side: "project", size: e.size, why: p.why, ...(p.resolved ? { resolved: p.resolved } : {}) };
    });
    return [...here, ...there].sort((a, b) => b.at.localeCompare(a.at) || a.path.localeCompare(b.path));
  }

  /**
   * A file on this computer holding the version's bytes, to open or show in
   * its folder: the stored file of a version kept here; one kept in the
   * project is downloaded (size and sha256 proven) into the store's OPENED
   * folder — never into the synced folder — without its execute bit.
   */
  async fileToShow(id: string, signal?: AbortSignal): Promise<string> {
    const v = parseVersionId(id);
    if (!v) throw new ApiError("invalid-input", "That version is not one of this pair's.", { hint: "Reload the versions list." });
    if (v.side === "here") {
      const abs = join(this.store.dir, v.rel);
      if (!(await stat(abs).catch(() => null))?.isFile()) throw goneHere();
      return abs;
    }
    const { agent, entries } = await this.remoteListing(signal);
    const e = entries.find((x) => x.path === v.rel);
    if (!e) throw new ApiError("invalid-input", "That version is no longer kept in the project.", { hint: "Reload the versions list." });
    await this.clearOpened();
    const dir = join(this.store.dir, OPENED, randomBytes(6).toString("hex"));
    const target = join(dir, basename(e.path));
    await mkdir(dir, { recursive: true });
    const [r] = await fetchFiles(agent, remoteVersionsDir(this.pairId), [{ from: e.path, size: e.size, sha: e.sha, x: false, expect: "absent" }], () => target, { signal });
    if (r?.status !== "ok") throw new ApiError("bad-content", `The version could not be read from the project: ${r?.message ?? "no answer"}.`, { hint: "Try again." });
    // for reading: the system must never take it for a program, whatever mode it had in the project
    await chmod(target, 0o600);
    return target;
  }

  /** copies opened more than a day ago go (an app may still hold a newer one open) */
  private async clearOpened(now = Date.now()): Promise<void> {
    const top = join(this.store.dir, OPENED);
    for (const n of await readdir(top).catch(() => [] as string[])) {
      const st = await stat(join(top, n)).catch(() => null);
      if (st && now - st.mtimeMs > 86_400_000) await rm(join(top, n), { recursive: true, force: true });
    }
  }

  /** the version back in the local folder (beside it when the path is taken); returns the path it took */
  async restore(id: string, now = new Date(), signal?: AbortSignal): Promise<string> {
    const v = parseVersionId(id);
    if (!v) throw new ApiError("invalid-input", "That version is not one of this pair's.", { hint: "Reload the versions list." });
    if (v.side === "here") {
      return this.store.restore(v.rel, this.localRoot, now).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") throw goneHere();
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
