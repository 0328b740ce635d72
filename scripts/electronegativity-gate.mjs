// Run @doyensec/electronegativity over the built app and fail on any finding
// not accepted in security/electronegativity-accepted.json. The tool exits 0
// even with findings, so its SARIF output is read instead.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const electronVersion = require("electron/package.json").version;
const root = process.cwd();
const dir = mkdtempSync(join(tmpdir(), "eng-"));
const sarifFile = join(dir, "out.sarif");
try {
  const bin = join(root, "node_modules", ".bin", "electronegativity");
  const r = spawnSync(bin, ["-i", join(root, "out"), "-e", electronVersion, "-o", sarifFile, "-v", "false"], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`electronegativity failed to run (exit ${r.status}): ${r.stderr}`);
    process.exit(2);
  }
  const sarif = JSON.parse(readFileSync(sarifFile, "utf8"));
  const { accepted } = JSON.parse(readFileSync(join(root, "security", "electronegativity-accepted.json"), "utf8"));
  const findings = (sarif.runs ?? []).flatMap((run) =>
    (run.results ?? []).map((res) => {
      const loc = res.locations?.[0]?.physicalLocation;
      const uri = decodeURIComponent(String(loc?.artifactLocation?.uri ?? "").replace(/^file:\/\//, ""));
      const file = uri.startsWith("/") ? uri : join(root, uri);
      const r = loc?.region ?? {};
      // SARIF from this tool carries no snippet: read the flagged text from the file.
      let sample;
      try {
        // A finding may span lines (a <meta> tag): take the flagged line and the few after it.
        const lines = readFileSync(file, "utf8").split("\n");
        const first = (r.startLine ?? 1) - 1;
        sample = [lines[first]?.slice((r.startColumn ?? 1) - 1) ?? "", ...lines.slice(first + 1, first + 5)].join("\n");
      } catch {
        sample = "";
      }
      return { check: res.ruleId, file: relative(root, file), line: r.startLine, sample };
    }),
  );
  const open = findings.filter(
    (f) => !accepted.some((a) => a.check === f.check && a.file === f.file && f.sample.includes(a.sample)),
  );
  for (const f of findings) console.log(`${open.includes(f) ? "FINDING " : "accepted"} ${f.check} ${f.file}:${f.line ?? "?"} ${f.sample.replace(/\s+/g, " ").trim().slice(0, 60)}`);
  console.log(`electronegativity (Electron ${electronVersion}): ${findings.length} findings, ${open.length} not accepted`);
  process.exit(open.length === 0 ? 0 : 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
