/** Stream and traceback text as HTML: control characters applied, ANSI colours as themed spans (ansi_up escapes the text). */
import { AnsiUp } from "ansi_up";
import { consoleText } from "./console-text.js";

function newAnsi(): AnsiUp {
  const ansi = new AnsiUp();
  // The 16 basic colours become classes, so light and dark themes can pick readable shades; 256-colour and
  // truecolour codes stay exact inline colours.
  ansi.use_classes = true;
  // Terminal hyperlinks (OSC 8) stay text: a saved notebook should not put links the user did not see into the page.
  ansi.url_allowlist = {};
  return ansi;
}

const ansi = newAnsi();

export function ansiHtml(text: string): string {
  return ansi.ansi_to_html(consoleText(text));
}

/**
 * A converter for one text given in consecutive pieces cut at line ends: a
 * colour set in one piece carries into the next, as in the whole text.
 */
export function ansiPieces(): (piece: string) => string {
  const own = newAnsi();
  return (piece) => own.ansi_to_html(consoleText(piece));
}
