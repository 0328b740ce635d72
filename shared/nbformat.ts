/**
 * Jupyter notebooks (nbformat 4 and 3) as one model, for every place that
 * shows a notebook: the app's viewer and the hub's kiosk page.
 *
 * The schema is loose where real notebooks vary (extra keys, unknown cell and
 * output types, metadata of any shape are kept or passed over, never fatal)
 * and strict only where a viewer could not do without a field. Version 3
 * (worksheets, `input`, `prompt_number`, `pyout`/`pyerr`, short MIME keys,
 * heading cells) is normalised to the version 4 shape while parsing.
 */
import { z } from "zod";

/** nbformat's "multiline string": one string, or a list of lines to join. */
export const MultilineString = z.union([z.string(), z.array(z.string())]).transform((s) => (Array.isArray(s) ? s.join("") : s));

/** JSON MIME types (application/json, anything+json) hold JSON; every other type holds (multiline) text. */
export function isJsonMime(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

/** MIME type → value, with text types joined into one string; values of the wrong kind are dropped. */
export const MimeBundle = z.record(z.string(), z.unknown()).transform((bundle) => {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(bundle)) {
    if (isJsonMime(mime)) out[mime] = value;
    else {
      const text = MultilineString.safeParse(value);
      if (text.success) out[mime] = text.data;
    }
  }
  return out;
});
export type MimeBundle = z.infer<typeof MimeBundle>;

/** Version 3 stored MIME data under short keys beside the output's other fields. */
const V3_MIME_KEYS: Record<string, string> = {
  text: "text/plain",
  html: "text/html",
  svg: "image/svg+xml",
  png: "image/png",
  jpeg: "image/jpeg",
  latex: "text/latex",
  markdown: "text/markdown",
  json: "application/json",
  javascript: "application/javascript",
  pdf: "application/pdf",
};

const Metadata = z.record(z.string(), z.unknown()).catch({});
const ExecutionCount = z.number().int().nullable().catch(null);

const StreamOutput = z.object({
  output_type: z.literal("stream"),
  name: z.string().catch("stdout"),
  text: MultilineString.catch(""),
});

const RichOutput = z.object({
  output_type: z.enum(["display_data", "execute_result"]),
  data: MimeBundle.catch({}),
  metadata: Metadata.optional(),
  execution_count: ExecutionCount.optional(),
});

const ErrorOutput = z.object({
  output_type: z.literal("error"),
  ename: z.string().catch(""),
  evalue: z.string().catch(""),
  traceback: z.array(z.string()).catch([]),
});

/** An output type this model does not know (e.g. a future one): kept so a viewer can say so. */
const UnknownOutput = z.looseObject({ output_type: z.string() }).transform((o) => ({ output_type: "unknown" as const, original_type: o.output_type }));

/** Version 3 outputs rewritten to version 4 before the schema above sees them. */
function upgradeOutputV3(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const o = raw as Record<string, unknown>;
  if (o.output_type === "pyout" || o.output_type === "display_data") {
    const data: Record<string, unknown> = {};
    for (const [key, mime] of Object.entries(V3_MIME_KEYS)) if (key in o) data[mime] = o[key];
    if (o.output_type === "display_data") return { output_type: "display_data", data, metadata: o.metadata };
    return { output_type: "execute_result", data, metadata: o.metadata, execution_count: o.prompt_number ?? null };
  }
  if (o.output_type === "pyerr") return { ...o, output_type: "error" };
  if (o.output_type === "stream") return { output_type: "stream", name: o.name ?? o.stream, text: o.text };
  return o;
}

export const Output = z.union([StreamOutput, RichOutput, ErrorOutput, UnknownOutput]);
export type Output = z.infer<typeof Output>;

/** Cell attachments: file name → MIME bundle (`![](attachment:name)` in markdown). */
const Attachments = z.record(z.string(), MimeBundle).catch({});

const Cell = z.object({
  id: z.string().optional().catch(undefined),
  cell_type: z.string(),
  source: MultilineString.catch(""),
  metadata: Metadata.optional().default({}),
  attachments: Attachments.optional(),
  execution_count: ExecutionCount.optional().default(null),
  outputs: z.array(Output).catch([]).optional().default([]),
});
export type Cell = z.infer<typeof Cell>;

/** A version 3 cell in version 4's shape: `input` → source, `prompt_number` → execution_count, heading → markdown. */
function upgradeCellV3(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const c = raw as Record<string, unknown>;
  if (c.cell_type === "heading") {
    const level = typeof c.level === "number" && c.level >= 1 && c.level <= 6 ? c.level : 1;
    const text = MultilineString.safeParse(c.source);
    return { cell_type: "markdown", metadata: c.metadata, source: `${"#".repeat(level)} ${text.success ? text.data : ""}` };
  }
  if (c.cell_type === "code") {
    return {
      cell_type: "code",
      metadata: { ...(typeof c.metadata === "object" && c.metadata ? c.metadata : {}), ...(typeof c.language === "string" ? { language: c.language } : {}) },
      source: c.input ?? c.source ?? "",
      execution_count: c.prompt_number ?? null,
      outputs: Array.isArray(c.outputs) ? c.outputs.map(upgradeOutputV3) : [],
    };
  }
  return c;
}

const NotebookV4 = z.object({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().catch(0),
  metadata: Metadata.optional().default({}),
  cells: z.array(Cell),
});

const NotebookV3 = z
  .object({
    nbformat: z.literal(3),
    nbformat_minor: z.number().int().catch(0),
    metadata: Metadata.optional().default({}),
    worksheets: z.array(z.looseObject({ cells: z.array(z.unknown()).catch([]) })).catch([]),
  })
  .transform((nb, ctx) => {
    const cells = z.array(Cell).safeParse(nb.worksheets.flatMap((w) => w.cells.map(upgradeCellV3)));
    if (!cells.success) {
      for (const issue of cells.error.issues) ctx.addIssue({ ...issue, path: ["worksheets", ...issue.path] } as never);
      return z.NEVER;
    }
    return { nbformat: 4 as const, nbformat_minor: 0, upgraded_from: 3 as const, metadata: nb.metadata, cells: cells.data };
  });

export const Notebook = z.union([NotebookV4, NotebookV3]);
export type Notebook = z.infer<typeof Notebook>;

/** The language a notebook's code is in, from its metadata (kernelspec, then language_info), if it names one. */
export function notebookLanguage(nb: Notebook): string | undefined {
  const m = nb.metadata as { kernelspec?: { language?: unknown }; language_info?: { name?: unknown } };
  const lang = m.kernelspec?.language ?? m.language_info?.name;
  return typeof lang === "string" && lang ? lang.toLowerCase() : undefined;
}

export type NotebookParse = { ok: true; notebook: Notebook } | { ok: false; error: string };

/** Parse a notebook file's text; a broken file gives a message that says what is wrong and where. */
export function parseNotebook(text: string): NotebookParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `This notebook is not valid JSON (${(e as Error).message}).` };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { ok: false, error: "This file is not a notebook: it holds no JSON object." };
  const version = (json as { nbformat?: unknown }).nbformat;
  if (version !== 3 && version !== 4) return { ok: false, error: `This notebook's format (nbformat ${JSON.stringify(version ?? null)}) is not supported; only versions 3 and 4 can be shown.` };
  const r = (version === 4 ? NotebookV4 : NotebookV3).safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first?.path.length ? ` at ${first.path.join(".")}` : "";
    return { ok: false, error: `This notebook does not follow nbformat ${version}${where}: ${first?.message ?? "invalid"}.` };
  }
  return { ok: true, notebook: r.data };
}
