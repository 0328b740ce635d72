/**
 * The connection to the active server: its Backend (made on first use and
 * again when the active profile changes), the project runner that starts
 * projects before commands, and what was learned of the server. Every
 * capability's service reaches the server through here, so none of them
 * knows which API generation it talks to.
 */
import { withLearned, type Capabilities, type LearnedCapabilities } from "../../../shared/domain.js";
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { Backend, BackendFactory } from "../backend/backend.js";
import { ProjectRunner } from "../backend/project-start.js";
import { KeyReach } from "./key-reach.js";
import type { Logger, Redactor } from "../log/log.js";
import type { ProfileStore, StoredProfile } from "../store/profile-store.js";
import type { SecretStore } from "../secrets/secret-store.js";

export interface ConnectionOptions {
  profiles: ProfileStore;
  secrets: SecretStore;
  makeBackend: BackendFactory;
  log: Logger;
  redactor: Redactor;
  /** tell the renderer that profiles changed */
  emit?: (event: "profiles.changed", payload: unknown) => void;
}

export interface Connected {
  backend: Backend;
  runner: ProjectRunner;
  profile: StoredProfile;
}

export class Connection {
  private current: { profileId: string; backend: Backend; runner: ProjectRunner; close: () => Promise<void> } | undefined;
  private readonly onDrop: (() => void)[] = [];
  readonly reach: KeyReach;

  constructor(private readonly o: ConnectionOptions) {
    this.reach = new KeyReach(o.profiles);
  }

  /** The active server's backend, its project runner and profile. */
  async get(): Promise<Connected> {
    const profile = this.o.profiles.active();
    if (!profile) throw new ApiError("not-configured", "No server is set up yet.");
    if (this.current?.profileId !== profile.id) {
      const key = await this.o.secrets.get(profile.key_ref);
      if (!key) {
        throw new ApiError("not-configured", `There is no API key for '${profile.name}'${this.o.secrets.info.persistent ? "" : " (keys are kept for one run only here)"}.`, {
          hint: "Open Connect and give this server its API key again, or sign in to get one.",
        });
      }
      this.o.redactor.addSecret(key);
      await this.disconnect();
      const made = await this.o.makeBackend(profile, key);
      const generation = made.backend.capabilities.generation;
      if (profile.generation !== generation) {
        // what was learned of the old generation says nothing of the new one
        await this.o.profiles.update(profile.id, { generation, learned: undefined });
        this.changed();
      }
      const backend = this.watch(made.backend, profile.id);
      this.current = { profileId: profile.id, backend, runner: new ProjectRunner(backend), close: made.close };
    }
    return { ...this.current, profile: this.o.profiles.get(profile.id)! };
  }

  /** The profile the live connection belongs to, if any. */
  connectedTo(): string | undefined {
    return this.current?.profileId;
  }

  /** What waits on the connection (commands, copies) is told when it is dropped. */
  onDisconnect(f: () => void): void {
    this.onDrop.push(f);
  }

  /**
   * Every backend call passes here. A server that starts answering 404 may
   * have changed API generation (an upgrade from v1 to current): forget the
   * stored one so the next call detects it again. A scoped key's refusal for
   * a project is remembered, so the project list can mark it.
   */
  private watch(backend: Backend, profileId: string): Backend {
    return new Proxy(backend, {
      get: (target, prop, receiver) => {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== "function") return v;
        return async (...args: unknown[]) => {
          try {
            return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } catch (e) {
            await this.reach.learnFrom(profileId, e);
            if (isApiError(e, "not-available") && e.status === 404) {
              this.o.log.warn("the server answered 404; its API generation will be detected again");
              await this.o.profiles.update(profileId, { generation: null }).catch(() => undefined);
              await this.disconnect();
            }
            throw e;
          }
        };
      },
    });
  }

  async disconnect(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    for (const f of this.onDrop) f();
    await c?.close();
  }

  changed(): void {
    this.o.emit?.("profiles.changed", null);
  }

  /**
   * The profile's capabilities: its generation's, with what this server was
   * found to do. What is not known yet is probed (harmlessly) and remembered;
   * scheduling needs a project to probe with.
   */
  async learn(profileId: string, backend: Backend, o: { project_id?: string }): Promise<Capabilities> {
    const profile = this.o.profiles.get(profileId);
    const generation = backend.capabilities.generation;
    let learned: LearnedCapabilities = { ...(profile?.learned ?? {}) };
    const want = {
      ...(learned.createAccount === undefined ? { createAccount: true } : {}),
      ...(learned.copySchedule === undefined && o.project_id ? { copySchedule: { project_id: o.project_id } } : {}),
    };
    if (backend.probeCapabilities && Object.keys(want).length > 0) {
      learned = { ...learned, ...(await backend.probeCapabilities(want)) };
      if (profile) await this.o.profiles.update(profileId, { learned });
    }
    return withLearned(generation, learned);
  }
}
