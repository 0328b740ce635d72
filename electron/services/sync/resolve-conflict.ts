/**
 * A conflict resolved on this computer: the chosen version ends up at the
 * path and the other copy goes; the next sync carries both across. Nothing
 * it removes or replaces here is gone: the old bytes go into the pair's
 * versions store first (a batch named for the resolution, so Versions says
 * why), and the paths the sync will change on the server are noted, so the
 * agent keeps the server's old bytes the same way in the same command.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { rename, stat, unlink } from "node:fs/promises";
import type { ConflictChoice, SyncConflict } from "../../../shared/sync.js";
import { writeAtomic } from "../store/write-atomic.js";
import { noteResolved } from "./resolution-notes.js";
import type { PairState } from "./state.js";
import { batchName, type Resolved } from "./versions-rules.js";
import type { VersionStore } from "./versions-store.js";

export interface ConflictFiles {
  c: Pick<SyncConflict, "path" | "conflict_path" | "kept">;
  /** the absolute paths of the file and its conflict copy; null where one is gone */
  atPath: string | null;
  atCopy: string | null;
  state: PairState;
  /** null when the pair keeps no versions */
  store: VersionStore | null;
}

class Setting {
  private readonly batch: string;
  constructor(
    private readonly f: ConflictFiles,
    resolved: Resolved,
  ) {
    this.batch = batchName(new Date(), randomBytes(6).toString("hex"), resolved);
  }

  /** the copy deleted here: into the store (one rename), or unlinked when the pair keeps no versions */
  async deleteCopy(): Promise<void> {
    const { store, c, atCopy } = this.f;
    if (!atCopy) return;
    if (store) await store.keepDeleted(this.batch, c.conflict_path, atCopy).catch(ignoreGone);
    else await unlink(atCopy).catch(ignoreGone);
  }

  /** the file at the path about to be replaced: copied into the store first (durably) */
  async keepPath(): Promise<void> {
    const { store, c, atPath } = this.f;
    if (store && atPath) await store.keepReplaced(this.batch, c.path, atPath).catch(ignoreGone);
  }
}

function ignoreGone(e: NodeJS.ErrnoException): void {
  if (e.code !== "ENOENT") throw e;
}

/** Keep mine or take theirs ("both" changes no file). */
export async function resolveHere(f: ConflictFiles, choice: ConflictChoice): Promise<void> {
  if (choice === "both") return;
  const resolved: Resolved = choice;
  const s = new Setting(f, resolved);
  const keepAtPath = (choice === "mine") === (f.c.kept === "local");
  if (keepAtPath) {
    // the server: the copy deleted
    noteResolved(f.state, [f.c.conflict_path], resolved);
    await s.deleteCopy();
  } else if (f.atCopy && f.atPath) {
    // the server: the path replaced, the copy deleted
    noteResolved(f.state, [f.c.path, f.c.conflict_path], resolved);
    await s.keepPath();
    await rename(f.atCopy, f.atPath);
  }
}

/** The merged text at the path (written atomically, the file's mode kept), the copy gone; both old versions kept. */
export async function mergeHere(f: ConflictFiles & { atPath: string; atCopy: string }, text: string): Promise<void> {
  const s = new Setting(f, "merged");
  noteResolved(f.state, [f.c.path, f.c.conflict_path], "merged");
  await s.keepPath();
  // beside the file with its mode, under a name the sync ignores, on disk before it replaces the file
  await writeAtomic(f.atPath, text, (await stat(f.atPath)).mode & 0o777, `${f.atPath}.cocalc-tmp-${randomUUID()}`);
  await s.deleteCopy();
}
