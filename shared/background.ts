/**
 * The app living beside the person: what it does when its window closes,
 * whether it notifies, starts at login, and how it syncs on battery. Read by
 * the settings store, the IPC contract and the settings view.
 */
import { z } from "zod";
import { PairId } from "./sync.js";

/** On battery power: sync as usual, list the server less often, or hold every pair until plugged in. */
export const BatteryMode = z.enum(["normal", "slower", "pause"]);
export type BatteryMode = z.infer<typeof BatteryMode>;

export const BackgroundSettings = z.object({
  /** closing the last window keeps the app (and every active pair) running in the tray */
  keep_running: z.boolean().default(true),
  /** the OS's own notifications for conflicts, halts and lasting errors */
  notifications: z.boolean().default(true),
  /** start with the session, straight into the tray (opt-in) */
  start_at_login: z.boolean().default(false),
  on_battery: BatteryMode.default("normal"),
});
export type BackgroundSettings = z.infer<typeof BackgroundSettings>;

/** A change to the settings: only the fields given are changed. */
export const BackgroundSettingsPatch = z.strictObject({
  keep_running: z.boolean().optional(),
  notifications: z.boolean().optional(),
  start_at_login: z.boolean().optional(),
  on_battery: BatteryMode.optional(),
});

/** Pushed to the window when a notification is clicked: open this pair, and this conflict side by side. */
export const SyncOpenRequest = z.object({ pair_id: PairId, conflict_path: z.string().nullable() });
export type SyncOpenRequest = z.infer<typeof SyncOpenRequest>;
