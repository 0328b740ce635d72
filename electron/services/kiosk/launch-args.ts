/**
 * The command line that starts the app straight into presentation mode:
 * `npm start -- --kiosk --profile NAME --project ID --path FILE` (and the
 * same flags on the packaged app). Electron's and Chromium's own switches
 * may be mixed in, so unknown options are left alone.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { Uuid } from "../../../shared/api/common.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";

export const KioskLaunch = z.object({ profile: z.string().min(1), project_id: Uuid, path: z.string().min(1) });
export type KioskLaunch = z.infer<typeof KioskLaunch>;

export type LaunchArgs = { kind: "normal" } | { kind: "kiosk"; launch: KioskLaunch } | { kind: "error"; message: string };

export const KIOSK_USAGE = "usage: --kiosk --profile NAME --project PROJECT_ID --path FILE";

export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: { kiosk: { type: "boolean" }, profile: { type: "string" }, project: { type: "string" }, path: { type: "string" } },
    strict: false,
    allowPositionals: true,
  });
  const has = (k: "profile" | "project" | "path") => values[k] !== undefined;
  if (!values.kiosk) {
    return has("profile") || has("project") || has("path") ? { kind: "error", message: `--profile, --project and --path go with --kiosk (${KIOSK_USAGE})` } : { kind: "normal" };
  }
  const missing = (["profile", "project", "path"] as const).filter((k) => typeof values[k] !== "string" || values[k] === "");
  if (missing.length) return { kind: "error", message: `--kiosk needs ${missing.map((m) => `--${m}`).join(", ")} (${KIOSK_USAGE})` };
  if (!Uuid.safeParse(values.project).success) return { kind: "error", message: `--project must be a project id (a UUID), not '${String(values.project)}'` };
  let path: string;
  try {
    path = normalizeProjectPath(String(values.path));
  } catch (e) {
    return { kind: "error", message: `--path: ${(e as Error).message}` };
  }
  if (path === "") return { kind: "error", message: "--path must name a file in the project" };
  return { kind: "kiosk", launch: { profile: String(values.profile), project_id: String(values.project), path } };
}
