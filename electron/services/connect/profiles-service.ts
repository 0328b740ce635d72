/**
 * The server profiles: add, rename, remove, switch, test and sign in. Keys
 * go straight to the secret store and never come back out of it.
 */
import { ApiError, isApiError } from "../../../shared/errors.js";
import type { Profile } from "../../../shared/ipc/contract.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { BackendFactory } from "../backend/backend.js";
import type { Logger, Redactor } from "../log/log.js";
import type { ProfileStore, StoredProfile } from "../store/profile-store.js";
import type { SecretStore } from "../secrets/secret-store.js";
import type { Connection } from "./connection.js";

export interface ProfilesServiceOptions {
  connection: Connection;
  profiles: ProfileStore;
  secrets: SecretStore;
  makeBackend: BackendFactory;
  log: Logger;
  redactor: Redactor;
  /** the shell's sign-in window; absent where there is no Electron (preview, tests) */
  signIn?: (serverUrl: string) => Promise<string>;
}

type Answers = HandlersOf<"profiles">;

export class ProfilesService implements Answers {
  constructor(private readonly o: ProfilesServiceOptions) {}

  private get c(): Connection {
    return this.o.connection;
  }

  private view(p: StoredProfile, has_key: boolean): Profile {
    return { id: p.id, name: p.name, url: p.url, account_id: p.account_id, generation: p.generation, embedded: p.embedded, has_key, ca_pem: p.ca_pem };
  }

  private async viewWithKey(p: StoredProfile): Promise<Profile> {
    return this.view(p, (await this.o.secrets.get(p.key_ref).catch(() => null)) !== null);
  }

  private async views(): Promise<Profile[]> {
    const keys = new Set(await this.o.secrets.list().catch(() => [] as string[]));
    return this.o.profiles.list().map((p) => this.view(p, keys.has(p.key_ref)));
  }

  private missing(id: string): ApiError {
    return new ApiError("invalid-input", `There is no server profile '${id}'.`);
  }

  "profiles.list": Answers["profiles.list"] = async () => ({ profiles: await this.views(), active: this.o.profiles.activeId(), problem: this.o.profiles.report.keptAside });

  "profiles.add": Answers["profiles.add"] = async (input) => {
    const p = await this.o.profiles.add({ name: input.name, url: input.url, account_id: null, generation: null, embedded: false, ca_pem: input.ca_pem ?? null });
    this.o.redactor.addSecret(input.api_key);
    await this.o.secrets.set(p.key_ref, input.api_key);
    this.o.log.info(`added server profile '${p.name}' (${p.url})`);
    this.c.changed();
    return this.view(p, true);
  };

  "profiles.rename": Answers["profiles.rename"] = async ({ id, name }) => {
    const p = await this.o.profiles.update(id, { name }).catch(() => {
      throw this.missing(id);
    });
    this.c.changed();
    return this.viewWithKey(p);
  };

  "profiles.remove": Answers["profiles.remove"] = async ({ id }) => {
    const gone = await this.o.profiles.remove(id);
    if (!gone) throw this.missing(id);
    await this.o.secrets.delete(gone.key_ref);
    if (this.c.connectedTo() === id) await this.c.disconnect();
    this.o.log.info(`removed server profile '${gone.name}' and its key`);
    this.c.changed();
    return { ok: true as const };
  };

  "profiles.switch": Answers["profiles.switch"] = async ({ id }) => {
    const p = await this.o.profiles.setActive(id).catch(() => {
      throw this.missing(id);
    });
    await this.c.disconnect();
    this.c.changed();
    return this.viewWithKey(p);
  };

  "profiles.test": Answers["profiles.test"] = async ({ id }) => {
    const prev = this.o.profiles.activeId();
    const profile = this.o.profiles.get(id);
    if (!profile) throw this.missing(id);
    const key = await this.o.secrets.get(profile.key_ref);
    if (!key) throw new ApiError("not-configured", `There is no API key for '${profile.name}'.`, { hint: "Give this server its API key again." });
    this.o.redactor.addSecret(key);
    // A test always asks the server afresh which generation it speaks.
    const { backend, close } = await this.o.makeBackend({ ...profile, generation: null }, key);
    try {
      const t0 = performance.now();
      await backend.ping();
      const latency_ms = Math.round((performance.now() - t0) * 10) / 10;
      // A scoped key without account:read still connects; the account stays unknown.
      const me = await backend.whoAmI().catch((e: unknown) => {
        if (isApiError(e, "permission")) return null;
        throw e;
      });
      const account_id = me?.account_id ?? null;
      const generation = backend.capabilities.generation;
      const learned = profile.generation === generation ? profile.learned : undefined;
      await this.o.profiles.update(id, { account_id, generation, learned });
      const capabilities = await this.c.learn(id, backend, {});
      if (prev === id) await this.c.disconnect();
      this.c.changed();
      return { generation, account_id, email_address: me?.email_address ?? null, latency_ms, capabilities };
    } finally {
      await close();
    }
  };

  "profiles.signIn": Answers["profiles.signIn"] = async ({ name, url }) => {
    if (!this.o.signIn) {
      throw new ApiError("not-available", "Signing in to get a key needs the desktop app's sign-in window.", { hint: "Paste an API key from the server's account settings instead." });
    }
    const key = await this.o.signIn(url);
    return this["profiles.add"]({ name, url, api_key: key });
  };

  /** The embedded hub's profile: created on first start, refreshed on later ones (its port changes). */
  async ensureEmbeddedProfile(h: { url: string; api_key: string; account_id: string }): Promise<void> {
    const existing = this.o.profiles.list().find((p) => p.embedded);
    this.o.redactor.addSecret(h.api_key);
    const p = existing
      ? await this.o.profiles.update(existing.id, { url: h.url, account_id: h.account_id, generation: "v1" })
      : await this.o.profiles.add({ id: "this-computer", name: "This computer", url: h.url, account_id: h.account_id, generation: "v1", embedded: true, ca_pem: null });
    await this.o.secrets.set(p.key_ref, h.api_key);
    if (!this.o.profiles.activeId()) await this.o.profiles.setActive(p.id);
    if (this.c.connectedTo() === p.id) await this.c.disconnect();
    this.c.changed();
  }
}
