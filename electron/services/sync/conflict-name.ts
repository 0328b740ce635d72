/**
 * The name a conflict's losing version is kept under, on both sides:
 * `thesis (conflict from local 2026-12-01 2013).tex`, with a counter when
 * that name is taken. The extension stays last so the file still opens.
 */
export function conflictName(path: string, side: "local" | "remote", when: Date, taken: (p: string) => boolean): string {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp = `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())} ${pad(when.getHours())}${pad(when.getMinutes())}`;
  for (let n = 1; ; n++) {
    const candidate = `${dir}${stem} (conflict from ${side} ${stamp}${n > 1 ? ` ${n}` : ""})${ext}`;
    if (!taken(candidate)) return candidate;
  }
}
