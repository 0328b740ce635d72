/**
 * What the Sync view and the transfer panel say: a pair's state in one line
 * with what to do, sizes, durations and progress as a person reads them.
 */
import { describe, expect, it } from "vitest";
import type { PairStatus } from "../../shared/sync.js";
import { formatBytes, formatDuration, progressText } from "../../renderer/src/format.js";
import { pairStateLine } from "../../renderer/src/sync-state.js";

const base: PairStatus = { id: "p1", state: "idle", progress: null, waiting: 0, conflicts: [], last_sync: null, last_counts: null, message: null, error: null, not_synced: [] };
const conflict = { path: "a.tex", conflict_path: "a (conflict).tex", kind: "both-edited" as const, kept: "local" as const, detected_at: "2026-12-01T00:00:00Z" };

describe("a pair's state line", () => {
  it.each([
    [{ state: "idle" }, "muted", "not synced yet", /^Not synced yet\.$/, null],
    [{ state: "in-sync", last_sync: "2026-12-01T10:00:00Z" }, "ok", "in sync", /^In sync\. Last sync /, null],
    [
      { state: "syncing", progress: { files_done: 3, files_total: 10, bytes_done: 1536, bytes_total: 5 * 1024 * 1024, current: "ch2.tex", eta_s: 12 } },
      "busy",
      "syncing",
      /^Syncing: 3 of 10 files, 1\.5 KB of 5\.0 MB · ch2\.tex · about 12 s left$/,
      null,
    ],
    [{ state: "syncing" }, "busy", "syncing", /comparing both sides/, null],
    [{ state: "offline", waiting: 1 }, "warn", "offline", /^Offline, 1 change waiting\.$/, /keeps trying/],
    [{ state: "offline", waiting: 7 }, "warn", "offline", /^Offline, 7 changes waiting\.$/, /kept here/],
    [{ state: "conflicts", conflicts: [conflict, { ...conflict, path: "b" }] }, "warn", "2 conflicts", /^2 files changed on both sides\. Both versions are kept\.$/, /choose which version/],
    [{ state: "paused", waiting: 2 }, "muted", "paused", /^Paused: nothing is synced until you resume\. 2 changes waiting\.$/, null],
    [{ state: "halted", message: "The server listed no files; nothing was deleted. Check the project, then choose Sync now." }, "bad", "halted", /^Halted: The server listed no files/, null],
    [{ state: "halted" }, "bad", "halted", /^Halted: the sync stopped to protect your files\.$/, /Nothing was deleted/],
    [
      { state: "error", error: { kind: "auth", message: "The server did not accept the API key.", hint: "Check the key in Connect.", retryable: false } },
      "bad",
      "error",
      /^The server did not accept the API key\.$/,
      /^Check the key in Connect\.$/,
    ],
  ] as const)("%j", (patch, tone, label, text, hint) => {
    const line = pairStateLine({ ...base, ...(patch as Partial<PairStatus>) });
    expect(line.tone).toBe(tone);
    expect(line.label).toBe(label);
    expect(line.text).toMatch(text);
    if (hint === null) expect(line.hint).toBeNull();
    else expect(line.hint).toMatch(hint);
  });
});

describe("sizes, durations, progress", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KB"],
    [3 * 1024 * 1024 + 17, "3.0 MB"],
    [150 * 1024 * 1024, "150 MB"],
    [5 * 1024 ** 4, "5.0 TB"],
    [-1, "?"],
  ])("%d bytes is %s", (n, s) => expect(formatBytes(n)).toBe(s));

  it.each([
    [null, null],
    [0.2, "less than a second"],
    [42, "42 s"],
    [125, "2 min 5 s"],
    [3 * 3600 + 120, "3 h 2 min"],
  ])("%s seconds is %s", (s, t) => expect(formatDuration(s)).toBe(t));

  it("progress reads as files and bytes", () => {
    expect(progressText({ files_done: 0, files_total: 1, bytes_done: 0, bytes_total: 10 })).toBe("0 of 1 file, 0 B of 10 B");
  });
});
