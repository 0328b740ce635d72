/**
 * The SecretStore against the real gnome-keyring (the test command runs the
 * suite in a private D-Bus session with an unlocked keyring), and the paths
 * where no keychain answers.
 */
import { spawnSync } from "node:child_process";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import keytar from "keytar";
import { chooseSecretStore, KeytarStore, SafeStorageStore, type SafeStorageLike } from "../../electron/services/secrets/secret-store.js";

const KEYRING = process.env.COCALC_TEST_KEYRING;
const ROOT = join(import.meta.dirname, "..", "..");

// Outside the test command (a bare `vitest run`) there may be no session bus; the test command always provides one.
describe.runIf(KEYRING !== undefined)("KeytarStore on the real gnome-keyring", () => {
  it("the keyring is there", () => expect(KEYRING, "dbus-run-session or gnome-keyring-daemon is missing: run scripts/setup-debian.sh").toBe("1"));

  it("set, get, list and delete", async () => {
    const store = new KeytarStore(keytar, `CoCalc Desktop test ${process.pid}`);
    const key = `sk_${randomBytes(12).toString("hex")}`;
    await store.set("profile-a", key);
    await store.set("profile-b", "sk_second_key_0000000");
    expect(await store.get("profile-a")).toBe(key);
    expect((await store.list()).sort()).toEqual(["profile-a", "profile-b"]);
    await store.set("profile-a", `${key}x`);
    expect(await store.get("profile-a")).toBe(`${key}x`);
    expect(await store.delete("profile-a")).toBe(true);
    expect(await store.delete("profile-a")).toBe(false);
    expect(await store.get("profile-a")).toBeNull();
    expect(await store.list()).toEqual(["profile-b"]);
    await store.delete("profile-b");
  });

  it("is what the app chooses where a keychain answers", async () => {
    const store = await chooseSecretStore({ loadKeytar: async () => keytar, encryptedFile: join(tmpdir(), "unused.json") });
    expect(store.info).toEqual({ kind: "keychain", persistent: true, warning: null });
  });
});

/** A stand-in for Electron's safeStorage (the electron module is the one thing tests may stand in for): real AES. */
function standInSafeStorage(backend: string): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain) => {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString: (buf) => {
      const d = createDecipheriv("aes-256-gcm", key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString("utf8");
    },
  };
}

describe("where no keychain answers", () => {
  it("real keytar without a session bus fails, and the app keeps keys for this run only, saying why", () => {
    // A child process with no D-Bus and no display: keytar cannot reach any Secret Service.
    const script = `
      import { chooseSecretStore } from "./electron/services/secrets/secret-store.ts";
      import keytar from "keytar";
      const s = await chooseSecretStore({ loadKeytar: async () => keytar, encryptedFile: "/nonexistent/x.json", probeTimeoutMs: 5000 });
      await s.set("p", "sk_memoryonly0000000");
      console.log(JSON.stringify({ info: s.info, back: await s.get("p") }));`;
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), "nobus-"));
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, env, encoding: "utf8", timeout: 30_000 });
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { info: { kind: string; persistent: boolean; warning: string }; back: string };
    expect(out.info.kind).toBe("memory");
    expect(out.info.persistent).toBe(false);
    expect(out.info.warning).toMatch(/^No keychain answers here \(.+\), so API keys are kept for this run only\./);
    expect(out.back).toBe("sk_memoryonly0000000");
  });

  const failingKeytar = async () => {
    throw new Error("Cannot autolaunch D-Bus without X11 $DISPLAY");
  };

  it("falls back to safeStorage with an encrypted file, never plain text", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "safe-")), "keys.enc.json");
    const store = await chooseSecretStore({ loadKeytar: failingKeytar, safeStorage: standInSafeStorage("gnome_libsecret"), encryptedFile: file });
    expect(store.info.kind).toBe("encrypted-file");
    await store.set("profile-x", "sk_plaintextmustnotappear");
    expect(readFileSync(file, "utf8")).not.toContain("sk_plaintextmustnotappear");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await store.get("profile-x")).toBe("sk_plaintextmustnotappear");
    expect(await store.list()).toEqual(["profile-x"]);
    expect(await store.delete("profile-x")).toBe(true);
    expect(await store.get("profile-x")).toBeNull();
  });

  it("refuses safeStorage's basic_text backend unless the person opts in", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "safe-")), "keys.enc.json");
    const refused = await chooseSecretStore({ loadKeytar: failingKeytar, safeStorage: standInSafeStorage("basic_text"), encryptedFile: file });
    expect(refused.info.kind).toBe("memory");
    const optedIn = await chooseSecretStore({ loadKeytar: failingKeytar, safeStorage: standInSafeStorage("basic_text"), encryptedFile: file, allowBasicText: true });
    expect(optedIn.info).toMatchObject({ kind: "encrypted-file", warning: expect.stringMatching(/fixed password/) });
  });

  it("a SafeStorageStore reads what another instance wrote (the file is the store)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "safe-")), "keys.enc.json");
    const safe = standInSafeStorage("keychain");
    await new SafeStorageStore(safe, file).set("a", "sk_persisted00000000");
    expect(await new SafeStorageStore(safe, file).get("a")).toBe("sk_persisted00000000");
  });
});
