/**
 * "Open with the system's app": the file is downloaded byte-exact (the
 * transfer layer checks its sha256) into a private temp folder, then handed
 * to the shell's openPath. Generic on purpose — openWithSystem(backend,
 * project, path) — so every viewer (the browser's menu, a binary file's card)
 * shares it. The temp copy is the person's to edit; changes stay on this
 * computer (the app says so).
 */
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import type { Backend } from "../backend/backend.js";
import type { TransferApi } from "../transfer/api.js";
import { isRunnable } from "./runnable.js";

/** Electron's shell.openPath: resolves to "" when the app opened, else the system's error text. */
export type OpenPath = (path: string) => Promise<string>;

export interface OpenWithSystemDeps {
  backend: Backend;
  transfer: TransferApi;
  openPath?: OpenPath;
  /** where the private temp folders go (the system's temp folder by default) */
  tempRoot?: string;
}

export async function openWithSystem(d: OpenWithSystemDeps, project_id: string, path: string): Promise<string> {
  if (!d.openPath) {
    throw new ApiError("not-available", "Opening files with this computer's apps needs the desktop app.", { hint: "Download the file instead, and open it from its folder." });
  }
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (isRunnable(name)) {
    throw new ApiError("permission", `'${name}' is a program or script: the app does not run a project's files on this computer.`, {
      hint: "Open it in the app, or download it and check it before you run it yourself.",
    });
  }
  const dir = await mkdtemp(join(d.tempRoot ?? tmpdir(), "cocalc-open-"));
  const done = await d.transfer.download(d.backend, { project_id, paths: [path], local_dir: dir });
  if (done.files !== 1) throw new ApiError("invalid-params", `'${path}' is a folder, not a file.`, { hint: "Open a file inside it, or download the folder." });
  const local = join(dir, name);
  // the copy is for reading: the system must never take it for a program, whatever mode it had in the project
  await chmod(local, 0o600);
  const problem = await d.openPath(local);
  if (problem) throw new ApiError("not-available", `This computer has no app to open '${path}' (${problem}).`, { hint: "Download it and choose an app yourself." });
  return local;
}
