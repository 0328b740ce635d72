// When a built file is stale: the newest modification time of the TypeScript sources under a folder.
// Shared by the headless sync's launcher and the tests' choice of the built hub.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** @param {string} dir @returns {number} milliseconds since the epoch, 0 for no source */
export function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}
