/**
 * `npm run sync -- …`: the headless sync from built JavaScript. Loading the
 * TypeScript through tsx cost most of a no-change run's 5 s on a real
 * server; the bundle starts in well under a second. It is rebuilt here only
 * when a source file or the installed packages are newer than it (a few
 * hundred stats), with esbuild, the compiler electron-vite already uses.
 * The packages go into the bundle too: resolving and loading zod's and
 * undici's hundreds of module files took longer than the sync itself (about
 * a third of the start measured); node-sqlite3-wasm finds its .wasm beside
 * its own file, and chokidar is for --watch only, so both stay outside.
 */
import { existsSync, renameSync, statSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { newestSource } from "./newest-source.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const ENTRY = join(ROOT, "electron/services/sync/cli.ts");
const OUT = join(ROOT, "out/sync/cli.mjs");

export async function buildSyncCli() {
  const { build } = await import("esbuild");
  // written beside and renamed into place: several runs starting at once each see a whole bundle
  const tmp = `${OUT}.${process.pid}.tmp.mjs`;
  await build({
    entryPoints: [ENTRY],
    outfile: tmp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["node-sqlite3-wasm", "chokidar"],
    // undici is CommonJS: its require() of Node's own modules needs a require in an ES module
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
  });
  renameSync(tmp, OUT);
}

/** when the installed packages last changed (npm writes its lock files on every install) */
function packagesChanged() {
  return Math.max(...["package-lock.json", "node_modules/.package-lock.json"].map((f) => (existsSync(join(ROOT, f)) ? statSync(join(ROOT, f)).mtimeMs : 0)));
}

const stale = !existsSync(OUT) || Math.max(newestSource(join(ROOT, "electron/services")), newestSource(join(ROOT, "shared")), packagesChanged()) > statSync(OUT).mtimeMs;
if (stale) await buildSyncCli();
// A run is short. SQLite's WebAssembly compiled by the baseline compiler only (never optimised in the
// background) halved a no-change run's CPU time (1.35 s to 0.7 s); a young generation that starts larger
// spares the start-up its scavenges (wall 835 to 644 ms). Set before the module that compiles SQLite loads.
setFlagsFromString("--liftoff-only");
setFlagsFromString("--min-semi-space-size=16");
await import(pathToFileURL(OUT).href);
