/**
 * The embedded hub is kept running by the app: killed outright (as a crash or
 * the OOM killer would), it is started again on the same port, the "This
 * computer" profile answers again, and the log says what happened. Before,
 * it stayed dead and every call failed until the app was restarted.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ComposedApp } from "../../electron/services/compose.js";
import { nodeHubSpawner, restartDelay } from "../../electron/services/embedded-hub/embedded-hub.js";
import { routerClient } from "../support/router-client.js";
import { composeTestApp } from "../support/test-app.js";
import { waitUntil } from "../support/wait.js";
import { hubEntry } from "../support/hub-entry.js";

describe("restartDelay: quick at first, then at most every 30 s", () => {
  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [7, 30_000],
    [50, 30_000],
  ])("after %i failures: %i ms", (n, ms) => expect(restartDelay(n)).toBe(ms));
});

describe("the embedded hub", () => {
  let app: ComposedApp;
  const { raw } = routerClient(() => app);
  afterAll(async () => {
    await app?.stop();
  });

  it("is started again when its process dies, on the same port, and the app reaches it again", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "app-hub-restart-"));
    app = await composeTestApp({ dataDir, spawnHub: nodeHubSpawner({ entry: hubEntry(), dataDir: join(dataDir, "hub") }) });
    expect(app.hub).not.toBeNull();
    const url = app.hub!.credentials.url;
    expect((await raw("server.ping", {})).ok).toBe(true);
    const pid = app.hub!.pid!;
    process.kill(pid, "SIGKILL");
    // while it is down, a call says the server cannot be reached (the app shows "reconnecting"); on an idle
    // machine the supervisor may have it back before the first call sees it gone, which is what it is for
    await waitUntil("the hub to be gone or already restarted", async () => {
      if (app.hub!.restarts >= 1) return true;
      const r = await raw("server.ping", {});
      return !r.ok && r.error.kind === "network";
    });
    await waitUntil("the hub to answer again", async () => (await raw("server.ping", {})).ok, { timeout: 60_000 });
    expect(app.hub!.restarts).toBe(1);
    expect(app.hub!.pid).not.toBe(pid);
    expect(app.hub!.credentials.url).toBe(url);
    expect((await raw("projects.list", {})).ok).toBe(true);
    expect(readFileSync(join(dataDir, "main.log"), "utf8")).toMatch(/The local hub stopped unexpectedly; it is being started again/);
  }, 120_000);
});
