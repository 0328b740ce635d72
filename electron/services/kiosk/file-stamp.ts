/**
 * The own viewer's change check: one small exec that prints a file's size,
 * mtime and sha256 (GNU stat and sha256sum, on every CoCalc project), so a
 * shown file is read again only when it changed.
 */
import type { ExecResult } from "../../../shared/domain.js";
import { ApiError } from "../../../shared/errors.js";
import type { FileStamp } from "../../../shared/ipc/contract.js";

/** The path goes as an argument, never into the script text. */
export function fileStampCommand(path: string): { command: string; args: string[] } {
  return {
    command: "sh",
    args: ["-c", 'if [ -f "$1" ]; then stat -c "%s %Y" -- "$1" && sha256sum -- "$1"; else echo missing; fi', "sh", path],
  };
}

export function parseFileStamp(r: Pick<ExecResult, "stdout" | "stderr" | "exit_code">): FileStamp {
  const lines = r.stdout.split("\n");
  if (r.exit_code === 0 && lines[0] === "missing") return { exists: false };
  const m = /^(\d+) (\d+)$/.exec(lines[0] ?? "");
  const h = /^([0-9a-f]{64})\s/.exec(lines[1] ?? "");
  if (r.exit_code !== 0 || !m || !h) {
    throw new ApiError("unexpected-reply", `The file could not be checked for changes: ${(r.stderr || r.stdout).trim().slice(0, 200) || `exit code ${r.exit_code}`}`);
  }
  return { exists: true, size: Number(m[1]), mtime: Number(m[2]), sha256: h[1]! };
}
