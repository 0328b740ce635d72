/**
 * A folder listing through project_exec, parsed so that any name survives:
 * `find <dir> -mindepth 1 -maxdepth 1 -printf '%Y\t%s\t%T@\t%f\0'` prints
 * NUL-terminated records whose last field is the name, so spaces, quotes,
 * tabs, newlines and non-ASCII pass through untouched.
 */
import type { FileEntry } from "../../../shared/ipc/contract.js";
import { isSafeEntryName } from "./project-path.js";

export const FIND_FORMAT = "%Y\\t%s\\t%T@\\t%f\\0";

/** The exec arguments for listing `dir` (already normalised; "" is the home folder). */
export function listingCommand(dir: string): { command: string; args: string[] } {
  // "./" keeps a name starting with "-" from being read as an option.
  // find reads the \t and \0 escapes itself (a NUL cannot travel in an argument).
  return { command: "find", args: [dir === "" ? "." : `./${dir}`, "-mindepth", "1", "-maxdepth", "1", "-printf", FIND_FORMAT] };
}

export interface ParsedListing {
  entries: FileEntry[];
  /** records that could not be read or named a path rather than a name */
  rejected: number;
}

export function parseListing(stdout: string): ParsedListing {
  const entries: FileEntry[] = [];
  let rejected = 0;
  for (const rec of stdout.split("\0")) {
    if (rec === "") continue;
    const m = /^([A-Za-z?])\t(\d+)\t(\d+(?:\.\d+)?)\t([\s\S]*)$/.exec(rec);
    if (!m || !isSafeEntryName(m[4]!)) {
      rejected++;
      continue;
    }
    entries.push({ name: m[4]!, isdir: m[1] === "d", size: Number(m[2]), mtime: Number(m[3]) });
  }
  return { entries: sortEntries(entries), rejected };
}

/** Folders first, then by name: the order every listing is shown in. */
export function sortEntries(entries: FileEntry[]): FileEntry[] {
  return entries.sort((a, b) => (a.isdir === b.isdir ? a.name.localeCompare(b.name) : a.isdir ? -1 : 1));
}
