/**
 * The replies of the file actions' scripts (ops-scripts.ts), read into what
 * the app says: what moved where, or the first problem in the user's words.
 * Pure functions, table-tested.
 */
import type { ExecResult } from "../../../shared/domain.js";
import { ApiError } from "../../../shared/errors.js";
import type { FileEntry } from "../../../shared/ipc/contract.js";
import { parseListing } from "./listing.js";
import { isSafeEntryName } from "../../../shared/project-path.js";

export interface Moved {
  from: string;
  to: string;
}

/** "./a/b" → "a/b", "." → "" */
export const fromArg = (p: string) => (p === "." ? "" : p.replace(/^\.\//, ""));
/** "a/b" → "./a/b", "" → "." */
export const toArg = (p: string) => (p === "" ? "." : `./${p}`);
const shown = (p: string) => (fromArg(p) === "" ? "the home folder" : `'${fromArg(p)}'`);

/** What an action did before it stopped, and why it stopped (null: it did all of it). */
export interface ActionResult {
  moved: Moved[];
  problem: ApiError | null;
}

export function readActionReply(r: Pick<ExecResult, "stdout" | "stderr" | "exit_code">, verb: string): ActionResult {
  const moved: Moved[] = [];
  let problem: ApiError | null = null;
  for (const rec of r.stdout.split("\0")) {
    if (rec === "") continue;
    const [kind, a = "", b = ""] = rec.split("\t");
    if (kind === "ok") moved.push({ from: fromArg(a), to: fromArg(b) });
    else problem = problemOf(kind ?? "", a, b, verb);
  }
  if (!problem && r.exit_code !== 0) {
    problem = new ApiError("server", `Could not ${verb}: the server reported a failure.`, { hint: "Refresh to see what changed, then try again.", serverMessage: r.stderr.trim() || `exit code ${r.exit_code}` });
  }
  return { moved, problem };
}

function problemOf(kind: string, path: string, message: string, verb: string): ApiError {
  switch (kind) {
    case "exists":
      return new ApiError("invalid-params", `Could not ${verb}: ${shown(path)} already exists. Nothing was replaced.`, {
        hint: "Choose another name, or move or rename the existing one first.",
      });
    case "missing":
      return new ApiError("not-found", `Could not ${verb}: ${shown(path)} is not there any more.`, { hint: "It may have been moved or deleted: refresh the folder." });
    case "nodest":
      return new ApiError("not-found", `Could not ${verb}: the folder ${shown(path)} does not exist.`, { hint: "Choose a folder that exists, or make it first." });
    default:
      return new ApiError("server", `Could not ${verb} ${shown(path)}.`, {
        hint: /Permission denied/.test(message) ? "You may not change it (permission denied): check its permissions in the project." : "Refresh to see what changed, then try again.",
        serverMessage: message || undefined,
      });
  }
}

/** A trash item: the listing's entry and the path it was deleted from (null where the trash has no record, e.g. deleted in the web app). */
export type TrashEntry = FileEntry & { origin: string | null };

export function readTrashList(stdout: string): TrashEntry[] {
  const cut = stdout.indexOf("\0ORIGINS\0");
  const head = cut < 0 ? stdout : stdout.slice(0, cut + 1);
  const origins = new Map<string, string>();
  for (const rec of cut < 0 ? [] : stdout.slice(cut + "\0ORIGINS\0".length).split("\0")) {
    const tab = rec.indexOf("\t");
    if (tab > 0) origins.set(rec.slice(0, tab), rec.slice(tab + 1));
  }
  return parseListing(head).entries.map((e) => ({ ...e, origin: origins.get(e.name) ?? null }));
}

export interface SearchHit {
  path: string;
  /** 1-based; null for a match on the name */
  line: number | null;
  text: string | null;
}

export interface SearchPage {
  hits: SearchHit[];
  /** there are more after this page */
  more: boolean;
  /** the search ran out of time: what it found is shown, there may be more */
  timed_out: boolean;
}

/** find -printf '%p\0': one path per record. `limit + 1` were asked for, to know whether there are more. */
export function readNameHits(stdout: string, limit: number): SearchPage {
  const recs = stdout.split("\0").filter((r) => r !== "");
  const timed_out = recs.includes("TIMEOUT");
  const paths = recs.filter((r) => r !== "TIMEOUT" && r.startsWith("./") && fromArg(r).split("/").every(isSafeEntryName));
  return { hits: paths.slice(0, limit).map((p) => ({ path: fromArg(p), line: null, text: null })), more: paths.length > limit, timed_out };
}

/** grep -rnZ: `path\0number:text` per line. */
export function readContentHits(stdout: string, limit: number): SearchPage {
  const lines = stdout.split("\n").filter((l) => l !== "");
  const timed_out = lines.includes("TIMEOUT\0");
  const hits: SearchHit[] = [];
  for (const l of lines) {
    const m = /^(\.\/[^\0]+)\0(\d+):([\s\S]*)$/.exec(l);
    if (!m || !fromArg(m[1]!).split("/").every(isSafeEntryName)) continue;
    hits.push({ path: fromArg(m[1]!), line: Number(m[2]), text: m[3]!.slice(0, 300) });
  }
  return { hits: hits.slice(0, limit), more: hits.length > limit, timed_out };
}
