/** How a file is shown, by its extension. */
import { languageFor } from "./highlight.js";

export type ViewKind = { kind: "notebook" } | { kind: "markdown" } | { kind: "source"; language: string } | { kind: "text" };

/** Extensions whose highlight.js name differs (and is not one of its aliases). */
const EXTENSION_LANGUAGE: Record<string, string> = { jl: "julia", ipy: "python", pyx: "python", sage: "python", m: "matlab", tex: "latex", sty: "latex", h: "c", hpp: "cpp" };

export function viewKindOf(path: string): ViewKind {
  const name = path.split("/").pop() ?? path;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  if (ext === "ipynb") return { kind: "notebook" };
  if (ext === "md" || ext === "markdown") return { kind: "markdown" };
  if (name === "Makefile" || name === "makefile") return { kind: "source", language: "makefile" };
  if (ext === "txt" || ext === "") return { kind: "text" };
  const language = languageFor(EXTENSION_LANGUAGE[ext] ?? ext);
  return language && language !== "plaintext" ? { kind: "source", language } : { kind: "text" };
}
