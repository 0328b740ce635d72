/**
 * How a test starts the hub as its own process: the built `out/main/hub.js` (what the app ships and runs)
 * when it is newer than every source it is built from, else the sources through tsx. tsx compiles the hub
 * at every start (about 2 s of CPU); `npm test` builds first, so there it is the built one.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { newestSource } from "../../scripts/newest-source.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const BUILT = join(ROOT, "out", "main", "hub.js");

let chosen: string[] | undefined;

/** The node arguments that run the hub's command line, before its own arguments. */
export function hubEntry(): string[] {
  if (chosen) return chosen;
  const fresh = existsSync(BUILT) && statSync(BUILT).mtimeMs > Math.max(...["hub", "shared", "electron"].map((d) => newestSource(join(ROOT, d))));
  return (chosen = fresh ? [BUILT] : ["--import", "tsx", join(ROOT, "hub", "cli.ts")]);
}
