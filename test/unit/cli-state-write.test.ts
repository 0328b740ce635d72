/**
 * What a headless run writes of what it learned: a run that learned nothing
 * new writes nothing (a transaction, with its fsyncs, per run otherwise),
 * and anything it did learn is written.
 */
import { describe, expect, it } from "vitest";
import { worthWriting, type Remembered } from "../../electron/services/sync/cli-state.js";

const H = 3600_000;
const base: Remembered = { server: "http://127.0.0.1:1", generation: "v1", bridge_projects: [], read_size: 65536, reached: { project_id: "p1", at: 10 * H } };

describe("whether a run's memory is written", () => {
  it.each<[string, Remembered | null, Remembered, boolean]>([
    ["nothing stored yet", null, base, true],
    ["the same, reached a minute later", base, { ...base, reached: { project_id: "p1", at: 10 * H + 60_000 } }, false],
    ["the same, reached just under an hour later", base, { ...base, reached: { project_id: "p1", at: 11 * H - 1 } }, false],
    ["the same, reached an hour later", base, { ...base, reached: { project_id: "p1", at: 11 * H } }, true],
    ["a day later (the stored time is old)", base, { ...base, reached: { project_id: "p1", at: 34 * H } }, true],
    ["another server", base, { ...base, server: "http://127.0.0.1:2" }, true],
    ["another generation", base, { ...base, generation: "current" }, true],
    ["a new read size", base, { ...base, read_size: 131072 }, true],
    ["the read size forgotten", base, { ...base, read_size: undefined }, true],
    ["a project now through the bridge", base, { ...base, bridge_projects: ["p1"] }, true],
    ["another project reached", base, { ...base, reached: { project_id: "p2", at: 10 * H } }, true],
    ["reached now, not before", { ...base, reached: undefined }, base, true],
    ["not reached this time", base, { ...base, reached: undefined }, true],
    ["neither reached", { ...base, reached: undefined }, { ...base, reached: undefined }, false],
  ])("%s", (_what, stored, next, write) => {
    expect(worthWriting(stored, next)).toBe(write);
  });
});
