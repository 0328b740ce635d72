/**
 * A start refused for want of a running-project slot names the projects that
 * hold the slots by id only; the person knows them by title. One listing
 * turns the ids into titles before the message is shown.
 */
import { ApiError, isApiError } from "../../../shared/errors.js";
import { limitMessage } from "../../../shared/plan-limits.js";
import type { Backend } from "../backend/backend.js";

export async function withRunningTitles(backend: Pick<Backend, "listProjects">, e: unknown): Promise<unknown> {
  if (!isApiError(e, "limit") || e.limit?.what !== "running" || e.limit.running.every((p) => p.title)) return e;
  const titles = new Map((await backend.listProjects().catch(() => [])).map((p) => [p.project_id, p.title]));
  const limit = { ...e.limit, running: e.limit.running.map((p) => ({ ...p, title: p.title ?? titles.get(p.project_id) ?? null })) };
  const { message, hint } = limitMessage(limit);
  return new ApiError("limit", message, { hint, status: e.status, limit, retryable: false, cause: e });
}
