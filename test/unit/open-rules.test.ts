/**
 * The pure rules of opening a file (issue 20 §1): which viewer its bytes
 * call for, the editable form of a text and back to the very same bytes, and
 * the v1 byte-value reply of a file with a BOM decoded with its BOM.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { judgeByteList, sha256Hex } from "../../electron/services/backend/file-content.js";
import { classify, utf8Text } from "../../shared/open/kind.js";
import { fromTextForm, textFormOf, toTextForm } from "../../shared/open/text-form.js";
import { docFixtures } from "../support/doc-fixtures.js";

const u8 = (s: string) => new TextEncoder().encode(s);

describe("classify: the viewer a file's bytes call for", () => {
  const f = docFixtures();
  it.each([
    ["figure.png", "image", "image/png", f["figure.png"]!],
    ["photo.jpg", "image", "image/jpeg", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])],
    ["anim.gif", "image", "image/gif", Buffer.from("GIF89a\x01\x00", "latin1")],
    ["pic.webp", "image", "image/webp", Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from("WEBPVP8 ")])],
    // a PDF by its magic even when its bytes happen to be ASCII, and whatever its name
    ["paper.pdf", "pdf", "application/pdf", f["paper.pdf"]!],
    ["renamed.txt", "pdf", "application/pdf", Buffer.from("%PDF-1.4\n%%EOF\n")],
    // text only when it is UTF-8 without NUL
    ["figure.png.txt", "binary", "application/octet-stream", f["big.bin"]!],
    ["latin1.txt", "binary", "application/octet-stream", f["latin1.txt"]!],
    ["nul.txt", "binary", "application/octet-stream", Buffer.from("a\0b")],
    ["a.zip", "binary", "application/zip", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14])],
    ["bom-crlf.txt", "text", "text/plain", f["bom-crlf.txt"]!],
    ["welcome.ipynb", "notebook", "application/x-ipynb+json", f["welcome.ipynb"]!],
    ["data.csv", "csv", "text/csv", f["data.csv"]!],
    ["drawing.svg", "image", "image/svg+xml", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ["empty", "text", "text/plain", Buffer.alloc(0)],
  ])("%s → %s (%s)", (name, kind, mime, bytes) => expect(classify(name, bytes, true)).toEqual({ kind, mime }));

  it("the first bytes of a large file never make it text", () => expect(classify("big.txt", Buffer.from("plain ascii"), false).kind).toBe("binary"));
});

describe("the editable form of a text file", () => {
  it.each([
    ["LF", "a\nb\n", { bom: false, eol: "\n", mixed: false, text: "a\nb\n" }],
    ["CRLF", "a\r\nb\r\n", { bom: false, eol: "\r\n", mixed: false, text: "a\nb\n" }],
    ["lone CR", "a\rb", { bom: false, eol: "\r", mixed: false, text: "a\nb" }],
    ["BOM and CRLF", "\uFEFFa\r\n", { bom: true, eol: "\r\n", mixed: false, text: "a\n" }],
    ["no separator", "one line", { bom: false, eol: "\n", mixed: false, text: "one line" }],
    ["mixed LF and CRLF", "a\nb\r\n", { bom: false, eol: "\r\n", mixed: true, text: "a\nb\n" }],
    ["mixed CR and LF", "a\rb\n", { bom: false, eol: "\r", mixed: true, text: "a\nb\n" }],
    ["a BOM later in the text is text", "a\uFEFFb", { bom: false, eol: "\n", mixed: false, text: "a\uFEFFb" }],
  ])("%s", (_what, s, form) => expect(textFormOf(s)).toEqual(form));

  it("a new line typed into a CRLF file is written as CRLF, the BOM kept", () => {
    const form = toTextForm(u8("\uFEFFone\r\ntwo\r\n"))!;
    expect(Buffer.from(fromTextForm(form, `${form.text}three\n`)).toString("utf8")).toBe("\uFEFFone\r\ntwo\r\nthree\r\n");
  });

  it("a file mixing separators is never written from the editor", () => {
    expect(() => fromTextForm(textFormOf("a\nb\r\n"), "a\nb\n")).toThrow();
  });

  it("property: any UTF-8 text with one kind of separator comes back as the same bytes", () => {
    const line = fc.string({ unit: "grapheme" }).map((s) => s.replace(/[\r\n]/g, ""));
    fc.assert(
      fc.property(fc.boolean(), fc.constantFrom("\n", "\r\n", "\r"), fc.array(line, { maxLength: 8 }), (bom, eol, lines) => {
        const bytes = u8((bom ? "\uFEFF" : "") + lines.join(eol));
        const form = toTextForm(bytes)!;
        expect(form.mixed).toBe(false);
        expect(Buffer.from(fromTextForm(form, form.text)).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it("property: bytes that are not UTF-8 have no editable form", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (b) => {
        expect(toTextForm(b) === null).toBe(utf8Text(b) === null);
      }),
    );
    expect(toTextForm(docFixtures()["latin1.txt"]!)).toBeNull();
  });
});

describe("v1's byte-value reply", () => {
  it("of a file with a BOM keeps the BOM (it is part of the file; a save would drop it otherwise)", () => {
    const bytes = Buffer.from("\uFEFFhello\r\n", "utf8");
    expect(judgeByteList([...bytes].join(","), sha256Hex(bytes))).toEqual({ kind: "text", content: "\uFEFFhello\r\n" });
  });
});
