/** Sizes, durations and progress as a person reads them. Plain functions (table-tested). */

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "?";
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatDuration(s: number | null): string | null {
  if (s === null || !Number.isFinite(s) || s < 0) return null;
  if (s < 1) return "less than a second";
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "3 of 10 files, 1.2 MB of 5.0 MB" */
export function progressText(p: { files_done: number; files_total: number; bytes_done: number; bytes_total: number }): string {
  return `${p.files_done} of ${plural(p.files_total, "file")}, ${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)}`;
}
