/**
 * Where API keys live: the OS keychain through keytar; where that cannot
 * work, Electron's safeStorage with an encrypted file (never its basic_text
 * backend, a fixed password, unless the person opts in); otherwise only in
 * memory for this run, and the UI says so. Never a key on disk in plain text.
 */
import { readFile } from "node:fs/promises";
import { writeAtomic } from "../store/write-atomic.js";

export const SECRET_SERVICE = "CoCalc Desktop";

export interface SecretStoreInfo {
  kind: "keychain" | "encrypted-file" | "memory";
  persistent: boolean;
  /** what the person should know, e.g. why keys are not kept */
  warning: string | null;
}

export interface SecretStore {
  readonly info: SecretStoreInfo;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  list(): Promise<string[]>;
}

/** The part of keytar this app uses (keytar is archived upstream; keep it replaceable). */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
}

/** The part of Electron's safeStorage this app uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: "basic_text" means a fixed password, i.e. no protection */
  getSelectedStorageBackend?(): string;
}

export class KeytarStore implements SecretStore {
  readonly info: SecretStoreInfo = { kind: "keychain", persistent: true, warning: null };
  constructor(
    private readonly keytar: KeytarLike,
    private readonly service = SECRET_SERVICE,
  ) {}
  get(account: string) {
    return this.keytar.getPassword(this.service, account);
  }
  set(account: string, secret: string) {
    return this.keytar.setPassword(this.service, account, secret);
  }
  delete(account: string) {
    return this.keytar.deletePassword(this.service, account);
  }
  async list() {
    return (await this.keytar.findCredentials(this.service)).map((c) => c.account);
  }
}

export class MemoryStore implements SecretStore {
  private readonly m = new Map<string, string>();
  constructor(readonly info: SecretStoreInfo = { kind: "memory", persistent: false, warning: null }) {}
  async get(account: string) {
    return this.m.get(account) ?? null;
  }
  async set(account: string, secret: string) {
    this.m.set(account, secret);
  }
  async delete(account: string) {
    return this.m.delete(account);
  }
  async list() {
    return [...this.m.keys()];
  }
}

/** Keys encrypted by safeStorage, kept as base64 ciphertext in one JSON file (mode 0600). */
export class SafeStorageStore implements SecretStore {
  readonly info: SecretStoreInfo;
  constructor(
    private readonly safe: SafeStorageLike,
    private readonly file: string,
    basicText = false,
  ) {
    this.info = {
      kind: "encrypted-file",
      persistent: true,
      warning: basicText ? "Keys are encrypted with a fixed password (no keyring on this system), as you chose." : null,
    };
  }
  private async read(): Promise<Record<string, string>> {
    try {
      const data = JSON.parse(await readFile(this.file, "utf8")) as unknown;
      return typeof data === "object" && data !== null ? (data as Record<string, string>) : {};
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw e;
    }
  }
  async get(account: string) {
    const enc = (await this.read())[account];
    return enc === undefined ? null : this.safe.decryptString(Buffer.from(enc, "base64"));
  }
  async set(account: string, secret: string) {
    const all = await this.read();
    all[account] = this.safe.encryptString(secret).toString("base64");
    await writeAtomic(this.file, JSON.stringify(all), 0o600);
  }
  async delete(account: string) {
    const all = await this.read();
    if (!(account in all)) return false;
    delete all[account];
    await writeAtomic(this.file, JSON.stringify(all), 0o600);
    return true;
  }
  async list() {
    return Object.keys(await this.read());
  }
}

export interface ChooseOptions {
  /** loads keytar; rejects where the native module cannot load */
  loadKeytar: () => Promise<KeytarLike>;
  /** Electron's safeStorage, where the app runs in Electron */
  safeStorage?: SafeStorageLike;
  /** the encrypted-file store's path */
  encryptedFile: string;
  /** the person's explicit choice to accept safeStorage's basic_text backend */
  allowBasicText?: boolean;
  /** how long the keychain may take to answer the probe, ms */
  probeTimeoutMs?: number;
}

/** The best store that works here, probed for real, with the reason when it is not the keychain. */
export async function chooseSecretStore(o: ChooseOptions): Promise<SecretStore> {
  let why: string;
  try {
    const keytar = await o.loadKeytar();
    await withTimeout(keytar.findCredentials(SECRET_SERVICE), o.probeTimeoutMs ?? 5000);
    return new KeytarStore(keytar);
  } catch (e) {
    why = e instanceof Error ? e.message : String(e);
  }
  const s = o.safeStorage;
  if (s?.isEncryptionAvailable()) {
    const backend = s.getSelectedStorageBackend?.() ?? "os";
    if (backend !== "basic_text") return new SafeStorageStore(s, o.encryptedFile);
    if (o.allowBasicText) return new SafeStorageStore(s, o.encryptedFile, true);
  }
  return new MemoryStore({
    kind: "memory",
    persistent: false,
    warning: `No keychain answers here (${why}), so API keys are kept for this run only. Install and unlock a Secret Service (e.g. gnome-keyring) to keep them.`,
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}
