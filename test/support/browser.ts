/** Debian's Chromium driven by Playwright; never a downloaded browser. */
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Debian's Chromium for a test file. Files run one after another in a worker's process (isolate: false),
 * so they share one browser there rather than each starting its own (about a second and two of CPU each):
 * each file gets its own contexts, and its `close()` closes those, not the browser. The browser ends with
 * the worker's process. A file that needs other flags gets a browser of its own.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (extraArgs.length) return start(extraArgs);
  if (!shared || !(await shared).isConnected()) shared = start([]);
  const b = await shared;
  const before = new Set(b.contexts());
  const closeOwn = async () => {
    for (const c of b.contexts()) if (!before.has(c)) await c.close().catch(() => undefined);
  };
  return new Proxy(b, {
    get: (t, p) => {
      if (p === "close") return closeOwn;
      const v: unknown = Reflect.get(t, p, t);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}

let shared: Promise<Browser> | undefined;

function start(extraArgs: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      // Tests talk to loopback only: every other host name fails to resolve without asking any DNS server.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
      ...extraArgs,
    ],
  });
}
