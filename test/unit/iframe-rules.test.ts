import { describe, expect, it } from "vitest";
import { iframeOriginAllowed, readIframeRequest } from "../../hub/kiosk/iframe-rules.js";

const strict = { loopback: false, origins: [] };
const lax = { loopback: true, origins: ["app://cocalc-desktop"] };

describe("iframeOriginAllowed: the real server's iframe_comm_hosts rules", () => {
  it.each([
    ["https://example.com", "example.com", true],
    ["https://www.example.com", "example.com", false],
    ["https://evil-example.com", "example.com", false],
    ["https://a.example.com", ".example.com", true],
    ["https://example.com", ".example.com", true],
    ["https://evilexample.com", ".example.com", false],
    ["http://example.com", "example.com", false],
    ["http://a.example.com", ".example.com", false],
    ["https://example.com:8443", "example.com", false],
    // Uppercase breaks the tokens as on the real server: "EXAMPLE.com" leaves ".com", which allows all of .com.
    ["https://anything.com", "EXAMPLE.com", true],
    ["https://anything.org", "EXAMPLE.com", false],
    ["https://b.org", "a.org, b.org", true],
    ["https://b.org", "", false],
    ["null", "example.com", false],
    ["", "example.com", false],
    ["http://127.0.0.1:3000", "", false],
    ["app://cocalc-desktop", "", false],
  ])("strict: %s with %j → %s", (origin, hosts, want) => expect(iframeOriginAllowed(origin, hosts, strict)).toBe(want));

  it.each([
    ["http://127.0.0.1:3000", true],
    ["http://localhost:5173", true],
    ["http://[::1]:80", true],
    ["http://127.1.2.3", true],
    ["app://cocalc-desktop", true],
    ["http://127.0.0.1.evil.com", false],
    ["http://localhost.evil.com:80", false],
    ["http://example.com", false],
    ["app://other", false],
  ])("default: %s → %s", (origin, want) => expect(iframeOriginAllowed(origin, "", lax)).toBe(want));
});

describe("readIframeRequest", () => {
  const pid = "0eea4501-9d44-4973-a871-9a4ddf6f6c9f";
  it.each([
    [undefined, { kind: "reply", reply: { status: "error", mesg: 'There is no payload "data"' } }],
    [42, { kind: "reply", reply: { status: "error", mesg: 'The payload "data" must be an object' } }],
    [[1], { kind: "reply", reply: { status: "error", mesg: 'The payload "data" must be an object' } }],
    [{}, { kind: "reply", reply: { status: "error", mesg: "Unknown action 'undefined'" } }],
    [{ action: "open", project_id: pid, path: "a.ipynb" }, { kind: "open", project_id: pid, path: "a.ipynb" }],
    [{ action: "open", project_id: "no", path: "a" }, { kind: "reply", reply: { status: "error", mesg: "invalid project_id='no'" } }],
    [{ action: "open", project_id: pid }, { kind: "reply", reply: { status: "error", mesg: "invalid path, it must be a string" } }],
    [{ action: "status" }, { kind: "status" }],
    [{ action: "closeall" }, { kind: "closeall" }],
  ])("%j", (data, want) => expect(readIframeRequest(data)).toEqual(want));
});
