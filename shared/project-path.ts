/**
 * Paths inside a project as the app sends them: relative to the project's
 * home, normalised, never absolute and never climbing out with "..".
 */
import { ApiError } from "./errors.js";

export function normalizeProjectPath(path: string): string {
  if (path.includes("\0")) throw new ApiError("invalid-input", "A path cannot contain a NUL character.");
  if (path.startsWith("/") || /^[a-zA-Z]:[\\/]/.test(path)) {
    throw new ApiError("invalid-input", `'${path}' is an absolute path; paths are relative to the project's home folder.`, {
      hint: "Remove the leading '/'.",
    });
  }
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) throw new ApiError("invalid-input", `'${path}' leads outside the project.`, { hint: "Use a path inside the project." });
      out.pop();
    } else out.push(part);
  }
  return out.join("/");
}

/** A name from a server's listing is one path segment, or it is refused. */
export function isSafeEntryName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !name.includes("/") && !name.includes("\0");
}
