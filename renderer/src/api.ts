/**
 * The renderer's way to the main process: `window.cocalc` from the preload,
 * unwrapped so every call resolves to its value or throws a typed ApiError.
 */
import { ApiError } from "../../shared/errors.js";
import type { CocalcApi, IpcResult, RawApi } from "../../shared/ipc/api.js";

declare global {
  interface Window {
    cocalc?: RawApi;
  }
}

export function unwrap<T>(r: unknown): T {
  const res = r as IpcResult<T> | undefined;
  if (res && res.ok === true) return res.value;
  if (res && res.ok === false && res.error) throw ApiError.fromData(res.error);
  throw new ApiError("internal", "The main process answered something that is not a result.");
}

export function unwrapApi(raw: RawApi): CocalcApi {
  const out: Record<string, unknown> = { on: raw.on };
  for (const [group, methods] of Object.entries(raw)) {
    if (group === "on") continue;
    const g: Record<string, (input?: unknown) => Promise<unknown>> = {};
    for (const [name, fn] of Object.entries(methods as Record<string, (input?: unknown) => Promise<unknown>>)) {
      g[name] = async (input?: unknown) => unwrap(await fn(input));
    }
    out[group] = Object.freeze(g);
  }
  return Object.freeze(out) as unknown as CocalcApi;
}

export function getApi(): CocalcApi {
  if (!window.cocalc) throw new ApiError("internal", "The app's bridge to the main process is missing (no preload).");
  return unwrapApi(window.cocalc);
}
