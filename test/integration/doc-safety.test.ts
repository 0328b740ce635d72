/**
 * Issue 20 §1, through the real router and services against a real hub in
 * every API generation: a file opened in Files is its proven bytes (size
 * and sha256), shown by the viewer its bytes call for; only UTF-8 text can
 * be saved, with its own line separator and BOM; and no sequence of opening,
 * editing, saving and closing changes a byte on the server unless the text
 * was edited — then exactly that edit (a property test over random
 * sequences, checked against the file on disk).
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeApp, type ComposedApp } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";
import { docFromOpened, saveRequest, type DocState } from "../../renderer/src/views/files/open/doc-model.js";
import { readProven } from "../../electron/services/doc/proven-read.js";
import { allowProject, startTestHub, type TestHub } from "../support/hub.js";
import { sha256, writeDocFixtures } from "../support/doc-fixtures.js";
import { routerClient } from "../support/router-client.js";

const EXPECTED_KIND: Record<string, { kind: string; editable: boolean }> = {
  "figure.png": { kind: "image", editable: false },
  "paper.pdf": { kind: "pdf", editable: false },
  "data.csv": { kind: "csv", editable: true },
  "welcome.ipynb": { kind: "notebook", editable: true },
  "big.bin": { kind: "binary", editable: false },
  "latin1.txt": { kind: "binary", editable: false },
  "bom-crlf.txt": { kind: "text", editable: true },
  "lone-cr.txt": { kind: "text", editable: true },
  "mixed.txt": { kind: "text", editable: false },
  "plain.md": { kind: "text", editable: true },
};
const NAMES = Object.keys(EXPECTED_KIND);

/** An edit as a person makes it in the editor: `insert` (which may hold new lines) at the start of line `line`. */
type Action = { op: "open" | "close" | "save"; name: string } | { op: "edit"; name: string; line: number; insert: string };
const InsertArb = fc.oneof(fc.constant(""), fc.string({ unit: "grapheme", maxLength: 6 }).map((s) => s.replace(/[\r\n]/g, "")), fc.constantFrom("x\n", "é\nñ", "\n"));
/** One or two files per run, most steps edits and saves, so edited files are saved (and closed, and opened again) often. */
const RunArb: fc.Arbitrary<Action[]> = fc.subarray(NAMES, { minLength: 1, maxLength: 2 }).chain((names) =>
  fc
    .array(
      fc.oneof(
        { arbitrary: fc.record({ op: fc.constantFrom("open" as const, "close" as const), name: fc.constantFrom(...names) }), weight: 1 },
        { arbitrary: fc.record({ op: fc.constant("save" as const), name: fc.constantFrom(...names) }), weight: 2 },
        { arbitrary: fc.record({ op: fc.constant("edit" as const), name: fc.constantFrom(...names), line: fc.nat(4), insert: InsertArb }), weight: 3 },
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((steps): Action[] => [...names.map((name) => ({ op: "open" as const, name })), ...steps]),
);

describe.each(["v1", "current", "ai"] as const)("opening and saving files by their bytes, API %s", (api) => {
  let hub: TestHub;
  let app: ComposedApp;
  let pid: string;
  let dir: string;
  const { raw, call } = routerClient(() => app);
  const onDisk = (name: string) => readFileSync(join(dir, name));

  beforeAll(async () => {
    hub = await startTestHub({ api });
    const dataDir = mkdtempSync(join(tmpdir(), "app-data-"));
    app = await composeApp({ dataDir, logFile: join(dataDir, "main.log"), version: "0.1.0", platform: "linux", trustedOrigins: ["app://cocalc-desktop"], secrets: new MemoryStore() });
    const p = await call("profiles.add", { name: "Local hub", url: hub.url, api_key: hub.credentials.api_key });
    await call("profiles.switch", { id: p.id });
    pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Open files" }).project_id;
    hub.hub.runtime.createFolder(pid);
    if (api === "ai") allowProject(hub, hub.credentials.api_key, pid);
    dir = join(hub.hub.runtime.folder(pid), "docs");
    writeDocFixtures(dir);
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await hub?.stop();
  });

  it("each file opens as its proven bytes, with the viewer they call for; only UTF-8 text is editable", async () => {
    for (const name of NAMES) {
      const o = await call("doc.open", { project_id: pid, path: `docs/${name}` });
      const bytes = Buffer.from(o.data!, "base64");
      expect({ name, kind: o.kind, size: o.size, sha: o.sha256 }).toEqual({ name, kind: EXPECTED_KIND[name]!.kind, size: onDisk(name).length, sha: sha256(onDisk(name)) });
      expect(bytes.equals(onDisk(name))).toBe(true);
      const d = docFromOpened(o);
      expect({ name, editable: d.form !== null && !d.form.mixed }).toEqual({ name, editable: EXPECTED_KIND[name]!.editable });
      if (!EXPECTED_KIND[name]!.editable) expect(await saveRequest({ ...d, text: `${d.text}edited` }, pid)).toBeNull();
    }
  }, 120_000);

  it("a file over the inline limit is named by its first bytes and sent without them; a folder is not a file", async () => {
    const { backend } = await app.connection.get();
    const big = await readProven(backend, pid, "docs/paper.pdf", { inline: 100 });
    expect({ kind: big.kind, bytes: big.bytes, sha: big.sha256 }).toEqual({ kind: "pdf", bytes: null, sha: sha256(onDisk("paper.pdf")) });
    expect((await readProven(backend, pid, "docs/welcome.ipynb", { inline: 100 })).kind).toBe("binary");
    expect(await raw("doc.open", { project_id: pid, path: "docs" })).toMatchObject({ ok: false, error: { message: "docs is a folder, not a file." } });
    expect(await raw("doc.open", { project_id: pid, path: "docs/gone.txt" })).toMatchObject({ ok: false, error: { kind: "not-found" } });
  });

  it("the server refuses bytes that are not UTF-8 from the editor, and writes nothing", async () => {
    const before = onDisk("big.bin");
    const data = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const r = await raw("doc.save", { project_id: pid, path: "docs/big.bin", data: data.toString("base64"), sha256: sha256(data), base_sha256: sha256(before), executable: false });
    expect(r).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
    expect(onDisk("big.bin").equals(before)).toBe(true);
  });

  it("a save over a file changed on the server is a conflict, and writes nothing", async () => {
    const o = await call("doc.open", { project_id: pid, path: "docs/plain.md" });
    writeFileSync(join(dir, "plain.md"), "changed elsewhere\n");
    const req = (await saveRequest({ ...docFromOpened(o), text: "mine\n" }, pid))!;
    expect(await call("doc.save", req)).toEqual({ status: "conflict", server_sha256: sha256(Buffer.from("changed elsewhere\n")) });
    expect(onDisk("plain.md").toString()).toBe("changed elsewhere\n");
  });

  it.each(["640", "755", "750"])("a save keeps the file's mode %s and owner; a file changed since it was opened is still refused", async (octal) => {
    const mode = parseInt(octal, 8);
    const name = `mode-${octal}.txt`;
    const at = join(dir, name);
    writeFileSync(at, "one\ntwo\n");
    chmodSync(at, mode);
    const before = statSync(at);
    const o = await call("doc.open", { project_id: pid, path: `docs/${name}` });
    const req = (await saveRequest({ ...docFromOpened(o), text: "one\ntwo\nthree\n" }, pid))!;
    expect(await call("doc.save", req)).toMatchObject({ status: "saved" });
    const after = statSync(at);
    expect({ content: readFileSync(at, "utf8"), mode: (after.mode & 0o7777).toString(8), uid: after.uid, gid: after.gid }).toEqual({ content: "one\ntwo\nthree\n", mode: mode.toString(8), uid: before.uid, gid: before.gid });
    // the compare-and-swap still holds: a save from what was opened first is refused now, and writes nothing
    const stale = (await saveRequest({ ...docFromOpened(o), text: "stale\n" }, pid))!;
    expect(await call("doc.save", stale)).toMatchObject({ status: "conflict" });
    expect(readFileSync(at, "utf8")).toBe("one\ntwo\nthree\n");
    expect((statSync(at).mode & 0o7777).toString(8)).toBe(mode.toString(8));
  });

  it("property: open, edit, save and close in any order change a file only by the edits made, separators and BOM kept", async () => {
    const original = new Map(NAMES.map((n) => [n, onDisk(n)]));
    await fc.assert(
      fc.asyncProperty(RunArb, async (actions) => {
        for (const [n, b] of original) writeFileSync(join(dir, n), b);
        /** what each file must hold: its lines, separator and BOM as the file has them, edited as the person edited */
        const expected = new Map(NAMES.map((n) => [n, onDisk(n)]));
        const open = new Map<string, DocState>();
        /** the text as the model expects it after saved edits (file terms: lines joined by the file's separator) */
        const pending = new Map<string, string[]>();
        for (const a of actions) {
          const path = `docs/${a.name}`;
          const d = open.get(a.name);
          if (a.op === "open" && !d) {
            open.set(a.name, docFromOpened(await call("doc.open", { project_id: pid, path })));
          } else if (a.op === "close") {
            open.delete(a.name);
            pending.delete(a.name);
          } else if (a.op === "edit" && d && d.form && !d.form.mixed) {
            const lines = d.text.split("\n");
            const at = Math.min(a.line, lines.length - 1);
            lines[at] = a.insert + lines[at];
            open.set(a.name, { ...d, text: lines.join("\n") });
            // the oracle, in the file's own terms
            const fileLines = pending.get(a.name) ?? fileLinesOf(expected.get(a.name)!, d.form.eol);
            fileLines[at] = a.insert.split("\n").join(d.form.eol) + fileLines[at];
            pending.set(a.name, fileLines);
          } else if (a.op === "save" && d) {
            const before = statSync(join(dir, a.name)).mtimeMs;
            const req = await saveRequest(d, pid);
            if (req) {
              const r = await call("doc.save", req);
              expect(r.status === "saved" || r.status === "unchanged").toBe(true);
              open.set(a.name, { ...d, base: d.text, baseSha: req.sha256 });
            }
            const lines = pending.get(a.name);
            if (lines) {
              const bom = d.form!.bom ? "\uFEFF" : "";
              expected.set(a.name, Buffer.from(bom + lines.join(d.form!.eol), "utf8"));
              pending.delete(a.name);
            }
            // nothing changed: nothing written, not even the same bytes again
            if (!req) expect(statSync(join(dir, a.name)).mtimeMs).toBe(before);
          }
        }
        for (const n of NAMES) expect({ n, sha: sha256(onDisk(n)) }).toEqual({ n, sha: sha256(expected.get(n)!) });
      }),
      { numRuns: 30, seed: 20 },
    );
    for (const [n, b] of original) writeFileSync(join(dir, n), b);
  }, 300_000);
});

/** The file's text split by its separator, the BOM left out (the oracle does not use the app's own normalising). */
function fileLinesOf(bytes: Buffer, eol: string): string[] {
  let s = bytes.toString("utf8");
  if (s.startsWith("\uFEFF")) s = s.slice(1);
  return s.split(eol);
}
