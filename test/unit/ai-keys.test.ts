/** cocalc.ai's key format and scope rules (hub/ai/keys.ts), as tables. */
import { describe, expect, it } from "vitest";
import { newAiKey, normalizeScope, parseAiKey, requireCapability, requireProjectCapability, truncKey, type AiPrincipal } from "../../hub/ai/keys.js";

const P = "7fd43b6b-1be4-41eb-a6c0-332af4a514fb";
const Q = "11111111-2222-4333-8444-555555555555";

describe("parseAiKey", () => {
  it.each([
    ["sk-cc-v2.AAAAAAAAAAAAAAAA.secret_-x", { key_id: "AAAAAAAAAAAAAAAA", secret: "secret_-x" }],
    ["sk-cocalc-v2.id.sec", { key_id: "id", secret: "sec" }],
    ["sk_legacy-account-key", undefined],
    ["sk-oldintegerid000001", undefined],
    ["sk-cc-v2.a.b.c", undefined],
    ["sk-cc-v3.a.b", undefined],
    ["sk-cc-v2..b", undefined],
    ["sk-cc-v2.a+b.c", undefined],
    ["", undefined],
  ])("%j → %j", (key, want) => expect(parseAiKey(key)).toEqual(want));

  it("new keys parse, have 16 + 43 base64url characters, and are all different", () => {
    const a = newAiKey();
    expect(parseAiKey(a.key)).toEqual({ key_id: a.key_id, secret: a.secret });
    expect(a.key_id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newAiKey().key).not.toBe(a.key);
  });

  it("the display form is the first 5 and last 8 characters", () => {
    expect(truncKey("sk-cc-v2.AAAAAAAAAAAAAAAA.0123456789abcdefXXXXXXXX")).toBe("sk-cc...XXXXXXXX");
  });
});

describe("normalizeScope", () => {
  it.each([
    [[], [], "API keys must have at least one explicit capability"],
    [["account:read", "sudo"], [], "invalid API key capability 'sudo'"],
    [["project:exec"], ["x"], "invalid allowed project id 'x'"],
    [["project:read"], [], "API keys with project, file, Codex, or exec capabilities must include at least one allowed project id"],
    [["codex:run"], [], "API keys with project, file, Codex, or exec capabilities must include at least one allowed project id"],
  ])("%j over %j is refused: %s", (caps, ids, text) => expect(() => normalizeScope(caps, ids)).toThrow(text));

  it("trims and drops duplicates", () => {
    expect(normalizeScope([" project:list", "project:list", "file:read"], [P, ` ${P} `])).toEqual({ capabilities: ["project:list", "file:read"], allowed_project_ids: [P] });
  });
});

describe("scope checks", () => {
  const p: AiPrincipal = { account_id: "a", key_id: "k", capabilities: ["project:exec", "account:read"], allowed_project_ids: [P] };
  it.each([
    ["project:exec", P, undefined],
    ["project:exec", Q, `API key lacks required capability 'project:exec' for project ${Q}`],
    ["project:write", P, `API key lacks required capability 'project:write' for project ${P}`],
    ["project:exec", undefined, "API key lacks required capability 'project:exec' for project undefined"],
  ] as const)("%s on %s", (cap, pid, text) => {
    if (text === undefined) expect(() => requireProjectCapability(p, cap, pid)).not.toThrow();
    else expect(() => requireProjectCapability(p, cap, pid)).toThrow(text);
  });

  it("account capabilities", () => {
    expect(() => requireCapability(p, "account:read")).not.toThrow();
    expect(() => requireCapability(p, "project:list")).toThrow("API key lacks required capability 'project:list'");
  });
});
