// `npm test`: every check the project has, in one run, ending with one line
// `N passed, N failed` that sums them all (each vitest test counts one, each
// other step counts one).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const results = [];
/** One check; its output is printed in one piece when it ends, so checks run side by side stay readable. */
function step(name, cmd, args) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => out.push(b));
    const done = (ok) => {
      results.push({ name, ok, out: ok ? null : Buffer.concat(out).toString() });
      process.stdout.write(Buffer.concat(out));
      console.log(`\n== ${ok ? "ok" : "FAILED"}: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
      resolve(ok);
    };
    child.on("error", (e) => {
      out.push(Buffer.from(`${e.message}\n`));
      done(false);
    });
    child.on("close", (code) => done(code === 0));
  });
}
const bin = (n) => join("node_modules", ".bin", n);

// The build comes first (the end-to-end tests and the security scan read it); the type check and lint
// start with it, and the suite starts as soon as it is built, beside them: most of the suite waits on
// servers, browsers and timers, so the checks take little from it (the
// suite no longer wait for lint and the security scan: about 30 s on this machine, idle).
const dir = mkdtempSync(join(tmpdir(), "cocalc-test-"));
// VITEST_JSON=FILE keeps the report (per-file start and end times) after the run
const jsonFile = process.env.VITEST_JSON ?? join(dir, "vitest.json");
// Both keep what they learned in node_modules/.cache, so a second run checks only what changed (a clean
// clone pays the whole price once). ESLint's cache is safe here: no rule reads types across files.
const cache = join("node_modules", ".cache");
const checks = [
  step("typecheck (tsc --strict)", bin("tsc"), ["-p", "tsconfig.json", "--noEmit", "--incremental", "--tsBuildInfoFile", join(cache, "tsc", "tsbuildinfo")]),
  step("lint (eslint)", bin("eslint"), [".", "--cache", "--cache-location", join(cache, "eslint") + "/"]),
];
const built = await step("build (electron-vite: main, preload, renderer)", bin("electron-vite"), ["build"]);
if (built) checks.push(step("security scan (electronegativity)", process.execPath, ["scripts/electronegativity-gate.mjs"]));
else results.push({ name: "security scan (electronegativity)", ok: false });
const [vitestStatus] = await Promise.all([runVitest(dir, jsonFile), ...checks]);

/**
 * The vitest suite, its output streamed as it comes. The keychain tests need a Secret Service: it runs
 * inside a private D-Bus session with an unlocked gnome-keyring where the machine has them.
 */
function runVitest(dir, jsonFile) {
  const haveKeyring = ["/usr/bin/dbus-run-session", "/usr/bin/gnome-keyring-daemon"].every(existsSync);
  const vitest = `${bin("vitest")} run`;
  const env = { ...process.env, VITEST_JSON: jsonFile };
  let child;
  if (haveKeyring) {
    const keyringHome = join(dir, "keyring-home");
    Object.assign(env, { COCALC_TEST_KEYRING: "1", XDG_DATA_HOME: join(keyringHome, "data"), XDG_RUNTIME_DIR: join(dir, "run") });
    spawnSync("mkdir", ["-p", env.XDG_DATA_HOME, env.XDG_RUNTIME_DIR]);
    spawnSync("chmod", ["700", env.XDG_RUNTIME_DIR]);
    child = spawn(
      "dbus-run-session",
      ["--", "sh", "-c", `printf 'test-keyring-pw' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${vitest}`],
      { stdio: "inherit", env },
    );
  } else {
    console.log("(no dbus-run-session/gnome-keyring here: the keychain tests will fail and say so)");
    env.COCALC_TEST_KEYRING = "missing";
    child = spawn("sh", ["-c", vitest], { stdio: "inherit", env });
  }
  return new Promise((resolve) => {
    child.on("error", () => resolve(1));
    child.on("close", (code) => resolve(code));
  });
}
let passed = results.filter((r) => r.ok).length;
let failed = results.length - passed;
try {
  const j = JSON.parse(readFileSync(jsonFile, "utf8"));
  passed += j.numPassedTests;
  // A file that failed without a failed test (it could not load, or a hook failed) counts once.
  const brokenFiles = (j.testResults ?? []).filter((f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed")).length;
  const counted = j.numFailedTests + brokenFiles;
  // Vitest exits non-zero on unhandled errors too, which its report does not count: one failure more.
  const unhandled = counted === 0 && (vitestStatus !== 0 || !j.success) ? 1 : 0;
  failed += counted + unhandled;
  console.log(`vitest: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${brokenFiles} files failed to run${unhandled ? ", and errors outside tests (see above)" : ""}`);
} catch {
  console.log("vitest produced no report: counted as one failure");
  failed += 1;
}
rmSync(dir, { recursive: true, force: true });
// A failed check's output is printed again here: CI keeps only the end of a long log, and a check that
// fails in its first seconds would otherwise say why only some thousand lines above it.
for (const r of results.filter((r) => r.out)) {
  console.log(`\n-- why ${r.name} failed (its last lines) --\n${r.out.trimEnd().split("\n").slice(-25).join("\n")}\n`);
}
for (const r of results) console.log(`${r.ok ? "ok    " : "FAILED"} ${r.name}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
