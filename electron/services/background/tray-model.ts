/**
 * Every pair's state folded into what the tray shows: one overall state (its
 * icon), a tooltip, and the menu as plain data. Pure: the shell turns the
 * model into Electron's Tray and Menu, the screenshot page draws the same model.
 */
import type { PairConfig, PairStatus } from "../../../shared/sync.js";
import { formatBytes } from "../../../shared/write-limit.js";

export type TrayState = "in-sync" | "syncing" | "offline" | "paused" | "needs-you" | "no-pairs";

/** What a menu item does when chosen; the shell maps each to the sync manager or the window. */
export type TrayAction =
  | { kind: "open-pair"; pair_id: string }
  | { kind: "open-folder"; pair_id: string }
  | { kind: "sync-all" }
  | { kind: "pause-all"; for_ms: number | null }
  | { kind: "resume-all" }
  | { kind: "open-window" }
  | { kind: "quit" };

export type MenuItemModel =
  | { type: "item"; label: string; enabled: boolean; action: TrayAction | null }
  | { type: "submenu"; label: string; enabled: boolean; items: MenuItemModel[] }
  | { type: "separator" };

export interface TrayModel {
  state: TrayState;
  tooltip: string;
  menu: MenuItemModel[];
}

export interface TrayInput {
  pairs: Array<{ config: PairConfig; status: PairStatus }>;
  /** when "Pause all for 1 hour" ends (ISO); null when no timed pause runs */
  paused_until: string | null;
  /** how a time reads in the menu ("14:02"); injected so tables do not depend on the machine's zone */
  time: (iso: string) => string;
}

export const HOUR_MS = 3_600_000;
/** Windows cuts tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;

const NEEDS_YOU = new Set<PairStatus["state"]>(["conflicts", "halted", "error"]);

export const pairName = (c: PairConfig): string => c.name ?? (c.local_path.split(/[\\/]/).filter(Boolean).pop() || c.local_path);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** One state for all pairs: what needs the person first, then what is not getting through, then work in progress. */
export function overallState(statuses: PairStatus[]): TrayState {
  if (statuses.length === 0) return "no-pairs";
  if (statuses.some((s) => NEEDS_YOU.has(s.state) || s.conflicts.length > 0)) return "needs-you";
  if (statuses.some((s) => s.state === "offline")) return "offline";
  if (statuses.some((s) => s.state === "syncing" || s.state === "idle")) return "syncing";
  if (statuses.every((s) => s.state === "paused")) return "paused";
  return "in-sync";
}

/** A pair's state in a few words, for its menu line and the tooltip. */
export function pairStateWords(s: PairStatus): string {
  switch (s.state) {
    case "idle":
      return "waiting to sync";
    case "in-sync":
      return s.conflicts.length ? plural(s.conflicts.length, "conflict") : "in sync";
    case "syncing":
      return s.progress ? `syncing ${s.progress.files_done} of ${plural(s.progress.files_total, "file")}` : "syncing";
    case "offline":
      return `offline, ${plural(s.waiting, "change")} waiting`;
    case "conflicts":
      return plural(s.conflicts.length, "conflict");
    case "paused":
      return "paused";
    case "halted":
      return "halted: needs you";
    case "error":
      return "error: needs you";
  }
}

function tooltipFor(state: TrayState, input: TrayInput): string {
  const statuses = input.pairs.map((p) => p.status);
  const paused = statuses.filter((s) => s.state === "paused").length;
  const pausedNote = paused && state !== "paused" ? ` (${paused} paused)` : "";
  switch (state) {
    case "no-pairs":
      return "CoCalc Desktop: no folder is synced";
    case "in-sync":
      return `CoCalc Desktop: ${plural(statuses.length - paused, "folder")} in sync${pausedNote}`;
    case "syncing": {
      const p = statuses.flatMap((s) => (s.progress ? [s.progress] : []));
      if (!p.length) return `CoCalc Desktop: syncing…${pausedNote}`;
      const sum = (f: (x: (typeof p)[number]) => number) => p.reduce((n, x) => n + f(x), 0);
      return `CoCalc Desktop: syncing ${sum((x) => x.files_done)} of ${plural(sum((x) => x.files_total), "file")}, ${formatBytes(sum((x) => x.bytes_done))} of ${formatBytes(sum((x) => x.bytes_total))}`;
    }
    case "offline": {
      const waiting = statuses.reduce((n, s) => n + (s.state === "offline" ? s.waiting : 0), 0);
      return `CoCalc Desktop: offline, ${plural(waiting, "change")} waiting`;
    }
    case "paused":
      return `CoCalc Desktop: paused${input.paused_until ? ` until ${input.time(input.paused_until)}` : ""}`;
    case "needs-you": {
      const which = input.pairs.filter((p) => NEEDS_YOU.has(p.status.state) || p.status.conflicts.length).map((p) => `${pairName(p.config)}: ${pairStateWords(p.status)}`);
      return `CoCalc Desktop needs you. ${which.join("; ")}`;
    }
  }
}

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

function pairLine(p: TrayInput["pairs"][number], time: TrayInput["time"]): MenuItemModel {
  const last = p.status.last_sync ? ` · last sync ${time(p.status.last_sync)}` : "";
  return { type: "item", label: `${pairName(p.config)}: ${pairStateWords(p.status)}${last}`, enabled: true, action: { kind: "open-pair", pair_id: p.config.id } };
}

function menuFor(input: TrayInput): MenuItemModel[] {
  const any = input.pairs.length > 0;
  const active = input.pairs.some((p) => p.status.state !== "paused");
  const paused = input.pairs.some((p) => p.status.state === "paused");
  const lines: MenuItemModel[] = any ? input.pairs.map((p) => pairLine(p, input.time)) : [{ type: "item", label: "No folder is synced yet", enabled: false, action: null }];
  return [
    ...lines,
    { type: "separator" },
    { type: "item", label: "Sync all now", enabled: active, action: { kind: "sync-all" } },
    {
      type: "submenu",
      label: "Pause all",
      enabled: active,
      items: [
        { type: "item", label: "For 1 hour", enabled: active, action: { kind: "pause-all", for_ms: HOUR_MS } },
        { type: "item", label: "Until resumed", enabled: active, action: { kind: "pause-all", for_ms: null } },
      ],
    },
    { type: "item", label: input.paused_until ? `Resume (paused until ${input.time(input.paused_until)})` : "Resume", enabled: paused, action: { kind: "resume-all" } },
    { type: "separator" },
    { type: "item", label: "Open CoCalc Desktop", enabled: true, action: { kind: "open-window" } },
    {
      type: "submenu",
      label: "Open a pair's local folder",
      enabled: any,
      items: input.pairs.map((p) => ({ type: "item" as const, label: `${pairName(p.config)} (${p.config.local_path})`, enabled: true, action: { kind: "open-folder" as const, pair_id: p.config.id } })),
    },
    { type: "separator" },
    { type: "item", label: "Quit CoCalc Desktop", enabled: true, action: { kind: "quit" } },
  ];
}

export function trayModel(input: TrayInput): TrayModel {
  const state = overallState(input.pairs.map((p) => p.status));
  return { state, tooltip: cut(tooltipFor(state, input), TOOLTIP_MAX), menu: menuFor(input) };
}
