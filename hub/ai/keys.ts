/**
 * cocalc.ai's scoped account keys (facts §1): the key format, the
 * capabilities and the scope rules, as plain functions. Storage is in
 * key-store.ts; the HTTP side in auth.ts.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { isUuid } from "../context.js";

export const AI_CAPABILITIES = [
  "account:read",
  "project:create",
  "project:list",
  "project:read",
  "project:write",
  "file:read",
  "file:write",
  "project:exec",
  "codex:run",
] as const;
export const AiCapability = z.enum(AI_CAPABILITIES);
export type AiCapability = z.infer<typeof AiCapability>;

/** Capabilities that act on a project, so need at least one allowed project id. */
const PROJECT_SCOPED = new Set<AiCapability>(["project:read", "project:write", "file:read", "file:write", "project:exec", "codex:run"]);

export const KEY_PREFIX = "sk-cc-v2";
const LEGACY_PREFIX = "sk-cocalc-v2";
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Who a valid key speaks for and what it may do. */
export interface AiPrincipal {
  account_id: string;
  key_id: string;
  capabilities: AiCapability[];
  allowed_project_ids: string[];
}

/** A key's id and secret, or undefined for anything not shaped like a v2 key (classic `sk_…` keys included). */
export function parseAiKey(key: string): { key_id: string; secret: string } | undefined {
  const parts = key.split(".");
  if (parts.length !== 3) return undefined;
  const [prefix, key_id, secret] = parts as [string, string, string];
  if (prefix !== KEY_PREFIX && prefix !== LEGACY_PREFIX) return undefined;
  if (!key_id || !secret || !B64URL.test(key_id) || !B64URL.test(secret)) return undefined;
  return { key_id, secret };
}

/** 12 random bytes of id and 32 of secret, both base64url (16 and 43 characters). */
export function newAiKey(): { key: string; key_id: string; secret: string } {
  const key_id = randomBytes(12).toString("base64url");
  const secret = randomBytes(32).toString("base64url");
  return { key: `${KEY_PREFIX}.${key_id}.${secret}`, key_id, secret };
}

/** The display form: first 5 characters, "...", last 8. */
export const truncKey = (key: string) => `${key.slice(0, 5)}...${key.slice(-8)}`;

/** Validate a requested scope with the real server's texts; duplicates are dropped. */
export function normalizeScope(capabilities: unknown, allowed_project_ids: unknown): Pick<AiPrincipal, "capabilities" | "allowed_project_ids"> {
  const caps: AiCapability[] = [];
  for (const c of Array.isArray(capabilities) ? capabilities : []) {
    const v = `${c ?? ""}`.trim();
    const parsed = AiCapability.safeParse(v);
    if (!parsed.success) throw new Error(`invalid API key capability '${v}'`);
    if (!caps.includes(parsed.data)) caps.push(parsed.data);
  }
  if (caps.length === 0) throw new Error("API keys must have at least one explicit capability");
  const ids: string[] = [];
  for (const p of Array.isArray(allowed_project_ids) ? allowed_project_ids : []) {
    const v = `${p ?? ""}`.trim();
    if (!isUuid(v)) throw new Error(`invalid allowed project id '${v}'`);
    if (!ids.includes(v)) ids.push(v);
  }
  if (ids.length === 0 && caps.some((c) => PROJECT_SCOPED.has(c))) {
    throw new Error("API keys with project, file, Codex, or exec capabilities must include at least one allowed project id");
  }
  return { capabilities: caps, allowed_project_ids: ids };
}

/** A refusal of the key's scope; the text is what the client reads. */
export class ScopeError extends Error {}

export function requireCapability(p: AiPrincipal, cap: AiCapability): void {
  if (!p.capabilities.includes(cap)) throw new ScopeError(`API key lacks required capability '${cap}'`);
}

/** Both the capability and the project in the key's list; a missing id reads "for project undefined", as on the server. */
export function requireProjectCapability(p: AiPrincipal, cap: AiCapability, project_id: unknown): void {
  if (!p.capabilities.includes(cap) || typeof project_id !== "string" || !p.allowed_project_ids.includes(project_id)) {
    throw new ScopeError(`API key lacks required capability '${cap}' for project ${String(project_id)}`);
  }
}
