/** The read size per server: additive increase on fast full replies, halving on slow or failed ones (AIMD, as TCP). */
import { describe, expect, it } from "vitest";
import { READ_SIZE, forgetReadSize, learnedReadSize, nextReadSize, noteRead, readSizeFor, seedReadSize } from "../../electron/services/transfer/read-size.js";

const P = READ_SIZE;

describe("nextReadSize", () => {
  it.each([
    ["a fast full reply grows by a step", 640_000, { asked: 640_000, ms: 300 }, 960_000],
    ["a fast reply of a small file says nothing", 640_000, { asked: 10_000, ms: 50 }, 640_000],
    ["neither fast nor slow keeps the size", 960_000, { asked: 960_000, ms: 5_000 }, 960_000],
    ["a slow reply halves", 1_280_000, { asked: 1_280_000, ms: 9_000 }, 640_000],
    ["a slow reply of a small read halves too", 1_280_000, { asked: 50_000, ms: 9_000 }, 640_000],
    ["a failed read halves", 960_000, { failed: true } as const, 480_000],
    ["never below the floor", P.min, { failed: true } as const, P.min],
    ["never above the ceiling", P.max, { asked: P.max, ms: 10 }, P.max],
  ] as const)("%s", (_what, size, outcome, want) => {
    expect(nextReadSize(size, outcome)).toBe(want);
  });
});

describe("remembered per server", () => {
  it("starts at the known-good size, learns per server, and takes a size kept elsewhere", () => {
    const a = "http://a.example";
    const b = "http://b.example";
    forgetReadSize(a);
    forgetReadSize(b);
    expect(readSizeFor(a)).toBe(P.start);
    noteRead(a, { asked: P.start, ms: 100 });
    expect(readSizeFor(a)).toBe(P.start + P.step);
    expect(readSizeFor(b)).toBe(P.start);
    noteRead(b, { failed: true });
    expect(learnedReadSize(b)).toBe(P.start / 2);
    seedReadSize(b, 99_000_000);
    expect(readSizeFor(b)).toBe(P.max);
    seedReadSize(b, Number.NaN);
    expect(readSizeFor(b)).toBe(P.max);
  });
});
