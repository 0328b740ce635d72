/**
 * Issue 20 §5, through the real router and services against a real hub in
 * every API generation: a large file opened in Files is read in pieces, its
 * progress pushed as `doc.progress` (checked against the event's schema, as
 * the window does) from the real reads — never going back, ending at the
 * file's size — and Cancel stops the reads: the open answers "cancelled" and
 * no request reaches the hub after the one already in flight.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import { forgetReadSize, READ_SIZE } from "../../electron/services/transfer/read-size.js";
import { DocProgress } from "../../shared/ipc/contract.js";
import { allowProject, startTestHub, type TestHub } from "../support/hub.js";
import { sha256 } from "../support/doc-fixtures.js";
import { routerClient } from "../support/router-client.js";
import { waitUntil } from "../support/wait.js";

/** 3.4 MB of text: six reads at the size a server with no history starts with */
const BIG = Buffer.from("a line of a large text file, read in pieces\n".repeat(77_300));

// Each generation has its own hub and app, and waits mostly on slowed replies: the three side by side, the
// tests of one in turn.
describe.concurrent.each(["v1", "current", "ai"] as const)("opening a large file in pieces, API %s", (api) => {
  let hub: TestHub;
  let app: ComposedApp;
  let pid: string;
  const events: DocProgress[] = [];
  const { raw, call } = routerClient(() => app);
  const of = (request_id: string) => events.filter((e) => e.request_id === request_id);

  beforeAll(async () => {
    hub = await startTestHub({ api });
    const dataDir = mkdtempSync(join(tmpdir(), "app-progress-"));
    app = await composeApp({ dataDir, logFile: join(dataDir, "main.log"), version: "0.1.0", platform: "linux", trustedOrigins: ["app://cocalc-desktop"], secrets: new MemoryStore() });
    app.setEmit((event, payload) => event === "doc.progress" && events.push(DocProgress.parse(payload)));
    const p = await call("profiles.add", { name: "Local hub", url: hub.url, api_key: hub.credentials.api_key });
    await call("profiles.switch", { id: p.id });
    pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Large files" }).project_id;
    if (api === "ai") allowProject(hub, hub.credentials.api_key, pid);
    writeFileSync(join(hub.hub.runtime.createFolder(pid), "big.txt"), BIG);
    forgetReadSize(hub.url);
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await hub?.stop();
  });

  it.sequential("progress arrives piece by piece, never going back, and ends at the file's size; the bytes are the file", async () => {
    const request_id = randomUUID();
    const o = await call("doc.open", { project_id: pid, path: "big.txt", request_id });
    expect({ size: o.size, sha: o.sha256, data: sha256(Buffer.from(o.data!, "base64")) }).toEqual({ size: BIG.length, sha: sha256(BIG), data: sha256(BIG) });
    const seen = of(request_id);
    expect(seen.every((e) => e.path === "big.txt" && e.total === BIG.length)).toBe(true);
    const received = seen.map((e) => e.received);
    expect(received[0]).toBe(0);
    expect(received.at(-1)).toBe(BIG.length);
    expect(received.every((n, i) => i === 0 || n > received[i - 1]!)).toBe(true);
    // from the real reads: one event per piece, each at most the largest read a server is asked for
    expect(received.length).toBeGreaterThanOrEqual(Math.ceil(BIG.length / READ_SIZE.max) + 1);
    expect(received.every((n, i) => i === 0 || n - received[i - 1]! <= READ_SIZE.max)).toBe(true);
  }, 120_000);

  it.sequential("Cancel stops the reads: the open answers cancelled and no request reaches the hub after the one in flight", async () => {
    forgetReadSize(hub.url);
    // ~1.7 s a piece: slow enough to cancel between pieces
    hub.hub.settings.replyMsPerMB = 2000;
    try {
      const request_id = randomUUID();
      const opening = raw("doc.open", { project_id: pid, path: "big.txt", request_id });
      await waitUntil("the first piece", () => of(request_id).some((e) => e.received > 0), { timeout: 60_000 });
      const requestsAtCancel = hub.hub.traffic.requests.length;
      expect(await call("doc.cancel", { request_id })).toEqual({ cancelled: true });
      expect(await opening).toMatchObject({ ok: false, error: { kind: "cancelled", message: "Opening big.txt was cancelled." } });
      const last = of(request_id).at(-1)!.received;
      expect(last).toBeLessThan(BIG.length);
      // the read already sent (it may reach the hub just after the cancel) finishes there, its reply going
      // nowhere; after it nothing more comes, however long one waits
      const settled = async () => {
        await waitUntil("the hub to have answered everything", () => hub.hub.traffic.inflight === 0, { timeout: 60_000 });
        await new Promise((r) => setTimeout(r, 500));
        return hub.hub.traffic.requests.slice(requestsAtCancel).length;
      };
      const after = await settled();
      expect(after).toBeLessThanOrEqual(1);
      expect(await settled()).toBe(after);
      expect(of(request_id).at(-1)!.received).toBe(last);
      // a cancel of an open that is over says so
      expect(await call("doc.cancel", { request_id })).toEqual({ cancelled: false });
    } finally {
      hub.hub.settings.replyMsPerMB = 0;
    }
  }, 120_000);
});
