// `npm start`: build, then run the app in Electron. Where Electron's binary
// is missing (it downloads on first use), say so in one line instead of a stack trace.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve("electron/package.json"));
const pathFile = join(electronDir, "path.txt");
// COCALC_ELECTRON_DIST points at another Electron dist folder (the test of this message uses an empty one).
const dist = process.env.COCALC_ELECTRON_DIST ?? join(electronDir, "dist");
const binary = existsSync(pathFile) ? join(dist, readFileSync(pathFile, "utf8")) : null;
if (!binary || !existsSync(binary)) {
  console.error(
    "Electron's binary is not installed (it is downloaded on first use, and this machine cannot reach the download): " +
      "run `npx install-electron` where there is internet, or use `npm run preview` to open the app in Chromium.",
  );
  process.exit(1);
}
const build = spawnSync("npx", ["electron-vite", "build"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
// Flags after `npm start --` reach the app (e.g. --kiosk --profile NAME --project ID --path FILE).
const run = spawnSync(binary, [".", ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(run.status ?? 0);
