/**
 * cocalc.ai's membership limits as its server states them (facts §7): a
 * start refused for want of a running-project slot carries a structured
 * denial after a marker; a create refused for the project count says
 * "project limit reached (n/max); …". Pure: read the text, word the message.
 */
import { z } from "zod";
import type { PlanLimit } from "./errors.js";

const DENIAL_MARKER = "COCALC_RUNTIME_SPONSOR_DENIAL:";

const Denial = z.object({
  code: z.literal("runtime_sponsor_slots_exhausted"),
  limit: z.number().int(),
  current: z.number().int(),
  active_projects: z.array(z.object({ project_id: z.string(), title: z.string().optional() })),
});

/** The running-project limit a server's error text carries, if it carries one. */
export function runLimitOf(text: string): PlanLimit | undefined {
  const at = text.indexOf(DENIAL_MARKER);
  if (at < 0) return undefined;
  let raw: unknown;
  try {
    // the JSON runs to the last brace: a bridge may add its own suffix after it
    raw = JSON.parse(text.slice(at + DENIAL_MARKER.length, text.lastIndexOf("}") + 1));
  } catch {
    return undefined;
  }
  const d = Denial.safeParse(raw);
  if (!d.success) return undefined;
  return { what: "running", max: d.data.limit, current: d.data.current, running: d.data.active_projects.map((p) => ({ project_id: p.project_id, title: p.title ?? null })) };
}

/** The project-count limit of "project limit reached (5/5); …". */
export function projectLimitOf(text: string): PlanLimit | undefined {
  const m = /project limit reached \((\d+)\/(\d+)\)/.exec(text);
  return m ? { what: "projects", current: Number(m[1]), max: Number(m[2]), running: [] } : undefined;
}

const quoted = (p: { title: string | null }) => (p.title ? `“${p.title}”` : "the running project");

/** What happened and what to do, in the person's words. */
export function limitMessage(l: PlanLimit): { message: string; hint: string } {
  if (l.what === "projects") {
    return {
      message: `Project limit reached (${l.current}/${l.max}): your plan allows ${l.max} projects.`,
      hint: "Delete a project you no longer need, or upgrade the membership; then create the project again.",
    };
  }
  const names = l.running.length ? l.running.map(quoted).join(", ") : "the project that is running";
  const plan = l.max === 1 ? "Your plan runs one project at a time" : `Your plan runs ${l.max} projects at a time`;
  return { message: `${plan}: stop ${names} and try again.`, hint: "Stopping a project ends what runs in it; its files stay. Or upgrade the membership to run more at once." };
}
