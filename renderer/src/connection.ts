/**
 * One connection state, from the calls the app really makes: every call to
 * the active server that answers says "connected", every one that cannot
 * reach it says "reconnecting" — not a single ping made when the server was
 * chosen. Calls of other servers (a sync pair's) and of this computer
 * (choosers, staging) say nothing about it.
 */
import type { CocalcApi } from "../../shared/ipc/api.js";

/** Channel groups whose calls go to the active server. */
const ACTIVE_SERVER_GROUPS: ReadonlySet<string> = new Set(["server", "projects", "files", "exec", "copy", "kiosk", "upgrades"]);

export type CallOutcome = { ok: true } | { ok: false; error: unknown };

export function observeCalls(api: CocalcApi, seen: (o: CallOutcome) => void): CocalcApi {
  const out: Record<string, unknown> = { on: api.on };
  for (const [group, methods] of Object.entries(api)) {
    if (group === "on") continue;
    if (!ACTIVE_SERVER_GROUPS.has(group)) {
      out[group] = methods;
      continue;
    }
    const g: Record<string, (input?: unknown) => Promise<unknown>> = {};
    for (const [name, fn] of Object.entries(methods as Record<string, (input?: unknown) => Promise<unknown>>)) {
      g[name] = async (input?: unknown) => {
        try {
          const v = await fn(input);
          seen({ ok: true });
          return v;
        } catch (error) {
          seen({ ok: false, error });
          throw error;
        }
      };
    }
    out[group] = Object.freeze(g);
  }
  return Object.freeze(out) as unknown as CocalcApi;
}
