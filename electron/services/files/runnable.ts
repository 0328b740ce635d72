/**
 * Files the system would run rather than show: "open with the system's app"
 * refuses them (a project's file is not trusted to run on this computer).
 */
const RUNNABLE = new Set([
  // Windows
  "exe", "com", "bat", "cmd", "msi", "msp", "scr", "pif", "cpl", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "reg", "jar", "appref-ms", "application", "gadget", "msc", "inf", "url",
  // macOS
  "app", "command", "pkg", "mpkg", "dmg", "terminal", "workflow", "scpt", "action", "tool",
  // Linux and every Unix
  "desktop", "sh", "bash", "zsh", "csh", "ksh", "run", "appimage", "deb", "rpm", "snap", "flatpak", "flatpakref", "py", "pl", "rb",
]);

export function isRunnable(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && RUNNABLE.has(name.slice(dot + 1).toLowerCase());
}
