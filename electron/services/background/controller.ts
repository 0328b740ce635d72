/**
 * The app in the background, between the sync manager and the shell: keeps
 * the tray's model current, turns status changes into coalesced
 * notifications, carries out the tray's actions (sync all, pause all for an
 * hour or until resumed, resume), syncs every pair soon after a wake or when
 * the network is back, and holds or slows pairs on battery. Plain Node: the
 * shell gives it ports (tray, notifications, window) and the events.
 */
import type { BackgroundSettings, SyncOpenRequest } from "../../../shared/background.js";
import type { PairStatus } from "../../../shared/sync.js";
import type { Logger } from "../log/log.js";
import type { SyncManagerApi } from "../sync/api.js";
import { coalesce, freshNoticeState, NOTICE_GAP_MS, noticeEvents, noticeFor, type PairNoticeState } from "./notify-rules.js";
import type { BackgroundStore } from "./settings-store.js";
import { pairName, trayModel, type TrayAction, type TrayModel } from "./tray-model.js";

export interface TrayPort {
  /** show the model; `act` carries out a chosen item */
  update(model: TrayModel, act: (a: TrayAction) => void): void;
}
export interface NotifyPort {
  show(n: { title: string; body: string }, onClick: () => void): void;
}
export interface WindowPort {
  /** the main window, made again if it was closed */
  show(): void;
  openFolder(path: string): void;
  quit(): void;
}
export interface BackgroundPorts {
  tray?: TrayPort;
  notify?: NotifyPort;
  window?: WindowPort;
}

export interface BackgroundControllerOptions {
  manager: SyncManagerApi | null;
  store: BackgroundStore;
  emit: (event: "sync.open", payload: SyncOpenRequest) => void;
  log: Logger;
  ports: BackgroundPorts;
  /** at most one notification per pair in this long (tests shorten it) */
  noticeGapMs?: number;
  time?: (iso: string) => string;
}

/** After a wake or when the network is back, each pair syncs at a random moment within this. */
export const WAKE_SPREAD_MS = 10_000;
const TRAY_EVERY_MS = 250;

export function paceFor(mode: BackgroundSettings["on_battery"], onBattery: boolean): { hold: boolean; factor: number } {
  if (!onBattery || mode === "normal") return { hold: false, factor: 1 };
  return mode === "pause" ? { hold: true, factor: 1 } : { hold: false, factor: 5 };
}

export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const hm = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toDateString() === now.toDateString() ? hm : `${d.toLocaleDateString([], { day: "numeric", month: "short" })} ${hm}`;
}

export class BackgroundController {
  private readonly last = new Map<string, PairStatus>();
  private readonly notices = new Map<string, PairNoticeState>();
  private readonly flushTimers = new Map<string, NodeJS.Timeout>();
  private pauseTimer: NodeJS.Timeout | null = null;
  private trayTimer: NodeJS.Timeout | null = null;
  private unsubscribe: () => void = () => undefined;
  private onBattery = false;
  private rendererReady = false;
  private pending: SyncOpenRequest | null = null;

  constructor(private readonly o: BackgroundControllerOptions) {}

  async start(): Promise<void> {
    const m = this.o.manager;
    if (!m) return;
    // what was there at start is known, not new: conflicts found in an earlier run are not told again
    for (const p of m.list()) this.last.set(p.config.id, p.status);
    this.unsubscribe = m.onStatus((s) => this.onStatus(s));
    const pause = this.o.store.pause();
    if (pause?.until) this.schedulePauseEnd(pause.until, pause.ids);
    this.updateTray();
  }

  settings(): BackgroundSettings {
    return this.o.store.settings();
  }

  /** Pairs that are not paused: while there is one, closing the window keeps the app running (if the setting allows). */
  activePairs(): number {
    return this.o.manager?.list().filter((p) => !p.config.paused).length ?? 0;
  }

  /** True the first time the app stays in the background (then the notice says where it went). */
  async firstStay(): Promise<boolean> {
    if (this.o.store.noticeShown()) return false;
    await this.o.store.setNoticeShown();
    return true;
  }

  private onStatus(s: PairStatus): void {
    const prev = this.last.get(s.id);
    this.last.set(s.id, s);
    const r = noticeEvents(prev, s, this.notices.get(s.id) ?? freshNoticeState(), Date.now());
    this.deliver(s.id, r.state, r.events);
    this.scheduleTray();
  }

  private deliver(id: string, st: PairNoticeState, events: Parameters<typeof coalesce>[1]): void {
    const r = coalesce(st, events, Date.now(), this.o.noticeGapMs ?? NOTICE_GAP_MS);
    this.notices.set(id, r.state);
    if (r.flush_at !== null && !this.flushTimers.has(id)) {
      this.flushTimers.set(
        id,
        setTimeout(() => {
          this.flushTimers.delete(id);
          this.deliver(id, this.notices.get(id) ?? freshNoticeState(), []);
        }, r.flush_at - Date.now()),
      );
    }
    if (!r.show) return;
    const pair = this.o.manager?.list().find((p) => p.config.id === id);
    if (!pair || !this.settings().notifications || !this.o.ports.notify) return;
    const n = noticeFor({ id, name: pairName(pair.config) }, r.show);
    this.o.ports.notify.show({ title: n.title, body: n.body }, () => this.open(n.open));
  }

  /** A notification was clicked: the window comes up with the pair (and its conflict) open. */
  open(req: SyncOpenRequest): void {
    this.o.ports.window?.show();
    if (this.rendererReady) this.o.emit("sync.open", req);
    else this.pending = req;
  }

  /** The renderer asks once it runs: what a click asked for before it could hear it. */
  takeOpen(): SyncOpenRequest | null {
    this.rendererReady = true;
    const p = this.pending;
    this.pending = null;
    return p;
  }

  /** The main window closed: the next one asks again. */
  windowGone(): void {
    this.rendererReady = false;
  }

  private scheduleTray(): void {
    if (this.trayTimer) return;
    this.trayTimer = setTimeout(() => {
      this.trayTimer = null;
      this.updateTray();
    }, TRAY_EVERY_MS);
  }

  updateTray(): void {
    const tray = this.o.ports.tray;
    if (!tray || !this.o.manager) return;
    const model = trayModel({ pairs: this.o.manager.list(), paused_until: this.o.store.pause()?.until ?? null, time: this.o.time ?? ((iso) => shortTime(iso)) });
    tray.update(model, (a) => void this.act(a));
  }

  /** What a tray item does. */
  async act(a: TrayAction): Promise<void> {
    const m = this.o.manager;
    try {
      switch (a.kind) {
        case "open-window":
          return this.o.ports.window?.show();
        case "open-pair":
          return this.open({ pair_id: a.pair_id, conflict_path: null });
        case "open-folder": {
          const p = m?.list().find((x) => x.config.id === a.pair_id);
          if (p) this.o.ports.window?.openFolder(p.config.local_path);
          return;
        }
        case "quit":
          return this.o.ports.window?.quit();
        case "sync-all":
          await m?.syncAll();
          return;
        case "pause-all":
          return await this.pauseAll(a.for_ms);
        case "resume-all":
          return await this.resumeAll();
      }
    } catch (e) {
      this.o.log.error(`the tray's ${a.kind} failed:`, e);
    } finally {
      this.updateTray();
    }
  }

  private async pauseAll(forMs: number | null): Promise<void> {
    const m = this.o.manager;
    if (!m) return;
    const ids = [...new Set([...(await m.pauseAll()), ...(this.o.store.pause()?.ids ?? [])])];
    const until = forMs === null ? null : new Date(Date.now() + forMs).toISOString();
    await this.o.store.setPause({ until, ids });
    if (until) this.schedulePauseEnd(until, ids);
    else this.clearPauseTimer();
  }

  /** Resume: every paused pair. A timed pause's end resumes only the pairs it paused. */
  private async resumeAll(ids?: string[]): Promise<void> {
    this.clearPauseTimer();
    await this.o.manager?.resumeAll(ids);
    await this.o.store.setPause(null);
  }

  private clearPauseTimer(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
  }

  private schedulePauseEnd(until: string, ids: string[]): void {
    this.clearPauseTimer();
    // setTimeout holds at most ~24.8 days; an hour is far below
    const ms = Math.max(0, Date.parse(until) - Date.now());
    this.pauseTimer = setTimeout(() => void this.resumeAll(ids).finally(() => this.updateTray()), ms);
  }

  /** The computer woke, or the network is back: every pair syncs soon, not at its next interval. */
  wake(why: string): void {
    this.o.log.info(`${why}: every sync pair syncs within ${WAKE_SPREAD_MS / 1000} s`);
    this.o.manager?.syncAllSoon(WAKE_SPREAD_MS);
  }

  setOnBattery(on: boolean): void {
    this.onBattery = on;
    this.applyPace();
  }

  applyPace(): void {
    this.o.manager?.setPace(paceFor(this.settings().on_battery, this.onBattery));
  }

  stop(): void {
    this.unsubscribe();
    this.clearPauseTimer();
    if (this.trayTimer) clearTimeout(this.trayTimer);
    for (const t of this.flushTimers.values()) clearTimeout(t);
    this.flushTimers.clear();
  }
}
