/** How a kept version's reason reads: in the Versions list (and its filter) and in the headless list. */
import { describe, expect, it } from "vitest";
import { versionLine } from "../../electron/services/sync/versions-cli.js";
import { filterVersions, whyText } from "../../renderer/src/views/SyncVersions.js";
import type { VersionEntry } from "../../shared/sync.js";

const v = (path: string, why: VersionEntry["why"], resolved?: VersionEntry["resolved"]): VersionEntry => ({ id: `here:${path}`, path, at: "2026-12-07T09:05:00.000Z", side: "here", size: 2048, why, ...(resolved ? { resolved } : {}) });

describe("a version's reason", () => {
  it.each([
    [v("a.txt", "deleted"), "Deleted"],
    [v("a.txt", "replaced"), "Replaced"],
    [v("a.txt", "replaced", "theirs"), "Replaced (conflict resolved: took the server's version)"],
    [v("a.txt", "deleted", "mine"), "Deleted (conflict resolved: kept this computer's version)"],
    [v("a.txt", "replaced", "merged"), "Replaced (conflict resolved: the versions were merged)"],
  ])("%j reads %s", (entry, text) => {
    expect(whyText(entry)).toBe(text);
  });

  it("the filter finds versions by what set them aside", () => {
    const list = [v("a.txt", "replaced", "theirs"), v("b.txt", "replaced"), v("c.txt", "deleted", "merged")];
    expect(filterVersions(list, "conflict", "all").map((x) => x.path)).toEqual(["a.txt", "c.txt"]);
    expect(filterVersions(list, "server's", "all").map((x) => x.path)).toEqual(["a.txt"]);
    expect(filterVersions(list, "replaced", "project")).toEqual([]);
  });

  it("the headless list adds a sixth field only for what a resolution set aside", () => {
    expect(versionLine(v("b.txt", "replaced")).split("\t")).toEqual(["2026-12-07T09:05:00.000Z", "here", "replaced", "2.0 KB", "b.txt"]);
    expect(versionLine(v("a.txt", "replaced", "theirs")).split("\t")).toEqual(["2026-12-07T09:05:00.000Z", "here", "replaced", "2.0 KB", "a.txt", "conflict resolved: took the server's version"]);
  });
});
