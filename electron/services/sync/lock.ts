/**
 * One process at a time per pair: a lock file holding the owner's pid. A
 * lock whose process is gone is taken over: it is renamed aside (only one
 * contender can rename that file), and if what was renamed turns out to be a
 * live owner's fresh lock, it is put back.
 */
import { link, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "../../../shared/errors.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class PairLock {
  private constructor(private readonly file: string) {}

  static async acquire(dir: string): Promise<PairLock> {
    const file = join(dir, "lock");
    const mine = join(dir, `lock.${process.pid}`);
    await writeFile(mine, String(process.pid));
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          // link() fails if the lock exists: creation is atomic and the content is complete
          await link(mine, file);
          return new PairLock(file);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        const owner = Number((await readFile(file, "utf8").catch(() => "")).trim());
        if (owner === process.pid) return new PairLock(file);
        if (owner > 0 && alive(owner)) {
          throw new ApiError("invalid-input", `This folder pair is being synced by another process (pid ${owner}).`, {
            hint: "Stop the other sync (the app or a headless command) first, or wait until it ends.",
          });
        }
        const aside = join(dir, `lock.stale.${process.pid}`);
        try {
          await rename(file, aside);
        } catch {
          continue;
        }
        const was = Number((await readFile(aside, "utf8").catch(() => "")).trim());
        if (was > 0 && was !== owner && alive(was)) await rename(aside, file).catch(() => undefined);
        else await rm(aside, { force: true });
      }
      throw new ApiError("internal", "The pair's lock could not be taken.", { hint: "Try again." });
    } finally {
      await rm(mine, { force: true });
    }
  }

  async release(): Promise<void> {
    const owner = Number((await readFile(this.file, "utf8").catch(() => "")).trim());
    if (owner === process.pid) await rm(this.file, { force: true });
  }
}
