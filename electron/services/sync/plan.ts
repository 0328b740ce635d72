/**
 * The three-way plan: local now, remote now and the base (the last agreed
 * version of every path) in, the operations that bring both sides together
 * out. A pure function; every rule of "no data loss" is decided here:
 * identical content is never a conflict, an edit beats a delete, the loser of
 * a conflict is kept under a conflict name on both sides, a rename is a
 * rename (found by hash against the base), paths that cannot be seen are
 * never deleted, and folders with anything left in them stay.
 */
import type { SyncConflict, SyncPolicy } from "../../../shared/sync.js";
import { isUnder, parentOf } from "../transfer/rel-path.js";
import { conflictName } from "./conflict-name.js";
import { sameContent, type Entry, type TreeView as Tree } from "./entry.js";

export type LocalOp =
  /** `aside`: the losing version of a conflict moved to its conflict name */
  | { op: "rename"; from: string; to: string; sha: string; aside?: boolean }
  | { op: "delete"; path: string; sha: string }
  | { op: "rmdir"; path: string }
  | { op: "mkdir"; path: string };

export interface Download {
  /** where it lands locally */
  path: string;
  /** where it is read on the remote (differs for a remote loser's conflict copy) */
  from: string;
  size: number;
  sha: string;
  x: boolean;
  /** what the local target must still hold: a sha256 or "absent" */
  expect: string;
}

export type RemoteOp =
  | { op: "mv"; from: string; path: string; expect: string; aside?: boolean }
  | { op: "rm"; path: string; expect: string }
  | { op: "rmdir"; path: string }
  | { op: "mkdir"; path: string }
  /** upload local `path` (read at the time of the commit), expecting `expect` on the remote */
  | { op: "put"; path: string; sha: string; x: boolean; expect: string };

export interface PlanOptions {
  policy: SyncPolicy;
  /** simulate a case-insensitive, normalising file system (as on macOS and Windows) */
  caseInsensitive: boolean;
  now: Date;
  ignores: (path: string, isDir: boolean) => boolean;
  maxFileBytes: number;
  /** selective sync: paths in folders left out (selection.ts); their base is forgotten */
  excluded?: ((path: string, isDir: boolean) => boolean) | null;
}

export interface Plan {
  local: LocalOp[];
  downloads: Download[];
  remote: RemoteOp[];
  /** base changes already confirmed by both listings (identical on both sides, deleted on both) */
  base: Array<{ path: string; entry: Entry | null }>;
  conflicts: Array<Omit<SyncConflict, "detected_at">>;
  notSynced: Array<{ path: string; reason: string }>;
  /** files the plan deletes, per side (renames excluded) */
  deletes: { local: number; remote: number };
}

/** a plan that changes nothing on either side nor in the state */
export function nothingToDo(p: Plan): boolean {
  return p.local.length + p.downloads.length + p.remote.length + p.base.length + p.conflicts.length === 0;
}

const REASON: Record<string, string> = {
  l: "a symbolic link: links are never followed nor synced",
  o: "not a regular file (a pipe, socket or device)",
};

const depth = (p: string) => p.split("/").length;

/** The start of every conflict name of `p` for that losing side, in its folder. */
function conflictPrefix(p: string, side: "local" | "remote"): string {
  const slash = p.lastIndexOf("/");
  const name = p.slice(slash + 1);
  const dot = name.lastIndexOf(".");
  return `${p.slice(0, slash + 1)}${dot > 0 ? name.slice(0, dot) : name} (conflict from ${side} `;
}

export function foldKey(p: string): string {
  return p.normalize("NFC").toLowerCase();
}

export function plan(L: Tree, R: Tree, B: Tree, o: PlanOptions): Plan {
  const out: Plan = { local: [], downloads: [], remote: [], base: [], conflicts: [], notSynced: [], deletes: { local: 0, remote: 0 } };
  const notSynced = new Map<string, string>();

  // Paths a side cannot see (unreadable, non-UTF-8 names, links, specials, too large) and everything
  // under an unreadable folder: nothing is decided for them, so nothing is deleted because of them.
  const blind: string[] = [];
  const unknown = new Set<string>();
  for (const [side, T] of [["local", L], ["remote", R]] as const) {
    for (const [p, e] of T) {
      if (e.type === "f" && e.size > o.maxFileBytes) {
        unknown.add(p);
        notSynced.set(p, `larger than this pair's limit of ${Math.round(o.maxFileBytes / 1048576)} MB (${side})`);
      } else if (e.type === "e" || e.type === "n") {
        unknown.add(p);
        notSynced.set(p, `${e.type === "e" ? "cannot be read" : "has a name that is not valid UTF-8"} (${side}: ${e.extra ?? ""})`);
        if (e.type === "e") blind.push(p);
      } else if (e.type === "l" || e.type === "o") {
        unknown.add(p);
        notSynced.set(p, `${REASON[e.type]} (${side})`);
      }
    }
  }
  const isBlind = (p: string) => unknown.has(p) || blind.some((d) => isUnder(p, d));

  // With a case-insensitive side, two names that fold together cannot both exist: the first stays, the others are reported.
  if (o.caseInsensitive) {
    for (const T of [L, R]) {
      const seen = new Map<string, string>();
      for (const p of [...T.keys()].sort()) {
        const k = foldKey(p);
        const first = seen.get(k);
        if (first !== undefined) {
          unknown.add(p);
          notSynced.set(p, `differs from '${first}' only in letter case or Unicode form, which a case-insensitive folder cannot hold`);
        } else seen.set(k, p);
      }
    }
  }

  const all = new Set<string>([...L.keys(), ...R.keys(), ...B.keys()]);
  const live = (p: string, e: Entry | undefined) => e && !o.ignores(p, e.type === "d") && e.type !== "l" && e.type !== "o" ? e : undefined;
  const get = (T: Tree, p: string) => live(p, T.get(p));
  const isDirAt = (p: string) => (L.get(p) ?? R.get(p) ?? B.get(p))?.type === "d";
  const left = o.excluded ?? null;
  if (left) {
    // A left-out path is no one's business here, and its base goes: taken back in later, it is new on
    // whichever side holds it, never "deleted on the other" (which would delete it there).
    for (const [p, b] of B) if (left(p, b.type === "d")) out.base.push({ path: p, entry: null });
  }
  const paths = [...all].filter((p) => !isBlind(p) && !o.ignores(p, isDirAt(p)) && !left?.(p, isDirAt(p))).sort();
  const taken = new Set<string>([...L.keys(), ...R.keys()]);
  const handled = new Set<string>();

  // Renames: a file gone on one side (the other side unchanged) and a new file there with the base's content.
  for (const side of ["local", "remote"] as const) {
    const X = side === "local" ? L : R;
    const Y = side === "local" ? R : L;
    const gone = new Map<string, string[]>();
    for (const p of paths) {
      const b = B.get(p);
      if (b?.type === "f" && !get(X, p) && sameContent(get(Y, p), b)) gone.set(b.sha, [...(gone.get(b.sha) ?? []), p]);
    }
    if (!gone.size) continue;
    for (const q of paths) {
      const x = get(X, q);
      if (handled.has(q) || x?.type !== "f" || B.get(q) || get(Y, q)) continue;
      const from = gone.get(x.sha)?.find((p) => !handled.has(p) && B.get(p)!.x === x.x);
      if (!from) continue;
      handled.add(from);
      handled.add(q);
      if (side === "local") out.remote.push({ op: "mv", from, path: q, expect: x.sha });
      else out.local.push({ op: "rename", from, to: q, sha: x.sha });
    }
  }

  // A sync stopped after the server's losing version was copied down to its conflict name but before
  // the server side was done: that copy is reused, so the restart makes no second copy.
  const resumed = new Map<string, string>();
  for (const p of paths) {
    const l = get(L, p);
    const r = get(R, p);
    if (l?.type !== "f" || r?.type !== "f" || l.sha === r.sha) continue;
    const prefix = conflictPrefix(p, "remote");
    for (const q of paths) {
      const c = get(L, q);
      if (q.startsWith(prefix) && c?.type === "f" && c.sha === r.sha && !B.get(q) && !get(R, q) && !handled.has(q)) {
        resumed.set(p, q);
        handled.add(q);
        break;
      }
    }
  }

  const copyName = (p: string, loser: "local" | "remote") => {
    const c = conflictName(p, loser, o.now, (n) => taken.has(n));
    taken.add(c);
    return c;
  };

  for (const p of paths) {
    if (handled.has(p)) continue;
    const l = get(L, p);
    const r = get(R, p);
    const b = B.get(p);
    const cl = !sameContent(l, b);
    const cr = !sameContent(r, b);
    if (!cl && !cr) continue;
    if (cl && cr && sameContent(l, r)) {
      out.base.push({ path: p, entry: l ?? null });
      continue;
    }
    if (cl && cr && l?.type === "f" && r?.type === "f" && l.sha === r.sha) {
      // same bytes, only the executable bit differs: agreed content, nothing to copy
      out.base.push({ path: p, entry: r });
      continue;
    }
    if (cl && !cr) towardRemote(p, l, r, b);
    else if (cr && !cl) towardLocal(p, l, r, b);
    else if (!l) {
      // deleted here, changed there: the change survives
      if (r!.type === "f") out.downloads.push({ path: p, from: p, size: r!.size, sha: r!.sha, x: r!.x, expect: "absent" });
      else out.local.push({ op: "mkdir", path: p });
    } else if (!r) {
      if (l.type === "f") out.remote.push({ op: "put", path: p, sha: l.sha, x: l.x, expect: "absent" });
      else out.remote.push({ op: "mkdir", path: p });
    } else if (l.type === "d" && r.type === "d") {
      out.base.push({ path: p, entry: r });
    } else if (l.type === "f" && r.type === "f") {
      fileConflict(p, l, r, b);
    } else if (l.type === "f") {
      // a folder there, a changed file here: the folder takes the path, the file is kept beside it
      const c = copyName(p, "local");
      out.local.push({ op: "rename", from: p, to: c, sha: l.sha, aside: true }, { op: "mkdir", path: p });
      out.remote.push({ op: "put", path: c, sha: l.sha, x: l.x, expect: "absent" });
      out.conflicts.push({ path: p, conflict_path: c, kind: "type-change", kept: "remote" });
    } else {
      const c = copyName(p, "remote");
      out.downloads.push({ path: c, from: p, size: r.size, sha: r.sha, x: r.x, expect: "absent" });
      out.remote.push({ op: "mv", from: p, path: c, expect: r.sha, aside: true }, { op: "mkdir", path: p });
      out.conflicts.push({ path: p, conflict_path: c, kind: "type-change", kept: "local" });
    }
  }

  function towardRemote(p: string, l: Entry | undefined, r: Entry | undefined, b: Entry | undefined) {
    if (!l) {
      if (b!.type === "f") {
        out.remote.push({ op: "rm", path: p, expect: b!.sha });
        out.deletes.remote++;
      } else out.remote.push({ op: "rmdir", path: p });
    } else if (l.type === "f") {
      if (r?.type === "d") out.remote.push({ op: "rmdir", path: p });
      out.remote.push({ op: "put", path: p, sha: l.sha, x: l.x, expect: r?.type === "f" ? r.sha : "absent" });
    } else {
      if (r?.type === "f") out.remote.push({ op: "rm", path: p, expect: r.sha });
      out.remote.push({ op: "mkdir", path: p });
    }
  }

  function towardLocal(p: string, l: Entry | undefined, r: Entry | undefined, b: Entry | undefined) {
    if (!r) {
      if (b!.type === "f") {
        out.local.push({ op: "delete", path: p, sha: b!.sha });
        out.deletes.local++;
      } else out.local.push({ op: "rmdir", path: p });
    } else if (r.type === "f") {
      if (l?.type === "d") out.local.push({ op: "rmdir", path: p });
      out.downloads.push({ path: p, from: p, size: r.size, sha: r.sha, x: r.x, expect: l?.type === "f" ? l.sha : "absent" });
    } else {
      if (l?.type === "f") out.local.push({ op: "delete", path: p, sha: l.sha });
      out.local.push({ op: "mkdir", path: p });
    }
  }

  function fileConflict(p: string, l: Entry, r: Entry, b: Entry | undefined) {
    const localWins = o.policy === "local" || ((o.policy === "newer" || o.policy === "keep-both") && l.mtime > r.mtime);
    const kind = b ? "both-edited" : "both-created";
    if (o.policy !== "keep-both") {
      if (localWins) out.remote.push({ op: "put", path: p, sha: l.sha, x: l.x, expect: r.sha });
      else out.downloads.push({ path: p, from: p, size: r.size, sha: r.sha, x: r.x, expect: l.sha });
      return;
    }
    if (localWins) {
      const again = resumed.get(p);
      const c = again ?? copyName(p, "remote");
      if (!again) out.downloads.push({ path: c, from: p, size: r.size, sha: r.sha, x: r.x, expect: "absent" });
      out.remote.push({ op: "mv", from: p, path: c, expect: r.sha, aside: true }, { op: "put", path: p, sha: l.sha, x: l.x, expect: "absent" });
      out.conflicts.push({ path: p, conflict_path: c, kind, kept: "local" });
    } else {
      const c = copyName(p, "local");
      out.local.push({ op: "rename", from: p, to: c, sha: l.sha, aside: true });
      out.downloads.push({ path: p, from: p, size: r.size, sha: r.sha, x: r.x, expect: "absent" });
      out.remote.push({ op: "put", path: c, sha: l.sha, x: l.x, expect: "absent" });
      out.conflicts.push({ path: p, conflict_path: c, kind, kept: "remote" });
    }
  }

  keepFoldersWithSurvivors(out, L, R);
  if (o.caseInsensitive) dropCaseCollisions(out, L, R, notSynced);
  order(out);
  out.notSynced = [...notSynced].map(([path, reason]) => ({ path, reason }));
  return out;
}

/** A folder deleted on one side stays if anything in it on the other side is not being deleted: it is made again here. */
function keepFoldersWithSurvivors(out: Plan, L: Tree, R: Tree) {
  for (const side of ["remote", "local"] as const) {
    const ops = side === "remote" ? out.remote : out.local;
    const T = side === "remote" ? R : L;
    const rmdirs = new Set(ops.filter((x) => x.op === "rmdir").map((x) => x.path));
    if (!rmdirs.size) continue;
    const removed = new Set<string>();
    const added: string[] = [];
    for (const x of ops) {
      if (x.op === "rm" || x.op === "delete" || x.op === "rmdir") removed.add(x.path);
      if (x.op === "mv") removed.add(x.from);
      if (x.op === "rename") removed.add(x.from);
      if (x.op === "put" || x.op === "mkdir" || x.op === "mv") added.push(x.path);
      if (x.op === "rename") added.push(x.to);
    }
    if (side === "local") for (const d of out.downloads) added.push(d.path);
    const keep = new Set<string>();
    const mark = (q: string) => {
      for (let d = parentOf(q); d !== ""; d = parentOf(d)) if (rmdirs.has(d)) keep.add(d);
    };
    for (const q of T.keys()) if (!removed.has(q)) mark(q);
    for (const q of added) mark(q);
    if (!keep.size) continue;
    if (side === "remote") {
      out.remote = out.remote.filter((x) => !(x.op === "rmdir" && keep.has(x.path)));
      for (const d of keep) if (L.get(d)?.type !== "d") out.local.push({ op: "mkdir", path: d });
    } else {
      out.local = out.local.filter((x) => !(x.op === "rmdir" && keep.has(x.path)));
      for (const d of keep) if (R.get(d)?.type !== "d") out.remote.push({ op: "mkdir", path: d });
    }
  }
}

/** On a case-insensitive side, a new name that folds onto another name there would overwrite it: it is reported instead. */
function dropCaseCollisions(out: Plan, L: Tree, R: Tree, notSynced: Map<string, string>) {
  const index = (T: Tree, gone: Set<string>) => {
    const m = new Map<string, string>();
    for (const p of T.keys()) if (!gone.has(p)) m.set(foldKey(p), p);
    return m;
  };
  const goneL = new Set(out.local.flatMap((x) => (x.op === "rename" ? [x.from] : x.op === "delete" || x.op === "rmdir" ? [x.path] : [])));
  const goneR = new Set(out.remote.flatMap((x) => (x.op === "mv" ? [x.from] : x.op === "rm" || x.op === "rmdir" ? [x.path] : [])));
  const li = index(L, goneL);
  const ri = index(R, goneR);
  const clash = (i: Map<string, string>, p: string) => {
    const other = i.get(foldKey(p));
    return other !== undefined && other !== p ? other : undefined;
  };
  out.downloads = out.downloads.filter((d) => {
    const other = d.expect === "absent" ? clash(li, d.path) : undefined;
    if (other) notSynced.set(d.path, `differs from '${other}' only in letter case or Unicode form, which a case-insensitive folder cannot hold`);
    return !other;
  });
  out.local = out.local.filter((x) => {
    const other = x.op === "mkdir" ? clash(li, x.path) : x.op === "rename" && foldKey(x.from) !== foldKey(x.to) ? clash(li, x.to) : undefined;
    if (other) notSynced.set(x.op === "rename" ? x.to : x.path, `differs from '${other}' only in letter case or Unicode form`);
    return !other;
  });
  out.remote = out.remote.filter((x) => {
    const other = (x.op === "put" && x.expect === "absent") || x.op === "mkdir" ? clash(ri, x.path) : undefined;
    if (other) notSynced.set(x.path, `differs from '${other}' only in letter case or Unicode form`);
    return !other;
  });
}

/** Moves first, then deletions deepest first, then new folders shallowest first, then files. */
function order(out: Plan) {
  const rank = (op: string) => ({ mv: 0, rename: 0, rm: 1, delete: 1, rmdir: 2, mkdir: 3, put: 4 })[op] ?? 5;
  const key = (x: { op: string; path?: string; to?: string }) => {
    const p = x.path ?? x.to ?? "";
    return x.op === "rmdir" ? -depth(p) : x.op === "mkdir" ? depth(p) : 0;
  };
  const cmp = (a: LocalOp | RemoteOp, b: LocalOp | RemoteOp) => rank(a.op) - rank(b.op) || key(a) - key(b);
  out.local.sort(cmp);
  out.remote.sort(cmp);
}
