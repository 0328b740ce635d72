/**
 * Paths a server names, relative to a sync or transfer root. Anything that
 * could climb out (absolute, "..", ".", empty segments, NUL, a backslash
 * where it separates folders) is refused, so a hostile listing never names a
 * place outside the root.
 */
export function isSafeRelPath(p: string): boolean {
  if (p === "" || p.startsWith("/") || p.includes("\0")) return false;
  if (process.platform === "win32" && (p.includes("\\") || /[:*?"<>|]/.test(p))) return false;
  return p.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

export function parentOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? "" : p.slice(0, i);
}

export function baseName(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

export function joinRel(a: string, b: string): string {
  return a === "" ? b : b === "" ? a : `${a}/${b}`;
}

/** True when `p` is `dir` or inside it. */
export function isUnder(p: string, dir: string): boolean {
  return dir === "" || p === dir || p.startsWith(`${dir}/`);
}
