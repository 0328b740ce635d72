/**
 * Files of a project on the active server: list a folder, make a folder.
 * Files are opened and saved by their bytes (doc.*, electron/services/doc/).
 */
import { ApiError } from "../../../shared/errors.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Connection } from "../connect/connection.js";
import type { Logger } from "../log/log.js";
import { listingCommand, listingFailure, parseListing } from "./listing.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";

type Answers = HandlersOf<"files">;

export class FilesService implements Answers {
  constructor(
    private readonly c: Connection,
    private readonly log: Logger,
  ) {}

  "files.list": Answers["files.list"] = async ({ project_id, path }) => {
    const dir = normalizeProjectPath(path);
    const { runner } = await this.c.get();
    const { command, args } = listingCommand(dir);
    const r = await runner.exec({ project_id, command, args, timeout: 30 });
    const { self, entries, rejected } = parseListing(r.stdout);
    if (self === null) throw listingFailure(dir, r.stderr, r.exit_code);
    if (rejected) this.log.warn(`ignored ${rejected} unreadable entries listing ${dir || "~"} in ${project_id}`);
    // A file is not an empty folder: say what it is, so the view can offer to open it.
    if (self === "file") return { path: dir, type: "file" as const, entries: [] };
    return { path: dir, type: "folder" as const, entries };
  };

  "files.mkdir": Answers["files.mkdir"] = async ({ project_id, path }) => {
    const p = normalizeProjectPath(path);
    const { runner } = await this.c.get();
    const r = await runner.exec({ project_id, command: "mkdir", args: ["-p", "--", p], timeout: 30 });
    if (r.exit_code !== 0) throw new ApiError("server", `Cannot make the folder '${p}': ${r.stderr.trim()}`);
    return { ok: true as const };
  };
}
