import { describe, expect, it } from "vitest";
import { formatUpgrade, formatUpgrades, relativeTime, stateBadge } from "../../renderer/src/project-format.js";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

describe("relativeTime", () => {
  it.each([
    [ago(5), "5 seconds ago"],
    [ago(180), "3 minutes ago"],
    [ago(2 * 3600), "2 hours ago"],
    [ago(86400), "yesterday"],
    [ago(3 * 86400), "3 days ago"],
    [ago(60 * 86400), "2 months ago"],
    [ago(800 * 86400), "2 years ago"],
    [null, "—"],
  ])("%s → %s", (iso, text) => expect(relativeTime(iso, NOW, "en")).toBe(text));
});

describe("stateBadge", () => {
  it.each([
    ["running", "running"],
    ["starting", "starting"],
    ["opening", "starting"],
    ["opened", "stopped"],
    ["closed", "stopped"],
    ["archived", "stopped"],
    ["stopping", "stopping"],
  ])("%s → %s", (state, label) => expect(stateBadge(state)?.label).toBe(label));
  it("no state, no badge", () => expect(stateBadge(null)).toBeNull());
});

describe("upgrades in a person's units", () => {
  it.each([
    ["memory", 8000, "8 GB memory"],
    ["memory", 1500, "1.5 GB memory"],
    ["disk_quota", 20000, "20 GB disk"],
    ["mintime", 86400, "idle timeout 1 day"],
    ["mintime", 7200, "idle timeout 2 hours"],
    ["cores", 4, "4 CPU cores"],
    ["network", 2, "internet access"],
    ["member_host", 1, "member hosting"],
    ["something_new", 3, "something new 3"],
  ])("%s %d → %s", (k, n, text) => expect(formatUpgrade(k, n)).toBe(text));
  it("a whole set, and none", () => {
    expect(formatUpgrades({ memory: 8000, mintime: 86400 })).toBe("8 GB memory · idle timeout 1 day");
    expect(formatUpgrades({})).toBe("none");
  });
});
