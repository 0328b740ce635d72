import { describe, expect, it } from "vitest";
import { proxyUrlFromPac } from "../../electron/services/http/proxy.js";
import { backoffDelay } from "../../electron/services/api/retry.js";
import { classifyErrorText, textOfBody } from "../../electron/services/api/classify.js";
import { encodeBody } from "../../electron/services/api/v1-client.js";
import { judgeByteList, looksLikeByteList, parseSha256sumZ, sha256Hex } from "../../electron/services/backend/file-content.js";
import { durabilityMode } from "../../electron/services/transfer/local-fs.js";
import { isGetQuery } from "../../shared/api/common.js";
import { ApiError } from "../../shared/errors.js";

describe("proxyUrlFromPac", () => {
  it.each([
    ["DIRECT", null],
    ["PROXY proxy.corp:3128", "http://proxy.corp:3128"],
    ["PROXY a:1; DIRECT", "http://a:1"],
    ["HTTPS secure.corp:443", "https://secure.corp:443"],
    ["SOCKS5 s:1080; PROXY p:8080", "http://p:8080"],
    ["SOCKS5 s:1080", null],
    ["", null],
    ["  proxy  h:9 ", "http://h:9"],
  ])("%j → %j", (pac, want) => expect(proxyUrlFromPac(pac)).toBe(want));
});

describe("backoffDelay", () => {
  const p = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  it.each([
    [1, 0, 50],
    [1, 1, 100],
    [2, 1, 200],
    [3, 0.5, 300],
    [10, 1, 1000],
  ])("attempt %i with random %f waits %i ms", (attempt, r, want) => expect(backoffDelay(p, attempt, () => r)).toBe(want));
});

describe("classifyErrorText", () => {
  it.each([
    ["timeout", "project-starting"],
    ["Error: timeout while waiting", "server"],
    ["You must provide authentication via an API key.", "auth"],
    ["must be signed in and MUST provide an api key (cookies are not allowed)", "auth"],
    ["user must be signed in", "auth"],
    ["Error: unknown function 'system.nonexistent'", "not-available"],
    ["Error: Jupyter API is not enabled on this server.", "not-available"],
    ["user must be a collaborator on the project", "permission"],
    ["ACCESS BLOCKED -- No read access to source project -- x", "permission"],
    ["Error: banned -- please wait at least #{BAN_TIME_MS/1000}s before trying again", "rate-limited"],
    ["Error: ENOENT: no such file or directory", "not-found"],
  ])("%s → %s", (text, kind) => expect(classifyErrorText(text).kind).toBe(kind));
});

describe("textOfBody", () => {
  it("takes <pre> of Express pages, <title> of others, plain text as it is", () => {
    expect(textOfBody({ status: 400, contentType: "text/html", text: "<html><body><pre>Bad Request</pre></body></html>" })).toBe("Bad Request");
    expect(textOfBody({ status: 404, contentType: "text/html", text: "<!DOCTYPE html><title>404 Page Not Found</title><p>x</p>" })).toBe("404 Page Not Found");
    expect(textOfBody({ status: 413, contentType: "", text: "Body exceeded 1mb limit" })).toBe("Body exceeded 1mb limit");
    expect(textOfBody({ status: 502, contentType: "text/html", text: "<html><body>nothing</body></html>" })).toBe("");
  });
});

describe("byte lists", () => {
  it.each([
    ["104,101,108,108,111,10", true],
    ["88", true],
    ["0", true],
    ["255,0", true],
    ["256", false],
    ["1,,2", false],
    ["1, 2", false],
    ["", false],
    ["01", false],
    ["hello", false],
  ])("%j looks like a byte list: %s", (s, want) => expect(looksLikeByteList(s)).toBe(want));

  it("judges by the server's hash: decoded bytes, literal text, neither", () => {
    expect(judgeByteList("104,105", sha256Hex("hi"))).toEqual({ kind: "text", content: "hi" });
    expect(judgeByteList("1,2", sha256Hex("1,2"))).toEqual({ kind: "text", content: "1,2" });
    expect(judgeByteList("1,2", sha256Hex("other"))).toEqual({ kind: "mismatch" });
    expect(judgeByteList("66,90,104,57", undefined)).toEqual({ kind: "folder" });
    expect(judgeByteList("255,254", sha256Hex(Buffer.from([255, 254])))).toEqual({ kind: "binary" });
  });

  it("parses sha256sum -z output, names with spaces and newlines intact", () => {
    const h = "a".repeat(64);
    const m = parseSha256sumZ(`${h}  plain.txt\0${h} *with space\nand newline\0`);
    expect([...m.keys()]).toEqual(["plain.txt", "with space\nand newline"]);
  });
});

describe("isGetQuery", () => {
  it.each([
    [{ projects: { project_id: "x", title: null } }, true],
    [{ projects_all: [{ project_id: null }] }, true],
    [{ projects: { project_id: "x", title: "t" } }, false],
    [{ accounts: { editor_settings: { theme: "dark" } } }, false],
  ])("%j → %s", (q, want) => expect(isGetQuery(q)).toBe(want));
});

describe("encodeBody", () => {
  it("is JSON under 100 KB and for everything that is not a write", () => {
    expect(encodeBody("write_text_file_to_project", { path: "a", content: "x" }).contentType).toBe("application/json");
    expect(encodeBody("project_exec", { command: "x".repeat(200_000) }).contentType).toBe("application/json");
  });
  it("form-encodes a large write and refuses one over 1 MB", () => {
    expect(encodeBody("write_text_file_to_project", { path: "a", content: "x".repeat(200_000) }).contentType).toBe(
      "application/x-www-form-urlencoded",
    );
    expect(() => encodeBody("write_text_file_to_project", { path: "a", content: "x".repeat(1_100_000) })).toThrow(ApiError);
  });
});

describe("durabilityMode: one barrier per batch only where syncfs is known to reach the disk", () => {
  const SYNC = "/usr/bin/sync";
  it.each([
    ["linux", 0xef53, SYNC, "barrier"], // ext4
    ["linux", 0x58465342, SYNC, "barrier"], // xfs
    ["linux", 0x9123683e, SYNC, "barrier"], // btrfs
    ["linux", 0x794c7630, SYNC, "barrier"], // overlayfs (containers)
    ["linux", 0x01021994, SYNC, "barrier"], // tmpfs
    ["linux", 0x6969, SYNC, "per-file"], // NFS
    ["linux", 0xfe534d42, SYNC, "per-file"], // SMB2
    ["linux", 0x65735546, SYNC, "per-file"], // FUSE
    ["linux", null, SYNC, "per-file"], // statfs failed
    ["linux", 0xef53, null, "per-file"], // no sync command
    ["darwin", 0x1a, SYNC, "per-file"],
    ["win32", null, null, "per-file"],
  ] as const)("%s, type %s, %s → %s", (platform, type, bin, want) => expect(durabilityMode(platform, type, bin)).toBe(want));
});
