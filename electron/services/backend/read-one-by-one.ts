/**
 * Reading several files where the server has no array form: one call per
 * file, a few at a time. A file that cannot be read is that entry's error;
 * a failure that says nothing about the file (network, cancel) fails all.
 */
import type { FileReadResult, FileRef } from "../../../shared/domain.js";
import { isApiError } from "../../../shared/errors.js";

const PARALLEL = 6;

export async function readOneByOne(files: FileRef[], read: (f: FileRef) => Promise<string>): Promise<FileReadResult[]> {
  const out: FileReadResult[] = new Array(files.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, files.length) }, async () => {
      while (next < files.length) {
        const i = next++;
        const f = files[i]!;
        try {
          out[i] = { ...f, content: await read(f) };
        } catch (e) {
          if (!isApiError(e) || e.retryable || e.kind === "cancelled") throw e;
          out[i] = { ...f, error: e.toData() };
        }
      }
    }),
  );
  return out;
}
