/** One path as a side or the base sees it: what the three-way plan compares. */
export type EntryType = "f" | "d" | "l" | "e" | "n" | "o";

export interface Entry {
  type: EntryType;
  size: number;
  /** ms since the epoch; never a reason to sync on its own */
  mtime: number;
  /** sha256 of a file's content, "" for folders and files not hashed */
  sha: string;
  /** the executable bit */
  x: boolean;
  /** link target, or why the path cannot be synced */
  extra?: string;
}

export type Tree = Map<string, Entry>;
/** A tree to read only: the state hands out its own, which it copies before it next changes it. */
export type TreeView = ReadonlyMap<string, Entry>;

/** Content identity: type, and for files the sha256 and the executable bit. mtime is not content. */
export function sameContent(a: Entry | undefined, b: Entry | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.type !== b.type) return false;
  return a.type !== "f" || (a.sha === b.sha && a.x === b.x);
}
