/**
 * The list phase: what both sides hold now. The local scan and the server's
 * listing (one exec) run at once: one waits on this disk, the other on the
 * server. Ends at the journal point "listed".
 */
import { lstat } from "node:fs/promises";
import { AGENT_DIR, type RemoteEntry } from "../transfer/remote.js";
import type { Entry, Tree, TreeView } from "./entry.js";
import { scanLocal } from "./local-scan.js";
import type { SyncRun } from "./sync-run.js";

export function remoteToEntry(e: RemoteEntry): Entry {
  return { type: e.type, size: e.size, mtime: e.mtime, sha: e.sha, x: (e.mode & 0o100) !== 0, ...(e.extra ? { extra: e.extra } : {}) };
}

export interface Sides {
  /** local now */
  L: Tree;
  /** remote now (the state's stored tree) */
  R: TreeView;
  /** the last agreed version of every path */
  base: TreeView;
  /** the server's folder is missing: the commit makes it */
  mkroot: boolean;
}

/** Both sides, or why the pair halts (nothing changed, no journal row begun). */
export async function listSides(run: SyncRun, cleanTemps: boolean): Promise<Sides | { halted: string }> {
  const { cfg, state, agent, rules, signal } = run;
  try {
    if (!(await lstat(cfg.local_path)).isDirectory()) throw new Error("not a folder");
  } catch {
    return { halted: `The local folder ${cfg.local_path} is missing or not a folder. Nothing was changed. Reconnect the drive or fix the path, then resume.` };
  }
  const scanning = scanLocal(cfg.local_path, { cache: state.localCache(), ignores: rules.ignores, maxFileBytes: cfg.max_file_bytes, cleanTemps, signal }).then((scan) => {
    state.transaction(() => {
      for (const [p, c] of scan.cacheSet) state.setCache(p, c);
      for (const p of scan.cacheDrop) state.setCache(p, null);
    });
    // stored: the scan's tree lives through the sync, its cache rows need not
    scan.cacheSet = [];
    scan.cacheDrop = [];
    return scan;
  });
  // handled here so a scan that fails while the listing runs is not reported as unhandled; it is awaited below
  scanning.catch(() => undefined);
  const listing = await agent
    .list({
      root: cfg.remote_path,
      prune: rules.prune,
      state: `${AGENT_DIR}/pair-${cfg.id}`,
      keep: true,
      since: state.meta("remote_id"),
      maxHash: cfg.max_file_bytes,
      skipTop: cfg.remote_path === "" ? AGENT_DIR : undefined,
      signal,
    })
    .catch(async (e: unknown) => {
      // a failed listing is what is reported; the scan ends first, so nothing of this sync runs on after it
      await scanning.catch(() => undefined);
      throw e;
    });
  const scan = await scanning;
  run.cancelled();
  const base = state.base();
  let R: TreeView;
  let mkroot = false;
  if (listing.kind === "missing") {
    if (base.size > 0) {
      return { halted: `The folder '${cfg.remote_path || "(home)"}' is gone from the project. Nothing was deleted here. Restore it on the server, or remove this pair and add it again to start over.` };
    }
    R = new Map();
    mkroot = true;
  } else {
    if (listing.rejected.length) run.log("warn", `The server listed ${listing.rejected.length} path(s) that would lead outside the folder; they were ignored.`);
    state.saveRemote(listing.kind, listing.id, listing.entries.map((e) => [e.path, remoteToEntry(e)]), listing.removed);
    // the state holds the tree now: the listing's own records need not live through the transfers
    listing.entries = [];
    R = state.remote();
  }
  run.begin("listed");
  return { L: scan.tree, R, base, mkroot };
}
