/** The pure rules of the cocalc.ai adapter: key prefixes, scope refusals, redirects and the retired server. */
import { describe, expect, it } from "vitest";
import { isAiKey } from "../../shared/api/ai.js";
import { classifyErrorText, keyScopeOf, serverError } from "../../electron/services/api/classify.js";
import { isRetiredCocalcCom, redirectError } from "../../electron/services/http/transport.js";

const PID = "0b0d1c4e-3c52-4b4e-9a3a-1d2f3e4a5b6c";

describe("isAiKey (facts §1.1)", () => {
  it.each([
    ["sk-cc-v2.AAAAAAAAAAAAAAAA.BBBB", true],
    ["sk-cocalc-v2.AAAAAAAAAAAAAAAA.BBBB", true],
    ["sk-oldintegerid000001", false],
    ["sk_legacy-account-key", false],
    ["sk-cc-v3.x.y", false],
  ])("%s → %s", (key, want) => expect(isAiKey(key)).toBe(want));
});

describe("keyScopeOf", () => {
  it.each([
    [`API key lacks required capability 'project:exec' for project ${PID}`, { capability: "project:exec", project_id: PID }],
    ["API key lacks required capability 'project:list'", { capability: "project:list" }],
    ["API key lacks required capability 'project:write' for project undefined", { capability: "project:write" }],
    ["user must be a collaborator on project", undefined],
  ])("%s", (text, want) => expect(keyScopeOf(text)).toEqual(want));

  it("makes a permission error that names the capability and the project", () => {
    const e = serverError("running a command", `API key lacks required capability 'project:exec' for project ${PID}`);
    expect(e).toMatchObject({ kind: "permission", capability: "project:exec", project_id: PID });
    expect(e.message).toBe(`This API key may not be used for running a command: it lacks the capability 'project:exec' for the project ${PID}.`);
    expect(e.hint).toMatch(/Settings → SSH & API keys/);
  });
});

describe("classifyErrorText, cocalc.ai's texts (facts §1.6)", () => {
  it.each([
    ["must sign in with an account API key", "auth"],
    ["Must be signed in.", "auth"],
    ["Must be signed in to update project.", "auth"],
    ["must be signed in with a valid account API key", "auth"],
    ["API keys are not allowed to call hub RPC 'system.deleteAccount'", "not-available"],
    ["API keys are not allowed to use user-query", "not-available"],
    ["API keys are not allowed to access browser file activity", "not-available"],
    ["API keys cannot manage account API keys", "not-available"],
    ["legacy HTTP API key mutations are disabled", "not-available"],
    ["API key project capability check requires project_id", "invalid-params"],
    ["The `account_id` field cannot be specified by API keys.", "invalid-params"],
    ["API keys may only list projects for their own account", "permission"],
    ["user must be a collaborator on project", "permission"],
    ["user must be a collaborator on the project", "permission"],
    [`project ${PID} has no assigned host`, "server"],
  ] as const)("%s → %s", (text, kind) => expect(classifyErrorText(text).kind).toBe(kind));
});

describe("redirects and the retired server", () => {
  it.each([
    ["https://cocalc.com", true],
    ["https://www.cocalc.com/x", true],
    ["https://cocalc.ai", false],
    ["https://notcocalc.com", false],
  ])("%s retired: %s", (url, want) => expect(isRetiredCocalcCom(url)).toBe(want));

  it("a redirect to cocalc.ai is the one retired-server message", () => {
    expect(redirectError("https://old.example/api/v1/ping", 301, "https://cocalc.ai/api/v1/ping").message).toBe("cocalc.com was retired in July 2026; create an account and a key at https://cocalc.ai");
  });

  it("another origin is named; the same origin gives the full address", () => {
    expect(redirectError("https://a.example/api/v1/ping", 302, "https://b.example/x").message).toMatch(/^https:\/\/a\.example redirects the app to https:\/\/b\.example \(HTTP 302\); the request was not followed, so the API key stayed here\.$/);
    expect(redirectError("https://a.example/api/v1/ping", 308, "/base/api/v1/ping").message).toMatch(/redirects the app to https:\/\/a\.example\/base\/api\/v1\/ping/);
    expect(redirectError("https://a.example/x", 302, undefined)).toMatchObject({ kind: "moved", status: 302 });
  });
});
