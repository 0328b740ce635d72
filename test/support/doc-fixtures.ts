/**
 * The files the "open a file" tests put in a project, made in code: a PNG
 * (zlib and CRC-32 from Node), a one-page PDF (objects and xref written out),
 * a CSV, a notebook, seeded random bytes, Latin-1 text and UTF-8 texts with a
 * BOM and each line separator. `writeDocFixtures` also keeps a copy in
 * test/fixtures/open/ so they can be looked at.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An RGB PNG of a gradient with a disc, w×h pixels. */
export function makePng(w = 96, h = 64): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const inDisc = (x - w / 2) ** 2 + (y - h / 2) ** 2 < (h / 3) ** 2;
      row[1 + x * 3] = inDisc ? 250 : Math.round((x / w) * 255);
      row[2 + x * 3] = inDisc ? 180 : Math.round((y / h) * 255);
      row[3 + x * 3] = inDisc ? 40 : 160;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

/** A one-page PDF showing `text` in Helvetica, with a binary comment line as real PDFs have. */
export function makePdf(text = "A PDF opened by its bytes"): Buffer {
  const stream = `BT /F1 24 Tf 72 720 Td (${text}) Tj ET\n0.2 0.4 0.8 rg 72 600 300 60 re f\n`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}endstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%", "latin1"), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0x0a])];
  let at = parts.reduce((n, b) => n + b.length, 0);
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    const b = Buffer.from(`${i + 1} 0 obj\n${o}\nendobj\n`, "latin1");
    offsets.push(at);
    parts.push(b);
    at += b.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`, "latin1"));
  return Buffer.concat(parts);
}

/** Bytes from a seeded generator (xorshift32): the same every run, and not UTF-8 text. */
export function randomBytes(n: number, seed = 20): Buffer {
  const b = Buffer.alloc(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    b[i] = s & 0xff;
  }
  return b;
}

export const CSV = 'city,country,population,"note, with comma"\nZürich,CH,421878,"lake"\nLyon,FR,522969,"rivers ""Rhône"" and Saône"\nKyoto,JP,1463723,\n';

export function makeNotebook(): string {
  const cell = (cell_type: string, source: string, extra: object = {}) => ({ cell_type, metadata: {}, source, ...extra });
  return `${JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" }, language_info: { name: "python" } },
      cells: [
        cell("markdown", "# Welcome\n\nA notebook opened **rendered**, with $e^{i\\pi} + 1 = 0$."),
        cell("code", "print('hello')\n2 + 2", { execution_count: 1, outputs: [{ output_type: "stream", name: "stdout", text: "hello\n" }, { output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/plain": "4" } }] }),
      ],
    },
    null,
    1,
  )}\n`;
}

/** Every file by name, as it goes into the project. */
export function docFixtures(): Record<string, Buffer> {
  return {
    "figure.png": makePng(),
    "paper.pdf": makePdf(),
    "data.csv": Buffer.from(CSV, "utf8"),
    "welcome.ipynb": Buffer.from(makeNotebook(), "utf8"),
    "big.bin": randomBytes(4096),
    "latin1.txt": Buffer.from("Café crème, naïve façade\r\nÜber straße\r\n", "latin1"),
    "bom-crlf.txt": Buffer.from("\uFEFFfirst line é\r\nsecond line\r\n", "utf8"),
    "lone-cr.txt": Buffer.from("one\rtwo\rthree", "utf8"),
    "mixed.txt": Buffer.from("unix\nwindows\r\nold mac\rend\n", "utf8"),
    "plain.md": Buffer.from("# Notes\n\nplain *text*\n", "utf8"),
  };
}

export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Write the fixtures into `dir` (and keep a copy in test/fixtures/open/). */
export function writeDocFixtures(dir: string): Record<string, Buffer> {
  const files = docFixtures();
  const keep = join(import.meta.dirname, "..", "fixtures", "open");
  mkdirSync(keep, { recursive: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, b] of Object.entries(files)) {
    writeFileSync(join(dir, name), b);
    writeFileSync(join(keep, name), b);
  }
  return files;
}

/** doc.save's input for a text as the editor sends it: its UTF-8 bytes, their sha256, and what the file held when opened (null: must not exist). */
export function saveInput(project_id: string, path: string, text: string, base_sha256: string | null) {
  const b = Buffer.from(text, "utf8");
  return { project_id, path, data: b.toString("base64"), sha256: sha256(b), base_sha256, executable: false };
}

/** The text of a doc.open reply's bytes. */
export const openedText = (o: { data: string | null }): string => Buffer.from(o.data ?? "", "base64").toString("utf8");
