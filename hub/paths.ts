/**
 * Every path a client names is resolved inside its project's folder: `..`,
 * absolute paths, NUL bytes and symlinks that lead out are refused with an
 * error that says why.
 */
import { realpathSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, relative, sep } from "node:path";

export class PathError extends Error {}

/** True when `child` is `parent` or inside it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** The nearest existing ancestor's real path, with the rest appended. */
function realish(p: string): string {
  let cur = p;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return p;
      rest.push(cur.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      cur = parent;
    }
  }
}

/**
 * Resolve `path` (relative to the project's home) to an absolute path inside
 * `root`. `""` and `"."` are the home folder itself.
 */
export function resolveInProject(root: string, path: string): string {
  if (typeof path !== "string") throw new PathError("path must be a string");
  if (path.includes("\0")) throw new PathError("path must not contain NUL characters");
  if (isAbsolute(path) || /^[a-zA-Z]:[\\/]/.test(path)) {
    throw new PathError(`path '${path}' is absolute; give a path relative to the project's home folder`);
  }
  const abs = normalize(join(root, path));
  if (!isInside(root, abs)) throw new PathError(`path '${path}' leads outside the project`);
  const realRoot = realpathSync(root);
  if (!isInside(realRoot, realish(abs))) throw new PathError(`path '${path}' leads outside the project through a symbolic link`);
  return abs;
}
