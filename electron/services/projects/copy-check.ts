/**
 * A copy between two projects needs both running (facts §7). On a plan that
 * runs one project at a time it cannot work, and it must say so before a
 * single file moves, not halfway: both are brought up first, and a refused
 * start is said in the copy's terms.
 */
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { Backend } from "../backend/backend.js";
import type { ProjectStartGate } from "./start-gate.js";

export async function ensureBothRunning(backend: Backend, src: string, target: string, signal?: AbortSignal): Promise<void> {
  if (src === target) return;
  const gate = (backend as Backend & { gate?: ProjectStartGate }).gate;
  if (!gate) return;
  try {
    await gate.ensure(src, signal);
    await gate.ensure(target, signal);
  } catch (e) {
    if (!isApiError(e, "limit") || e.limit?.what !== "running") throw e;
    const plan = e.limit.max === 1 ? "your plan runs one project at a time" : `your plan runs ${e.limit.max} projects at a time`;
    throw new ApiError("limit", `Nothing was copied: a copy between two projects needs both running, and ${plan}.`, {
      hint: "Download the files to this computer (Files → Download…), stop this project, then upload them into the other one; or upgrade the membership.",
      limit: e.limit,
      retryable: false,
      cause: e,
    });
  }
}
