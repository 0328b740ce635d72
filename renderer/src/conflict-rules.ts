/** Pure rules of the conflict views. */

/**
 * Where "Keep both" puts my version of a file the server changed: beside it,
 * `name (my copy).ext`, then `name (my copy 2).ext` and on while a name is
 * taken. A leading dot is part of the name, not an extension (`.bashrc`).
 */
export function myCopyName(path: string, n = 1): string {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  return `${dir}${stem} (my copy${n > 1 ? ` ${n}` : ""})${ext}`;
}

/**
 * The line break the diff splits on, so the result is byte for byte what was
 * chosen: CRLF where both texts use only CRLF, else "\n" alone — a lone "\r"
 * then stays a character of its line instead of being turned into "\n".
 */
export function lineBreakOf(a: string, b: string): "\r\n" | "\n" {
  const onlyCrlf = (t: string) => t.includes("\r\n") && !/(^|[^\r])\n/.test(t) && !/\r(?!\n)/.test(t);
  return onlyCrlf(a) && onlyCrlf(b) ? "\r\n" : "\n";
}
