/**
 * A copy between projects that is reported done only when it is confirmed.
 *
 * Real servers are not to be taken at their word (facts §7–9): a v1
 * single-user server answers copy_path_id "" at once and never reports the
 * result unless asked to wait, reads `timeout` as milliseconds, and ignores
 * `scheduled`. So the app never sends `timeout`, always asks the server to
 * wait, follows a copy id until the server says it finished, and where the
 * server gives no id it checks the target itself (one listing of the source
 * and one of the target: presence and sizes, exclude patterns and
 * "overwrite newer" honoured). A failure reaches the person in their terms.
 */
import ignore from "ignore";
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { CopyInput, CopyOutcome } from "../../../shared/domain.js";
import type { Backend, Op } from "../backend/backend.js";
import { sleep } from "../api/retry.js";

/** find's record: type, size, mtime, path relative to the starting point (NUL-terminated). */
export const TREE_FORMAT = "%y\\t%s\\t%T@\\t%P\\0";

export interface TreeEntry {
  type: string;
  size: number;
  mtime: number;
}

/** The exec that lists everything under `path` (a normalised project path). */
export function treeCommand(path: string): { command: string; args: string[] } {
  // "./" keeps a name starting with "-" from being read as an option
  return { command: "find", args: [`./${path}`, "-printf", TREE_FORMAT] };
}

/** Path (relative to the start; "" is the start itself) → entry. */
export function parseTree(stdout: string): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  for (const rec of stdout.split("\0")) {
    const m = /^([a-zA-Z?])\t(\d+)\t(\d+(?:\.\d+)?)\t([\s\S]*)$/.exec(rec);
    if (m) out.set(m[4]!, { type: m[1]!, size: Number(m[2]), mtime: Number(m[3]) });
  }
  return out;
}

export interface CopyCheck {
  /** source entries that should be in the target */
  expected: number;
  missing: string[];
  /** files in the target whose size differs from the source's */
  differing: string[];
}

/**
 * Is every source entry in the target? Excluded paths are skipped (gitignore
 * patterns, which read like rsync's for the usual `*.log`, `build/`, `/top`);
 * without "overwrite newer", a target file newer than the source was kept on
 * purpose (rsync --update), so only its presence counts.
 */
export function checkCopy(src: Map<string, TreeEntry>, dst: Map<string, TreeEntry>, o: { exclude?: string[]; overwrite_newer?: boolean }): CopyCheck {
  const ig = ignore().add(o.exclude ?? []);
  const check: CopyCheck = { expected: 0, missing: [], differing: [] };
  for (const [path, s] of src) {
    if (path !== "" && ig.ignores(s.type === "d" ? `${path}/` : path)) continue;
    check.expected++;
    const d = dst.get(path);
    if (!d || (s.type === "d") !== (d.type === "d")) {
      check.missing.push(path);
      continue;
    }
    if (s.type !== "f" || s.size === d.size) continue;
    const keptNewer = !o.overwrite_newer && d.mtime > s.mtime;
    if (!keptNewer) check.differing.push(path);
  }
  return check;
}

/** The source is not there: what a copy says, whoever carries it out. */
export function missingSource(src: string, o: { serverMessage?: string; cause?: unknown } = {}): ApiError {
  return new ApiError("server", `The copy failed: '${src}' is not (or no longer) in the source project; it may have been moved or deleted while copying.`, {
    hint: "Check the source path, then copy again.",
    ...o,
  });
}

/** An rsync or server failure, in the person's terms; the server's text stays in serverMessage. */
export function copyFailure(e: unknown, input: Pick<CopyInput, "src_path" | "target_path">): unknown {
  if (!isApiError(e) || !["server", "permission", "not-found"].includes(e.kind)) return e;
  const text = `${e.serverMessage ?? ""} ${e.message}`;
  const src = input.src_path;
  const dst = input.target_path ?? input.src_path;
  const fail = (message: string, hint: string) => new ApiError("server", message, { hint, serverMessage: e.serverMessage ?? e.message, cause: e });
  if (/No space left|ENOSPC|Disk quota|EDQUOT/i.test(text)) return fail("The copy failed: the target project has no space left.", "Free some space in the target project, or copy less.");
  if (/Read-only file system|EROFS|Permission denied|EACCES|EPERM/i.test(text) && !/read access to/i.test(text)) {
    return fail(`The copy failed: '${dst}' in the target project cannot be written (it is read-only or not yours to change).`, "Choose another target folder, or make this one writable.");
  }
  if (/ENOTDIR|Not a directory/i.test(text)) return fail(`The copy failed: part of the target path '${dst}' is a file, not a folder.`, "Choose a target path inside a folder.");
  if (/ENOENT|No such file|vanished/i.test(text)) return missingSource(src, { serverMessage: e.serverMessage ?? e.message, cause: e });
  if (/killed/i.test(text)) return fail("The copy failed: the server stopped it before it finished.", "Copy again; if it keeps failing, copy smaller parts.");
  return e;
}

export interface ConfirmOptions extends Op {
  /** the server really schedules copies (learned by a probe; a single-user v1 server would copy at once) */
  canSchedule?: boolean;
  /** how long to wait for a copy the server follows by id, ms */
  followMs?: number;
  /** how long to keep checking a target the server said was done, ms */
  settleMs?: number;
}

/**
 * Run one copy to its confirmed end. `exec` runs a command in a project (the
 * ProjectRunner, so a stopped project is started first).
 */
export async function copyConfirmed(
  backend: Backend,
  exec: Backend["exec"],
  input: CopyInput,
  o: ConfirmOptions = {},
): Promise<CopyOutcome> {
  // Never sent: a v1 server reads it as milliseconds and kills rsync at once (facts §9).
  const { timeout: _timeout, ...rest } = input;
  const scheduled = rest.scheduled !== undefined;
  if (scheduled && !o.canSchedule) {
    throw new ApiError("not-available", "This server does not schedule copies: it would run this one right away.", { hint: "Clear the time to copy now." });
  }
  let started;
  try {
    started = await backend.copyPath({ ...rest, ...(scheduled ? {} : { wait_until_done: true }) }, o);
  } catch (e) {
    throw copyFailure(e, input);
  }
  if (started.copy_id) {
    if (scheduled) return { status: "scheduled", copy_id: started.copy_id, confirmed_by: null, files_checked: null };
    await follow(backend, started.copy_id, input, o);
    return { status: "done", copy_id: started.copy_id, confirmed_by: "server", files_checked: null };
  }
  const files = await confirmTarget(exec, input, o);
  return { status: "done", copy_id: null, confirmed_by: "target-check", files_checked: files };
}

/** Poll the server's status of a copy until it finished. */
async function follow(backend: Backend, copy_id: string, input: CopyInput, o: ConfirmOptions): Promise<void> {
  const end = Date.now() + (o.followMs ?? 15 * 60_000);
  for (let delay = 250; ; delay = Math.min(delay * 1.5, 3000)) {
    const s = await backend.copyStatus(copy_id, o);
    if (s.error) throw copyFailure(new ApiError("server", `The copy failed: ${s.error}`, { serverMessage: s.error }), input);
    if (s.finished) return;
    if (Date.now() > end) throw new ApiError("timeout", "The copy has not finished yet; it may still finish on the server.", { hint: "Look at the target later, or copy again.", retryable: false });
    await sleep(delay, o.signal);
  }
}

/**
 * The server answered without an id: compare the target with the source.
 * A server that answered before it finished gets a little while to settle.
 */
async function confirmTarget(exec: Backend["exec"], input: CopyInput, o: ConfirmOptions): Promise<number> {
  const target_path = input.target_path ?? input.src_path;
  const list = async (project_id: string, path: string) => {
    const r = await exec({ project_id, ...treeCommand(path), timeout: 60 }, o);
    return { tree: parseTree(r.stdout), ok: r.exit_code === 0, stderr: r.stderr };
  };
  const src = await list(input.src_project_id, input.src_path);
  if (!src.tree.has("")) {
    throw new ApiError("server", `The copy could not be confirmed: '${input.src_path}' is not in the source project any more.`, {
      hint: "Look at the target to see what arrived.",
      serverMessage: src.stderr.trim() || undefined,
    });
  }
  const end = Date.now() + (o.settleMs ?? 30_000);
  for (let delay = 300; ; delay = Math.min(delay * 1.5, 3000)) {
    const dst = await list(input.target_project_id, target_path);
    const c = checkCopy(src.tree, dst.tree, input);
    if (c.missing.length === 0 && c.differing.length === 0) return c.expected;
    if (Date.now() > end) {
      const bad = [...c.missing, ...c.differing];
      const some = bad.slice(0, 3).map((p) => `'${p || target_path}'`).join(", ");
      throw new ApiError("server", `The server said the copy was done, but ${bad.length} of ${c.expected} items are missing or incomplete in the target (${some}${bad.length > 3 ? ", …" : ""}).`, {
        hint: "The copy may have failed on the server without saying so; copy again, or check the target project's space.",
      });
    }
    await sleep(delay, o.signal);
  }
}
