/**
 * The `background.*` channels: the settings (keep running when the window
 * closes, notifications, start at login, battery), applied as they are saved,
 * and what a notification's click left for the window to open.
 */
import { ApiError } from "../../../shared/errors.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Logger } from "../log/log.js";
import type { BackgroundController } from "./controller.js";
import type { BackgroundStore } from "./settings-store.js";

/** Start at login: Electron's login items (macOS, Windows) or an XDG autostart entry (Linux). */
export interface LoginPort {
  set(on: boolean): Promise<void>;
}

export interface BackgroundServiceOptions {
  controller: BackgroundController;
  store: BackgroundStore;
  log: Logger;
  /** null where the app cannot set it (the preview) */
  login: LoginPort | null;
  trayAvailable: () => boolean;
}

export class BackgroundService implements HandlersOf<"background"> {
  constructor(private readonly o: BackgroundServiceOptions) {}

  private state() {
    return { settings: this.o.store.settings(), tray_available: this.o.trayAvailable(), login_available: this.o.login !== null };
  }

  "background.settings": HandlersOf<"background">["background.settings"] = async () => this.state();

  "background.configure": HandlersOf<"background">["background.configure"] = async (patch) => {
    const before = this.o.store.settings();
    if (patch.start_at_login !== undefined && patch.start_at_login !== before.start_at_login) {
      if (!this.o.login) throw new ApiError("not-available", "Start at login cannot be set from here.", { hint: "Set it in the installed CoCalc Desktop app." });
      try {
        await this.o.login.set(patch.start_at_login);
      } catch (e) {
        this.o.log.error("start at login could not be changed:", e);
        throw new ApiError("internal", `Start at login could not be turned ${patch.start_at_login ? "on" : "off"}.`, { hint: "Try again; if it keeps failing, add CoCalc Desktop to your session's startup programs yourself." });
      }
    }
    await this.o.store.setSettings(patch);
    this.o.controller.applyPace();
    this.o.log.info(`background settings changed: ${Object.keys(patch).join(", ")}`);
    return this.state();
  };

  "background.takeOpen": HandlersOf<"background">["background.takeOpen"] = async () => ({ open: this.o.controller.takeOpen() });
}
