/**
 * How cocalc.ai reads a key from a request (facts §1.5): `Bearer <key>` or
 * `Basic base64(<key>:)`, case-sensitive scheme names, anything else refused
 * by name. Cookies are never looked at.
 */
import type { Request } from "express";
import type { Hub } from "../context.js";
import type { Store } from "../store.js";
import { AiKeyStore } from "./key-store.js";
import type { AiPrincipal } from "./keys.js";

const stores = new WeakMap<Store, AiKeyStore>();

/** The scoped-key store of a hub's database (one per store, so lookups are counted in one place). */
export function aiKeys(store: Store): AiKeyStore {
  let s = stores.get(store);
  if (!s) {
    s = new AiKeyStore(store.db);
    stores.set(store, s);
  }
  return s;
}

/** A failure to read a key at all: the text is the server's. */
export class KeyHeaderError extends Error {}

/** The key in the Authorization header; throws the server's texts for a missing header or an unknown scheme. */
export function apiKeyOf(req: Request): string {
  const h = req.headers.authorization;
  if (h === undefined) throw new KeyHeaderError("You must provide authentication via an API key.");
  const [type = "", value = ""] = h.split(/\s+/).filter(Boolean);
  if (type === "Bearer") return value;
  if (type === "Basic") return Buffer.from(value, "base64").toString().split(":")[0] ?? "";
  throw new KeyHeaderError(`Unknown authorization type '${type}'`);
}

/** The principal of the request's key; throws KeyHeaderError for a header that holds no key, undefined for a key that is not valid. */
export function principalOf(hub: Hub, req: Request): AiPrincipal | undefined {
  return aiKeys(hub.store).authenticate(apiKeyOf(req));
}

/** As the generic /api/v2 routes resolve the caller: any failure is just "nobody". */
export function accountIdOf(hub: Hub, req: Request): string | undefined {
  try {
    return principalOf(hub, req)?.account_id;
  } catch {
    return undefined;
  }
}
