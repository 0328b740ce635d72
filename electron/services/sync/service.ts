/**
 * The `sync.*` channels over the engine's SyncManagerApi: checks what the
 * renderer asks for (the local folder, the server profile, that the pair and
 * the conflict exist), turns a conflict's bytes into the side-by-side view,
 * and pushes every status change to the renderer as `sync.status`.
 */
import { basename } from "node:path";
import { ApiError } from "../../../shared/errors.js";
import { PairStatus } from "../../../shared/sync.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import { checkLocalPath } from "../desktop/local-path.js";
import { isRunnable } from "../files/runnable.js";
import type { Logger } from "../log/log.js";
import type { ProfileStore } from "../store/profile-store.js";
import type { SyncManagerApi } from "./api.js";
import { describeVersions } from "./conflict-view.js";

export interface SyncServiceOptions {
  /** null when the engine could not start: every channel then says so */
  manager: SyncManagerApi | null;
  profiles: ProfileStore;
  appDataDir: string;
  log: Logger;
  emit: (event: "sync.status", payload: PairStatus) => void;
  /** opens a file with its app, or shows it in its folder (Electron's shell; absent where there is none); only ever given a file the app holds proven */
  reveal?: (path: string, how: "open" | "folder") => Promise<void>;
}

export class SyncService implements HandlersOf<"sync"> {
  private readonly unsubscribe: () => void;

  constructor(private readonly o: SyncServiceOptions) {
    this.unsubscribe =
      o.manager?.onStatus((s) => {
        // Events bypass the router, so they are held to the contract here.
        const r = PairStatus.safeParse(s);
        if (r.success) o.emit("sync.status", r.data);
        else o.log.error(`the sync engine sent a status outside the contract: ${r.error.issues[0]?.message ?? ""}`);
      }) ?? (() => undefined);
  }

  private engine(): SyncManagerApi {
    if (!this.o.manager) throw new ApiError("not-available", "Folder sync could not start in this run of the app.", { hint: "Restart the app; if it keeps failing, report it with the log file." });
    return this.o.manager;
  }

  private pair(id: string) {
    const p = this.engine()
      .list()
      .find((x) => x.config.id === id);
    if (!p) throw new ApiError("invalid-input", `There is no sync pair '${id}'.`, { hint: "It may have been removed; reload the Sync view." });
    return p;
  }

  "sync.list": HandlersOf<"sync">["sync.list"] = async () => ({ pairs: this.engine().list() });

  "sync.add": HandlersOf<"sync">["sync.add"] = async (input) => {
    const profile = this.o.profiles.get(input.profile_id);
    if (!profile) throw new ApiError("invalid-input", `There is no server profile '${input.profile_id}'.`, { hint: "Choose a server that is set up in Connect." });
    const local_path = await checkLocalPath(input.local_path, { appDataDir: this.o.appDataDir, kind: "folder" });
    const engine = this.engine();
    const config = await engine.add({ ...input, local_path });
    this.o.log.info(`sync pair ${config.id} added: ${local_path} with ${profile.name}, project ${input.project_id}`);
    return config;
  };

  "sync.remove": HandlersOf<"sync">["sync.remove"] = async ({ id }) => {
    this.pair(id);
    await this.engine().remove(id);
    this.o.log.info(`sync pair ${id} removed (no file was deleted)`);
    return { ok: true as const };
  };

  "sync.pause": HandlersOf<"sync">["sync.pause"] = async ({ id }) => {
    this.pair(id);
    await this.engine().pause(id);
    return { ok: true as const };
  };

  "sync.resume": HandlersOf<"sync">["sync.resume"] = async ({ id }) => {
    this.pair(id);
    await this.engine().resume(id);
    return { ok: true as const };
  };

  "sync.now": HandlersOf<"sync">["sync.now"] = async ({ id }) => {
    this.pair(id);
    return this.engine().syncNow(id);
  };

  "sync.conflict": HandlersOf<"sync">["sync.conflict"] = async ({ id, path }) => {
    const conflict = this.pair(id).status.conflicts.find((c) => c.path === path);
    if (!conflict) throw new ApiError("invalid-input", `'${path}' is not in conflict any more.`, { hint: "Reload the Sync view to see the current conflicts." });
    const v = await this.engine().conflictVersions(id, path);
    return { conflict, ...describeVersions(v.mine, v.theirs) };
  };

  "sync.resolve": HandlersOf<"sync">["sync.resolve"] = async (input) => {
    const { id, path, choice } = input;
    if (!this.pair(id).status.conflicts.some((c) => c.path === path)) {
      throw new ApiError("invalid-input", `'${path}' is not in conflict any more.`, { hint: "Reload the Sync view to see the current conflicts." });
    }
    if (input.choice === "merged") await this.engine().resolveMerged(id, path, input.text, { mine_sha256: input.mine_sha256, theirs_sha256: input.theirs_sha256 });
    else await this.engine().resolve(id, path, input.choice);
    this.o.log.info(`sync pair ${id}: conflict on a file resolved (${choice})`);
    return { ok: true as const };
  };

  "sync.activity": HandlersOf<"sync">["sync.activity"] = async ({ id }) => {
    this.pair(id);
    return { entries: this.engine().activity(id) };
  };

  "sync.versions": HandlersOf<"sync">["sync.versions"] = async ({ id }) => {
    this.pair(id);
    return { versions: await this.engine().versions(id) };
  };

  "sync.restoreVersion": HandlersOf<"sync">["sync.restoreVersion"] = async ({ id, version_id }) => {
    this.pair(id);
    const r = await this.engine().restoreVersion(id, version_id);
    this.o.log.info(`sync pair ${id}: a version was restored`);
    return r;
  };

  "sync.revealVersion": HandlersOf<"sync">["sync.revealVersion"] = async ({ id, version_id, how }) => {
    this.pair(id);
    if (!this.o.reveal) throw new ApiError("not-available", "Opening files is not available in this run of the app.", { hint: "Restore the version instead; it then appears in the synced folder." });
    const file = await this.engine().versionFile(id, version_id);
    const name = basename(file);
    if (how === "open" && isRunnable(name)) {
      throw new ApiError("permission", `'${name}' is a program or script: the app does not run it.`, { hint: "Use Show in folder, and check it before you run it yourself." });
    }
    await this.o.reveal(file, how);
    return { ok: true as const };
  };

  async close(): Promise<void> {
    this.unsubscribe();
    await this.o.manager?.close();
  }
}
