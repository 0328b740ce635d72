/**
 * Server profiles in the app's data folder: name, URL, account, which API
 * generation it speaks, and a reference to its key in the SecretStore (never
 * the key). Writes are atomic (temp file, fsync, rename) and queued one after
 * another; a file that cannot be read is kept aside and reported, never
 * silently dropped.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { writeAtomic } from "./write-atomic.js";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { Uuid } from "../../../shared/api/common.js";
import { Generation, LearnedCapabilities } from "../../../shared/domain.js";

export const StoredProfile = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  name: z.string().min(1),
  url: z.string().url(),
  account_id: Uuid.nullable().default(null),
  generation: Generation.nullable().default(null),
  embedded: z.boolean().default(false),
  ca_pem: z.string().nullable().default(null),
  /** capabilities learned from this server by probing (reset when its generation changes) */
  learned: LearnedCapabilities.optional(),
  /** the SecretStore account under which the key is kept */
  key_ref: z.string(),
  /** projects this profile's (scoped) key was refused for: project_id → the capability it lacked */
  key_denied: z.record(z.string(), z.string()).default({}),
});
export type StoredProfile = z.infer<typeof StoredProfile>;

const ProfilesFile = z.object({
  version: z.literal(1),
  active: z.string().nullable(),
  profiles: z.array(StoredProfile),
});
type ProfilesFile = z.infer<typeof ProfilesFile>;

export interface LoadReport {
  /** where an unreadable profiles file was moved, for the person to look at */
  keptAside: string | null;
}

export class ProfileStore {
  private state: ProfilesFile = { version: 1, active: null, profiles: [] };
  private queue: Promise<unknown> = Promise.resolve();
  readonly file: string;
  report: LoadReport = { keptAside: null };

  constructor(dataDir: string) {
    this.file = join(dataDir, "profiles.json");
  }

  /** Read the file. A missing file is an empty list; an unreadable one is moved aside and reported. */
  async load(): Promise<LoadReport> {
    await mkdir(dirname(this.file), { recursive: true });
    await this.removeStaleTemps();
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return (this.report = { keptAside: null });
      throw e;
    }
    let parsed: ProfilesFile | undefined;
    try {
      const r = ProfilesFile.safeParse(JSON.parse(text));
      if (r.success) parsed = r.data;
    } catch {
      parsed = undefined;
    }
    if (parsed) {
      this.state = parsed;
      return (this.report = { keptAside: null });
    }
    const aside = `${this.file}.unreadable-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    await rename(this.file, aside);
    this.state = { version: 1, active: null, profiles: [] };
    return (this.report = { keptAside: aside });
  }

  list(): StoredProfile[] {
    return this.state.profiles.map((p) => ({ ...p }));
  }

  get(id: string): StoredProfile | undefined {
    const p = this.state.profiles.find((x) => x.id === id);
    return p && { ...p };
  }

  active(): StoredProfile | undefined {
    return this.state.active ? this.get(this.state.active) : undefined;
  }

  activeId(): string | null {
    return this.state.active;
  }

  add(p: Omit<StoredProfile, "id" | "key_ref" | "key_denied"> & { id?: string }): Promise<StoredProfile> {
    return this.mutate((s) => {
      const id = p.id ?? randomUUID();
      const profile = StoredProfile.parse({ ...p, id, key_ref: `profile-${id}` });
      s.profiles = [...s.profiles.filter((x) => x.id !== id), profile];
      s.active ??= id;
      return profile;
    });
  }

  update(id: string, fields: Partial<Omit<StoredProfile, "id" | "key_ref">>): Promise<StoredProfile> {
    return this.mutate((s) => {
      const i = s.profiles.findIndex((x) => x.id === id);
      if (i < 0) throw new Error(`There is no server profile '${id}'.`);
      const next = StoredProfile.parse({ ...s.profiles[i], ...fields });
      s.profiles[i] = next;
      return next;
    });
  }

  remove(id: string): Promise<StoredProfile | undefined> {
    return this.mutate((s) => {
      const gone = s.profiles.find((x) => x.id === id);
      s.profiles = s.profiles.filter((x) => x.id !== id);
      if (s.active === id) s.active = s.profiles[0]?.id ?? null;
      return gone;
    });
  }

  setActive(id: string): Promise<StoredProfile> {
    return this.mutate((s) => {
      const p = s.profiles.find((x) => x.id === id);
      if (!p) throw new Error(`There is no server profile '${id}'.`);
      s.active = id;
      return p;
    });
  }

  /**
   * Apply a change to a copy of the state and write it; the in-memory state
   * changes only once the file is safely in place. Changes run one at a time.
   */
  private mutate<T>(fn: (s: ProfilesFile) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const next: ProfilesFile = structuredClone(this.state);
      const result = fn(next);
      await writeAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
      this.state = next;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Temp files a crash left between write and rename: the real file is intact, so they go. */
  private async removeStaleTemps(): Promise<void> {
    const dir = dirname(this.file);
    const prefix = `.${basename(this.file)}.`;
    for (const f of await readdir(dir)) if (f.startsWith(prefix) && f.endsWith(".tmp")) await rm(join(dir, f), { force: true });
  }
}

