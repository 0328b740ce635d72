/**
 * Any Backend with the start gate in front of the calls that need a running
 * project (commands, file reads and writes, copies, Jupyter): each waits for
 * its projects to run first. The views, the sync engine and the transfer
 * layer all get their backends through here, so none of them needs to know
 * which generation starts projects by itself and which does not.
 */
import { ApiError, isApiError, type ApiErrorData } from "../../../shared/errors.js";
import type { Backend } from "../backend/backend.js";
import { ProjectStartGate, type GateOptions } from "./start-gate.js";

/** Failures after which the project may no longer be running: the next call asks again. */
const mayHaveStopped = (e: unknown) => isApiError(e, "project-starting") || isApiError(e, "timeout") || (isApiError(e) && /has no assigned host/.test(e.serverMessage ?? ""));

/**
 * Answers that say the call never ran because the project is not running:
 * v1's start timeout, cocalc.ai's "no assigned host" on /api/v2/exec, and its
 * bridge finding nobody to answer ("operation has timed out subject:project.…",
 * facts §6). A call that ran too long says otherwise, and is never sent again.
 */
export const notRunning = (e: unknown) => isApiError(e, "project-starting") || (isApiError(e) && /has no assigned host|operation has timed out subject:project\./.test(e.serverMessage ?? ""));

export interface StartingBackend extends Backend {
  readonly gate: ProjectStartGate;
}

export function withProjectStart(inner: Backend, o: GateOptions = {}): StartingBackend {
  const gate = new ProjectStartGate(inner, o);
  /** Run `call` once every project it needs runs; note what it learned about them. */
  const gated = async <T>(ids: (string | undefined)[], signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> => {
    const projects = [...new Set(ids.filter((x): x is string => typeof x === "string"))];
    for (const id of projects) await gate.ensure(id, signal);
    try {
      const r = await call();
      for (const id of projects) gate.confirmed(id);
      return r;
    } catch (e) {
      if (mayHaveStopped(e)) for (const id of projects) gate.forget(id);
      throw e;
    }
  };
  /**
   * A command on a project an earlier process reached goes out at once (one
   * request for a headless sync with nothing to do, however long ago the last
   * run was); when the answer is that the project is not running, it is
   * started, and the command sent once more.
   */
  const execUnconfirmed = async (exec: Backend["exec"], input: Parameters<Backend["exec"]>[0], op: Parameters<Backend["exec"]>[1]) => {
    try {
      const r = await exec(input, { ...op, unconfirmed: true });
      gate.confirmed(input.project_id);
      return r;
    } catch (e) {
      if (mayHaveStopped(e) || notRunning(e)) gate.forget(input.project_id);
      if (!notRunning(e)) throw e;
    }
    return gated([input.project_id], op?.signal, () => exec(input, op));
  };
  /** Reads answer per file: a project that cannot be started fails its own files, not the others'. */
  const readEach =
    (read: Backend["readTextFiles"]): Backend["readTextFiles"] =>
    async (files, op) => {
      const failed = new Map<string, ApiErrorData>();
      for (const id of new Set(files.map((f) => f.project_id))) {
        try {
          await gate.ensure(id, op?.signal);
        } catch (e) {
          if (!(e instanceof ApiError) || e.kind === "cancelled") throw e;
          failed.set(id, e.toData());
        }
      }
      const ok = files.filter((f) => !failed.has(f.project_id));
      const got = ok.length ? await gated(ok.map((f) => f.project_id), op?.signal, () => read(ok, op)) : [];
      let i = 0;
      return files.map((f) => {
        const error = failed.get(f.project_id);
        return error ? { ...f, error } : got[i++]!;
      });
    };

  // Which projects each call needs running; every other method passes through as it is
  // (a Proxy, so methods added to Backend later pass through too).
  const needs: Partial<Record<keyof Backend, (...a: never[]) => (string | undefined)[]>> = {
    readTextFiles: (files: { project_id: string }[]) => files.map((f) => f.project_id),
    writeTextFile: (file: { project_id: string }) => [file.project_id],
    copyPath: (input?: { src_project_id: string; target_project_id: string }) => [input?.src_project_id, input?.target_project_id],
    jupyterKernels: (id: string | undefined) => [id],
    jupyterExecute: (input: { project_id?: string }) => [input.project_id],
  };
  const b = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "gate") return gate;
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== "function") return v;
      const fn = v as (...a: unknown[]) => Promise<unknown>;
      if (prop === "readTextFiles") return readEach(fn.bind(target) as Backend["readTextFiles"]);
      if (prop === "exec") {
        const exec = fn.bind(target) as Backend["exec"];
        return (input: Parameters<Backend["exec"]>[0], op?: Parameters<Backend["exec"]>[1]) =>
          gate.takeUnconfirmed(input.project_id) ? execUnconfirmed(exec, input, op) : gated([input.project_id], op?.signal, () => exec(input, op));
      }
      if (prop === "projectAction") {
        return async (id: string, ...rest: unknown[]) => {
          gate.forget(id);
          return fn.apply(target, [id, ...rest]);
        };
      }
      const ids = Object.hasOwn(needs, prop) ? needs[prop as keyof Backend] : undefined;
      if (!ids) return (...a: unknown[]) => fn.apply(target, a);
      return (...a: unknown[]) => {
        const op = a.find((x, i) => i > 0 && typeof x === "object" && x !== null && "signal" in x) as { signal?: AbortSignal } | undefined;
        return gated((ids as (...x: unknown[]) => (string | undefined)[])(...a), op?.signal, () => fn.apply(target, a));
      };
    },
  }) as StartingBackend;
  return b;
}
