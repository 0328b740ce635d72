/**
 * Notebooks for the viewer's tests and benchmark.
 *
 * - The fixtures in test/fixtures/notebooks (written for this repo by
 *   make.mjs there): every output and MIME type the viewer handles, in
 *   nbformat 4 and 3, and a long notebook. Always there, so a bare clone's
 *   tests pass.
 * - The corpus of 24 real notebooks in `shared/reference/notebooks/` beside
 *   the clone or above it (CI has it), read in place, never copied into the
 *   repo (their licences are in SOURCES.md there). COCALC_REFERENCE_NOTEBOOKS
 *   overrides the search. Where it is missing its cases are skipped, with the
 *   reason.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "../../electron/dev/renderer-server.js";

export interface NotebookFile {
  name: string;
  text: string;
}

export const FIXTURE_NOTEBOOKS = join(ROOT, "test", "fixtures", "notebooks");

function ipynbIn(folder: string): NotebookFile[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(folder, name), "utf8") }));
}

/** The notebooks in test/fixtures/notebooks. */
export function fixtureNotebooks(): NotebookFile[] {
  return ipynbIn(FIXTURE_NOTEBOOKS);
}

export function fixtureNotebook(name: string): NotebookFile {
  const nb = fixtureNotebooks().find((n) => n.name === name);
  if (!nb) throw new Error(`test/fixtures/notebooks/${name} is missing`);
  return nb;
}

function corpusFolder(): string | null {
  const env = process.env.COCALC_REFERENCE_NOTEBOOKS;
  if (env) return env;
  for (let dir = dirname(ROOT); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "shared", "reference", "notebooks");
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** The real-notebook corpus, or why it is not here (its cases are then skipped with that reason). */
export type Corpus = { folder: string; notebooks: NotebookFile[]; missing: null } | { folder: null; notebooks: []; missing: string };

export function referenceCorpus(): Corpus {
  const folder = corpusFolder();
  if (!folder) return { folder: null, notebooks: [], missing: `the real-notebook corpus is not here (no shared/reference/notebooks beside ${ROOT} or above it; CI has it, or set COCALC_REFERENCE_NOTEBOOKS)` };
  return { folder, notebooks: ipynbIn(folder), missing: null };
}
