/**
 * Model-based: random sequences of create, edit, delete, rename, mkdir, rmdir
 * and type change on both sides, with syncs in between, some of them cut off
 * at a random call (the network dropping mid-sync) and some run as the
 * headless command killed with SIGKILL at a random journal point. Every write puts unique
 * content; the model remembers which contents a person removed on purpose
 * (deleted, overwrote). After two clean syncs both sides must be equal and
 * hold every content nobody removed: nothing written is ever lost. And a
 * content a person removed on one side while the other side held it (so the
 * sync removes it there) must be in a versions store: nothing a sync removes
 * is gone.
 * Seeded and bounded (about 45 s in all).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../shared/errors.js";
import { JOURNAL_POINTS } from "../../electron/services/sync/engine.js";
import { remoteVersionsDir } from "../../electron/services/sync/pair-versions.js";
import type { Backend } from "../../electron/services/backend/backend.js";
import { startSyncHub, type SyncHub } from "../support/sync-hub.js";
import { makePair, put, snapshot } from "../support/sync-pair.js";

const NAMES = ["a", "b", "d/c", "d/e", "f/g/h", "D/c"];
type Side = "L" | "R";
const Op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom("create", "edit", "delete", "mkdir", "rmdir", "typechange"), side: fc.constantFrom<Side>("L", "R"), name: fc.constantFrom(...NAMES) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("rename"), side: fc.constantFrom<Side>("L", "R"), name: fc.constantFrom(...NAMES), to: fc.constantFrom(...NAMES) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("sync"), cut: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }) }), weight: 3 },
  // rarer: each one is a process that SIGKILLs itself
  { arbitrary: fc.record({ kind: fc.constant("crash"), point: fc.constantFrom(...JOURNAL_POINTS) }), weight: 1 },
);
type Op = { kind: string; side?: Side; name?: string; to?: string; cut?: number | null; point?: string };

/** A Backend whose n-th call fails as if the network dropped. */
function cutAfter(b: Backend, n: number): Backend {
  let calls = 0;
  return new Proxy(b, {
    get(t, prop, r) {
      const v = Reflect.get(t, prop, r) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        if (++calls >= n) return Promise.reject(new ApiError("network", "connection reset (injected)", { retryable: true }));
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

/** Contents of every file under dir. */
function contents(dir: string, rel = ""): string[] {
  const out: string[] = [];
  if (!existsSync(join(dir, rel))) return out;
  for (const n of readdirSync(join(dir, rel))) {
    const r = rel ? `${rel}/${n}` : n;
    const st = lstatSync(join(dir, r));
    if (st.isDirectory()) out.push(...contents(dir, r));
    else if (st.isFile()) out.push(readFileSync(join(dir, r), "utf8"));
  }
  return out;
}

describe("property: no content written on either side is ever lost (hub --api v1)", () => {
  let sh: SyncHub;
  let project_id: string;
  let home: string;
  beforeAll(async () => {
    sh = await startSyncHub("v1");
    ({ project_id, home } = await sh.newProject());
  });
  afterAll(async () => {
    await sh?.stop();
  });

  it("random operations, syncs and cut syncs converge without loss", async () => {
    let seq = 0;
    let runs = 0;
    let crashes = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(Op, { minLength: 4, maxLength: 12 }), async (ops: Op[]) => {
        runs++;
        const p = makePair(sh, project_id, home, { max_delete_pct: 100 });
        mkdirSync(p.remote, { recursive: true });
        const retired = new Set<string>();
        /** removed by a person on one side while the other held it: the sync removes it there, so a versions store must keep it */
        const mustKeep = new Set<string>();
        const written = new Set<string>();
        const root = (s: Side) => (s === "L" ? p.local : p.remote);
        /** what a person removes on purpose: every file content under `abs` */
        const retire = (abs: string, s: Side) => {
          if (!existsSync(abs)) return;
          const gone = lstatSync(abs).isDirectory() ? contents(abs) : [readFileSync(abs, "utf8")];
          const other = new Set(contents(root(s === "L" ? "R" : "L")));
          for (const c of gone) {
            retired.add(c);
            // removed on both sides by a person: nobody expects it back
            if (other.has(c)) mustKeep.add(c);
            else mustKeep.delete(c);
          }
        };
        const parentsOk = (s: Side, name: string) => {
          // writing under a path that is a file on this side is not something a person can do
          const parts = name.split("/");
          for (let i = 1; i < parts.length; i++) {
            const a = join(root(s), ...parts.slice(0, i));
            if (existsSync(a) && !lstatSync(a).isDirectory()) return false;
          }
          return true;
        };
        try {
          for (const op of ops) {
            if (op.kind === "crash") {
              const r = await p.crashAt(op.point!);
              // killed at the point, or the sync never reached it (no download in this round, say) and ended normally
              expect(r.signal === "SIGKILL" || r.code === 0 || r.code === 3, `the headless sync failed: ${r.stderr}`).toBe(true);
              crashes += r.signal === "SIGKILL" ? 1 : 0;
              continue;
            }
            if (op.kind === "sync") {
              await p.sync(op.cut ? cutAfter(sh.backend, op.cut) : sh.backend).catch((e: unknown) => {
                if (!(e instanceof ApiError && e.kind === "network")) throw e;
              });
              continue;
            }
            const s = op.side!;
            const abs = join(root(s), op.name!);
            if (!parentsOk(s, op.name!)) continue;
            const exists = existsSync(abs);
            const isDir = exists && lstatSync(abs).isDirectory();
            const fresh = `content ${++seq} ${op.kind} ${s} ${op.name}`;
            if ((op.kind === "create" && !exists) || (op.kind === "edit" && exists && !isDir)) {
              if (exists) retire(abs, s);
              put(root(s), op.name!, fresh);
              written.add(fresh);
            } else if (op.kind === "delete" && exists && !isDir) {
              retire(abs, s);
              unlinkSync(abs);
            } else if (op.kind === "mkdir" && !exists) {
              mkdirSync(abs, { recursive: true });
            } else if (op.kind === "rmdir" && isDir) {
              retire(abs, s);
              rmSync(abs, { recursive: true });
            } else if (op.kind === "typechange" && exists) {
              retire(abs, s);
              rmSync(abs, { recursive: true });
              if (isDir) {
                put(root(s), op.name!, fresh);
                written.add(fresh);
              } else mkdirSync(abs);
            } else if (op.kind === "rename" && exists && !isDir && op.to !== op.name && parentsOk(s, op.to!)) {
              const to = join(root(s), op.to!);
              if (existsSync(to)) continue;
              mkdirSync(join(to, ".."), { recursive: true });
              renameSync(abs, to);
            }
          }
          const a = await p.sync();
          const b = await p.sync();
          expect(a.halted ?? b.halted).toBeNull();
          expect(snapshot(p.local)).toEqual(snapshot(p.remote));
          const have = new Set(contents(p.local));
          for (const c of written) if (!retired.has(c)) expect(have.has(c), `lost: ${c}\nops: ${JSON.stringify(ops)}`).toBe(true);
          expect(b.counts).toMatchObject({ uploaded: 0, downloaded: 0, deleted_local: 0, deleted_remote: 0, errors: 0 });
          const stores = new Set([...contents(join(p.stateDir, "versions")), ...contents(join(home, remoteVersionsDir(p.cfg.id)))]);
          for (const c of mustKeep) expect(have.has(c) || stores.has(c), `a sync removed and did not keep: ${c}\nops: ${JSON.stringify(ops)}`).toBe(true);
          // the stores are never synced: nothing of them shows up in the pair's folders
          expect(snapshot(p.local)).toEqual(snapshot(p.remote));
        } finally {
          p.close();
        }
      }),
      { seed: 20261201, numRuns: 1000, interruptAfterTimeLimit: 45_000, markInterruptAsFailure: false, endOnFailure: true },
    );
    expect(runs, "too few random sequences ran to mean anything").toBeGreaterThanOrEqual(3);
    expect(crashes, "no sync was killed mid-way").toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(150_000);
  }, 200_000);
});
