/**
 * Dropped files, staged on disk before upload. Chromium gives a file dropped
 * on a page its bytes but not its path, so the renderer sends the bytes in
 * base64 chunks; each chunk is checked against its sha256, appended at its
 * offset (in order: a gap or an overlap is refused), and the upload starts
 * only when every file is complete. A staging folder lives in the app's data
 * folder and is removed after its upload, whatever the outcome, and at start.
 */
import { createHash } from "node:crypto";
import { appendFile, mkdir, readdir, rm, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import { STAGE_CHUNK_BYTES } from "../../../shared/ipc/contract.js";
import { isWithin } from "./local-path.js";

/** Above this a single drop is refused (the same ceiling as a sync pair's largest file). */
export const MAX_STAGED_BYTES = 10 * 1024 ** 3;

export class Staging {
  private readonly totals = new Map<string, number>();

  constructor(readonly root: string) {}

  /** Remove what an earlier run left behind (an app that quit mid-drop). */
  async clear(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
    this.totals.clear();
  }

  private fileOf(upload_id: string, path: string): string {
    const dir = join(this.root, upload_id);
    const file = join(dir, path);
    if (!isWithin(dir, file) || file === dir) throw new ApiError("invalid-input", `'${path}' leads outside its upload.`);
    return file;
  }

  async append(c: { upload_id: string; path: string; offset: number; data: string; sha256: string }): Promise<number> {
    const bytes = Buffer.from(c.data, "base64");
    if (bytes.byteLength > STAGE_CHUNK_BYTES) throw new ApiError("too-large", `A chunk of '${c.path}' is larger than ${STAGE_CHUNK_BYTES} bytes.`);
    if (createHash("sha256").update(bytes).digest("hex") !== c.sha256) {
      throw new ApiError("bad-content", `A chunk of '${c.path}' arrived damaged (its sha256 does not match).`, { hint: "Drop the file again." });
    }
    const file = this.fileOf(c.upload_id, c.path);
    const have = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (have !== c.offset) throw new ApiError("invalid-input", `A chunk of '${c.path}' arrived out of order (at ${c.offset}, expected ${have}).`, { hint: "Drop the file again." });
    const total = (this.totals.get(c.upload_id) ?? 0) + bytes.byteLength;
    if (total > MAX_STAGED_BYTES) throw new ApiError("too-large", "The dropped files are larger than 10 GB together.", { hint: "Upload them in smaller groups, or choose them with Upload… instead." });
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, bytes);
    this.totals.set(c.upload_id, total);
    return have + bytes.byteLength;
  }

  /**
   * The top-level entries of a complete upload, to hand to the transfer layer.
   * Every listed file must be there with its full size, and nothing else may be.
   */
  async complete(upload_id: string, files: { path: string; size: number }[]): Promise<string[]> {
    const dir = join(this.root, upload_id);
    const expected = new Map(files.map((f) => [f.path, f.size]));
    const found = new Map<string, number>();
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
        const p = join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else found.set(relative(dir, p).split("\\").join("/"), (await stat(p)).size);
      }
    };
    await walk(dir);
    // An empty file sends no chunk: make it now.
    for (const [path, size] of expected) {
      if (size === 0 && !found.has(path)) {
        const file = this.fileOf(upload_id, path);
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, Buffer.alloc(0));
        found.set(path, 0);
      }
    }
    const missing = [...expected].filter(([p, size]) => found.get(p) !== size).map(([p]) => p);
    if (missing.length) {
      throw new ApiError("invalid-input", `${missing.length} dropped file(s) did not arrive whole, e.g. '${missing[0]}'. Nothing was uploaded.`, { hint: "Drop the files again." });
    }
    const extra = [...found.keys()].filter((p) => !expected.has(p));
    if (extra.length) throw new ApiError("invalid-input", `The upload holds a file that was not announced ('${extra[0]}'). Nothing was uploaded.`, { hint: "Drop the files again." });
    return [...new Set(files.map((f) => f.path.split("/")[0]!))].map((top) => join(dir, top));
  }

  async discard(upload_id: string): Promise<void> {
    this.totals.delete(upload_id);
    await rm(join(this.root, upload_id), { recursive: true, force: true });
  }
}
