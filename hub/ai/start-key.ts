/** The scoped key `--api ai` mints at each start for the admin, shaped by `--key-capabilities` and `--key-projects`. */
import type { Store } from "../store.js";
import { aiKeys } from "./auth.js";
import { AI_CAPABILITIES, type AiCapability } from "./keys.js";

export interface StartKeyOptions {
  /** default: all eight that the server checks (codex:run grants nothing there) */
  capabilities?: readonly string[];
  /** project ids, or "all": every project the admin has now (the default) */
  projects?: readonly string[] | "all";
}

export const DEFAULT_START_CAPABILITIES: readonly AiCapability[] = AI_CAPABILITIES.filter((c) => c !== "codex:run");

export function mintStartKey(store: Store, account_id: string, o: StartKeyOptions = {}): string {
  const projects = o.projects === undefined || o.projects === "all" ? store.projectsOf(account_id).map((p) => p.project_id) : o.projects;
  return aiKeys(store).mint({ account_id, capabilities: o.capabilities ?? DEFAULT_START_CAPABILITIES, allowed_project_ids: projects });
}
