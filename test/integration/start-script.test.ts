/** `npm start` where Electron's binary is missing: one clear line saying what to do, no stack trace. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";

it("says in one line that the binary is missing and what to do", () => {
  const r = spawnSync(process.execPath, ["scripts/start.mjs"], {
    cwd: join(import.meta.dirname, "..", ".."),
    env: { ...process.env, COCALC_ELECTRON_DIST: mkdtempSync(join(tmpdir(), "no-electron-")) },
    encoding: "utf8",
  });
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split("\n");
  expect(lines.length).toBe(1);
  expect(lines[0]).toMatch(/^Electron's binary is not installed .*npx install-electron.*npm run preview/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});
