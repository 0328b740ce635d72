/**
 * Files of a project on the active server: list a folder, read, write with a
 * conflict check, make a folder.
 */
import { createHash } from "node:crypto";
import { ApiError } from "../../../shared/errors.js";
import { writeTooLarge } from "../../../shared/write-limit.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Connection } from "../connect/connection.js";
import type { Logger } from "../log/log.js";
import { saveInParts } from "./large-save.js";
import { listingCommand, listingFailure, parseListing } from "./listing.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";

type Answers = HandlersOf<"files">;

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

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

  "files.read": Answers["files.read"] = async ({ files }) => {
    const { backend, profile } = await this.c.get();
    const refs = files.map((f) => ({ project_id: f.project_id, path: normalizeProjectPath(f.path) }));
    const read = await backend.readTextFiles(refs);
    for (const r of read) if ("error" in r) await this.c.reach.learnFrom(profile.id, ApiError.fromData(r.error));
    return { files: read };
  };

  /**
   * Save with a conflict check: when the file on the server is no longer what
   * was opened (base_sha256), nothing is written and both versions go back.
   */
  "files.write": Answers["files.write"] = async ({ project_id, path, content, base_sha256 }) => {
    const p = normalizeProjectPath(path);
    if (p === "") throw new ApiError("invalid-input", "Give a file name to save to.");
    const { backend, profile } = await this.c.get();
    const serverVersion = async () => {
      const [cur] = await backend.readTextFiles([{ project_id, path: p }]);
      const missing = cur && "error" in cur && (cur.error.kind === "not-found" || /ENOENT|does not exist|no such file/i.test(`${cur.error.message} ${cur.error.serverMessage ?? ""}`));
      if (cur && "error" in cur && !missing) {
        const e = ApiError.fromData(cur.error);
        await this.c.reach.learnFrom(profile.id, e);
        throw e;
      }
      const text = cur && "content" in cur ? cur.content : null;
      return { text, sha: text === null ? null : sha256(text) };
    };
    let expect = "any";
    if (base_sha256 !== undefined) {
      const server = await serverVersion();
      if (server.sha !== base_sha256) return { status: "conflict" as const, server_content: server.text, server_sha256: server.sha };
      expect = server.sha ?? "absent";
    }
    // Over the server's limit for one write (measured as the server measures it): in verified parts,
    // put in place only if the file is still what was checked above.
    if (writeTooLarge(backend.capabilities.generation, p, content)) {
      const r = await saveInParts(backend, { project_id, path: p }, content, expect);
      if (r.status === "saved") return { status: "saved" as const, sha256: r.sha256 };
      const server = await serverVersion();
      return { status: "conflict" as const, server_content: server.text, server_sha256: server.sha };
    }
    await backend.writeTextFile({ project_id, path: p }, content);
    return { status: "saved" as const, sha256: sha256(content) };
  };

  "files.mkdir": Answers["files.mkdir"] = async ({ project_id, path }) => {
    const p = normalizeProjectPath(path);
    const { runner } = await this.c.get();
    const r = await runner.exec({ project_id, command: "mkdir", args: ["-p", "--", p], timeout: 30 });
    if (r.exit_code !== 0) throw new ApiError("server", `Cannot make the folder '${p}': ${r.stderr.trim()}`);
    return { ok: true as const };
  };
}
