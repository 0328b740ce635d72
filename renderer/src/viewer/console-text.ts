/**
 * Terminal control characters in saved stream and error text, applied the way
 * a terminal (and Jupyter) shows them: a carriage return starts the line over,
 * a backspace steps back one character. Progress bars saved from Keras or
 * tqdm then show their last state instead of thousands of copies. ANSI escape
 * sequences are passed through untouched for the colour step.
 */

// eslint-disable-next-line no-control-regex
const ANSI_AT = /^\u001b\[[0-9;?]*[A-Za-z]/;

/** The text as a terminal would leave it: `\r` and `\b` applied line by line. */
export function consoleText(text: string): string {
  if (!text.includes("\r") && !text.includes("\b")) return text;
  return text
    .split("\n")
    .map((line) => applyLine(line))
    .join("\n");
}

function applyLine(line: string): string {
  if (!line.includes("\r") && !line.includes("\b")) return line;
  // "\r" at the very end (Windows line ends, or a bar's last redraw) keeps what was written.
  const segments = line.replace(/\r+$/, "").split("\r");
  let screen: string[] = [];
  for (const segment of segments) {
    // Each "\r" returns to column 0; the new text overwrites what was there.
    const written = writeSegment(segment);
    screen = written.concat(screen.slice(written.length));
  }
  return screen.join("");
}

/** The cells a segment writes from column 0, with backspaces stepping back (escape sequences take no column). */
function writeSegment(segment: string): string[] {
  const cells: string[] = [];
  let col = 0;
  let pending = ""; // escape sequences waiting for the next printed character
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === "\b") {
      col = Math.max(0, col - 1);
      continue;
    }
    if (ch === "\u001b") {
      const m = ANSI_AT.exec(segment.slice(i, i + 32));
      if (m) {
        pending += m[0];
        i += m[0].length - 1;
        continue;
      }
    }
    cells[col] = pending + ch;
    pending = "";
    col++;
  }
  if (pending) {
    if (cells.length) cells[cells.length - 1] += pending;
    else cells.push(pending);
  }
  return cells;
}
