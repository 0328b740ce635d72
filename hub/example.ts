/** The example project a fresh data folder gets: a small notebook and a text file. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProjectRuntime } from "./runtime.js";
import type { Store } from "./store.js";

export const EXAMPLE_NOTEBOOK = {
  cells: [
    { cell_type: "markdown", metadata: {}, source: ["# Welcome to CoCalc Desktop\n", "\n", "This notebook lives in a project on **this computer**."] },
    {
      cell_type: "code",
      execution_count: 1,
      metadata: {},
      source: ["squares = [n * n for n in range(6)]\n", "squares"],
      outputs: [{ output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/plain": ["[0, 1, 4, 9, 16, 25]"] } }],
    },
    {
      cell_type: "code",
      execution_count: 2,
      metadata: {},
      source: ['print("hello from the kiosk view")'],
      outputs: [{ output_type: "stream", name: "stdout", text: ["hello from the kiosk view\n"] }],
    },
  ],
  metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
  nbformat: 4,
  nbformat_minor: 5,
};

export function seedExampleProject(store: Store, runtime: ProjectRuntime, owner: string): string {
  const p = store.createProject(owner, { title: "Example project", description: "A notebook and a text file to try the app with." });
  const dir = runtime.createFolder(p.project_id);
  writeFileSync(join(dir, "welcome.ipynb"), `${JSON.stringify(EXAMPLE_NOTEBOOK, null, 1)}\n`);
  writeFileSync(join(dir, "README.txt"), "This is an example project on the local hub.\nEdit me, run commands, copy me to another project.\n");
  return p.project_id;
}
