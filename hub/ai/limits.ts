/**
 * A free cocalc.ai membership's limits (facts §7): 5 projects, 1 running
 * project. The texts are the real server's: creating a sixth answers
 * "project limit reached (5/5); …", and starting a second carries the
 * runtime sponsor's structured denial after its marker.
 */
import type { Hub } from "../context.js";
import type { Account } from "../store.js";
import { HandlerError } from "../v1/errors.js";

export const FREE_LIMITS = { projects: 5, running: 1 } as const;

const DENIAL_MARKER = "COCALC_RUNTIME_SPONSOR_DENIAL:";

const limitsOf = (hub: Hub) => (hub.settings.aiLimits === "off" ? null : FREE_LIMITS);

/** Refuses a new project once the account owns as many as its membership allows. */
export function checkCreate(hub: Hub, account: Account): void {
  const l = limitsOf(hub);
  if (!l) return;
  const owned = hub.store.projectsOf(account.account_id).filter((p) => !p.deleted && p.users[account.account_id]?.group === "owner").length;
  if (owned >= l.projects) throw new HandlerError(`project limit reached (${owned}/${l.projects}); delete a project or upgrade membership`);
}

/** The project's owner: the account whose membership sponsors its run. */
function sponsorOf(hub: Hub, project_id: string): string | undefined {
  const users = hub.store.project(project_id)?.users ?? {};
  return Object.entries(users).find(([, u]) => u.group === "owner")?.[0];
}

/** Refuses a start when the sponsor's running-project slots are all taken by other projects. */
export function checkStart(hub: Hub, project_id: string): void {
  const l = limitsOf(hub);
  if (!l || hub.runtime.state(project_id) !== "stopped") return;
  const sponsor = sponsorOf(hub, project_id);
  if (!sponsor) return;
  const active = hub.runtime.active().filter((id) => id !== project_id && sponsorOf(hub, id) === sponsor);
  if (active.length < l.running) return;
  const denial = {
    code: "runtime_sponsor_slots_exhausted",
    sponsor_account_id: sponsor,
    limit: l.running,
    current: active.length,
    active_projects: active.map((id) => ({ project_id: id, state: hub.runtime.state(id) === "starting" ? "starting" : "running" })),
  };
  throw new HandlerError(`${DENIAL_MARKER}${JSON.stringify(denial)}`);
}
