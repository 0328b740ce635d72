import { z } from "zod";

/**
 * CoCalc ids are uuids, but real replies carry ids such as
 * 11111111-2222-3333-4444-555555555555 that fail a strict RFC 4122 check,
 * so only the 8-4-4-4-12 hex shape is required.
 */
export const Uuid = z.guid();
export type Uuid = z.infer<typeof Uuid>;

/** A handler error is usually a string, but e.g. writing onto a folder answers an errno object. */
export const ServerErrorValue = z.union([z.string(), z.looseObject({})]);
export type ServerErrorValue = z.infer<typeof ServerErrorValue>;

/** Render a server error value as one line a person can read. */
export function errorValueText(error: ServerErrorValue | undefined): string {
  if (error === undefined) return "unknown error";
  if (typeof error === "string") return error;
  const e = error as Record<string, unknown>;
  const parts = [e.code, e.syscall, e.path].filter((p) => typeof p === "string");
  return parts.length > 0 ? parts.join(" ") : JSON.stringify(error);
}

/** A query is a get when any value in it is null (the rule of both API generations). */
export function isGetQuery(query: Record<string, unknown>): boolean {
  const hasNull = (v: unknown): boolean =>
    v === null ||
    (Array.isArray(v) ? v.some(hasNull) : typeof v === "object" && v !== null && Object.values(v).some(hasNull));
  return Object.values(query).some(hasNull);
}
