/**
 * What a file action may do, decided before anything is sent: pure checks on
 * normalised project paths (table-tested). A refusal names the path and says
 * what to do instead.
 */
import { ApiError } from "../../../shared/errors.js";
import type { Moved } from "./ops-replies.js";
import { TRASH } from "./ops-scripts.js";

export const parentOf = (p: string) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "");
export const baseOf = (p: string) => p.slice(p.lastIndexOf("/") + 1);
export const joinPath = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const inside = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/** The moves for "move these into `dest`": items already there are left out; a folder into itself, or two items of one name, are refused. */
export function checkMove(paths: string[], dest: string): Moved[] {
  const moves: Moved[] = [];
  for (const from of new Set(paths)) {
    if (from === "") throw new ApiError("invalid-input", "The home folder cannot be moved.");
    if (inside(dest, from)) {
      throw new ApiError("invalid-params", `'${from}' cannot be moved into itself.`, { hint: "Choose a folder outside it." });
    }
    if (parentOf(from) === dest) continue;
    moves.push({ from, to: joinPath(dest, baseOf(from)) });
  }
  const seen = new Set<string>();
  for (const m of moves) {
    if (seen.has(m.to)) throw new ApiError("invalid-params", `Two of the selected items are called '${baseOf(m.to)}'; only one of them can go into the same folder.`, { hint: "Rename one of them first." });
    seen.add(m.to);
  }
  return moves;
}

/** Paths that may be deleted (or duplicated): not the home folder, not the trash or anything in it. */
export function checkTrash(paths: string[], verb: "delete" | "duplicate"): string[] {
  const ps = [...new Set(paths)];
  for (const p of ps) {
    if (p === "") throw new ApiError("invalid-input", `The home folder cannot be ${verb}d.`);
    if (inside(p, TRASH)) throw new ApiError("invalid-params", `'${p}' is in the trash.`, { hint: verb === "delete" ? "Use the Trash view to delete it for ever, or to restore it." : "Restore it first." });
  }
  // a folder and something inside it: the folder takes its contents along
  return ps.filter((p) => !ps.some((q) => q !== p && inside(p, q)));
}
