/** The app's own facts: version, platform, where its log is, where keys are kept. */
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Logger } from "../log/log.js";
import type { SecretStore } from "../secrets/secret-store.js";

type Answers = HandlersOf<"app">;

export class AppInfoService implements Answers {
  constructor(private readonly o: { version: string; platform: string; log: Logger; secrets: SecretStore }) {}

  "app.info": Answers["app.info"] = async () => ({ version: this.o.version, platform: this.o.platform, log_file: this.o.log.file, secret_store: this.o.secrets.info });
}
