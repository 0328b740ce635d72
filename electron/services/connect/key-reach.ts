/**
 * Which projects a profile's scoped key (cocalc.ai) was refused for, learned
 * from the refusals themselves and kept with the profile, so the project list
 * can mark them before the person tries. A later call that reaches the
 * project clears the mark (the key may have been widened in the browser).
 */
import type { ProjectSummary } from "../../../shared/domain.js";
import { isApiError } from "../../../shared/errors.js";
import type { ServerProjectSummary } from "../backend/backend.js";
import type { ProfileStore } from "../store/profile-store.js";

export class KeyReach {
  constructor(private readonly profiles: ProfileStore) {}

  private denied(profileId: string): Record<string, string> {
    return this.profiles.get(profileId)?.key_denied ?? {};
  }

  /** Remember (capability) or forget (null) refusals; written once, and only when something changed. */
  async note(profileId: string, learned: Record<string, string | null>): Promise<void> {
    const cur = this.denied(profileId);
    const next = { ...cur };
    for (const [project_id, capability] of Object.entries(learned)) {
      if (capability === null) delete next[project_id];
      else next[project_id] = capability;
    }
    if (JSON.stringify(next) === JSON.stringify(cur)) return;
    await this.profiles.update(profileId, { key_denied: next }).catch(() => undefined);
  }

  /** A refusal of the key's scope for one project, from any call. */
  async learnFrom(profileId: string, e: unknown): Promise<void> {
    if (isApiError(e, "permission") && e.capability && e.project_id) await this.note(profileId, { [e.project_id]: e.capability });
  }

  /** Rows as the backend answered them, marked with what this call learned or what was learned before. */
  async mark<T extends ServerProjectSummary>(profileId: string, rows: T[]): Promise<(Omit<T, "key_denied"> & Pick<ProjectSummary, "key_denied">)[]> {
    await this.note(profileId, Object.fromEntries(rows.flatMap((r) => (r.key_denied === undefined ? [] : [[r.project_id, r.key_denied]]))));
    const denied = this.denied(profileId);
    return rows.map((r) => ({ ...r, key_denied: denied[r.project_id] ?? null }));
  }
}
