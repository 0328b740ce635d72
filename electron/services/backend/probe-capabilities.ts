/**
 * Harmless probes for what servers of one generation do differently
 * (facts §7, §9): a v1 single-user server ignores `scheduled` (it copies at
 * once) and answers create_account with 400 "unknown message event type";
 * cocalc.com's queue schedules copies. Each probe changes nothing: a copy of a
 * path that does not exist, scheduled far ahead (and deleted again where the
 * server queued it), and an account request the server must refuse.
 * `undefined` = the answer did not tell; nothing is remembered then.
 */
import { randomUUID } from "node:crypto";
import { isApiError } from "../../../shared/errors.js";
import type { V1Client } from "../api/v1-client.js";

/** Far enough ahead that a queue never runs it before it is deleted again. */
const FAR_AHEAD = "2099-12-31T00:00:00.000Z";

export async function probeCopySchedule(client: V1Client, project_id: string): Promise<boolean | undefined> {
  const missing = `.cache/cocalc-desktop/probe-${randomUUID()}`;
  try {
    const r = await client.call("copy_path_between_projects", { src_project_id: project_id, src_path: missing, target_project_id: project_id, target_path: `${missing}-target`, scheduled: FAR_AHEAD });
    const id = r.event === "copy_path_between_projects_response" ? r.copy_path_id : undefined;
    if (!id) return false; // "" : it ran (and failed on the missing path) at once
    await client.call("copy_path_delete", { copy_path_id: id }).catch(() => undefined);
    return true;
  } catch (e) {
    // a server that refuses `scheduled` outright does not schedule either
    if (isApiError(e, "not-available") || isApiError(e, "invalid-input")) return false;
    return undefined;
  }
}

export async function probeCreateAccount(client: V1Client): Promise<boolean | undefined> {
  try {
    // No e-mail address and the terms not agreed: a server with the handler must refuse it.
    await client.call("create_account", { first_name: "", last_name: "", email_address: "", password: "probe-only", agreed_to_terms: false });
    return true;
  } catch (e) {
    if (isApiError(e, "not-available")) return false;
    // parameters are checked before the handler is looked up: such a refusal tells nothing
    if (!isApiError(e) || /invalid parameters/.test(e.serverMessage ?? e.message)) return undefined;
    // the handler ran and refused (only admins, a taken address, …): it exists
    return e.kind === "server" || e.kind === "permission" ? true : undefined;
  }
}
