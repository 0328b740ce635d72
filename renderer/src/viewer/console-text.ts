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

/** One screen column: its character and the escape sequences written before and after it. */
interface Column {
  pre: string;
  ch: string;
  post: string;
}

function applyLine(line: string): string {
  if (!line.includes("\r") && !line.includes("\b")) return line;
  // "\r" at the very end (Windows line ends, or a bar's last redraw) keeps what was written.
  const text = line.replace(/\r+$/, "");
  const screen: Column[] = [];
  let col = 0;
  let pending = ""; // escape sequences waiting for the next printed character
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\r" || ch === "\b") {
      // Sequences written just before the cursor moves belong after the last column written.
      if (pending && col > 0) {
        screen[col - 1]!.post += pending;
        pending = "";
      }
      col = ch === "\r" ? 0 : Math.max(0, col - 1);
      continue;
    }
    if (ch === "\u001b") {
      const m = ANSI_AT.exec(text.slice(i, i + 32));
      if (m) {
        pending += m[0];
        i += m[0].length - 1;
        continue;
      }
    }
    // An overwritten column keeps its escape sequences, so the colours of the columns after it hold.
    screen[col] = { pre: (screen[col]?.pre ?? "") + pending, ch, post: screen[col]?.post ?? "" };
    pending = "";
    col++;
  }
  return screen.map((c) => c.pre + c.ch + c.post).join("") + pending;
}
