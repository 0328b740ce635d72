/**
 * A page drawing the tray's menu in several states, each from trayModel (the
 * function the shell builds Electron's menu from) and with the icons the
 * shell shows (light or dark panel, following the page's colour scheme),
 * for the screenshots of the tray menu.
 */
import type { PairStatus } from "../../shared/sync.js";
import { conflictOn as conflict, pairConfig, pairStatus } from "./pair-fixtures.js";
import { trayIconPngs } from "../../electron/services/background/tray-icon.js";
import { trayModel, type MenuItemModel } from "../../electron/services/background/tray-model.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const dataUrl = (b: Buffer) => `data:image/png;base64,${b.toString("base64")}`;

const SCENES: { title: string; pairs: Partial<PairStatus>[]; until: string | null }[] = [
  { title: "In sync", pairs: [{}, {}], until: null },
  {
    title: "Syncing",
    pairs: [{ state: "syncing", progress: { files_done: 12, files_total: 40, bytes_done: 3_100_000, bytes_total: 20_000_000, current: "ch2.tex", eta_s: 30 } }, {}],
    until: null,
  },
  { title: "Paused for an hour", pairs: [{ state: "paused" }, { state: "paused" }], until: "2026-12-07T15:30:00Z" },
  { title: "Needs you", pairs: [{ state: "conflicts", conflicts: [conflict("thesis.tex"), conflict("refs.bib")] }, { state: "halted", message: "The server folder came back empty." }], until: null },
];

function items(list: MenuItemModel[]): string {
  return list
    .map((i) => {
      if (i.type === "separator") return `<li role="separator"></li>`;
      const cls = i.enabled ? "" : ` class="off"`;
      if (i.type === "submenu") return `<li role="menuitem"${cls} aria-haspopup="true">${esc(i.label)}<span class="arrow">▸</span><ul class="sub">${items(i.items)}</ul></li>`;
      return `<li role="menuitem"${cls}>${esc(i.label)}</li>`;
    })
    .join("");
}

export function trayMenuPage(): string {
  const cols = SCENES.map((scene) => {
    const model = trayModel({
      pairs: scene.pairs.map((p, i) => {
        const [id, name, path] = i === 0 ? ["p0", "Thesis", "/home/me/thesis"] : ["p1", "Notes", "/home/me/notes"];
        return { config: pairConfig(id, name, path), status: pairStatus({ id, ...p }) };
      }),
      paused_until: scene.until,
      time: (iso) => iso.slice(11, 16),
    });
    const [light] = trayIconPngs(model.state, "light").slice(1);
    const [dark] = trayIconPngs(model.state, "dark").slice(1);
    return `<section><h2>${esc(scene.title)}</h2>
      <div class="panel"><picture><source media="(prefers-color-scheme: dark)" srcset="${dataUrl(dark!.png)}"><img alt="${esc(model.state)} icon" width="16" height="16" src="${dataUrl(light!.png)}"></picture>
      <span class="tip">${esc(model.tooltip)}</span></div>
      <ul role="menu" aria-label="${esc(scene.title)}">${items(model.menu)}</ul></section>`;
  }).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    :root { color-scheme: light dark; font: 13px system-ui, sans-serif; }
    body { margin: 16px; background: #f4f4f4; color: #222; display: flex; gap: 14px; align-items: flex-start; }
    section { width: 276px; }
    h2 { font-size: 13px; margin: 0 0 6px; }
    .panel { display: flex; align-items: center; gap: 8px; background: #e2e2e2; padding: 6px 8px; border-radius: 4px; }
    .tip { font-size: 11px; color: #555; }
    ul { list-style: none; margin: 6px 0 0; padding: 4px 0; background: #fff; border: 1px solid #ccc; border-radius: 6px; box-shadow: 0 2px 8px #0002; }
    li[role=menuitem] { padding: 4px 12px; }
    li.off { color: #999; }
    li[role=separator] { border-top: 1px solid #ddd; margin: 4px 0; }
    .arrow { float: right; }
    ul.sub { margin: 2px 0 2px 12px; box-shadow: none; }
    @media (prefers-color-scheme: dark) {
      body { background: #1e1e1e; color: #eee; }
      .panel { background: #2d2d2d; } .tip { color: #bbb; }
      ul { background: #2b2b2b; border-color: #444; } li.off { color: #777; } li[role=separator] { border-color: #444; }
    }
  </style></head><body>${cols}</body></html>`;
}
