/**
 * The `desktop.*` channels: the shell's own folder and file choosers
 * (Electron's dialog). Where there is no shell (the preview, the tests) they
 * answer "not available" and the renderer offers a path field instead.
 */
import { ApiError } from "../../../shared/errors.js";
import type { HandlersOf } from "../../ipc/handlers.js";

/** What the shell shows: one folder, several files, or several folders. Resolves to the chosen paths ([] when cancelled). */
export type ChooseLocal = (o: { kind: "folder" | "files" | "folders"; title: string }) => Promise<string[]>;

export class ChooserService implements HandlersOf<"desktop"> {
  constructor(private readonly choose: ChooseLocal | undefined) {}

  private shell(): ChooseLocal {
    if (!this.choose) throw new ApiError("not-available", "There is no file chooser here (the app runs without its desktop shell).", { hint: "Type the full path instead." });
    return this.choose;
  }

  "desktop.chooseFolder": HandlersOf<"desktop">["desktop.chooseFolder"] = async ({ title }) => {
    const [path] = await this.shell()({ kind: "folder", title: title ?? "Choose a folder" });
    return { path: path ?? null };
  };

  "desktop.chooseFiles": HandlersOf<"desktop">["desktop.chooseFiles"] = async ({ title, folders }) => ({
    paths: await this.shell()({ kind: folders ? "folders" : "files", title: title ?? (folders ? "Choose folders" : "Choose files") }),
  });
}
