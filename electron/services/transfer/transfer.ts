/**
 * TransferApi: downloads, uploads and project-to-project copies of files and
 * folders, byte-exact and sha256-verified on every server generation. Links
 * are never followed nor copied; unreadable entries are reported.
 */
import { mkdtemp, lstat, readdir, rename, rm, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import type { Backend } from "../backend/backend.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import type { TransferApi, TransferOptions } from "./api.js";
import { durabilityFor, localState, resolveLocal, TMP_MARK } from "./local-fs.js";
import { fetchFiles, pushFiles, type FetchItem, type PushFile } from "./pipeline.js";
import { baseName, parentOf } from "./rel-path.js";
import { AGENT_DIR, RemoteAgent, type CommitOp } from "./remote.js";

type Done = { files: number; bytes: number };

class Meter {
  files_done = 0;
  bytes_done = 0;
  current: string | null = null;
  constructor(
    readonly files_total: number,
    readonly bytes_total: number,
    private readonly o: TransferOptions,
  ) {
    this.emit();
  }
  bytes(n: number, cur: string) {
    this.bytes_done = Math.min(this.bytes_total, this.bytes_done + n);
    if (cur) this.current = cur;
    this.emit();
  }
  file(cur: string) {
    this.files_done++;
    this.current = cur;
    this.emit();
  }
  emit() {
    this.o.onProgress?.({ files_done: this.files_done, files_total: this.files_total, bytes_done: this.bytes_done, bytes_total: this.bytes_total, current: this.current });
  }
}

function failures(what: string, failed: Array<{ path: string; message: string }>): ApiError {
  const list = failed.slice(0, 5).map((f) => `${f.path}: ${f.message}`).join("; ");
  const more = failed.length > 5 ? ` and ${failed.length - 5} more` : "";
  return new ApiError("bad-content", `${failed.length} file(s) were not ${what}: ${list}${more}.`, {
    hint: "Nothing was overwritten for them. Check the files and try again.",
  });
}

export interface LocalItem {
  rel: string;
  type: "f" | "d";
  size: number;
  x: boolean;
}

/** Files and folders under `abs`, named `rel` and below; links and special files are left out. */
export async function walkLocal(abs: string, rel: string, out: LocalItem[]): Promise<void> {
  const st = await lstat(abs);
  if (st.isDirectory()) {
    out.push({ rel, type: "d", size: 0, x: false });
    for (const name of (await readdir(abs)).sort()) {
      if (name.includes(TMP_MARK)) continue;
      await walkLocal(join(abs, name), `${rel}/${name}`, out);
    }
  } else if (st.isFile()) {
    out.push({ rel, type: "f", size: st.size, x: (st.mode & 0o100) !== 0 });
  }
}

export class Transfer implements TransferApi {
  async download(backend: Backend, input: { project_id: string; paths: string[]; local_dir: string }, o: TransferOptions = {}): Promise<Done> {
    const agent = new RemoteAgent(backend, input.project_id);
    const paths = input.paths.map(normalizeProjectPath);
    if (paths.some((p) => p === "")) throw new ApiError("invalid-input", "Choose files or folders inside the project, not the whole home folder.");
    const state = `${AGENT_DIR}/xfer-${Math.random().toString(16).slice(2, 10)}`;
    const listing = await agent.list({ root: "", paths, state, signal: o.signal, skipTop: AGENT_DIR });
    if (listing.rejected.length) throw new ApiError("bad-content", `The server listed ${listing.rejected.length} path(s) that would lead outside the folder; nothing was downloaded.`);
    await mkdir(input.local_dir, { recursive: true });
    const dirs: string[] = [];
    const items: FetchItem[] = [];
    const targets: string[] = [];
    const failed: Array<{ path: string; message: string }> = [];
    for (const e of listing.entries) {
      const top = paths.find((p) => e.path === p || e.path.startsWith(`${p}/`));
      if (!top) continue;
      const rel = baseName(top) + e.path.slice(top.length);
      if (e.type === "d") dirs.push(rel);
      else if (e.type === "f") {
        const local = (await resolveLocal(input.local_dir, rel, true))!;
        items.push({ from: e.path, size: e.size, sha: e.sha, x: (e.mode & 0o100) !== 0, expect: await localState(local) });
        targets.push(local);
      } else if (e.type === "e" || e.type === "n") failed.push({ path: e.path, message: e.extra });
    }
    for (const p of paths) if (!listing.entries.some((e) => e.path === p)) failed.push({ path: p, message: "it does not exist on the server" });
    for (const d of dirs.sort()) {
      const abs = await resolveLocal(input.local_dir, d, true);
      if ((await localState(abs!)) === "absent") await mkdir(abs!);
    }
    const meter = new Meter(items.length, items.reduce((s, i) => s + i.size, 0), o);
    // A folder that is being replaced by a file (or the reverse) is the caller's to sort out; the CAS says so.
    for (const it of items) if (it.expect === "dir" || it.expect === "link" || it.expect === "other") it.expect = "never";
    const out = await fetchFiles(agent, "", items, (i) => targets[i]!, { signal: o.signal, durability: await durabilityFor(input.local_dir), onBytes: (n, c) => meter.bytes(n, c), onFile: (c) => meter.file(c) });
    out.forEach((r, k) => {
      if (r.status !== "ok") failed.push({ path: items[k]!.from, message: r.message });
    });
    if (failed.length) throw failures("downloaded", failed);
    return { files: items.length, bytes: meter.bytes_total };
  }

  async upload(backend: Backend, input: { project_id: string; local_paths: string[]; remote_dir: string }, o: TransferOptions = {}): Promise<Done> {
    const agent = new RemoteAgent(backend, input.project_id);
    const remoteDir = normalizeProjectPath(input.remote_dir);
    const local: Array<LocalItem & { abs: string }> = [];
    for (const lp of input.local_paths) {
      const found: LocalItem[] = [];
      await walkLocal(lp, basename(lp), found);
      for (const f of found) local.push({ ...f, abs: join(lp, f.rel.slice(basename(lp).length)) });
    }
    const tops = [...new Set(input.local_paths.map((p) => basename(p)))];
    const listing = await agent.list({ root: remoteDir, paths: tops, signal: o.signal, skipTop: remoteDir === "" ? AGENT_DIR : undefined });
    const remote = new Map(listing.entries.map((e) => [e.path, e]));
    const before: CommitOp[] = [];
    const files: PushFile[] = [];
    const sources: string[] = [];
    let bytes = 0;
    for (const it of local) {
      const r = remote.get(it.rel);
      if (it.type === "d") {
        if (!r) before.push({ op: "mkdir", path: it.rel });
      } else {
        files.push({ path: it.rel, sha: null, x: it.x, expect: !r ? "absent" : r.type === "f" ? r.sha : r.type === "d" ? "dir" : "other" });
        sources.push(it.abs);
        bytes += it.size;
      }
    }
    const meter = new Meter(files.length, bytes, o);
    const res = await pushFiles(agent, remoteDir, files, (i) => sources[i]!, { before, mkroot: true }, { signal: o.signal, onBytes: (n, c) => meter.bytes(n, c), onFile: (c) => meter.file(c) });
    const failed: Array<{ path: string; message: string }> = [];
    res.files.forEach((r, k) => {
      if (r.status !== "ok") failed.push({ path: files[k]!.path, message: r.message });
    });
    res.ops.slice(0, before.length).forEach((r, k) => {
      if (r[0] !== "ok") failed.push({ path: before[k]!.path, message: String(r[1]) });
    });
    if (failed.length) throw failures("uploaded", failed);
    return { files: files.length, bytes: meter.bytes_total };
  }

  async copyBetweenProjects(
    backend: Backend,
    input: { src_project_id: string; src_path: string; target_project_id: string; target_path: string },
    o: TransferOptions = {},
  ): Promise<Done> {
    const src = normalizeProjectPath(input.src_path);
    const target = normalizeProjectPath(input.target_path);
    if (src === "" || target === "") throw new ApiError("invalid-input", "Copy a file or folder inside the project, not the whole home folder.");
    const tmp = await mkdtemp(join(tmpdir(), "cocalc-copy-"));
    try {
      const half = (phase: 0 | 1) => ({
        signal: o.signal,
        onProgress: o.onProgress
          ? (p: Parameters<NonNullable<TransferOptions["onProgress"]>>[0]) =>
              o.onProgress!({ ...p, files_done: phase ? p.files_done : 0, bytes_done: Math.floor((phase * p.bytes_total + p.bytes_done) / 2) })
          : undefined,
      });
      await this.download(backend, { project_id: input.src_project_id, paths: [src], local_dir: join(tmp, "in") }, half(0));
      const staged = join(tmp, "out", baseName(target));
      await mkdir(join(tmp, "out"));
      await rename(join(tmp, "in", baseName(src)), staged);
      return await this.upload(backend, { project_id: input.target_project_id, local_paths: [staged], remote_dir: parentOf(target) }, half(1));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}


