/** The kiosk view's decisions, table-tested: mode, fallback, renewal, sign-in detection, bans, launch flags, the change check. */
import { describe, expect, it } from "vitest";
import { afterProbe, banSeconds, chooseMode, modeOptions, needsPassword, nextCheckMs, presentKey, scrollAmount, secondsLeft, shouldRenew, signInFromProbe, type ModeFacts } from "../../shared/kiosk/decisions.js";
import { matchReply, type KioskReply, type WireRequest } from "../../shared/kiosk/protocol.js";
import { parseLaunchArgs } from "../../electron/services/kiosk/launch-args.js";
import { fileStampCommand, parseFileStamp } from "../../electron/services/kiosk/file-stamp.js";
import { embeddingOriginOf } from "../../electron/services/kiosk/kiosk-service.js";
import { kioskUrl } from "../../electron/services/kiosk/navigation.js";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const P = "0eea4501-9d44-4973-a871-9a4ddf6f6c9f";
const f = (generation: string | null, signIn: ModeFacts["signIn"], embeddingOrigin: string | null = null): ModeFacts => ({ generation, signIn, embeddingOrigin });

describe("which mode a server gets", () => {
  it.each([
    // a v1 server since 2024-10: its kiosk page works top-level after /auth/impersonate (facts §9)
    [f("v1", "impersonate"), undefined, "navigation"],
    [f("v1", "url"), undefined, "navigation"],
    // an admin listed an https embedding origin: the frame can be driven
    [f("v1", "impersonate", "https://kiosk.example.org"), undefined, "protocol"],
    // current servers: the kiosk page stayed blank even signed in
    [f("current", "impersonate"), undefined, "viewer"],
    [f("current", "impersonate"), "navigation", "viewer"],
    [f("current", "impersonate"), "protocol", "viewer"],
    // cocalc.ai: no token can be had with an API key
    [f("ai", "none"), undefined, "viewer"],
    [f("ai", "none"), "navigation", "viewer"],
    // the person's choice where it can work
    [f("v1", "impersonate"), "protocol", "protocol"],
    [f("v1", "impersonate"), "viewer", "viewer"],
    [f("v1", "impersonate", "https://kiosk.example.org"), "navigation", "navigation"],
    // the browser preview has no view of its own for the server's page
    [{ ...f("v1", "impersonate"), hasView: false }, undefined, "viewer"],
    [{ ...f("v1", "impersonate"), hasView: false }, "navigation", "viewer"],
    [{ ...f("v1", "impersonate"), hasView: false }, "protocol", "protocol"],
  ] as const)("%j wanting %s → %s", (facts, wanted, mode) => {
    expect(chooseMode(facts, wanted).mode).toBe(mode);
  });

  it("says why a wanted mode cannot work, and what is shown instead", () => {
    expect(chooseMode(f("current", "impersonate"), "navigation").why).toMatch(/stays blank even when signed in.*own viewer instead/);
    expect(chooseMode(f("ai", "none"), "protocol").why).toMatch(/no sign-in token/);
  });

  it("offers the viewer on every server", () => {
    for (const facts of [f("v1", "url"), f("current", "impersonate"), f("ai", "none"), f(null, "none")]) {
      expect(modeOptions(facts).find((o) => o.mode === "viewer")!.usable).toBe(true);
    }
  });
});

describe("when the protocol falls back", () => {
  it.each([
    [true, "protocol", null],
    [false, "viewer", /did not answer within a few seconds/],
  ] as const)("answered=%s → %s", (answered, mode, why) => {
    const d = afterProbe(answered);
    expect(d.mode).toBe(mode);
    if (why) expect(d.why).toMatch(why);
    else expect(d.why).toBeNull();
  });
});

describe("when a token is renewed", () => {
  const H = 3600_000;
  it.each([
    [null, 0, true],
    [{ issuedAt: 0, lifetimeMs: 12 * H }, 1 * H, false],
    [{ issuedAt: 0, lifetimeMs: 12 * H }, 11.5 * H, false],
    [{ issuedAt: 0, lifetimeMs: 12 * H }, 11.9 * H, true],
    [{ issuedAt: 0, lifetimeMs: 12 * H }, 13 * H, true],
    // short lifetimes renew at half their life at the latest
    [{ issuedAt: 0, lifetimeMs: 1000 }, 400, false],
    [{ issuedAt: 0, lifetimeMs: 1000 }, 500, true],
  ] as const)("%j at %d → %s", (token, now, want) => {
    expect(shouldRenew(token, now)).toBe(want);
  });
});

describe("how a server signs a view in", () => {
  it.each([
    [200, "ERROR: impersonate error -- unknown or expired token: ''", "impersonate"],
    [404, "<!DOCTYPE html><pre>Cannot GET /auth/impersonate</pre>", "url"],
    [502, "Bad gateway", null],
    [200, "<html>something else</html>", null],
  ] as const)("%d %s → %s", (status, body, want) => {
    expect(signInFromProbe(status, body)).toBe(want);
  });

  it.each([
    [true, false],
    [false, true],
    [null, true],
  ] as const)("admin %j → needs a password: %s", (is_admin, want) => {
    expect(needsPassword(is_admin)).toBe(want);
  });
});

describe("a ban as a countdown", () => {
  it.each([
    ["banned -- please wait at least 60s before trying again", "v1", 60],
    ["Error: banned -- please wait at least #{BAN_TIME_MS/1000}s before trying again", "current", 30],
    ["banned -- please wait at least #{BAN_TIME_MS/1000}s before trying again", "v1", 60],
    ["incorrect password", "v1", null],
  ] as const)("%s (%s) → %s", (text, gen, want) => {
    expect(banSeconds(text, gen)).toBe(want);
  });
  it("counts whole seconds down to zero", () => {
    expect([secondsLeft(30_000, 0), secondsLeft(30_000, 29_001), secondsLeft(30_000, 30_000), secondsLeft(30_000, 40_000)]).toEqual([30, 1, 0, 0]);
  });
  it("checks the file quickly online and backs off while the server is away", () => {
    expect([0, 1, 2, 3, 10].map((n) => nextCheckMs(n))).toEqual([2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe("replies matched to the command in flight", () => {
  const open: WireRequest = { action: "open", project_id: P, path: "a b#c.ipynb" };
  const cases: [WireRequest, KioskReply, string][] = [
    [open, { status: "ack", action: "open", project_id: P, path: "a b#c.ipynb" }, "ack"],
    [open, { status: "done", action: "open", project_id: P, path: "a b#c.ipynb" }, "final"],
    [open, { status: "error", action: "open", project_id: P, path: "a b#c.ipynb", mesg: "x does not exist" }, "final"],
    [open, { status: "error", mesg: `problem opening project ${P}` }, "final"],
    // a late answer to an earlier open of another file
    [open, { status: "done", action: "open", project_id: P, path: "other.ipynb" }, "stray"],
    [open, { status: "done", connection: { quality: "good" }, open_files: {} }, "stray"],
    [{ action: "status" }, { status: "done", connection: { quality: "good" }, open_files: {} }, "final"],
    [{ action: "status" }, { status: "done", mesg: "all files are closed" }, "stray"],
    [{ action: "status" }, { status: "done", action: "open", project_id: P, path: "a" }, "stray"],
    [{ action: "closeall" }, { status: "done", mesg: "all files are closed" }, "final"],
    [{ action: "closeall" }, { status: "done", connection: { quality: "good" }, open_files: {} }, "stray"],
    [{ action: "closeall" }, { status: "error", mesg: "boom" }, "final"],
    [{ action: "nope" }, { status: "error", mesg: "Unknown action 'nope'" }, "final"],
    [{ action: "nope" }, { status: "done", mesg: "all files are closed" }, "stray"],
  ];
  it.each(cases)("%j gets %j → %s", (req, reply, want) => {
    expect(matchReply(req, reply)).toBe(want);
  });
});

describe("the command line", () => {
  it.each([
    [["/usr/bin/electron", "."], { kind: "normal" }],
    [["app", "--kiosk", "--profile", "Lab", "--project", P, "--path", "talks/a b.ipynb"], { kind: "kiosk", launch: { profile: "Lab", project_id: P, path: "talks/a b.ipynb" } }],
    // Chromium's own switches may be mixed in
    [["electron", ".", "--no-sandbox", "--kiosk", "--profile=Lab", `--project=${P}`, "--path=./x/../y.md", "--enable-logging"], { kind: "kiosk", launch: { profile: "Lab", project_id: P, path: "y.md" } }],
  ] as const)("%j → %j", (argv, want) => {
    expect(parseLaunchArgs(argv)).toEqual(want);
  });
  it.each([
    [["app", "--kiosk"], /--kiosk needs --profile, --project, --path/],
    [["app", "--kiosk", "--profile", "Lab", "--project", "nope", "--path", "a"], /--project must be a project id/],
    [["app", "--kiosk", "--profile", "Lab", "--project", P, "--path", "../../etc/passwd"], /--path: .*leads outside the project/],
    [["app", "--kiosk", "--profile", "Lab", "--project", P, "--path", "/etc/passwd"], /--path: .*absolute path/],
    [["app", "--profile", "Lab"], /go with --kiosk/],
  ] as const)("%j is refused: %s", (argv, message) => {
    const r = parseLaunchArgs(argv);
    expect(r.kind).toBe("error");
    expect((r as { message: string }).message).toMatch(message);
  });
});

describe("the own viewer's change check", () => {
  it("runs on a real file with a hostile name, and parses what it prints", () => {
    const dir = mkdtempSync(join(tmpdir(), "stamp-"));
    const name = `a b#ü$(touch x)'.ipynb`;
    writeFileSync(join(dir, name), "hello\n");
    const { command, args } = fileStampCommand(name);
    const run = (a: string[]) => ({ stdout: execFileSync(command, a, { cwd: dir, encoding: "utf8" }), stderr: "", exit_code: 0 });
    const s = parseFileStamp(run(args));
    expect(s).toMatchObject({ exists: true, size: 6, sha256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" });
    expect(parseFileStamp(run(fileStampCommand("gone.txt").args))).toEqual({ exists: false });
    expect(() => parseFileStamp({ stdout: "", stderr: "sh: stat: not found", exit_code: 127 })).toThrow(/could not be checked for changes: sh: stat: not found/);
  });
});

describe("URLs and origins", () => {
  it("encodes every path segment of a kiosk URL", () => {
    expect(kioskUrl("https://s.example.org/base/", P, "dir one/ü#2.ipynb")).toBe(`https://s.example.org/base/projects/${P}/files/dir%20one/%C3%BC%232.ipynb?fullscreen=kiosk&session=`);
  });
  it.each([
    ["https://kiosk.example.org", "https://kiosk.example.org"],
    ["https://kiosk.example.org/", "https://kiosk.example.org"],
    ["http://kiosk.example.org", null],
    ["https://kiosk.example.org/path", null],
    ["app://cocalc-desktop", null],
    ["not a url", null],
  ] as const)("embedding origin %s → %s", (s, want) => {
    expect(embeddingOriginOf(s)).toBe(want);
  });
});

describe("what a key does while presenting", () => {
  it.each([
    ["Escape", false, false, { kind: "leave" }],
    // Esc leaves even from a field: it is the one way out of full screen
    ["Escape", false, true, { kind: "leave" }],
    ["ArrowRight", false, false, { kind: "step", d: 1 }],
    ["ArrowLeft", false, false, { kind: "step", d: -1 }],
    ["PageDown", false, false, { kind: "scroll", by: "page", d: 1, orStep: true }],
    ["PageUp", false, false, { kind: "scroll", by: "page", d: -1, orStep: true }],
    [" ", false, false, { kind: "scroll", by: "page", d: 1, orStep: false }],
    [" ", true, false, { kind: "scroll", by: "page", d: -1, orStep: false }],
    ["ArrowDown", false, false, { kind: "scroll", by: "line", d: 1, orStep: false }],
    ["ArrowUp", false, false, { kind: "scroll", by: "line", d: -1, orStep: false }],
    ["Home", false, false, { kind: "edge", d: -1 }],
    ["End", false, false, { kind: "edge", d: 1 }],
    // typing in a field is the person's, not the presentation's
    [" ", false, true, null],
    ["ArrowRight", false, true, null],
    ["PageDown", false, true, null],
    ["a", false, false, null],
    ["Enter", false, false, null],
  ] as const)("%j (shift %s, in a field %s) → %j", (key, shift, inField, want) => {
    expect(presentKey(key, shift, inField)).toEqual(want);
  });

  it.each([
    ["line", 700, 40],
    // a page keeps one line of the last page in view
    ["page", 700, 660],
    // a view smaller than a line still moves
    ["page", 20, 40],
  ] as const)("a %s scroll in a %i px view moves %i px", (by, h, want) => {
    expect(scrollAmount(by, h)).toBe(want);
  });
});
