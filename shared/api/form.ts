/**
 * Form-encoded bodies (the seed docs' `curl -d k=v` examples) carry only
 * strings. The real server never coerced them, so `err_on_exit=false` acted as
 * true; here documented booleans and numbers are read as what they say, by
 * looking at the JSON schema of the event.
 */
import type { z } from "zod";

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType };

function defOf(s: z.ZodType): Def {
  return (s as unknown as { _zod: { def: Def } })._zod.def;
}

/** The leaf types ("boolean", "number", "array", "string", …) a field may take in a request schema. */
export function fieldTypes(schema: z.ZodType, field: string): Set<string> {
  const out = new Set<string>();
  const visitObject = (s: z.ZodType): void => {
    const d = defOf(s);
    if (d.type === "object" && d.shape && field in d.shape) leaf(d.shape[field]!);
    else if (d.type === "union") d.options?.forEach(visitObject);
    else if (d.type === "pipe" && d.in) visitObject(d.in);
  };
  const leaf = (s: z.ZodType): void => {
    const d = defOf(s);
    if (["optional", "nullable", "default", "readonly", "nonoptional"].includes(d.type) && d.innerType) leaf(d.innerType);
    else if (d.type === "union") d.options?.forEach(leaf);
    else if (d.type === "pipe" && d.in) leaf(d.in);
    else out.add(d.type);
  };
  visitObject(schema);
  return out;
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off", ""]);

/** Turn the string values of a form body into the types the schema asks for, where that is unambiguous. */
export function coerceFormBody(schema: z.ZodType, form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    const types = fieldTypes(schema, k);
    if (typeof v === "string" && !types.has("string")) {
      const lower = v.trim().toLowerCase();
      if (types.has("boolean") && TRUE.has(lower)) out[k] = true;
      else if (types.has("boolean") && FALSE.has(lower)) out[k] = false;
      else if (types.has("number") && v.trim() !== "" && Number.isFinite(Number(v))) out[k] = Number(v);
      else if (types.has("array")) out[k] = [v];
      else out[k] = v;
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** The fields a request schema defines, and those every form of it requires. */
export function schemaFields(schema: z.ZodType): { all: Set<string>; required: Set<string> } {
  const objects: Record<string, z.ZodType>[] = [];
  const collect = (s: z.ZodType): void => {
    const d = defOf(s);
    if (d.type === "object" && d.shape) objects.push(d.shape);
    else if (d.type === "union") d.options?.forEach(collect);
    else if (d.type === "pipe" && d.in) collect(d.in);
  };
  collect(schema);
  const all = new Set(objects.flatMap((o) => Object.keys(o)));
  const requiredIn = (o: Record<string, z.ZodType>) =>
    new Set(Object.entries(o).filter(([, f]) => !["optional", "default"].includes(defOf(f).type)).map(([k]) => k));
  const sets = objects.map(requiredIn);
  const required = new Set([...all].filter((k) => sets.length > 0 && sets.every((s) => s.has(k))));
  return { all, required };
}
