/** A project folder's entries, as the project's `system.listing` answers them (both conat generations). */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Hub } from "./context.js";
import { resolveInProject } from "./paths.js";

export async function listFolder(hub: Hub, project_id: string, path: string, hidden = true): Promise<Record<string, unknown>[]> {
  const dir = resolveInProject(hub.runtime.folder(project_id), path);
  const names = (await readdir(dir)).filter((n) => hidden || !n.startsWith("."));
  return Promise.all(
    names.map(async (name) => {
      const st = await stat(join(dir, name));
      return { name, mtime: st.mtimeMs / 1000, size: st.size, ...(st.isDirectory() ? { isdir: true } : {}) };
    }),
  );
}
