/**
 * A server as slow as a real one under load (the hub's replyMsPerMB): a read
 * the app stopped waiting for is never sent again while the server may still
 * serve it, and a download asks for pieces the server answers in time,
 * starting at a size known to come back and shrinking at the first slow
 * reply, so no reply is ever dropped (facts §10: a 3 MB read resent four
 * times; 2.4 MB sync reads that never came back).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { V1Client } from "../../electron/services/api/v1-client.js";
import { HttpTransport } from "../../electron/services/http/transport.js";
import { forgetReadSize, learnedReadSize, READ_SIZE } from "../../electron/services/transfer/read-size.js";
import { Transfer } from "../../electron/services/transfer/transfer.js";
import { isApiError } from "../../shared/errors.js";
import { newProject, startTestHub, type TestHub } from "../support/hub.js";
import { startSyncHub, type SyncHub } from "../support/sync-hub.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

// The two wait on slow replies, not on this machine: side by side (each its own hub)
describe.concurrent("a read the app stopped waiting for", () => {
  let hub: TestHub;
  beforeAll(async () => {
    // 1 MB of text answers after about 4 s
    hub = await startTestHub({ api: "v1", settings: { replyMsPerMB: 4000 } });
  });
  afterAll(() => hub?.stop());

  it("is not sent again: the server sees it once, and the app says it timed out", async ({ expect }) => {
    const pid = await newProject(hub, "slow");
    writeFileSync(join(hub.hub.runtime.folder(pid), "big.txt"), "x".repeat(1_000_000));
    const transport = new HttpTransport();
    try {
      const client = new V1Client({ server: hub.url, apiKey: hub.credentials.api_key, transport, defaultTimeoutMs: 1000 });
      const before = hub.hub.traffic.requests.length;
      const e = await client.call("read_text_file_from_project", { project_id: pid, path: "big.txt" }).catch((x: unknown) => x);
      expect(isApiError(e, "timeout")).toBe(true);
      // the server finishes the one read (its reply goes nowhere); nothing else arrives meanwhile
      await expect.poll(() => hub.hub.traffic.dropped, { timeout: 30_000 }).toBe(1);
      expect(hub.hub.traffic.requests.slice(before).filter((r) => r.path === "/api/v1/read_text_file_from_project")).toHaveLength(1);
    } finally {
      await transport.close();
    }
  });
});

describe.concurrent("a download from a slow server", () => {
  let sh: SyncHub;
  beforeAll(async () => {
    // 15 s per MB of reply: a 2.4 MB read (3.2 MB of base64) is past the 45 s a read exec is waited for; 640 KB takes ~13 s
    sh = await startSyncHub("v1", { settings: { replyMsPerMB: 15_000 } });
  });
  afterAll(() => sh?.stop());

  it("reads in pieces the server answers in time: no reply dropped, every byte there", async ({ expect }) => {
    forgetReadSize(sh.backend.server);
    const { project_id, home } = await sh.newProject();
    const big = randomBytes(2_500_000);
    writeFileSync(join(home, "big.bin"), big);
    const local = mkdtempSync(join(tmpdir(), "slow-down-"));
    const t0 = performance.now();
    await new Transfer().download(sh.backend, { project_id, paths: ["big.bin"], local_dir: local });
    console.log(`download of 2.5 MB from a server answering 15 s/MB: ${Math.round(performance.now() - t0)} ms`);
    expect(sha(readFileSync(join(local, "big.bin")))).toBe(sha(big));
    expect(sh.hub.hub.traffic.dropped).toBe(0);
    // the first slow reply shrank the size, and it is remembered for this server
    expect(learnedReadSize(sh.backend.server)).toBeLessThan(READ_SIZE.start);
  }, 300_000);
});
