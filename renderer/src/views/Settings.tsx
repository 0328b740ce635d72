/**
 * The app's settings for living in the background: keep running when the
 * window closes, notifications, start at login, and syncing on battery.
 * Each change is saved (and applied) at once.
 */
import { useEffect, useState } from "react";
import type { BackgroundSettings, BatteryMode } from "../../../shared/background.js";
import type { ChannelOutput } from "../../../shared/ipc/contract.js";
import { Busy, ErrorNote, Section, useApp, useCall } from "../lib.js";

type State = ChannelOutput<"background.settings">;

const BATTERY: { value: BatteryMode; label: string }[] = [
  { value: "normal", label: "Sync as usual" },
  { value: "slower", label: "Sync less often (the server is listed a fifth as often)" },
  { value: "pause", label: "Pause syncing until the computer is plugged in" },
];

export function Settings() {
  const { api } = useApp();
  const load = useCall();
  const save = useCall();
  const [state, setState] = useState<State | null>(null);

  useEffect(() => {
    void load.run(() => api.background.settings({})).then((r) => r && setState(r));
  }, [api, load.run]);

  const change = async (patch: Partial<BackgroundSettings>) => {
    const r = await save.run(() => api.background.configure(patch));
    if (r) setState(r);
  };

  const s = state?.settings;
  return (
    <>
      <h1 style={{ margin: 0, fontSize: 20 }}>Settings</h1>
      {load.busy && !state && <Busy label="Reading the settings…" />}
      <ErrorNote error={load.error} />
      {s && state && (
        <Section title="In the background">
          <div className="form-grid" aria-label="Background settings" role="group">
            <input id="bg-keep" type="checkbox" checked={s.keep_running} onChange={(e) => void change({ keep_running: e.target.checked })} />
            <label htmlFor="bg-keep">
              Keep syncing when the window is closed
              <div className="muted">
                {state.tray_available
                  ? "While a folder is kept in sync, closing the window leaves the app in the tray; quit it from there."
                  : "This desktop shows no tray icon, so closing the window asks first."}
              </div>
            </label>
            <input id="bg-notify" type="checkbox" checked={s.notifications} onChange={(e) => void change({ notifications: e.target.checked })} />
            <label htmlFor="bg-notify">
              Notify me of conflicts, halted syncs and lasting errors
              <div className="muted">At most one notification per folder a minute.</div>
            </label>
            <input id="bg-login" type="checkbox" checked={s.start_at_login} disabled={!state.login_available} onChange={(e) => void change({ start_at_login: e.target.checked })} />
            <label htmlFor="bg-login">
              Start CoCalc Desktop when I log in
              <div className="muted">{state.login_available ? "It starts in the tray, without a window." : "Set in the installed app."}</div>
            </label>
            <label htmlFor="bg-battery">On battery power</label>
            <select id="bg-battery" aria-label="On battery power" value={s.on_battery} onChange={(e) => void change({ on_battery: e.target.value as BatteryMode })}>
              {BATTERY.map((b) => (
                <option key={b.value} value={b.value}>
                  {b.label}
                </option>
              ))}
            </select>
          </div>
          {save.busy && <Busy label="Saving…" />}
          <ErrorNote error={save.error} />
        </Section>
      )}
    </>
  );
}
