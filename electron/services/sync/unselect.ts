/**
 * "Remove it here" for folders newly left out of a pair: each file the
 * server holds with the same bytes (as its last listing said) is moved into
 * the pair's versions store as `unselected/PATH`, so it can be restored.
 * A file only this computer has (new, or edited since) stays where it is:
 * leaving a folder out never makes its only copy depend on retention.
 * Folders left empty go; nothing is ever deleted on the server.
 */
import { randomBytes } from "node:crypto";
import { lstat, readdir, rmdir } from "node:fs/promises";
import { hashFile, localPath, resolveLocal } from "../transfer/local-fs.js";
import type { TreeView } from "./entry.js";
import { batchName } from "./versions-rules.js";
import type { VersionStore } from "./versions-store.js";

export interface Unselected {
  /** files moved into the versions store */
  moved: number;
  /** files left in place: the server does not hold them as they are here */
  kept: string[];
}

/** `folders` (relative to `root`) emptied into `store` where the server (`remote`) holds the same bytes. */
export async function removeHere(root: string, folders: readonly string[], o: { store: VersionStore; remote: TreeView; base: TreeView; ignores: (p: string, isDir: boolean) => boolean; now?: Date; onMoved?: () => void }): Promise<Unselected> {
  const batch = batchName(o.now ?? new Date(), randomBytes(4).toString("hex"));
  const out: Unselected = { moved: 0, kept: [] };
  const walk = async (rel: string): Promise<void> => {
    const abs = localPath(root, rel);
    const st = await lstat(abs).catch(() => null);
    if (!st) return;
    if (st.isDirectory()) {
      for (const n of (await readdir(abs)).sort()) await walk(`${rel}/${n}`);
      // only a folder left empty goes: anything the sync never touches (ignored, links) keeps it
      await rmdir(abs).catch(() => undefined);
      return;
    }
    if (!st.isFile() || o.ignores(rel, false)) return;
    // on the server as its last listing saw it, or as the last sync agreed (the listing is from before that sync's uploads)
    const known = [o.remote.get(rel), o.base.get(rel)].filter((e) => e?.type === "f" && e.size === st.size && e.sha !== "").map((e) => e!.sha);
    if (known.length && known.includes(await hashFile(abs))) {
      await o.store.keepDeleted(batch, rel, abs, "unselected");
      out.moved++;
      o.onMoved?.();
    } else out.kept.push(rel);
  };
  for (const f of folders) {
    // a folder reached through a link (or under a file) is not the pair's: nothing there is touched
    if ((await resolveLocal(root, f, false)) === null) continue;
    await walk(f);
  }
  return out;
}
