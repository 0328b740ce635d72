/**
 * Test files in order of their recorded time, longest first (test/durations.json, written by
 * scripts/test-durations.mjs from a full run): with two files at a time, a long file started last
 * would run on alone at the end. Files not recorded keep vitest's own order, after the recorded ones.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const ROOT = join(import.meta.dirname, "..", "..");
const FILE = join(ROOT, "test", "durations.json");

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const seconds = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, "utf8")) as Record<string, number>) : {};
    const time = (f: TestSpecification) => seconds[relative(ROOT, f.moduleId)] ?? -1;
    // Array.prototype.sort is stable: files without a record keep vitest's order among themselves.
    return [...base].sort((a, b) => time(b) - time(a));
  }
}
