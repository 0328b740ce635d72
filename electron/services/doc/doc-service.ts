/**
 * The `doc.*` channels: a file opened in Files by its proven bytes (never a
 * lossy text), and saved back as bytes with a compare-and-swap. Opening a
 * file with the system's app is the file browser's (fileops.openWithSystem).
 */
import { ApiError } from "../../../shared/errors.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Backend } from "../backend/backend.js";
import { readProven } from "./proven-read.js";
import { saveProven } from "./proven-save.js";

export interface DocServiceOptions {
  backend: () => Promise<Backend>;
}

export class DocService implements HandlersOf<"doc"> {
  constructor(private readonly o: DocServiceOptions) {}

  "doc.open": HandlersOf<"doc">["doc.open"] = async ({ project_id, path }) => {
    const p = file(path);
    const f = await readProven(await this.o.backend(), project_id, p);
    return { path: p, size: f.size, sha256: f.sha256, executable: f.executable, kind: f.kind, mime: f.mime, data: f.bytes?.toString("base64") ?? null };
  };

  "doc.save": HandlersOf<"doc">["doc.save"] = async ({ project_id, path, data, sha256, base_sha256, executable }) =>
    saveProven(await this.o.backend(), { project_id, path: file(path), bytes: Buffer.from(data, "base64"), sha256, base_sha256, executable });
}

function file(path: string): string {
  const p = normalizeProjectPath(path);
  if (p === "") throw new ApiError("invalid-input", "Choose a file, not the home folder.");
  return p;
}
