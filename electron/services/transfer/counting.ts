/** Counts the calls that reach the server, for the sync's report and the benchmark. */
import type { Backend } from "../backend/backend.js";

export interface CallCounter {
  calls: number;
}

export function countingBackend(b: Backend, counter: CallCounter): Backend {
  return new Proxy(b, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        // readTextFiles may batch many files; it is one call per 50 on v1 and one per file on current
        if (prop === "readTextFiles") counter.calls += Array.isArray(args[0]) ? Math.max(1, args[0].length) : 1;
        else if (prop !== "capabilities") counter.calls++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
