/**
 * What a sync pair's status means to a person: one line that says where it
 * stands and, when something is wrong, what to do. Plain (table-tested).
 */
import type { PairStatus } from "../../shared/sync.js";
import { formatDuration, plural, progressText } from "./format.js";

export type Tone = "ok" | "busy" | "warn" | "bad" | "muted";

export interface StateLine {
  tone: Tone;
  /** short, for the badge */
  label: string;
  /** the whole sentence */
  text: string;
  /** what to do, when there is something to do */
  hint: string | null;
}

const since = (iso: string | null) => (iso ? ` Last sync ${new Date(iso).toLocaleString()}.` : "");

export function pairStateLine(s: PairStatus): StateLine {
  switch (s.state) {
    case "idle":
      return { tone: "muted", label: "not synced yet", text: "Not synced yet.", hint: null };
    case "in-sync":
      return { tone: "ok", label: "in sync", text: `In sync.${since(s.last_sync)}`, hint: null };
    case "syncing": {
      const p = s.progress;
      if (!p) return { tone: "busy", label: "syncing", text: "Syncing: comparing both sides…", hint: null };
      const eta = formatDuration(p.eta_s);
      return {
        tone: "busy",
        label: "syncing",
        text: `Syncing: ${progressText(p)}${p.current ? ` · ${p.current}` : ""}${eta ? ` · about ${eta} left` : ""}`,
        hint: null,
      };
    }
    case "offline":
      return {
        tone: "warn",
        label: "offline",
        text: `Offline, ${plural(s.waiting, "change")} waiting.`,
        hint: `The server cannot be reached${s.error ? ` (${s.error.message.replace(/\.$/, "")})` : ""}. Your changes are kept here and sync when it answers again; the app keeps trying.`,
      };
    case "conflicts":
      return {
        tone: "warn",
        label: plural(s.conflicts.length, "conflict"),
        text: `${plural(s.conflicts.length, "file")} changed on both sides. Both versions are kept.`,
        hint: "Open the conflicts to choose which version to keep.",
      };
    case "paused":
      return { tone: "muted", label: "paused", text: `Paused: nothing is synced until you resume.${s.waiting ? ` ${plural(s.waiting, "change")} waiting.` : ""}`, hint: null };
    case "halted":
      return {
        tone: "bad",
        label: "halted",
        text: `Halted: ${s.message ?? "the sync stopped to protect your files."}`,
        // The engine's message says why and what to do; without one, say it here.
        hint: s.message ? null : "Nothing was deleted. Check both folders, then choose Sync now, or remove the pair.",
      };
    case "error":
      return {
        tone: "bad",
        label: "error",
        text: s.error?.message ?? s.message ?? "The last sync failed.",
        hint: s.error?.hint ?? "Choose Sync now to try again; the activity log says more.",
      };
  }
}
