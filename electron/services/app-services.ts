/**
 * Everything the renderer can ask of the main process, one method per IPC
 * channel, in plain Node: profiles and keys, and the features on the active
 * server's Backend. The router validates inputs and outputs around these.
 */
import { createHash } from "node:crypto";
import { ApiError, isApiError } from "../../shared/errors.js";
import type { Profile } from "../../shared/ipc/contract.js";
import type { CoreHandlers } from "../ipc/handlers.js";
import type { Backend } from "./backend/backend.js";
import { ProjectRunner } from "./backend/project-start.js";
import { normalizeProjectPath } from "./files/project-path.js";
import type { Logger, Redactor } from "./log.js";
import type { ProfileStore, StoredProfile } from "./profiles.js";
import type { SecretStore } from "./secrets/secret-store.js";
import { KeyReach } from "./key-reach.js";

export type { Handlers } from "../ipc/handlers.js";

/** Makes the Backend of a profile; detection of the API generation happens behind it. */
export type BackendFactory = (profile: StoredProfile, apiKey: string) => Promise<{ backend: Backend; close: () => Promise<void> }>;

export interface AppServicesOptions {
  profiles: ProfileStore;
  secrets: SecretStore;
  makeBackend: BackendFactory;
  log: Logger;
  redactor: Redactor;
  version: string;
  platform: string;
  /** the shell's sign-in window; absent where there is no Electron (preview, tests) */
  signIn?: (serverUrl: string) => Promise<string>;
  /** tell the renderer that profiles changed */
  emit?: (event: "profiles.changed", payload: unknown) => void;
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

export class AppServices implements CoreHandlers {
  private current: { profileId: string; backend: Backend; runner: ProjectRunner; close: () => Promise<void> } | undefined;
  private readonly running = new Map<string, AbortController>();

  private readonly o: AppServicesOptions;
  private readonly reach: KeyReach;

  constructor(o: AppServicesOptions) {
    this.o = { ...o };
    this.reach = new KeyReach(o.profiles);
  }

  // ------------------------------------------------------------ connection
  private async backend(): Promise<{ backend: Backend; runner: ProjectRunner; profile: StoredProfile }> {
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
        await this.o.profiles.update(profile.id, { generation });
        this.changed();
      }
      const backend = this.watch(made.backend, profile.id);
      this.current = { profileId: profile.id, backend, runner: new ProjectRunner(backend), close: made.close };
    }
    return { ...this.current, profile: this.o.profiles.get(profile.id)! };
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
    for (const ac of this.running.values()) ac.abort();
    await c?.close();
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

  private changed(): void {
    this.o.emit?.("profiles.changed", null);
  }

  /** Where pushed events go (the preview and the tests attach their page after the services exist). */
  setEmit(emit: AppServicesOptions["emit"]): void {
    this.o.emit = emit;
  }

  // ------------------------------------------------------------ app and profiles
  "app.info" = async () => ({ version: this.o.version, platform: this.o.platform, log_file: this.o.log.file, secret_store: this.o.secrets.info });

  "profiles.list" = async () => ({ profiles: await this.views(), active: this.o.profiles.activeId(), problem: this.o.profiles.report.keptAside });

  "profiles.add": CoreHandlers["profiles.add"] = async (input) => {
    const p = await this.o.profiles.add({ name: input.name, url: input.url, account_id: null, generation: null, embedded: false, ca_pem: input.ca_pem ?? null });
    this.o.redactor.addSecret(input.api_key);
    await this.o.secrets.set(p.key_ref, input.api_key);
    this.o.log.info(`added server profile '${p.name}' (${p.url})`);
    this.changed();
    return this.view(p, true);
  };

  "profiles.rename": CoreHandlers["profiles.rename"] = async ({ id, name }) => {
    const p = await this.o.profiles.update(id, { name }).catch(() => {
      throw new ApiError("invalid-input", `There is no server profile '${id}'.`);
    });
    this.changed();
    return this.viewWithKey(p);
  };

  "profiles.remove": CoreHandlers["profiles.remove"] = async ({ id }) => {
    const gone = await this.o.profiles.remove(id);
    if (!gone) throw new ApiError("invalid-input", `There is no server profile '${id}'.`);
    await this.o.secrets.delete(gone.key_ref);
    if (this.current?.profileId === id) await this.disconnect();
    this.o.log.info(`removed server profile '${gone.name}' and its key`);
    this.changed();
    return { ok: true as const };
  };

  "profiles.switch": CoreHandlers["profiles.switch"] = async ({ id }) => {
    const p = await this.o.profiles.setActive(id).catch(() => {
      throw new ApiError("invalid-input", `There is no server profile '${id}'.`);
    });
    await this.disconnect();
    this.changed();
    return this.viewWithKey(p);
  };

  "profiles.test": CoreHandlers["profiles.test"] = async ({ id }) => {
    const prev = this.o.profiles.activeId();
    const profile = this.o.profiles.get(id);
    if (!profile) throw new ApiError("invalid-input", `There is no server profile '${id}'.`);
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
      await this.o.profiles.update(id, { account_id, generation: backend.capabilities.generation });
      if (prev === id) await this.disconnect();
      this.changed();
      return { generation: backend.capabilities.generation, account_id, email_address: me?.email_address ?? null, latency_ms, capabilities: backend.capabilities };
    } finally {
      await close();
    }
  };

  "profiles.signIn": CoreHandlers["profiles.signIn"] = async ({ name, url }) => {
    if (!this.o.signIn) {
      throw new ApiError("not-available", "Signing in to get a key needs the desktop app's sign-in window.", { hint: "Paste an API key from the server's account settings instead." });
    }
    const key = await this.o.signIn(url);
    return this["profiles.add"]({ name, url, api_key: key });
  };

  "server.ping": CoreHandlers["server.ping"] = async () => {
    const { backend } = await this.backend();
    const t0 = performance.now();
    const { now } = await backend.ping();
    return { now, latency_ms: Math.round((performance.now() - t0) * 10) / 10 };
  };

  // ------------------------------------------------------------ projects
  "projects.list": CoreHandlers["projects.list"] = async () => {
    const { backend, profile } = await this.backend();
    return { projects: await this.reach.mark(profile.id, await backend.listProjects()) };
  };

  "projects.get": CoreHandlers["projects.get"] = async ({ project_id }) => {
    const { backend, profile } = await this.backend();
    const [p] = await this.reach.mark(profile.id, [await backend.getProject(project_id)]);
    return p!;
  };

  "projects.update": CoreHandlers["projects.update"] = async ({ project_id, ...fields }) => {
    const { backend } = await this.backend();
    await backend.updateProject(project_id, fields);
    return { ok: true as const };
  };

  "projects.create": CoreHandlers["projects.create"] = async (input) => (await this.backend()).backend.createProject(input);

  "projects.action": CoreHandlers["projects.action"] = async ({ project_id, action }) => {
    await (await this.backend()).backend.projectAction(project_id, action);
    return { ok: true as const };
  };

  "upgrades.available": CoreHandlers["upgrades.available"] = async () => (await this.backend()).backend.availableUpgrades();

  // ------------------------------------------------------------ files
  "files.list": CoreHandlers["files.list"] = async ({ project_id, path }) => {
    const dir = normalizeProjectPath(path);
    const { backend, runner } = await this.backend();
    const { entries, skipped } = await runner.run(project_id, (signal) => backend.listFolder(project_id, dir, { signal }));
    if (skipped) this.o.log.warn(`ignored ${skipped} unreadable entries listing ${dir || "~"} in ${project_id}`);
    return { path: dir, entries };
  };

  "files.read": CoreHandlers["files.read"] = async ({ files }) => {
    const { backend, profile } = await this.backend();
    const refs = files.map((f) => ({ project_id: f.project_id, path: normalizeProjectPath(f.path) }));
    const read = await backend.readTextFiles(refs);
    for (const r of read) if ("error" in r) await this.reach.learnFrom(profile.id, ApiError.fromData(r.error));
    return { files: read };
  };

  /**
   * Save with a conflict check: when the file on the server is no longer what
   * was opened (base_sha256), nothing is written and both versions go back.
   */
  "files.write": CoreHandlers["files.write"] = async ({ project_id, path, content, base_sha256 }) => {
    const p = normalizeProjectPath(path);
    if (p === "") throw new ApiError("invalid-input", "Give a file name to save to.");
    const { backend, profile } = await this.backend();
    if (base_sha256 !== undefined) {
      const [cur] = await backend.readTextFiles([{ project_id, path: p }]);
      const missing = cur && "error" in cur && /ENOENT|does not exist|no such file/i.test(`${cur.error.message} ${cur.error.serverMessage ?? ""}`);
      if (cur && "error" in cur && !missing) {
        const e = ApiError.fromData(cur.error);
        await this.reach.learnFrom(profile.id, e);
        throw e;
      }
      const serverText = cur && "content" in cur ? cur.content : null;
      const serverSha = serverText === null ? null : sha256(serverText);
      if (serverSha !== base_sha256) return { status: "conflict" as const, server_content: serverText, server_sha256: serverSha };
    }
    await backend.writeTextFile({ project_id, path: p }, content);
    return { status: "saved" as const, sha256: sha256(content) };
  };

  "files.mkdir": CoreHandlers["files.mkdir"] = async ({ project_id, path }) => {
    const p = normalizeProjectPath(path);
    const { runner } = await this.backend();
    const r = await runner.exec({ project_id, command: "mkdir", args: ["-p", "--", p], timeout: 30 });
    if (r.exit_code !== 0) throw new ApiError("server", `Cannot make the folder '${p}': ${r.stderr.trim()}`);
    return { ok: true as const };
  };

  // ------------------------------------------------------------ exec
  "exec.run": CoreHandlers["exec.run"] = async ({ request_id, ...input }) => {
    if (this.running.has(request_id)) throw new ApiError("invalid-input", "A command with this request id is already running.");
    const { runner } = await this.backend();
    const ac = new AbortController();
    this.running.set(request_id, ac);
    const t0 = performance.now();
    try {
      const path = input.path === undefined ? undefined : normalizeProjectPath(input.path);
      const r = await runner.exec({ ...input, ...(path === undefined ? {} : { path }) }, { signal: ac.signal });
      return { ...r, duration_ms: Math.round(performance.now() - t0) };
    } catch (e) {
      if (isApiError(e, "cancelled")) throw new ApiError("cancelled", "The command was cancelled; it was stopped on the server.");
      throw e;
    } finally {
      this.running.delete(request_id);
    }
  };

  "exec.cancel": CoreHandlers["exec.cancel"] = async ({ request_id }) => {
    const ac = this.running.get(request_id);
    ac?.abort();
    return { cancelled: !!ac };
  };

  // ------------------------------------------------------------ copies
  "copy.start": CoreHandlers["copy.start"] = async (input) => {
    const { backend } = await this.backend();
    return backend.copyPath({ ...input, src_path: normalizeProjectPath(input.src_path), ...(input.target_path === undefined ? {} : { target_path: normalizeProjectPath(input.target_path) }) });
  };
  "copy.status": CoreHandlers["copy.status"] = async ({ copy_id }) => (await this.backend()).backend.copyStatus(copy_id);
  "copy.list": CoreHandlers["copy.list"] = async (filter) => ({ copies: await (await this.backend()).backend.copyStatusList(filter) });
  "copy.delete": CoreHandlers["copy.delete"] = async ({ copy_id }) => {
    await (await this.backend()).backend.copyDelete(copy_id);
    return { ok: true as const };
  };

  // ------------------------------------------------------------ kiosk
  "kiosk.open": CoreHandlers["kiosk.open"] = async ({ project_id, path, password }) => {
    const { backend, profile } = await this.backend();
    if (!profile.account_id && backend.capabilities.kioskToken) throw new ApiError("not-configured", "This server's account is not known yet.", { hint: "Test the connection in Connect first." });
    this.o.redactor.addSecret(password);
    // where no token can be had, this says why
    const token = await backend.authToken(profile.account_id ?? "", password ?? "");
    this.o.redactor.addSecret(token);
    const p = normalizeProjectPath(path).split("/").map(encodeURIComponent).join("/");
    const origin = new URL(profile.url).origin;
    return {
      url: `${profile.url}/projects/${project_id}/files/${p}?auth_token=${token}&fullscreen=kiosk&session=`,
      origin,
      sign_in: profile.generation === "current" ? ("impersonate" as const) : ("url" as const),
      impersonate_url: `${profile.url}/auth/impersonate?auth_token=${token}`,
    };
  };

  /** The embedded hub's profile: created on first start, refreshed on later ones (its port changes). */
  async ensureEmbeddedProfile(c: { url: string; api_key: string; account_id: string }): Promise<void> {
    const existing = this.o.profiles.list().find((p) => p.embedded);
    this.o.redactor.addSecret(c.api_key);
    const p = existing
      ? await this.o.profiles.update(existing.id, { url: c.url, account_id: c.account_id, generation: "v1" })
      : await this.o.profiles.add({ id: "this-computer", name: "This computer", url: c.url, account_id: c.account_id, generation: "v1", embedded: true, ca_pem: null });
    await this.o.secrets.set(p.key_ref, c.api_key);
    if (!this.o.profiles.activeId()) await this.o.profiles.setActive(p.id);
    if (this.current?.profileId === p.id) await this.disconnect();
    this.changed();
  }
}
