/**
 * Which notifications a pair's status changes call for, and how they are
 * coalesced: at most one per pair per minute, the events of that minute told
 * together ("3 conflicts in Thesis"). Pure: the notifier holds the state and
 * the timers, Electron shows the result.
 */
import type { PairStatus } from "../../../shared/sync.js";

export type NoticeEvent =
  | { kind: "conflict"; path: string }
  | { kind: "halt"; message: string | null }
  | { kind: "error"; message: string };

export interface Notice {
  title: string;
  body: string;
  /** what a click opens: the pair, and this conflict side by side when there is one */
  open: { pair_id: string; conflict_path: string | null };
}

/** Per pair: when a notice last went out, what waits for the next, and the current error's start. */
export interface PairNoticeState {
  last_shown: number | null;
  pending: NoticeEvent[];
  error_since: number | null;
  error_told: boolean;
}

export const NOTICE_GAP_MS = 60_000;
/** The runner waits at most 5 minutes between tries; an error still there after that is worth telling. */
export const ERROR_OUTLASTS_MS = 300_000;

export const freshNoticeState = (): PairNoticeState => ({ last_shown: null, pending: [], error_since: null, error_told: false });

/** What changed between two statuses of one pair that a person should hear about, and the error clock moved on. */
export function noticeEvents(prev: PairStatus | undefined, next: PairStatus, st: PairNoticeState, now: number): { events: NoticeEvent[]; state: PairNoticeState } {
  const events: NoticeEvent[] = [];
  const known = new Set(prev?.conflicts.map((c) => c.path) ?? []);
  for (const c of next.conflicts) if (!known.has(c.path)) events.push({ kind: "conflict", path: c.path });
  if (next.state === "halted" && prev?.state !== "halted") events.push({ kind: "halt", message: next.message });
  let { error_since, error_told } = st;
  // a retry passes through "syncing"; only a sync that ends otherwise ends the error
  if (next.state === "error") error_since ??= now;
  else if (next.state !== "syncing") [error_since, error_told] = [null, false];
  if (next.state === "error" && !error_told && error_since !== null && now - error_since >= ERROR_OUTLASTS_MS) {
    events.push({ kind: "error", message: [next.error?.message ?? next.message ?? "The sync keeps failing.", next.error?.hint].filter(Boolean).join(" ") });
    error_told = true;
  }
  return { events, state: { ...st, error_since, error_told } };
}

/**
 * Adds the events to what waits and says whether a notice goes out now; when not, `flush_at` is when
 * the waiting ones may go (call again with no events then).
 */
export function coalesce(
  st: PairNoticeState,
  events: NoticeEvent[],
  now: number,
  gapMs = NOTICE_GAP_MS,
): { state: PairNoticeState; show: NoticeEvent[] | null; flush_at: number | null } {
  const pending = [...st.pending, ...events];
  if (!pending.length) return { state: st, show: null, flush_at: null };
  if (st.last_shown === null || now - st.last_shown >= gapMs) return { state: { ...st, pending: [], last_shown: now }, show: pending, flush_at: null };
  return { state: { ...st, pending }, show: null, flush_at: st.last_shown + gapMs };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

function listNames(paths: string[]): string {
  const names = paths.slice(0, 2);
  const more = paths.length - names.length;
  if (more > 0) return `${names.join(", ")} and ${more} more`;
  return names.join(" and ");
}

/** The words of one notice for the events of one pair (the most serious leads). */
export function noticeFor(pair: { id: string; name: string }, events: NoticeEvent[]): Notice {
  const conflicts = [...new Set(events.flatMap((e) => (e.kind === "conflict" ? [e.path] : [])))];
  const halt = events.findLast((e) => e.kind === "halt");
  const error = events.findLast((e) => e.kind === "error");
  const also = conflicts.length ? ` Also ${plural(conflicts.length, "conflict")}: ${listNames(conflicts)}.` : "";
  const open = { pair_id: pair.id, conflict_path: conflicts[0] ?? null };
  if (halt) {
    const why = halt.message ?? "The sync stopped to protect your files. Nothing was deleted; open the Sync view to see why.";
    return { title: `${pair.name} stopped syncing`, body: `${why}${also}`, open };
  }
  if (error) return { title: `${pair.name} cannot sync`, body: `${error.message}${also}`, open };
  if (conflicts.length === 1) {
    return { title: `Conflict in ${pair.name}`, body: `${conflicts[0]} was changed on both sides. Both versions are kept; click to compare them and choose.`, open };
  }
  return { title: `${plural(conflicts.length, "conflict")} in ${pair.name}`, body: `${listNames(conflicts)} were changed on both sides. Both versions are kept; click to compare them and choose.`, open };
}
