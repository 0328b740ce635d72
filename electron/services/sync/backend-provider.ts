/**
 * The Backend of any server profile, by id, with its key from the secret
 * store: sync pairs and transfers may each use another server than the one
 * the app shows. One connection per profile is kept and made again when the
 * profile's URL, generation, certificate or key changes.
 */
import { ApiError } from "../../../shared/errors.js";
import type { Backend, BackendFactory } from "../backend/backend.js";
import type { Redactor } from "../log/log.js";
import type { ProfileStore, StoredProfile } from "../store/profile-store.js";
import type { SecretStore } from "../secrets/secret-store.js";
import type { BackendProvider } from "./api.js";

interface Held {
  fingerprint: string;
  made: Promise<{ backend: Backend; close: () => Promise<void> }>;
}

const fingerprintOf = (p: StoredProfile, key: string) => JSON.stringify([p.url, p.generation, p.ca_pem, key]);

export function makeBackendProvider(o: { profiles: ProfileStore; secrets: SecretStore; makeBackend: BackendFactory; redactor: Redactor }): {
  provider: BackendProvider;
  close(): Promise<void>;
} {
  const held = new Map<string, Held>();
  const drop = async (id: string) => {
    const h = held.get(id);
    held.delete(id);
    await h?.made.then((m) => m.close()).catch(() => undefined);
  };
  const provider: BackendProvider = async (profile_id) => {
    const profile = o.profiles.get(profile_id);
    if (!profile) {
      throw new ApiError("not-configured", `There is no server profile '${profile_id}' any more.`, { hint: "Add the server again in Connect, or remove this sync pair." });
    }
    const key = await o.secrets.get(profile.key_ref);
    if (!key) {
      throw new ApiError("not-configured", `There is no API key for '${profile.name}'.`, { hint: "Open Connect and give this server its API key again." });
    }
    o.redactor.addSecret(key);
    const fingerprint = fingerprintOf(profile, key);
    const h = held.get(profile_id);
    if (h?.fingerprint === fingerprint) return (await h.made).backend;
    if (h) await drop(profile_id);
    const made = o.makeBackend(profile, key);
    held.set(profile_id, { fingerprint, made });
    // A failed connection is not kept: the next call tries again.
    made.catch(() => {
      if (held.get(profile_id)?.made === made) held.delete(profile_id);
    });
    return (await made).backend;
  };
  return {
    provider,
    close: async () => {
      await Promise.all([...held.keys()].map(drop));
    },
  };
}
