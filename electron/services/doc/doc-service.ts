/**
 * The `doc.*` channels: a file opened in Files by its proven bytes (never a
 * lossy text), saved back as bytes with a compare-and-swap, and handed to
 * the system's app for its type after a verified download.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Backend } from "../backend/backend.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import type { TransferApi } from "../transfer/api.js";
import { baseName } from "../transfer/rel-path.js";
import { readProven, sha256Of } from "./proven-read.js";
import { saveProven } from "./proven-save.js";

/** The shell's `shell.openPath`: resolves to "" when the system opened it, else its error text. */
export type OpenPath = (path: string) => Promise<string>;

export interface DocServiceOptions {
  backend: () => Promise<Backend>;
  transfer: TransferApi | null;
  /** absent where there is no desktop shell (the preview, the tests) */
  openPath?: OpenPath;
  /** where downloads for the system's app go (a fresh folder each time) */
  tempDir?: string;
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

  "doc.openExternal": HandlersOf<"doc">["doc.openExternal"] = async ({ project_id, path, sha256 }) => {
    const p = file(path);
    if (!this.o.openPath) throw new ApiError("not-available", "Opening files with the system's apps needs the desktop app.", { hint: "Use Download instead, then open the file from its folder." });
    if (!this.o.transfer) throw new ApiError("not-available", "Downloads are not part of this build of the app.");
    const dir = await mkdtemp(join(this.o.tempDir ?? tmpdir(), "cocalc-open-"));
    await this.o.transfer.download(await this.o.backend(), { project_id, paths: [p], local_dir: dir });
    const local = join(dir, baseName(p));
    // the file the person saw, not one that changed since: the system's app gets exactly those bytes
    if (sha256Of(await readFile(local)) !== sha256) throw new ApiError("bad-content", `${p} changed on the server since it was opened; it was not opened with the system's app.`, { hint: "Open it again in Files first." });
    const err = await this.o.openPath(local);
    if (err) throw new ApiError("not-available", `The system could not open ${baseName(p)}: ${err}`, { hint: `It was downloaded to ${local}; open it from there.` });
    return { local_path: local };
  };
}

function file(path: string): string {
  const p = normalizeProjectPath(path);
  if (p === "") throw new ApiError("invalid-input", "Choose a file, not the home folder.");
  return p;
}
