/**
 * Paths on this computer that the renderer names (a sync folder, a download
 * folder, files to upload): absolute, existing, of the right kind, and never
 * the app's own data folder (it holds the profiles and the encrypted keys),
 * neither inside it nor around it. Symbolic links are resolved first, so a
 * link cannot smuggle the data folder in.
 */
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, sep } from "node:path";
import { ApiError } from "../../../shared/errors.js";

/** Whether `inner` is `outer` or lies inside it (both resolved). */
export function isWithin(outer: string, inner: string): boolean {
  const r = relative(outer, inner);
  return r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !isAbsolute(r));
}

export type LocalKind = "folder" | "file-or-folder";

/** The resolved path, or an error that says what to do. */
export async function checkLocalPath(path: string, o: { appDataDir: string; kind: LocalKind }): Promise<string> {
  if (!isAbsolute(path)) {
    throw new ApiError("invalid-input", `'${path}' is not a full path.`, { hint: "Give the full path of the folder, starting at the top (for example /home/you/Documents)." });
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new ApiError("invalid-input", `'${path}' does not exist on this computer.`, { hint: "Choose an existing folder, or create it first." });
  }
  const st = await stat(real);
  if (o.kind === "folder" && !st.isDirectory()) {
    throw new ApiError("invalid-input", `'${path}' is a file, not a folder.`, { hint: "Choose the folder that holds it instead." });
  }
  if (!st.isDirectory() && !st.isFile()) {
    throw new ApiError("invalid-input", `'${path}' is neither a file nor a folder.`, { hint: "Choose ordinary files and folders." });
  }
  const data = await realpath(o.appDataDir).catch(() => o.appDataDir);
  if (isWithin(data, real) || (st.isDirectory() && isWithin(real, data))) {
    throw new ApiError("invalid-input", `'${path}' ${isWithin(data, real) ? "is inside" : "contains"} the app's own data folder (${o.appDataDir}), which holds its settings and keys.`, {
      hint: "Choose another folder.",
    });
  }
  return real;
}
