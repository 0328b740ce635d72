/**
 * Which paths a conflict resolution changed here that the next sync changes
 * on the server, and how the conflict was resolved: the commit keeps the
 * server's old bytes of those paths in a versions folder named for the
 * resolution, so the project's Versions say why, as this computer's do.
 * Kept in the pair's state (meta), so a restart between the resolution and
 * the sync keeps them; a note older than a day is dropped unused (the
 * version is still kept, only without the reason).
 */
import { z } from "zod";
import { VersionEntry } from "../../../shared/sync.js";
import type { PairState } from "./state.js";
import type { Resolved } from "./versions-rules.js";

const KEY = "resolution_notes";
const MAX_AGE_MS = 86_400_000;
const Notes = z.record(z.string(), z.object({ resolved: VersionEntry.shape.resolved.unwrap(), at: z.number() }));

function read(state: PairState): z.infer<typeof Notes> {
  const raw = state.meta(KEY);
  if (!raw) return {};
  try {
    const r = Notes.safeParse(JSON.parse(raw));
    return r.success ? r.data : {};
  } catch {
    return {};
  }
}

function write(state: PairState, notes: z.infer<typeof Notes>): void {
  state.setMeta(KEY, Object.keys(notes).length ? JSON.stringify(notes) : null);
}

export function noteResolved(state: PairState, paths: readonly string[], resolved: Resolved, now = Date.now()): void {
  const notes = read(state);
  for (const p of paths) notes[p] = { resolved, at: now };
  write(state, notes);
}

/** the paths still waiting for the server's side of their resolution */
export function resolvedNotes(state: PairState, now = Date.now()): Map<string, Resolved> {
  const out = new Map<string, Resolved>();
  for (const [p, n] of Object.entries(read(state))) if (now - n.at < MAX_AGE_MS) out.set(p, n.resolved);
  return out;
}

/** the server's side of these paths is done (and stale notes go with them) */
export function clearResolved(state: PairState, paths: Iterable<string>, now = Date.now()): void {
  const notes = read(state);
  if (!Object.keys(notes).length) return;
  for (const p of paths) delete notes[p];
  for (const [p, n] of Object.entries(notes)) if (now - n.at >= MAX_AGE_MS) delete notes[p];
  write(state, notes);
}
