import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  canOpenExternally,
  contentSecurityPolicy,
  decideNavigation,
  isAppUrl,
  permissionAllowed,
  rendererFileFor,
} from "../../electron/security/policies.js";
import { apiKeyFromRedirect, signInUrl } from "../../electron/security/sign-in.js";

describe("decideNavigation", () => {
  it.each([
    ["app://cocalc-desktop/index.html", "allow"],
    ["app://cocalc-desktop/", "allow"],
    ["app://other/index.html", "deny"],
    ["https://cocalc.com/", "open-external"],
    ["http://example.org/x", "open-external"],
    ["mailto:help@example.org", "open-external"],
    ["file:///etc/passwd", "deny"],
    ["javascript:alert(1)", "deny"],
    ["data:text/html,hi", "deny"],
    ["smb://host/share", "deny"],
    ["not a url", "deny"],
    ["app://cocalc-desktop.evil.com/", "deny"],
  ])("%s → %s", (url, want) => expect(decideNavigation(url)).toBe(want));
});

describe("canOpenExternally", () => {
  it.each([
    ["https://a.b/c", true],
    ["http://a.b", true],
    ["mailto:x@y.z", true],
    ["https://", false],
    ["file:///x", false],
    ["vbscript:x", false],
    ["ms-msdt:/id", false],
  ])("%s → %s", (url, want) => expect(canOpenExternally(url)).toBe(want));
});

describe("permissionAllowed", () => {
  it.each([
    ["clipboard-sanitized-write", "app://cocalc-desktop/index.html", true],
    ["clipboard-sanitized-write", "https://cocalc.com/", false],
    ["media", "app://cocalc-desktop/index.html", false],
    ["geolocation", "app://cocalc-desktop/index.html", false],
    ["notifications", "https://cocalc.com/", false],
    ["openExternal", "app://cocalc-desktop/", false],
  ])("%s from %s → %s", (perm, url, want) => expect(permissionAllowed(perm, url)).toBe(want));
});

describe("contentSecurityPolicy", () => {
  it("allows frames only from the active server's origin", () => {
    expect(contentSecurityPolicy("https://cocalc.example.org")).toContain("frame-src https://cocalc.example.org;");
    expect(contentSecurityPolicy(null)).toContain("frame-src 'none'");
    // an origin that would smuggle another directive is refused
    expect(contentSecurityPolicy("https://a.b; script-src *")).toContain("frame-src 'none'");
  });
  it("has no unsafe script sources", () => {
    const csp = contentSecurityPolicy("https://x.y");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval/);
    // 'unsafe-inline' only for style attributes (KaTeX), never for scripts or <style> elements.
    expect(csp.split("; ").filter((d) => d.includes("unsafe-inline"))).toEqual(["style-src-attr 'unsafe-inline'"]);
    expect(csp).toContain("object-src 'none'");
  });
});

describe("rendererFileFor", () => {
  const root = "/app/out/renderer";
  it.each([
    ["app://cocalc-desktop/index.html", "/app/out/renderer/index.html"],
    ["app://cocalc-desktop/", "/app/out/renderer/index.html"],
    ["app://cocalc-desktop/assets/a.js", "/app/out/renderer/assets/a.js"],
    ["app://cocalc-desktop/../../etc/passwd", "/app/out/renderer/etc/passwd"], // the URL parser already resolved the dots
    ["app://cocalc-desktop/%2e%2e/%2e%2e/etc/passwd", "/app/out/renderer/etc/passwd"],
    ["app://cocalc-desktop/x/%252e%252e/y", "/app/out/renderer/x/%2e%2e/y"],
    ["app://cocalc-desktop/a%00b", null],
    ["app://cocalc-desktop/a%5c..%5cb", null],
  ])("%s → %s", (url, want) => {
    const got = rendererFileFor(url, root, join);
    expect(got).toBe(want);
    if (got !== null) expect(got.startsWith(`${root}/`)).toBe(true);
  });
});

describe("sign-in redirect", () => {
  it.each([
    ["https://authenticated/?api_key=sk_abcdefQWERTY090900000000", "sk_abcdefQWERTY090900000000"],
    ["https://authenticated?api_key=sk-abc12345", "sk-abc12345"],
    ["http://authenticated/?api_key=sk_abcdefQWERTY090900000000", null],
    ["https://authenticated.evil.com/?api_key=sk_abcdefQWERTY090900000000", null],
    ["https://authenticated/?api_key=short", null],
    ["https://authenticated/?other=1", null],
    ["https://authenticated/?api_key=has%20space1234", null],
  ])("%s → %s", (url, want) => expect(apiKeyFromRedirect(url)).toBe(want));
  it("builds the docs' sign-in URL", () => expect(signInUrl("https://cocalc.com/")).toBe("https://cocalc.com/app?get_api_key=cocalc-desktop"));
  it("knows the app's own URLs", () => expect(isAppUrl("app://cocalc-desktop/x")).toBe(true));
});
