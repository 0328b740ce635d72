/** Small helpers every benchmark shares: medians, timing, and the `name: value` line format. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

/**
 * Time two variants in alternating blocks so machine noise lands on both
 * alike; returns each one's per-call times.
 */
export async function interleaved(total: number, block: number, a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let done = 0; done < total; done += block) {
    ta.push(...(await timeEach(block, a)));
    tb.push(...(await timeEach(block, b)));
  }
  return { a: ta, b: tb };
}

export function report(name: string, value: string): void {
  console.log(`${name}: ${value}`);
}

export const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}x`;
