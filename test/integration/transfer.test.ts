/**
 * The transfer layer against the real local hub in each generation: bytes
 * arrive exactly (binary, non-UTF-8, empty, larger than one request body,
 * hostile names), a hash mismatch or a changed target puts nothing in place,
 * cancel leaves nothing half-written, progress adds up.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../electron/services/backend/backend.js";
import { countingBackend } from "../../electron/services/transfer/counting.js";
import { READ_SIZE } from "../../electron/services/transfer/read-size.js";
import { Transfer } from "../../electron/services/transfer/transfer.js";
import type { TransferProgress } from "../../shared/sync.js";
import { SYNC_HUB_MODES, startSyncHub, type SyncHub } from "../support/sync-hub.js";

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** Every file under `dir` (relative path → sha256), temp files included so a leftover shows. */
function tree(dir: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, { [`${r}/`]: "dir" }, tree(dir, r));
    else if (e.isFile()) out[r] = sha(readFileSync(join(dir, r)));
  }
  return out;
}

const HOSTILE = ["with space.txt", "new\nline.txt", "ünïcødé-名前.txt", "-leading-dash.txt", "quote'\"$(x).txt", "tab\there.txt"];

/** A Backend that runs `hook` once, just before the first call of `method` reaches the hub (a real change made in between). */
function before(b: Backend, method: "exec" | "writeTextFile", when: (args: unknown[]) => boolean, hook: (args: unknown[]) => unknown): Backend {
  let done = false;
  return new Proxy(b, {
    get(t, prop, r) {
      const v = Reflect.get(t, prop, r) as unknown;
      if (prop !== method || typeof v !== "function") return v;
      return (...args: unknown[]) => {
        if (!done && when(args)) {
          done = true;
          const changed = hook(args);
          if (changed !== undefined) args = changed as unknown[];
        }
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}
const isRead = (args: unknown[]) => JSON.stringify(args[0]).includes('"read"');

describe.each(SYNC_HUB_MODES)("transfer layer, hub --api %s", (mode) => {
  let sh: SyncHub;
  let project_id: string;
  let home: string;
  let local: string;
  const transfer = new Transfer();
  beforeAll(async () => {
    sh = await startSyncHub(mode);
    ({ project_id, home } = await sh.newProject());
  });
  afterAll(async () => {
    await sh?.stop();
  });
  const freshLocal = () => (local = mkdtempSync(join(tmpdir(), "xfer-")));

  it("downloads text, binary, non-UTF-8 and empty files byte-exact, in few calls", async () => {
    const files: Record<string, Buffer> = {
      "text.txt": Buffer.from("hello\nwörld\r\n"),
      "binary.bin": randomBytes(70_000),
      "latin1.txt": Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0xff, 0x00]),
      "empty.txt": Buffer.alloc(0),
      "looks-like-bytes.txt": Buffer.from("104,101,108,108,111"),
    };
    mkdirSync(join(home, "kinds"));
    for (const [n, b] of Object.entries(files)) writeFileSync(join(home, "kinds", n), b);
    freshLocal();
    const counter = { calls: 0 };
    const r = await transfer.download(countingBackend(sh.backend, counter), { project_id, paths: ["kinds"], local_dir: local });
    expect(r.files).toBe(5);
    for (const [n, b] of Object.entries(files)) expect(sha(readFileSync(join(local, "kinds", n))), n).toBe(sha(b));
    expect(counter.calls).toBe(2); // one listing, one read of all five
    rmSync(local, { recursive: true });
  });

  it("uploads the same kinds byte-exact, staged in one write and committed by one exec", async () => {
    freshLocal();
    const src = join(local, "up");
    mkdirSync(src);
    const files: Record<string, Buffer> = { "bin.dat": randomBytes(50_000), "nonutf8.txt": Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), "empty": Buffer.alloc(0), "t.txt": Buffer.from("plain\n") };
    for (const [n, b] of Object.entries(files)) writeFileSync(join(src, n), b);
    const counter = { calls: 0 };
    await transfer.upload(countingBackend(sh.backend, counter), { project_id, local_paths: [src], remote_dir: "uploaded" });
    for (const [n, b] of Object.entries(files)) expect(sha(readFileSync(join(home, "uploaded", "up", n))), n).toBe(sha(b));
    expect(counter.calls).toBe(3); // listing of the target, one staged write, one commit
  });

  it("uploads 600 files in 30 folders in one commit, whose list of operations is written in several pieces: every file byte-exact where it belongs, progress totals exact", async () => {
    freshLocal();
    const src = join(local, "many");
    const files = new Map<string, Buffer>();
    for (let i = 0; i < 600; i++) {
      // sizes differ, so a put given another's offset or length would fail its hash on the server
      const b = Buffer.concat([Buffer.from(`file ${i}\n`), randomBytes(i * 7)]);
      files.set(`d${i % 30}/f${i}.bin`, b);
      mkdirSync(join(src, `d${i % 30}`), { recursive: true });
      writeFileSync(join(src, `d${i % 30}`, `f${i}.bin`), b);
    }
    const events: Array<Omit<TransferProgress, "request_id">> = [];
    const counter = { calls: 0 };
    const r = await transfer.upload(countingBackend(sh.backend, counter), { project_id, local_paths: [src], remote_dir: "many-up" }, { onProgress: (p) => events.push(p) });
    const bytes = [...files.values()].reduce((n, b) => n + b.length, 0);
    expect(r).toEqual({ files: 600, bytes });
    for (const [rel, b] of files) expect(sha(readFileSync(join(home, "many-up", "many", rel))), rel).toBe(sha(b));
    expect(events.at(-1)).toMatchObject({ files_done: 600, files_total: 600, bytes_total: bytes });
    // one listing, the staged parts, one commit
    expect(counter.calls).toBeLessThanOrEqual(2 + Math.ceil((bytes * 1.1 * 4) / 3 / 640_000));
    rmSync(local, { recursive: true });
  });

  it("moves a 3 MB file in chunks both ways, verified, with progress that adds up", async () => {
    const big = randomBytes(3 * 1024 * 1024);
    writeFileSync(join(home, "big.bin"), big);
    freshLocal();
    const events: Array<Omit<TransferProgress, "request_id">> = [];
    await transfer.download(sh.backend, { project_id, paths: ["big.bin"], local_dir: local }, { onProgress: (p) => events.push(p) });
    expect(sha(readFileSync(join(local, "big.bin")))).toBe(sha(big));
    // a start, one event per read of the file and the end
    expect(events.length).toBeGreaterThanOrEqual(Math.ceil(big.length / READ_SIZE.max) + 2);
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytes_done).toBeGreaterThanOrEqual(events[i - 1]!.bytes_done);
    expect(events.at(-1)).toMatchObject({ files_done: 1, files_total: 1, bytes_done: big.length, bytes_total: big.length, current: "big.bin" });

    const counter = { calls: 0 };
    const up: typeof events = [];
    await transfer.upload(countingBackend(sh.backend, counter), { project_id, local_paths: [join(local, "big.bin")], remote_dir: "bigcopy" }, { onProgress: (p) => up.push(p) });
    expect(sha(readFileSync(join(home, "bigcopy", "big.bin")))).toBe(sha(big));
    expect(counter.calls).toBeGreaterThanOrEqual(2 + Math.ceil((big.length * 4) / 3 / 640_000));
    expect(up.at(-1)).toMatchObject({ files_done: 1, bytes_done: big.length, bytes_total: big.length });
  });

  it("keeps hostile names intact both ways (spaces, newline, unicode, leading dash, quotes, tab)", async () => {
    freshLocal();
    const src = join(local, "hostile tree");
    mkdirSync(join(src, "-sub dir", "ñ"), { recursive: true });
    mkdirSync(join(src, "empty folder"));
    HOSTILE.forEach((n, i) => writeFileSync(join(src, i % 2 ? join("-sub dir", "ñ", n) : n), `content ${i} ${n}`));
    await transfer.upload(sh.backend, { project_id, local_paths: [src], remote_dir: "names" });
    expect(tree(join(home, "names", "hostile tree"))).toEqual(tree(src));
    const back = mkdtempSync(join(tmpdir(), "xfer-back-"));
    await transfer.download(sh.backend, { project_id, paths: ["names/hostile tree"], local_dir: back });
    expect(tree(join(back, "hostile tree"))).toEqual(tree(src));
    rmSync(back, { recursive: true });
  });

  it("refuses a file whose bytes do not match its hash: nothing is put in place", async () => {
    writeFileSync(join(home, "victim.txt"), "the original content\n");
    writeFileSync(join(home, "bystander.txt"), "unchanged\n");
    freshLocal();
    writeFileSync(join(local, "victim.txt"), "the local copy\n");
    // between the listing (which hashed the file) and the read, the file changes: the bytes read no longer match
    const b = before(sh.backend, "exec", isRead, () => writeFileSync(join(home, "victim.txt"), "THE ORIGINAL CONTENT\n"));
    await expect(transfer.download(b, { project_id, paths: ["victim.txt", "bystander.txt"], local_dir: local })).rejects.toThrow(/victim\.txt: the content arrived changed/);
    expect(readFileSync(join(local, "victim.txt"), "utf8")).toBe("the local copy\n");
    expect(readFileSync(join(local, "bystander.txt"), "utf8")).toBe("unchanged\n");
    expect(readdirSync(local).sort()).toEqual(["bystander.txt", "victim.txt"]);
  });

  it("refuses an upload whose staged text the server mangled: the remote file is not replaced", async () => {
    writeFileSync(join(home, "kept.txt"), "server version\n");
    freshLocal();
    writeFileSync(join(local, "kept.txt"), "local version that gets mangled on the way\n");
    const b = before(sh.backend, "writeTextFile", () => true, (args) => {
      const content = args[1] as string;
      // one character changed, still valid base64: what a text-rewriting server does
      const i = 5;
      return [args[0], content.slice(0, i) + (content[i] === "A" ? "B" : "A") + content.slice(i + 1), args[2]];
    });
    await expect(transfer.upload(b, { project_id, local_paths: [join(local, "kept.txt")], remote_dir: "" })).rejects.toThrow(/kept\.txt: the content arrived changed/);
    expect(readFileSync(join(home, "kept.txt"), "utf8")).toBe("server version\n");
    expect(readdirSync(home).filter((n) => n.includes(".cocalc-tmp-"))).toEqual([]);
  });

  it("refuses to overwrite a remote file that changed after it was listed (compare-and-swap), per file", async () => {
    mkdirSync(join(home, "cas"));
    writeFileSync(join(home, "cas", "a.txt"), "server a\n");
    freshLocal();
    const src = join(local, "cas");
    mkdirSync(src);
    writeFileSync(join(src, "a.txt"), "local a\n");
    writeFileSync(join(src, "b.txt"), "local b\n");
    const b = before(sh.backend, "writeTextFile", () => true, () => writeFileSync(join(home, "cas", "a.txt"), "someone else wrote this\n"));
    await expect(transfer.upload(b, { project_id, local_paths: [src], remote_dir: "" })).rejects.toThrow(/1 file\(s\) were not uploaded: cas\/a\.txt: it changed on the server/);
    expect(readFileSync(join(home, "cas", "a.txt"), "utf8")).toBe("someone else wrote this\n");
    expect(readFileSync(join(home, "cas", "b.txt"), "utf8")).toBe("local b\n");
  });

  it("a file that cannot be written here fails alone, in words, and leaves no temp file; the others are put in place", async () => {
    mkdirSync(join(home, "wfail", "sub"), { recursive: true });
    writeFileSync(join(home, "wfail", "a.txt"), "fine\n");
    writeFileSync(join(home, "wfail", "sub", "b.txt"), "cannot land\n");
    freshLocal();
    // the local folder for b.txt goes away after it was prepared and before the bytes arrive
    const b = before(sh.backend, "exec", isRead, () => rmSync(join(local, "wfail", "sub"), { recursive: true }));
    const err = await transfer.download(b, { project_id, paths: ["wfail"], local_dir: local }).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: expect.stringMatching(/wfail\/sub\/b\.txt[^]*could not be written here \(ENOENT\)/) });
    expect(tree(local)).toEqual({ "wfail/": "dir", "wfail/a.txt": sha("fine\n") });
  });

  it("cancels a download mid-transfer and leaves no half-written file", async () => {
    writeFileSync(join(home, "cancel.bin"), randomBytes(3 * 1024 * 1024));
    freshLocal();
    const ac = new AbortController();
    const p = transfer.download(sh.backend, { project_id, paths: ["cancel.bin"], local_dir: local }, { signal: ac.signal, onProgress: (e) => e.bytes_done > 0 && ac.abort() });
    await expect(p).rejects.toMatchObject({ kind: "cancelled" });
    expect(readdirSync(local)).toEqual([]);
  });

  it("cancels an upload mid-transfer: the remote target is untouched and the staging is gone", async () => {
    freshLocal();
    writeFileSync(join(local, "cancel-up.bin"), randomBytes(3 * 1024 * 1024));
    const ac = new AbortController();
    const p = transfer.upload(sh.backend, { project_id, local_paths: [join(local, "cancel-up.bin")], remote_dir: "cancelled" }, { signal: ac.signal, onProgress: (e) => e.bytes_done > 0 && ac.abort() });
    await expect(p).rejects.toMatchObject({ kind: "cancelled" });
    expect(existsSync(join(home, "cancelled", "cancel-up.bin"))).toBe(false);
    const staged = existsSync(join(home, ".cocalc-sync")) ? readdirSync(join(home, ".cocalc-sync")).filter((n) => n.startsWith("stage-")) : [];
    expect(staged).toEqual([]);
  });

  it("never follows a link out of the root, on either side", async () => {
    const outside = mkdtempSync(join(tmpdir(), "outside-"));
    mkdirSync(join(home, "linky"));
    writeFileSync(join(home, "linky", "real.txt"), "real\n");
    symlinkSync(outside, join(home, "linky", "out"));
    symlinkSync("/etc/passwd", join(home, "linky", "passwd"));
    freshLocal();
    await transfer.download(sh.backend, { project_id, paths: ["linky"], local_dir: local });
    expect(tree(join(local, "linky"))).toEqual({ "real.txt": sha("real\n") });
    // an upload whose folder is a link out on the server is refused, and nothing lands outside
    const src = join(local, "linky");
    mkdirSync(join(src, "out"));
    writeFileSync(join(src, "out", "escape.txt"), "must not leave the project\n");
    await expect(transfer.upload(sh.backend, { project_id, local_paths: [src], remote_dir: "" })).rejects.toThrow(/not uploaded/);
    expect(readdirSync(outside)).toEqual([]);
    await expect(transfer.download(sh.backend, { project_id, paths: ["../etc"], local_dir: local })).rejects.toMatchObject({ kind: "invalid-input" });
    rmSync(outside, { recursive: true });
  });

  it("copies a folder between projects through the app, byte-exact", async () => {
    const other = await sh.newProject();
    mkdirSync(join(home, "tocopy", "inner"), { recursive: true });
    writeFileSync(join(home, "tocopy", "inner", "x.bin"), randomBytes(20_000));
    writeFileSync(join(home, "tocopy", "y.txt"), "y\n");
    const r = await transfer.copyBetweenProjects(sh.backend, { src_project_id: project_id, src_path: "tocopy", target_project_id: other.project_id, target_path: "dest/copied" });
    expect(r.files).toBe(2);
    expect(tree(join(other.home, "dest", "copied"))).toEqual(tree(join(home, "tocopy")));
  });
});
