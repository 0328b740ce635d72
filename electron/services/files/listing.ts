/**
 * A folder listing through project_exec, parsed so that any name survives:
 * `find -H <dir> -maxdepth 1 -printf '%d\t%Y\t%s\t%T@\t%f\0'` prints
 * NUL-terminated records whose last field is the name, so spaces, quotes,
 * tabs, newlines and non-ASCII pass through untouched. The record of depth 0
 * describes the path itself, so one call also tells a folder from a file
 * (which would otherwise list as an empty folder) and from a path that is not
 * there (no record at all).
 */
import { ApiError } from "../../../shared/errors.js";
import type { FileEntry } from "../../../shared/ipc/contract.js";
import { isSafeEntryName } from "../../../shared/project-path.js";

export const FIND_FORMAT = "%d\\t%Y\\t%s\\t%T@\\t%f\\0";

/** The exec arguments for listing `dir` (already normalised; "" is the home folder). */
export function listingCommand(dir: string): { command: string; args: string[] } {
  // "./" keeps a name starting with "-" from being read as an option; -H follows a
  // symbolic link given as the folder itself (a link to a folder lists its entries).
  // find reads the \t and \0 escapes itself (a NUL cannot travel in an argument).
  return { command: "find", args: ["-H", dir === "" ? "." : `./${dir}`, "-maxdepth", "1", "-printf", FIND_FORMAT] };
}

export interface ParsedListing {
  /** what the listed path is: null when find printed nothing about it (it is not there, or cannot be read) */
  self: "folder" | "file" | null;
  entries: FileEntry[];
  /** records that could not be read or named a path rather than a name */
  rejected: number;
}

export function parseListing(stdout: string): ParsedListing {
  const entries: FileEntry[] = [];
  let self: ParsedListing["self"] = null;
  let rejected = 0;
  for (const rec of stdout.split("\0")) {
    if (rec === "") continue;
    const m = /^(\d+)\t([A-Za-z?])\t(\d+)\t(\d+(?:\.\d+)?)\t([\s\S]*)$/.exec(rec);
    if (!m) {
      rejected++;
      continue;
    }
    if (m[1] === "0") {
      self = m[2] === "d" ? "folder" : "file";
      continue;
    }
    if (!isSafeEntryName(m[5]!)) {
      rejected++;
      continue;
    }
    entries.push({ name: m[5]!, isdir: m[2] === "d", size: Number(m[3]), mtime: Number(m[4]) });
  }
  return { self, entries: sortEntries(entries), rejected };
}

/** Folders first, then by name: the order every listing is shown in. */
export function sortEntries(entries: FileEntry[]): FileEntry[] {
  return entries.sort((a, b) => (a.isdir === b.isdir ? a.name.localeCompare(b.name) : a.isdir ? -1 : 1));
}

/** Why find printed nothing about `dir`, from its stderr, in the user's terms. */
export function listingFailure(dir: string, stderr: string, exit_code: number): ApiError {
  const name = dir === "" ? "the home folder" : `'${dir}'`;
  const text = stderr.trim();
  if (/No such file or directory/.test(text)) {
    return new ApiError("not-found", `The folder ${name} does not exist in this project.`, { hint: "It may have been moved or deleted: go up a level, or refresh.", serverMessage: text });
  }
  if (/Permission denied/.test(text)) {
    return new ApiError("permission", `The folder ${name} cannot be read (permission denied).`, { hint: "Change its permissions in the project (chmod), or ask its owner.", serverMessage: text });
  }
  return new ApiError("server", `The folder ${name} could not be listed.`, { hint: "The server's message is in the details.", serverMessage: text || `exit code ${exit_code}` });
}
