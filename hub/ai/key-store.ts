/**
 * Scoped keys in the hub's database: looked up by key id, only the secret's
 * hash stored, deleted on first use after expiry (so an expired key looks
 * exactly like a wrong one, as on cocalc.ai).
 */
import { timingSafeEqual } from "node:crypto";
import type { Db } from "../db.js";
import { hashKey } from "../store.js";
import { newAiKey, normalizeScope, parseAiKey, type AiCapability, type AiPrincipal } from "./keys.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ai_api_keys (
  key_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(account_id),
  secret_hash TEXT NOT NULL,
  capabilities TEXT NOT NULL,
  allowed_project_ids TEXT NOT NULL,
  expire INTEGER,
  created TEXT NOT NULL
);`;

export interface MintOptions {
  account_id: string;
  capabilities: readonly (AiCapability | string)[];
  allowed_project_ids?: readonly string[];
  /** when the key stops working, ms since the epoch */
  expire?: number;
}

export class AiKeyStore {
  /** database lookups made to authenticate keys (a malformed key must make none) */
  lookups = 0;

  constructor(private readonly db: Db) {
    db.run(SCHEMA);
  }

  /** A new key; the secret is returned this once and only its hash is kept. Throws the server's validation texts. */
  mint(o: MintOptions): string {
    const scope = normalizeScope(o.capabilities, o.allowed_project_ids ?? []);
    const { key, key_id, secret } = newAiKey();
    this.db.run(
      "INSERT INTO ai_api_keys (key_id, account_id, secret_hash, capabilities, allowed_project_ids, expire, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [key_id, o.account_id, hashKey(secret), JSON.stringify(scope.capabilities), JSON.stringify(scope.allowed_project_ids), o.expire ?? null, new Date().toISOString()],
    );
    return key;
  }

  /** The key's principal, or undefined for a malformed, unknown, wrong or expired key. */
  authenticate(key: string, now = Date.now()): AiPrincipal | undefined {
    const parsed = parseAiKey(key);
    if (!parsed) return undefined;
    this.lookups++;
    const row = this.db.get<{ account_id: string; secret_hash: string; capabilities: string; allowed_project_ids: string; expire: number | null }>(
      "SELECT account_id, secret_hash, capabilities, allowed_project_ids, expire FROM ai_api_keys WHERE key_id = ?",
      [parsed.key_id],
    );
    if (!row) return undefined;
    const want = Buffer.from(row.secret_hash, "hex");
    const got = Buffer.from(hashKey(parsed.secret), "hex");
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    if (row.expire !== null && row.expire <= now) {
      this.db.run("DELETE FROM ai_api_keys WHERE key_id = ?", [parsed.key_id]);
      return undefined;
    }
    return {
      account_id: row.account_id,
      key_id: parsed.key_id,
      capabilities: JSON.parse(row.capabilities) as AiCapability[],
      allowed_project_ids: JSON.parse(row.allowed_project_ids) as string[],
    };
  }

  /** Whether a key id is still stored (an expired key is gone after its first use). */
  has(key_id: string): boolean {
    return this.db.get("SELECT 1 AS x FROM ai_api_keys WHERE key_id = ?", [key_id]) !== undefined;
  }
}
