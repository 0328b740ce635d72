import { defineConfig } from "vitest/config";
import { LongestFirst } from "./test/support/longest-first.js";

/** The files that replace the electron module with the stand-in (vi.mock): a module registry of their own. */
const SHELL = ["test/integration/shell-*.test.ts"];

export default defineConfig({
  test: {
    environment: "node",
    // a test of several steps, each waiting up to 20–30 s for its state on a loaded machine
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every expect.poll waits for its state with a margin that holds on a loaded machine (two cores shared
    // with other work): vitest's own default of 1 s does not. A poll that needs longer says so itself.
    expect: { poll: { timeout: 20_000, interval: 100 } },
    // Two cores: keep parallel files few so timing-sensitive servers are not starved. Three were tried
    // (TEST_WORKERS=3): 13.5 min rather than 14 idle, each file up to twice as long, so less margin when loaded.
    maxWorkers: Number(process.env.TEST_WORKERS ?? 2),
    // Longest files first, from the times of a full run: a long file left to the end would run on alone.
    sequence: { sequencer: LongestFirst },
    // A fresh process per file cost more than the tests of most files: 96 s of CPU against 56 s for 24
    // integration files, 28 s against 13 s for the unit tests. So files share their workers' processes,
    // except those that stand in for the electron module (vi.mock), which get a process of their own.
    projects: [
      { extends: true, test: { name: "shared", include: ["test/**/*.test.ts"], exclude: [...SHELL], isolate: false } },
      { extends: true, test: { name: "shell", include: [...SHELL], isolate: true } },
    ],
    reporters: process.env.VITEST_JSON ? ["default", ["json", { outputFile: process.env.VITEST_JSON }]] : ["default"],
  },
});
