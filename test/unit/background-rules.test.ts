/**
 * The app in the background: every pair's state folded into the tray's one
 * state, tooltip and menu; which status changes become notifications, and
 * how they are coalesced (at most one per pair per minute).
 */
import { describe, expect, it } from "vitest";
import type { PairStatus } from "../../shared/sync.js";
import { conflictOn, pairConfig, pairStatus } from "../support/pair-fixtures.js";
import { HOUR_MS, overallState, trayModel, type MenuItemModel, type TrayInput } from "../../electron/services/background/tray-model.js";
import { coalesce, ERROR_OUTLASTS_MS, freshNoticeState, NOTICE_GAP_MS, noticeEvents, noticeFor, type NoticeEvent } from "../../electron/services/background/notify-rules.js";

const status = pairStatus;
const conflict = conflictOn;
const config = pairConfig;
const time = (iso: string) => iso.slice(11, 16);
const input = (statuses: Partial<PairStatus>[], paused_until: string | null = null): TrayInput => ({
  pairs: statuses.map((s, i) => ({ config: config(`p${i}`, i === 0 ? "Thesis" : undefined), status: status({ id: `p${i}`, ...s }) })),
  paused_until,
  time,
});
const labels = (m: MenuItemModel[]): string[] => m.map((i) => (i.type === "separator" ? "---" : `${i.enabled ? "" : "(off) "}${i.label}`));

describe("the tray's one state for all pairs", () => {
  it.each<[string, Partial<PairStatus>[], ReturnType<typeof overallState>]>([
    ["no pair", [], "no-pairs"],
    ["all in sync", [{}, {}], "in-sync"],
    ["one syncing", [{}, { state: "syncing" }], "syncing"],
    ["one not synced yet", [{ state: "idle" }], "syncing"],
    ["offline beats syncing", [{ state: "syncing" }, { state: "offline", waiting: 2 }], "offline"],
    ["every pair paused", [{ state: "paused" }, { state: "paused" }], "paused"],
    ["some paused, the rest in sync", [{ state: "paused" }, {}], "in-sync"],
    ["a conflict needs you, before offline", [{ state: "offline" }, { state: "conflicts", conflicts: [conflict("a")] }], "needs-you"],
    ["halted needs you", [{ state: "halted" }], "needs-you"],
    ["an error needs you", [{ state: "error" }, { state: "syncing" }], "needs-you"],
    ["conflicts left while the next sync runs", [{ state: "syncing", conflicts: [conflict("a")] }], "needs-you"],
  ])("%s", (_, statuses, want) => {
    expect(overallState(statuses.map((s) => status(s)))).toBe(want);
    expect(trayModel(input(statuses)).state).toBe(want);
  });
});

describe("the tray's tooltip", () => {
  it.each<[string, Partial<PairStatus>[], string | null, RegExp]>([
    ["no pair", [], null, /^CoCalc Desktop: no folder is synced$/],
    ["in sync", [{}, {}], null, /^CoCalc Desktop: 2 folders in sync$/],
    ["in sync, one paused", [{}, { state: "paused" }], null, /^CoCalc Desktop: 1 folder in sync \(1 paused\)$/],
    [
      "progress summed over the pairs that sync",
      [
        { state: "syncing", progress: { files_done: 3, files_total: 10, bytes_done: 2_000_000, bytes_total: 5_000_000, current: "a", eta_s: 3 } },
        { state: "syncing", progress: { files_done: 1, files_total: 2, bytes_done: 500_000, bytes_total: 1_000_000, current: "b", eta_s: 1 } },
      ],
      null,
      /^CoCalc Desktop: syncing 4 of 12 files, 2\.50 MB of 6\.00 MB$/,
    ],
    ["syncing without figures yet", [{ state: "syncing" }], null, /^CoCalc Desktop: syncing…$/],
    ["offline, changes waiting summed", [{ state: "offline", waiting: 2 }, { state: "offline", waiting: 1 }], null, /^CoCalc Desktop: offline, 3 changes waiting$/],
    ["paused for an hour", [{ state: "paused" }], "2026-12-07T15:30:00Z", /^CoCalc Desktop: paused until 15:30$/],
    ["paused until resumed", [{ state: "paused" }], null, /^CoCalc Desktop: paused$/],
    ["needs you: which pair and why", [{ state: "conflicts", conflicts: [conflict("a"), conflict("b")] }, { state: "halted" }], null, /^CoCalc Desktop needs you\. Thesis: 2 conflicts; p1: halted: needs you$/],
  ])("%s", (_, statuses, until, want) => {
    const t = trayModel(input(statuses, until)).tooltip;
    expect(t).toMatch(want);
    expect(t.length).toBeLessThanOrEqual(127);
  });

  it("is cut to the 127 characters Windows shows, with an ellipsis", () => {
    const many = Array.from({ length: 12 }, () => ({ state: "error" as const }));
    const t = trayModel(input(many)).tooltip;
    expect(t.length).toBe(127);
    expect(t.endsWith("…")).toBe(true);
  });
});

describe("the tray's menu", () => {
  it("has a line per pair (name, state, last sync), then the actions", () => {
    const m = trayModel(input([{ state: "conflicts", conflicts: [conflict("a")] }, { state: "syncing", last_sync: null, progress: { files_done: 1, files_total: 4, bytes_done: 0, bytes_total: 9, current: null, eta_s: null } }]));
    expect(labels(m.menu)).toEqual([
      "Thesis: 1 conflict · last sync 14:02",
      "p1: syncing 1 of 4 files",
      "---",
      "Sync all now",
      "Pause all",
      "(off) Resume",
      "---",
      "Open CoCalc Desktop",
      "Open a pair's local folder",
      "---",
      "Quit CoCalc Desktop",
    ]);
    expect(m.menu[0]).toMatchObject({ action: { kind: "open-pair", pair_id: "p0" } });
    const pause = m.menu[4]!;
    expect(pause.type === "submenu" && pause.items).toEqual([
      { type: "item", label: "For 1 hour", enabled: true, action: { kind: "pause-all", for_ms: HOUR_MS } },
      { type: "item", label: "Until resumed", enabled: true, action: { kind: "pause-all", for_ms: null } },
    ]);
    const folders = m.menu[8]!;
    expect(folders.type === "submenu" && folders.items.map((i) => i.type === "item" && [i.label, i.action])).toEqual([
      ["Thesis (/home/me/p0)", { kind: "open-folder", pair_id: "p0" }],
      ["p1 (/home/me/p1)", { kind: "open-folder", pair_id: "p1" }],
    ]);
    expect(m.menu.at(-1)).toMatchObject({ action: { kind: "quit" } });
  });

  it.each<[string, Partial<PairStatus>[], string | null, string[]]>([
    ["every pair paused for an hour: only Resume", [{ state: "paused" }, { state: "paused" }], "2026-12-07T15:30:00Z", ["(off) Sync all now", "(off) Pause all", "Resume (paused until 15:30)"]],
    ["some paused: all three", [{ state: "paused" }, {}], null, ["Sync all now", "Pause all", "Resume"]],
    ["none paused", [{}, { state: "offline" }], null, ["Sync all now", "Pause all", "(off) Resume"]],
  ])("%s", (_, statuses, until, want) => {
    const m = trayModel(input(statuses, until));
    expect(labels(m.menu).slice(statuses.length + 1, statuses.length + 4)).toEqual(want);
  });

  it("without pairs, says so and offers no pair actions", () => {
    expect(labels(trayModel(input([])).menu)).toEqual([
      "(off) No folder is synced yet",
      "---",
      "(off) Sync all now",
      "(off) Pause all",
      "(off) Resume",
      "---",
      "Open CoCalc Desktop",
      "(off) Open a pair's local folder",
      "---",
      "Quit CoCalc Desktop",
    ]);
  });
});

describe("which status changes call for a notification", () => {
  const T = 1_000_000;
  it.each<[string, Partial<PairStatus> | undefined, Partial<PairStatus>, NoticeEvent[]]>([
    ["a new conflict names its file", { state: "syncing" }, { state: "conflicts", conflicts: [conflict("thesis.tex")] }, [{ kind: "conflict", path: "thesis.tex" }]],
    ["a conflict already known is not told again", { state: "conflicts", conflicts: [conflict("a")] }, { state: "conflicts", conflicts: [conflict("a"), conflict("b")] }, [{ kind: "conflict", path: "b" }]],
    ["conflicts found at start are told", undefined, { state: "conflicts", conflicts: [conflict("a")] }, [{ kind: "conflict", path: "a" }]],
    ["a halt says why", { state: "syncing" }, { state: "halted", message: "The server listed no files; nothing was deleted." }, [{ kind: "halt", message: "The server listed no files; nothing was deleted." }]],
    ["still halted is not told again", { state: "halted" }, { state: "halted" }, []],
    ["a fresh error waits out the backoff", { state: "syncing" }, { state: "error", message: "x" }, []],
    ["offline is not a notification", { state: "syncing" }, { state: "offline", waiting: 3 }, []],
    ["in sync is silent", { state: "syncing" }, {}, []],
  ])("%s", (_, prev, next, want) => {
    expect(noticeEvents(prev && status(prev), status(next), freshNoticeState(), T).events).toEqual(want);
  });

  it("an error that outlasts the backoff is told once, through its retries, and again only after it ended", () => {
    const err = status({ state: "error", error: { kind: "auth", message: "The server did not accept the API key.", hint: "Check the key in Connect.", retryable: false } });
    let st = freshNoticeState();
    const step = (s: PairStatus, at: number) => {
      const r = noticeEvents(undefined, s, st, at);
      st = r.state;
      return r.events;
    };
    expect(step(err, 0)).toEqual([]);
    expect(step(status({ state: "syncing" }), 30_000)).toEqual([]);
    expect(step(err, ERROR_OUTLASTS_MS - 1)).toEqual([]);
    expect(step(err, ERROR_OUTLASTS_MS)).toEqual([{ kind: "error", message: "The server did not accept the API key. Check the key in Connect." }]);
    expect(step(err, ERROR_OUTLASTS_MS * 3)).toEqual([]);
    expect(step(status({ state: "in-sync" }), ERROR_OUTLASTS_MS * 4)).toEqual([]);
    expect(step(err, ERROR_OUTLASTS_MS * 5)).toEqual([]);
    expect(step(err, ERROR_OUTLASTS_MS * 6)).toHaveLength(1);
  });
});

describe("coalescing: at most one notification per pair per minute", () => {
  const c = (path: string): NoticeEvent => ({ kind: "conflict", path });
  it("the first goes out at once; the next minute's events wait and go out together", () => {
    let st = freshNoticeState();
    let r = coalesce(st, [c("a")], 0);
    expect(r.show).toEqual([c("a")]);
    st = r.state;
    r = coalesce(st, [c("b")], 10_000);
    expect(r).toMatchObject({ show: null, flush_at: NOTICE_GAP_MS });
    st = r.state;
    r = coalesce(st, [c("c"), c("d")], 20_000);
    expect(r.show).toBeNull();
    st = r.state;
    // the timer fires at flush_at with no new events
    r = coalesce(st, [], NOTICE_GAP_MS);
    expect(r.show).toEqual([c("b"), c("c"), c("d")]);
    expect(r.state).toMatchObject({ pending: [], last_shown: NOTICE_GAP_MS });
    expect(coalesce(r.state, [], NOTICE_GAP_MS + 1)).toMatchObject({ show: null, flush_at: null });
  });

  it("nothing to tell is silent", () => {
    expect(coalesce(freshNoticeState(), [], 5)).toEqual({ state: freshNoticeState(), show: null, flush_at: null });
  });
});

describe("a notification's words and what its click opens", () => {
  const pair = { id: "p0", name: "Thesis" };
  it.each<[string, NoticeEvent[], string, RegExp, string | null]>([
    ["one conflict names the file", [{ kind: "conflict", path: "ch1/thesis.tex" }], "Conflict in Thesis", /^ch1\/thesis\.tex was changed on both sides\. Both versions are kept/, "ch1/thesis.tex"],
    [
      "three conflicts in one",
      [
        { kind: "conflict", path: "a.tex" },
        { kind: "conflict", path: "b.tex" },
        { kind: "conflict", path: "c.tex" },
      ],
      "3 conflicts in Thesis",
      /^a\.tex, b\.tex and 1 more were changed on both sides/,
      "a.tex",
    ],
    ["a halt says why and what to do", [{ kind: "halt", message: "The server folder came back empty; nothing was deleted. Check the project, then choose Sync now." }], "Thesis stopped syncing", /^The server folder came back empty.*Sync now\.$/, null],
    ["a halt without a reason still says what to do", [{ kind: "halt", message: null }], "Thesis stopped syncing", /Nothing was deleted; open the Sync view/, null],
    ["a lasting error", [{ kind: "error", message: "The server did not accept the API key. Check the key in Connect." }], "Thesis cannot sync", /^The server did not accept the API key\. Check the key in Connect\.$/, null],
    ["a halt leads, conflicts follow", [{ kind: "conflict", path: "a.tex" }, { kind: "halt", message: "Too many deletions." }], "Thesis stopped syncing", /^Too many deletions\. Also 1 conflict: a\.tex\.$/, "a.tex"],
  ])("%s", (_, events, title, body, conflict) => {
    const n = noticeFor(pair, events);
    expect(n.title).toBe(title);
    expect(n.body).toMatch(body);
    expect(n.open).toEqual({ pair_id: "p0", conflict_path: conflict });
  });
});
