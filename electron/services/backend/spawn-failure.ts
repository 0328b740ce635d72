/**
 * A command that could not start at all. Both generations report it as exit
 * code 1 with Node's spawn error in stderr — v1: `{"errno":-2,"code":"ENOENT",
 * "syscall":"spawn pwd",…}` (or `spawn pwd ENOENT`); current: `command ''pwd'
 * (args=)' was not able to run -- stderr='{…}'` — and Node names the command
 * whether the command is missing or the working folder is (facts §7, §9). One
 * more call tells which, so the message can name the real cause. The
 * server's text carries the command line (the app's own prelude script
 * among it) and Node's internals: it is shown nowhere, not even as details.
 */
import type { ExecResult } from "../../../shared/domain.js";
import { ApiError } from "../../../shared/errors.js";
import type { ProjectRunner } from "./project-start.js";

/** The program Node could not spawn, when stderr is Node's ENOENT spawn error; else null. */
export function spawnEnoent(stderr: string): string | null {
  const json = /"code"\s*:\s*"ENOENT"[^}]*?"syscall"\s*:\s*"spawn ([^"]+)"/.exec(stderr);
  if (json) return json[1]!;
  const text = /\bspawn (\S+) ENOENT\b/.exec(stderr);
  return text ? text[1]! : null;
}

/**
 * A command run through the app's cancel wrapper (bash, then `exec "$@"`) that
 * bash could not find: exit 127 and bash's "<command>: not found" instead of
 * Node's spawn error.
 */
export function shellNotFound(r: ExecResult, command: string): boolean {
  if (r.exit_code !== 127) return false;
  const name = command.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`${name}: (command )?not found`).test(r.stderr);
}

/** Throws what went wrong in the user's terms when `r` is a command that never started; otherwise returns. */
export async function explainSpawnFailure(
  runner: Pick<ProjectRunner, "exec">,
  input: { project_id: string; command: string; bash?: boolean; path?: string },
  r: ExecResult,
): Promise<void> {
  if (r.exit_code === 0 || r.stdout !== "") return;
  const program = spawnEnoent(r.stderr) ?? (!input.bash && shellNotFound(r, input.command) ? input.command : null);
  if (program === null) return;
  const folder = input.path ?? "";
  if (folder !== "") {
    const check = await runner.exec({ project_id: input.project_id, command: "test", args: ["-d", `./${folder}`], timeout: 10 });
    if (check.exit_code !== 0) {
      throw new ApiError("not-found", `The folder '${folder}' does not exist in this project, so the command did not run.`, {
        hint: "Create the folder in Files, or leave Folder empty to run in the home folder.",
      });
    }
  }
  if (input.bash) return; // bash itself is there: leave the result as the server gave it
  throw new ApiError("not-found", `The command '${input.command}' was not found in this project, so it did not run.`, {
    hint: "Check its spelling, or give its full path; a bash script can also run it.",
  });
}
