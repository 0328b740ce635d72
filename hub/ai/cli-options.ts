/** The hub CLI's `--api ai` options, checked before the hub starts; a string is the message to print. */
import { isUuid } from "../context.js";
import type { HubSettings } from "../context.js";
import { AI_CAPABILITIES, AiCapability } from "./keys.js";
import type { StartKeyOptions } from "./start-key.js";

export interface AiCliOptions {
  product: HubSettings["aiProduct"];
  copyPath: HubSettings["aiCopyPath"];
  limits: HubSettings["aiLimits"];
  key: StartKeyOptions;
}

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

export function parseAiCliOptions(v: { "ai-product"?: string; "ai-copy-path"?: string; "ai-limits"?: string; "key-capabilities"?: string; "key-projects"?: string }): AiCliOptions | string {
  const product = v["ai-product"] ?? "hosted";
  if (product !== "hosted" && product !== "launchpad" && product !== "plus") {
    return "--ai-product must be 'hosted' (cocalc.ai: every key route), 'launchpad' (only the two bridges) or 'plus' (no API keys)";
  }
  const copyPath = v["ai-copy-path"] ?? "hangs";
  if (copyPath !== "hangs" && copyPath !== "works") return "--ai-copy-path must be 'hangs' (times out, as inferred of cocalc.ai) or 'works'";
  const limits = v["ai-limits"] ?? "free";
  if (limits !== "free" && limits !== "off") return "--ai-limits must be 'free' (a free membership: 5 projects, 1 running, as on cocalc.ai) or 'off'";
  let capabilities: string[] | undefined;
  if (v["key-capabilities"] !== undefined) {
    capabilities = list(v["key-capabilities"]);
    const bad = capabilities.find((c) => !AiCapability.safeParse(c).success);
    if (bad !== undefined) return `--key-capabilities: invalid API key capability '${bad}' (known: ${AI_CAPABILITIES.join(", ")})`;
    if (capabilities.length === 0) return "--key-capabilities: API keys must have at least one explicit capability";
  }
  const rawProjects = v["key-projects"] ?? "all";
  let projects: string[] | "all" = "all";
  if (rawProjects !== "all") {
    projects = list(rawProjects);
    const bad = projects.find((p) => !isUuid(p));
    if (bad !== undefined) return `--key-projects: invalid allowed project id '${bad}' (give project ids separated by commas, or 'all')`;
  }
  return { product, copyPath, limits, key: { ...(capabilities ? { capabilities } : {}), projects } };
}
