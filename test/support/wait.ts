/**
 * Waiting for a state in integration tests: poll until it holds, with a
 * deadline that holds on a loaded machine (two cores shared with other work).
 * Playwright steps get the same margin from `UI_WAIT_MS` (app-page.ts), and
 * expect.poll from vitest.config.ts.
 */
export const WAIT_MS = 20_000;

/** Resolves with the first truthy value `probe` gives; throws naming `what` after `timeout` ms. */
export async function waitUntil<T>(what: string, probe: () => T | Promise<T>, o: { timeout?: number; interval?: number } = {}): Promise<Exclude<T, null | undefined | false>> {
  const end = Date.now() + (o.timeout ?? WAIT_MS);
  for (;;) {
    const v = await probe();
    if (v) return v as Exclude<T, null | undefined | false>;
    if (Date.now() > end) throw new Error(`timed out after ${o.timeout ?? WAIT_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, o.interval ?? 50));
  }
}
