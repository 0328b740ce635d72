/**
 * How many bytes one read exec asks for, per server, as TCP sizes its
 * window (additive increase, multiplicative decrease): start at a size
 * servers are known to answer in time, grow by a step while replies come
 * back fast, halve at the first slow or failed one. A real v1 server under
 * load did not answer 2.4 MB replies within the client's timeout while
 * 640 KB pieces came back (facts §10); a fixed large size cost minutes of
 * timeouts, a fixed small one wastes fast servers.
 */

export interface ReadSizePolicy {
  /** raw bytes: never fewer, never more */
  min: number;
  max: number;
  /** where a server with no history starts: a size real servers answered in time */
  start: number;
  /** added after a fast, full-sized reply */
  step: number;
  /** a reply within this is fast */
  fastMs: number;
  /** a reply after this is slow (well inside the read's timeout, so the shrink comes before any timeout) */
  slowMs: number;
}

export const READ_SIZE: ReadSizePolicy = { min: 160_000, max: 2_400_000, start: 640_000, step: 320_000, fastMs: 2_000, slowMs: 8_000 };

/** One read's outcome: how much it asked for and how long the reply took, or that it failed (cut, refused, timed out). */
export type ReadOutcome = { asked: number; ms: number } | { failed: true };

/** The next read size after `outcome`, for a server whose current size is `size`. */
export function nextReadSize(size: number, outcome: ReadOutcome, p: ReadSizePolicy = READ_SIZE): number {
  const clamp = (n: number) => Math.max(p.min, Math.min(p.max, Math.floor(n)));
  if ("failed" in outcome || outcome.ms > p.slowMs) return clamp(size / 2);
  // only a read that used the whole size says the size is fine; a small file's quick reply says nothing
  if (outcome.ms < p.fastMs && outcome.asked >= size) return clamp(size + p.step);
  return clamp(size);
}

/**
 * The sizes learned, per server URL, for this process; a headless sync
 * keeps them with the pair's state between runs (`seed`, `learned`).
 */
const sizes = new Map<string, number>();

export function readSizeFor(server: string, p: ReadSizePolicy = READ_SIZE): number {
  return sizes.get(server) ?? p.start;
}

export function noteRead(server: string, outcome: ReadOutcome, p: ReadSizePolicy = READ_SIZE): number {
  const next = nextReadSize(readSizeFor(server, p), outcome, p);
  sizes.set(server, next);
  return next;
}

/** Take a size remembered elsewhere (a pair's state) as this server's, within the policy's bounds. */
export function seedReadSize(server: string, size: number, p: ReadSizePolicy = READ_SIZE): void {
  if (Number.isFinite(size) && size > 0) sizes.set(server, Math.max(p.min, Math.min(p.max, Math.floor(size))));
}

/** What was learned of a server, if anything (for keeping it). */
export function learnedReadSize(server: string): number | undefined {
  return sizes.get(server);
}

/** Forget what was learned of a server (it was replaced, or a test starts afresh). */
export function forgetReadSize(server: string): void {
  sizes.delete(server);
}
