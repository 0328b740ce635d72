/**
 * Everything the renderer can ask of the main process, one method per IPC
 * channel, in plain Node: profiles and keys, and the features on the active
 * server's Backend. The router validates inputs and outputs around these.
 */
import { createHash } from "node:crypto";
import { withLearned, type Capabilities, type LearnedCapabilities } from "../../shared/domain.js";
import { ApiError, isApiError } from "../../shared/errors.js";
import type { Profile } from "../../shared/ipc/contract.js";
import type { CoreHandlers } from "../ipc/handlers.js";
import type { Backend } from "./backend/backend.js";
import type { TransferApi } from "./transfer/api.js";
import type { CopyInput, CopyOutcome } from "../../shared/domain.js";
import { ProjectRunner } from "./backend/project-start.js";
import { CancellableRuns } from "./exec/cancellable.js";
import { copyConfirmed, missingSource } from "./copy/confirmed-copy.js";
import { writeTooLarge } from "../../shared/write-limit.js";
import { explainSpawnFailure } from "./backend/spawn-failure.js";
import { saveInParts } from "./files/large-save.js";
import { listingCommand, listingFailure, parseListing } from "./files/listing.js";
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
  /** byte-exact, hash-verified moves: copies between projects on servers whose own copy cannot be followed */
  transfer?: TransferApi;
  /** tell the renderer that profiles changed */
  emit?: (event: "profiles.changed", payload: unknown) => void;
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

export class AppServices implements CoreHandlers {
  private current: { profileId: string; backend: Backend; runner: ProjectRunner; close: () => Promise<void> } | undefined;
  private readonly runs = new CancellableRuns();
  /** copies being waited for, by request id */
  private readonly copies = new Map<string, AbortController>();

  private readonly o: AppServicesOptions;
  private readonly reach: KeyReach;

  constructor(o: AppServicesOptions) {
    this.o = { ...o };
    this.reach = new KeyReach(o.profiles);
  }

  // ------------------------------------------------------------ connection
  /** The active server's backend, its project runner and profile, for the feature services. */
  connection(): Promise<{ backend: Backend; runner: ProjectRunner; profile: StoredProfile }> {
    return this.backend();
  }

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
        // what was learned of the old generation says nothing of the new one
        await this.o.profiles.update(profile.id, { generation, learned: undefined });
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
    // Not awaited: a stop that cannot reach the server any more says so to the command's caller.
    void this.runs.cancelAll();
    for (const ac of this.copies.values()) ac.abort();
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
      const generation = backend.capabilities.generation;
      const learned = profile.generation === generation ? profile.learned : undefined;
      await this.o.profiles.update(id, { account_id, generation, learned });
      const capabilities = await this.learn(id, backend, {});
      if (prev === id) await this.disconnect();
      this.changed();
      return { generation, account_id, email_address: me?.email_address ?? null, latency_ms, capabilities };
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

  /**
   * The profile's capabilities: its generation's, with what this server was
   * found to do. What is not known yet is probed (harmlessly) and remembered;
   * scheduling needs a project to probe with.
   */
  private async learn(profileId: string, backend: Backend, o: { project_id?: string }): Promise<Capabilities> {
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

  "server.capabilities": CoreHandlers["server.capabilities"] = async ({ project_id }) => {
    const { backend, profile } = await this.backend();
    return this.learn(profile.id, backend, { project_id });
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
    const { runner } = await this.backend();
    const { command, args } = listingCommand(dir);
    const r = await runner.exec({ project_id, command, args, timeout: 30 });
    const { self, entries, rejected } = parseListing(r.stdout);
    if (self === null) throw listingFailure(dir, r.stderr, r.exit_code);
    if (rejected) this.o.log.warn(`ignored ${rejected} unreadable entries listing ${dir || "~"} in ${project_id}`);
    // A file is not an empty folder: say what it is, so the view can offer to open it.
    if (self === "file") return { path: dir, type: "file" as const, entries: [] };
    return { path: dir, type: "folder" as const, entries };
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
    const serverVersion = async () => {
      const [cur] = await backend.readTextFiles([{ project_id, path: p }]);
      const missing = cur && "error" in cur && (cur.error.kind === "not-found" || /ENOENT|does not exist|no such file/i.test(`${cur.error.message} ${cur.error.serverMessage ?? ""}`));
      if (cur && "error" in cur && !missing) {
        const e = ApiError.fromData(cur.error);
        await this.reach.learnFrom(profile.id, e);
        throw e;
      }
      const text = cur && "content" in cur ? cur.content : null;
      return { text, sha: text === null ? null : sha256(text) };
    };
    let expect = "any";
    if (base_sha256 !== undefined) {
      const server = await serverVersion();
      if (server.sha !== base_sha256) return { status: "conflict" as const, server_content: server.text, server_sha256: server.sha };
      expect = server.sha ?? "absent";
    }
    // Over the server's limit for one write (measured as the server measures it): in verified parts,
    // put in place only if the file is still what was checked above.
    if (writeTooLarge(backend.capabilities.generation, p, content)) {
      const r = await saveInParts(backend, { project_id, path: p }, content, expect);
      if (r.status === "saved") return { status: "saved" as const, sha256: r.sha256 };
      const server = await serverVersion();
      return { status: "conflict" as const, server_content: server.text, server_sha256: server.sha };
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
    if (this.runs.has(request_id)) throw new ApiError("invalid-input", "A command with this request id is already running.");
    const { backend, runner } = await this.backend();
    const t0 = performance.now();
    const path = input.path === undefined ? undefined : normalizeProjectPath(input.path);
    const r = await this.runs.run(backend, runner, { ...input, ...(path === undefined ? {} : { path }) }, request_id);
    await explainSpawnFailure(runner, { ...input, path }, r);
    return { ...r, duration_ms: Math.round(performance.now() - t0) };
  };

  /** Resolves once it is known whether the command stopped on the server; exec.run then fails with the same words. */
  "exec.cancel": CoreHandlers["exec.cancel"] = async ({ request_id }) => {
    const o = await this.runs.cancel(request_id);
    return o ? { cancelled: true, stopped: o.stopped, message: o.error.message } : { cancelled: false };
  };

  // ------------------------------------------------------------ copies
  "copy.start": CoreHandlers["copy.start"] = async ({ request_id, ...input }) => {
    if (request_id !== undefined && this.copies.has(request_id)) throw new ApiError("invalid-input", "A copy with this request id is already running.");
    // the connection first: making it drops whatever waited on the previous one
    const { backend, runner, profile } = await this.backend();
    const ac = new AbortController();
    if (request_id !== undefined) this.copies.set(request_id, ac);
    try {
      const src_path = normalizeProjectPath(input.src_path);
      if (src_path === "") throw new ApiError("invalid-input", "Give the file or folder to copy.", { hint: "A copy of a whole project's home is not offered; choose a folder inside it." });
      const target = { ...input, src_path, ...(input.target_path === undefined ? {} : { target_path: normalizeProjectPath(input.target_path) }) };
      if (backend.capabilities.copy === "app" && input.src_project_id !== input.target_project_id) return await this.copyByApp(backend, runner, target, ac.signal);
      const canSchedule = input.scheduled !== undefined && (await this.learn(profile.id, backend, { project_id: input.src_project_id })).copySchedule;
      return await copyConfirmed(backend, (i, op) => runner.exec(i, op), target, { canSchedule, signal: ac.signal });
    } catch (e) {
      if (ac.signal.aborted) {
        throw new ApiError("cancelled", "Stopped waiting for the copy; the server may still finish it.", { hint: "Look at the target later to see what arrived." });
      }
      throw e;
    } finally {
      if (request_id !== undefined) this.copies.delete(request_id);
    }
  };

  /**
   * Where the server's own copy cannot be followed (cocalc.ai), the app copies:
   * the shared transfer layer reads the source and writes the target, every
   * file checked against its sha256, so "done" is what the app confirmed.
   */
  private async copyByApp(backend: Backend, runner: ProjectRunner, input: CopyInput, signal: AbortSignal): Promise<CopyOutcome> {
    const transfer = this.o.transfer;
    if (!transfer) throw new ApiError("not-available", "This server's own copy between projects cannot be followed, and the app's transfer layer is not running.", { hint: "Restart the app; if it persists, see the log file." });
    const unsupported = [input.exclude?.length ? "exclude" : null, input.delete_missing ? "delete missing" : null, input.backup ? "backup" : null, input.scheduled ? "scheduling" : null].filter((x) => x !== null);
    if (unsupported.length) {
      throw new ApiError("not-available", `On this server the app copies between projects itself, without ${unsupported.join(", ")}.`, { hint: "Copy without those options." });
    }
    // one look first, so a source that is not there is said in the same words as any other copy
    const there = await runner.exec({ project_id: input.src_project_id, command: "test", args: ["-e", `./${input.src_path}`], timeout: 30 }, { signal });
    if (there.exit_code !== 0) throw missingSource(input.src_path);
    const r = await transfer.copyBetweenProjects(
      backend,
      { src_project_id: input.src_project_id, src_path: input.src_path, target_project_id: input.target_project_id, target_path: input.target_path ?? input.src_path },
      { signal },
    );
    return { status: "done", copy_id: null, confirmed_by: "hash-verified", files_checked: r.files };
  }

  "copy.cancel": CoreHandlers["copy.cancel"] = async ({ request_id }) => {
    const ac = this.copies.get(request_id);
    ac?.abort();
    return { cancelled: !!ac };
  };

  "copy.status": CoreHandlers["copy.status"] = async ({ copy_id }) => (await this.backend()).backend.copyStatus(copy_id);
  "copy.list": CoreHandlers["copy.list"] = async (filter) => ({ copies: await (await this.backend()).backend.copyStatusList(filter) });
  "copy.delete": CoreHandlers["copy.delete"] = async ({ copy_id }) => {
    await (await this.backend()).backend.copyDelete(copy_id);
    return { ok: true as const };
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
