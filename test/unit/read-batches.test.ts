/** How reads are cut into execs: every byte asked once, in order, within the byte and argument limits. */
import { describe, expect, it } from "vitest";
import { readBatches as batchesOf, type ReadChunk, type ReadItem } from "../../electron/services/transfer/remote.js";

/** the batches, all of them (the pipeline takes them one at a time) */
const readBatches = (ranges: ReadItem[], max: number) => [...batchesOf(ranges.length, (i) => ranges[i]!, max)];

/** each range's pieces, joined, must be the range itself */
function covered(ranges: ReadItem[], batches: ReadChunk[][]) {
  const pieces = batches.flat();
  return ranges.map((r, i) => {
    const mine = pieces.filter((c) => c.i === i);
    let at = r.offset;
    for (const c of mine) {
      if (c.offset !== at) return false;
      at += c.length;
    }
    return at === r.offset + r.length && mine.at(-1)!.last && mine.slice(0, -1).every((c) => !c.last);
  });
}

describe("readBatches", () => {
  it("splits a large range across execs, each at most the byte limit, the pieces in order", () => {
    const ranges = [{ path: "big.bin", offset: 0, length: 2_500 }, { path: "small.txt", offset: 0, length: 10 }];
    const b = readBatches(ranges, 1_000);
    expect(b.map((x) => x.reduce((n, c) => n + c.length, 0))).toEqual([1_000, 1_000, 510]);
    expect(covered(ranges, b)).toEqual([true, true]);
  });

  it("keeps a range's own offset (a piece of a piece)", () => {
    const ranges = [{ path: "f", offset: 4_000, length: 1_500 }];
    const b = readBatches(ranges, 1_000);
    expect(b.flat().map((c) => [c.offset, c.length])).toEqual([[4_000, 1_000], [5_000, 500]]);
  });

  it("gives an empty file one empty piece", () => {
    const b = readBatches([{ path: "empty", offset: 0, length: 0 }], 1_000);
    expect(b).toEqual([[{ i: 0, offset: 0, length: 0, last: true }]]);
  });

  it("makes a batch only when it is taken", () => {
    const ranges = [{ path: "a", offset: 0, length: 10 }, { path: "b", offset: 0, length: 10 }];
    const it = batchesOf(ranges.length, (i) => ranges[i]!, 10);
    expect(it.next().value).toEqual([{ i: 0, offset: 0, length: 10, last: true }]);
    ranges[1]!.length = 5; // not yet cut: a later batch sees the range as it is when taken
    expect(it.next().value).toEqual([{ i: 1, offset: 0, length: 5, last: true }]);
    expect(it.next().done).toBe(true);
  });

  it("starts a new exec before the arguments grow past the budget, however small the files", () => {
    const ranges = Array.from({ length: 3_000 }, (_, i) => ({ path: `${"d/".repeat(20)}file-${i}.txt`, offset: 0, length: 1 }));
    const b = readBatches(ranges, 2_400_000);
    expect(b.length).toBeGreaterThan(1);
    for (const batch of b) expect(batch.reduce((n, c) => n + ranges[c.i]!.path.length + 30, 0)).toBeLessThan(60_000);
    expect(covered(ranges, b).every(Boolean)).toBe(true);
  });
});
