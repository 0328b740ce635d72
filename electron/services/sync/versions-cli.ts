/** The headless command's `--versions` and `--restore PATH [--at TIME]`: lines for a person, an exit code. */
import { RESOLVED_WHY, type VersionEntry } from "../../../shared/sync.js";
import type { PairVersions } from "./pair-versions.js";
import { pickVersion } from "./versions-rules.js";

function size(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
}

/** one line a version: when (UTC), which side, why, size, path, and what set it aside when a conflict resolution did; tab-separated so it can be cut */
export function versionLine(v: VersionEntry): string {
  return [v.at, v.side === "here" ? "here" : "project", v.why, size(v.size), v.path, ...(v.resolved ? [RESOLVED_WHY[v.resolved]] : [])].join("\t");
}

export async function versionsCommand(v: PairVersions, o: { list: boolean; restore?: string; at?: string }): Promise<number> {
  const all = await v.list();
  if (o.list) {
    if (!all.length) process.stderr.write("No versions are kept for this pair yet.\n");
    for (const x of all) process.stdout.write(`${versionLine(x)}\n`);
    return 0;
  }
  const at = o.at === undefined ? undefined : new Date(o.at);
  if (at && Number.isNaN(at.getTime())) {
    process.stderr.write(`--at ${o.at} is not a time. Use the form 2026-12-07T09:05 (as --versions prints).\n`);
    return 64;
  }
  const pick = pickVersion(all, o.restore!, at);
  if (!pick) {
    process.stderr.write(`No version of ${o.restore} is kept. Run with --versions to see what is.\n`);
    return 65;
  }
  const to = await v.restore(pick.id);
  process.stdout.write(`Restored ${pick.path} (${pick.why} ${pick.at}, kept ${pick.side === "here" ? "here" : "in the project"}) as ${to}; the next sync carries it across.\n`);
  return 0;
}
