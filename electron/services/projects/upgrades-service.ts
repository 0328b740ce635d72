/** The upgrades the account has to give its projects (servers with billing only). */
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Connection } from "../connect/connection.js";

type Answers = HandlersOf<"upgrades">;

export class UpgradesService implements Answers {
  constructor(private readonly c: Connection) {}

  "upgrades.available": Answers["upgrades.available"] = async () => (await this.c.get()).backend.availableUpgrades();
}
