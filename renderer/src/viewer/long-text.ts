/**
 * Where a long output text is cut: an output of 50,000 lines would take
 * seconds to convert and lay out and stall the page, so the viewer shows its
 * first lines and renders the rest on request, a piece at a time.
 */

/** Shown at once: at most this many lines, or characters (one huge line counts too). */
export const HEAD_LINES = 2_000;
export const HEAD_CHARS = 200_000;
/** The rest, when asked for, is rendered in pieces of this many lines (or characters), one per task. */
export const PIECE_LINES = 2_000;

/**
 * The text cut after line ends into pieces of at most `lines` lines and
 * `chars` characters. Only a single line longer than `chars` is cut inside
 * (colours carry across the cut; a carriage return there applies to its piece).
 */
export function cutPieces(text: string, lines = PIECE_LINES, chars = HEAD_CHARS): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = start;
    for (let n = 0; n < lines && end < text.length; n++) {
      const nl = text.indexOf("\n", end);
      const next = nl === -1 ? text.length : nl + 1;
      if (next - start > chars) {
        if (end === start) end = start + chars;
        break;
      }
      end = next;
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** How many lines a text has (a last line without "\n" counts). */
export function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return text.length && !text.endsWith("\n") ? n + 1 : n;
}
