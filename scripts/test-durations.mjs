// The suite's time per test file, longest first, as a table: from vitest's JSON report (VITEST_JSON=FILE
// vitest run) or from the log of `npm test` (vitest's default reporter). With --write it also records the
// times in test/durations.json, which vitest.config.ts reads to start the longest files first.
//   node scripts/test-durations.mjs REPORT.json|LOG [--write]
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const [source, flag] = process.argv.slice(2);
if (!source) {
  console.error("usage: node scripts/test-durations.mjs REPORT.json|LOG [--write]");
  process.exit(64);
}
const root = join(import.meta.dirname, "..");
const text = readFileSync(source, "utf8");

/** file → { tests, seconds } */
function fromJson(report) {
  const out = {};
  for (const f of report.testResults ?? []) out[relative(root, f.name)] = { tests: (f.assertionResults ?? []).length, seconds: (f.endTime - f.startTime) / 1000 };
  return out;
}

function fromLog(log) {
  const out = {};
  // eslint-disable-next-line no-control-regex
  const plain = log.replace(/\u001b\[[0-9;]*m/g, "");
  for (const m of plain.matchAll(/^ *[✓×❯↓] +(?:.*? )?(test\/\S+\.test\.ts) \((\d+) tests?(?: \|[^)]*)?\)(?: (\d+)ms)?/gm)) out[m[1]] = { tests: Number(m[2]), seconds: Number(m[3] ?? 0) / 1000 };
  return out;
}

const files = text.trimStart().startsWith("{") ? fromJson(JSON.parse(text)) : fromLog(text);
const rows = Object.entries(files).sort((a, b) => b[1].seconds - a[1].seconds);
const total = rows.reduce((n, [, r]) => n + r.seconds, 0);
console.log("| file | tests | s | share |\n| --- | ---: | ---: | ---: |");
for (const [file, r] of rows) console.log(`| ${file} | ${r.tests} | ${r.seconds.toFixed(1)} | ${((100 * r.seconds) / total).toFixed(1)} % |`);
console.log(`| all ${rows.length} files (sum of file times; two run at once) | ${rows.reduce((n, [, r]) => n + r.tests, 0)} | ${total.toFixed(1)} | |`);
if (flag === "--write") {
  writeFileSync(join(root, "test", "durations.json"), `${JSON.stringify(Object.fromEntries(rows.map(([f, r]) => [f, Math.round(r.seconds)])), null, 1)}\n`);
  console.log("written: test/durations.json");
}
