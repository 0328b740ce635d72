/**
 * The "Choose folders" tree's rules, pure (the window and the engine both
 * read them): a folder's check state from the folders left out, and the
 * left-out list after a folder is checked or unchecked. Left out means the
 * folder and everything in it; a parent with some of its folders left out is
 * "some" (its own files still sync).
 */
export type Check = "on" | "off" | "some";

const under = (p: string, d: string) => p === d || p.startsWith(`${d}/`);

export function checkState(path: string, skip: readonly string[]): Check {
  if (skip.some((d) => under(path, d))) return "off";
  return skip.some((d) => d.startsWith(`${path}/`)) ? "some" : "on";
}

/** The folders newly left out when the choice goes from `before` to `after` (each, not what is inside). */
export function newlySkipped(before: readonly string[], after: readonly string[]): string[] {
  return after.filter((d) => !before.some((b) => under(d, b)));
}

/**
 * `skip` after the person toggles `path`: an "on" or "some" folder is left
 * out whole; an "off" one is taken back — when it was off because a parent
 * is left out, that parent's other folders stay out (`folders` is every
 * folder of the tree, to know them).
 */
export function toggleFolder(path: string, skip: readonly string[], folders: readonly string[]): string[] {
  if (checkState(path, skip) !== "off") return [...skip.filter((d) => !under(d, path)), path].sort();
  const out = new Set(skip.filter((d) => !under(d, path)));
  const top = skip.find((d) => under(path, d) && d !== path);
  if (top) {
    out.delete(top);
    // every folder between the parent left out and `path` comes back; their other folders stay out
    const chain = new Set<string>();
    for (let p = path; p !== top; p = p.slice(0, p.lastIndexOf("/"))) chain.add(p);
    chain.add(top);
    for (const f of folders) {
      const parent = f.slice(0, f.lastIndexOf("/"));
      if (f.includes("/") && chain.has(parent) && !chain.has(f) && !under(f, path)) out.add(f);
    }
  }
  return [...out].sort();
}
