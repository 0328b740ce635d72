/** How a project's state, times and upgrades read to a person. Plain functions (table-tested). */

export type Badge = { label: "running" | "starting" | "stopped" | "stopping"; tone: "ok" | "warn" | "muted" };

/** The server's many state names (CoCalc's compute states) as the three a person needs. */
export function stateBadge(state: string | null | undefined): Badge | null {
  if (!state) return null;
  if (state === "running") return { label: "running", tone: "ok" };
  if (state === "starting" || state === "opening" || state === "pending" || state === "unarchiving") return { label: "starting", tone: "warn" };
  if (state === "stopping" || state === "closing" || state === "archiving") return { label: "stopping", tone: "warn" };
  return { label: "stopped", tone: "muted" };
}

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.35],
  ["month", 12],
  ["year", Infinity],
];

/** "3 minutes ago", "yesterday", "in 2 hours"; the exact time goes in a tooltip. */
export function relativeTime(iso: string | null | undefined, now = Date.now(), locale?: string): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  let v = (t - now) / 1000;
  const fmt = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of STEPS) {
    if (Math.abs(v) < size) return fmt.format(Math.round(v), unit);
    v /= size;
  }
  return fmt.format(Math.round(v), "year");
}

export function exactTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

const gb = (mb: number) => `${Number((mb / 1000).toFixed(mb % 1000 === 0 ? 0 : 1))} GB`;
function duration(s: number): string {
  if (s % 86400 === 0) return `${s / 86400} ${s === 86400 ? "day" : "days"}`;
  if (s % 3600 === 0) return `${s / 3600} ${s === 3600 ? "hour" : "hours"}`;
  return `${Math.round(s / 60)} min`;
}

/** One upgrade in CoCalc's units (memory and disk in MB, mintime in seconds, the rest counts or switches). */
export function formatUpgrade(key: string, n: number): string {
  switch (key) {
    case "memory":
      return `${gb(n)} memory`;
    case "memory_request":
      return `${gb(n)} memory reserved`;
    case "disk_quota":
      return `${gb(n)} disk`;
    case "mintime":
      return `idle timeout ${duration(n)}`;
    case "cores":
      return `${n} CPU ${n === 1 ? "core" : "cores"}`;
    case "cpu_shares":
      return `${n / 1024} CPU shares`;
    case "network":
      return n > 0 ? "internet access" : "no internet access";
    case "member_host":
      return n > 0 ? "member hosting" : "shared hosting";
    case "always_running":
      return n > 0 ? "always running" : "stops when idle";
    default:
      return `${key.replace(/_/g, " ")} ${n}`;
  }
}

export const formatUpgrades = (u: Record<string, number> | undefined): string =>
  u && Object.keys(u).length ? Object.entries(u).map(([k, n]) => formatUpgrade(k, n)).join(" · ") : "none";
