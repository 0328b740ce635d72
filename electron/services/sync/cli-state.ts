/**
 * What a headless sync remembers of its server with the pair's state, so a
 * run with nothing to do is the one listing call: the server's generation
 * (detection is four probes and a ping), the projects whose commands go
 * through cocalc.ai's project bridge (/api/v2/exec answers "no assigned
 * host" there, every time), and the read size the server answers in time.
 * Kept only for the server it was learned of.
 */
import { z } from "zod";
import { Generation } from "../../../shared/domain.js";
import type { Backend } from "../backend/backend.js";
import { AiBackend } from "../backend/ai-backend.js";
import type { StartingBackend } from "../projects/starting-backend.js";
import { learnedReadSize, seedReadSize } from "../transfer/read-size.js";

const KEY = "cli_connection";

export const Remembered = z.object({
  server: z.string(),
  generation: Generation,
  bridge_projects: z.array(z.string()).max(1000).default([]),
  read_size: z.number().int().positive().optional(),
  /** when a call last reached the pair's project: within the start gate's freshness it is not asked about again */
  reached: z.object({ project_id: z.string(), at: z.number().int().nonnegative() }).optional(),
});
export type Remembered = z.infer<typeof Remembered>;

interface Meta {
  meta(key: string): string | null;
  setMeta(key: string, value: string | null): void;
}

/** What was remembered of `server`, or null (none, another server's, or unreadable). */
export function recall(state: Meta, server: string): Remembered | null {
  const raw = state.meta(KEY);
  if (!raw) return null;
  try {
    const r = Remembered.parse(JSON.parse(raw));
    return r.server === server ? r : null;
  } catch {
    return null;
  }
}

/** The start gate in front of a backend made by backendFor, if it has one. */
const gateOf = (backend: Backend) => (backend as Partial<StartingBackend>).gate;

/** Put what was remembered back into a new connection. */
export function apply(r: Remembered, backend: Backend): void {
  if (backend instanceof AiBackend) backend.preferBridge(r.bridge_projects);
  if (r.read_size) seedReadSize(backend.server, r.read_size);
  if (r.reached) gateOf(backend)?.reachedAt(r.reached.project_id, r.reached.at);
}

/**
 * A newer time of reaching the project changes nothing a later run does until it is this old: within the
 * gate's minute the project is not asked about, and after it the listing goes out unasked either way. So a
 * run that learned nothing else writes nothing (each write is a transaction with its fsyncs).
 */
const REACHED_REFRESH_MS = 3600_000;

/** `stored`: what this run recalled at its start (it is the only writer meanwhile) */
export function remember(state: Meta, server: string, backend: Backend, project_id: string, stored: Remembered | null): void {
  const read_size = learnedReadSize(backend.server);
  const at = gateOf(backend)?.lastReached(project_id);
  const r: Remembered = {
    server,
    generation: backend.capabilities.generation,
    bridge_projects: backend instanceof AiBackend ? backend.bridgeProjects() : [],
    ...(read_size ? { read_size } : {}),
    ...(at !== undefined ? { reached: { project_id, at } } : {}),
  };
  if (!worthWriting(stored, r)) return;
  state.setMeta(KEY, JSON.stringify(r));
}

/** whether `next` says more than `stored` does: anything but a slightly newer time of reaching the project */
export function worthWriting(stored: Remembered | null, next: Remembered): boolean {
  if (!stored) return true;
  const same =
    stored.server === next.server &&
    stored.generation === next.generation &&
    stored.read_size === next.read_size &&
    stored.bridge_projects.join("\n") === next.bridge_projects.join("\n") &&
    stored.reached?.project_id === next.reached?.project_id;
  if (!same) return true;
  if (!stored.reached || !next.reached) return false;
  return next.reached.at - stored.reached.at >= REACHED_REFRESH_MS;
}

/** A run that did not get through: the project may have stopped, so the next run asks its state first. */
export function forgetReached(state: Meta, server: string): void {
  const r = recall(state, server);
  if (r?.reached) state.setMeta(KEY, JSON.stringify({ ...r, reached: undefined }));
}

export function forget(state: Meta): void {
  state.setMeta(KEY, null);
}
