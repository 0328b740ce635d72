/**
 * The repository's import graph, read with TypeScript's own pre-processor (every `import`,
 * `import type` and `export … from`), and the layering rules the code keeps: `shared/` is the
 * floor both processes stand on, the renderer reaches the main process only through the IPC
 * contract, the hub is a separate server, and the services never reach up into the shell.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

export type ImportGraph = Map<string, string[]>;

const SOURCE = /\.(ts|tsx|mts)$/;

function sourceFiles(root: string, dir: string, out: string[]): string[] {
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) {
      if (name !== "node_modules") sourceFiles(root, rel, out);
    } else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** A relative specifier as the repository file it names (`./x.js` → `dir/x.ts`); a package stays as it is. */
function resolveSpecifier(root: string, from: string, spec: string): string {
  if (!spec.startsWith(".")) return spec;
  const base = resolve(root, dirname(from), spec).replace(/\.js$/, "");
  const hit = [`${base}.ts`, `${base}.tsx`, join(base, "index.ts"), base].find((c) => existsSync(c) && statSync(c).isFile());
  return hit ? relative(root, hit) : `unresolved:${spec}`;
}

export function readImportGraph(root: string, dirs: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const dir of dirs.filter((d) => existsSync(join(root, d)))) {
    for (const file of sourceFiles(root, dir, [])) {
      const info = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
      graph.set(file, info.importedFiles.map((i) => resolveSpecifier(root, file, i.fileName)));
    }
  }
  return graph;
}

const BUILTIN = /^node:/;
const inside = (path: string, dir: string) => path.startsWith(`${dir}/`);

/** Why an import from one file to another breaks the layering, or null when it is allowed. */
export function layerViolation(from: string, to: string): string | null {
  if (to.startsWith("unresolved:")) return "imports a file that does not exist";
  if (inside(from, "shared") && (["electron", "renderer", "hub"].some((d) => inside(to, d)) || BUILTIN.test(to) || to === "electron"))
    return "shared/ is read by both processes and the hub: it imports only shared/ and packages that run in a browser";
  if (inside(from, "renderer") && (["electron", "hub"].some((d) => inside(to, d)) || BUILTIN.test(to) || to === "electron"))
    return "the renderer reaches the main process only through the IPC contract in shared/";
  if (inside(from, "hub") && ["electron", "renderer"].some((d) => inside(to, d))) return "the hub is a server of its own: it shares only shared/";
  if (inside(from, "electron/services") && (inside(to, "electron/shell") || inside(to, "renderer") || inside(to, "hub") || to === "electron/main.ts" || to === "electron/preload.ts"))
    return "services run under plain Node and never reach up into the Electron shell, the renderer or the hub";
  if (inside(from, "electron/services") && from.split("/").length > 3 && to === "electron/services/compose.ts")
    return "compose.ts joins the capabilities: no capability imports it";
  return null;
}

/** Every group of files that import each other round in a circle (Tarjan's strongly connected components). */
export function importCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
