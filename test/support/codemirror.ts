/** The text of a CodeMirror editor as a person reads it: its lines (each a .cm-line) joined by "\n". */
import type { Locator } from "playwright-core";

export async function cmText(content: Locator): Promise<string> {
  return (await content.locator(".cm-line").allTextContents()).join("\n");
}
