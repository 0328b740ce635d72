/**
 * The 24 real notebooks in `shared/reference/notebooks/` beside the clone
 * (CI), or beside a folder of worktrees; read in place, never copied into
 * the repo (their licences are in SOURCES.md there). COCALC_REFERENCE_NOTEBOOKS
 * overrides the search.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "../../electron/dev/renderer-server.js";

function findFolder(): string {
  const env = process.env.COCALC_REFERENCE_NOTEBOOKS;
  if (env) return env;
  for (let dir = dirname(ROOT); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "shared", "reference", "notebooks");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`the reference notebooks were not found in shared/reference/notebooks beside ${ROOT} or above it; set COCALC_REFERENCE_NOTEBOOKS`);
}

export const REFERENCE_NOTEBOOKS = findFolder();

export function referenceNotebooks(): { name: string; text: string }[] {
  return readdirSync(REFERENCE_NOTEBOOKS)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(REFERENCE_NOTEBOOKS, name), "utf8") }));
}
