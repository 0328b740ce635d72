/**
 * The `fileops.*` channels: the file browser's rename, move, duplicate,
 * trash (with restore and empty), search in a project and "open with the
 * system's app". Each action is one exec of a fixed script (ops-scripts.ts)
 * with the paths as arguments, on whatever server generation is active, its
 * project started first by the runner. Paths are normalised here, once: none
 * leads out of the project, none is the home folder itself.
 */
import { ApiError } from "../../../shared/errors.js";
import type { ExecInput } from "../../../shared/domain.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { ChannelOutput } from "../../../shared/ipc/contract.js";
import type { Backend } from "../backend/backend.js";
import type { ProjectRunner } from "../backend/project-start.js";
import type { TransferApi } from "../transfer/api.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import { openWithSystem, type OpenPath } from "./open-with-system.js";
import { readActionReply, readContentHits, readNameHits, readTrashList, toArg, type ActionResult, type Moved } from "./ops-replies.js";
import {
  CONTENT_SEARCH_SCRIPT,
  DUPLICATE_SCRIPT,
  EMPTY_TRASH_SCRIPT,
  NAME_SEARCH_SCRIPT,
  namePattern,
  PAIRS_SCRIPT,
  SEARCH_TIMEOUT_S,
  TRASH,
  TRASH_LIST_SCRIPT,
  TRASH_SCRIPT,
} from "./ops-scripts.js";
import { checkMove, checkTrash, joinPath, parentOf } from "./ops-paths.js";

type H = HandlersOf<"fileops">;

export interface FileOpsDeps {
  /** the active server's backend and its project runner (starts a stopped project before the call) */
  connection: () => Promise<{ backend: Backend; runner: ProjectRunner }>;
  transfer: TransferApi;
  /** the shell's shell.openPath; absent where there is no desktop shell (the preview) */
  openPath?: OpenPath;
}

/** Actions change a handful of paths; a folder of thousands moved at once is still one quick mv each. */
const ACTION_TIMEOUT_S = 60;

export class FileOpsService implements H {
  constructor(private readonly d: FileOpsDeps) {}

  private async sh(project_id: string, script: string, args: string[], extra: Partial<ExecInput> = {}) {
    const { runner } = await this.d.connection();
    return runner.exec({ project_id, command: "sh", args: ["-c", script, "sh", ...args], timeout: ACTION_TIMEOUT_S, ...extra });
  }

  private async pairs(project_id: string, op: "mv" | "mvp" | "cp", moves: Moved[], verb: string): Promise<ChannelOutput<"fileops.move">> {
    if (moves.length === 0) return { moved: [], problem: null };
    const r = await this.sh(project_id, PAIRS_SCRIPT, [op, ...moves.flatMap((m) => [toArg(m.from), toArg(m.to)])]);
    return outcome(readActionReply(r, verb));
  }

  "fileops.move": H["fileops.move"] = async ({ project_id, paths, dest_dir }) => {
    const dest = normalizeProjectPath(dest_dir);
    const moves = checkMove(paths.map(normalizeProjectPath), dest);
    return this.pairs(project_id, "mv", moves, moves.length === 1 ? `move '${moves[0]!.from}'` : "move the selection");
  };

  "fileops.rename": H["fileops.rename"] = async ({ project_id, path, new_name }) => {
    const from = normalizeProjectPath(path);
    if (from === "") throw new ApiError("invalid-input", "The home folder cannot be renamed.");
    const to = joinPath(parentOf(from), new_name);
    return this.pairs(project_id, "mv", to === from ? [] : [{ from, to }], `rename '${from}'`);
  };

  "fileops.duplicate": H["fileops.duplicate"] = async ({ project_id, paths }) => {
    const ps = checkTrash(paths.map(normalizeProjectPath), "duplicate");
    const r = await this.sh(project_id, DUPLICATE_SCRIPT, ps.map(toArg));
    return outcome(readActionReply(r, "duplicate"));
  };

  "fileops.trash": H["fileops.trash"] = async ({ project_id, paths }) => {
    const ps = checkTrash(paths.map(normalizeProjectPath), "delete");
    const r = await this.sh(project_id, TRASH_SCRIPT, ps.map(toArg));
    return outcome(readActionReply(r, ps.length === 1 ? `delete '${ps[0]}'` : "delete the selection"));
  };

  "fileops.trashList": H["fileops.trashList"] = async ({ project_id }) => {
    const r = await this.sh(project_id, TRASH_LIST_SCRIPT, []);
    if (r.exit_code !== 0) throw new ApiError("server", "The trash could not be listed.", { hint: "Try again; the server's message is in the details.", serverMessage: r.stderr.trim() });
    return { entries: readTrashList(r.stdout) };
  };

  /** Two calls: the trash's own record of where each item came from is read on the server, never taken from the page. */
  "fileops.restore": H["fileops.restore"] = async ({ project_id, names }) => {
    const { entries } = await this["fileops.trashList"]({ project_id });
    const moves = names.map((name) => {
      const e = entries.find((x) => x.name === name);
      if (!e) throw new ApiError("not-found", `'${name}' is not in the trash any more.`, { hint: "Refresh the trash." });
      return { from: `${TRASH}/${name}`, to: restoreTarget(e.origin, name) };
    });
    return this.pairs(project_id, "mvp", moves, moves.length === 1 ? `restore '${moves[0]!.to}'` : "restore the selection");
  };

  "fileops.emptyTrash": H["fileops.emptyTrash"] = async ({ project_id, names }) => {
    const r = await this.sh(project_id, EMPTY_TRASH_SCRIPT, names ?? []);
    if (r.exit_code !== 0) throw new ApiError("server", "The trash could not be emptied completely.", { hint: "Refresh the trash and try again.", serverMessage: r.stderr.trim() });
    return { ok: true as const };
  };

  "fileops.search": H["fileops.search"] = async ({ project_id, dir, query, mode, offset, limit }) => {
    const d = normalizeProjectPath(dir);
    const names = mode === "names";
    const r = await this.sh(project_id, names ? NAME_SEARCH_SCRIPT : CONTENT_SEARCH_SCRIPT, [toArg(d), names ? namePattern(query) : query, String(offset + 1), String(limit + 1)], {
      timeout: SEARCH_TIMEOUT_S + 15,
      max_output: 2_000_000,
    });
    return names ? readNameHits(r.stdout, limit) : readContentHits(r.stdout, limit);
  };

  "fileops.openWithSystem": H["fileops.openWithSystem"] = async ({ project_id, path }) => {
    const p = normalizeProjectPath(path);
    if (p === "") throw new ApiError("invalid-input", "Choose a file to open.");
    const { backend } = await this.d.connection();
    return { local_path: await openWithSystem({ backend, transfer: this.d.transfer, openPath: this.d.openPath }, project_id, p) };
  };
}

/** Where a trash item goes back to: its recorded path if it is a safe one, otherwise the home folder under its trash name. */
export function restoreTarget(origin: string | null, name: string): string {
  if (origin) {
    try {
      const p = normalizeProjectPath(origin);
      if (p !== "" && p !== TRASH && !p.startsWith(`${TRASH}/`)) return p;
    } catch {
      /* a record that leads outside the project is not followed */
    }
  }
  return name;
}

const outcome = (o: ActionResult) => ({ moved: o.moved, problem: o.problem ? o.problem.toData() : null });
