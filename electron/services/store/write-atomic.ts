import { randomUUID } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Write a file so that a reader sees the old content or the new, never a mix: temp file, fsync, rename.
 * `tmp`: the temp file's name where a watcher must not take it for a file of its own (the sync's).
 */
export async function writeAtomic(file: string, text: string, mode = 0o600, tmp = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`)): Promise<void> {
  const fh = await open(tmp, "wx", mode);
  try {
    // exactly this mode, whatever the umask
    await fh.chmod(mode);
    await fh.writeFile(text, "utf8");
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
