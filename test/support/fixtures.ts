import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures");
const REF = join(FIXTURES, "reference");

export interface RecordedV1 {
  name: string;
  request: { event: string; body: Record<string, unknown> | null; auth: string | null; content_type: string | null; method?: string };
  status: number;
  content_type: string | null;
  reply: unknown;
}

export interface RecordedCurrent {
  name: string;
  request: { path: string; body: unknown };
  status: number;
  content_type: string | null;
  reply: unknown;
}

function jsonl<T>(file: string): T[] {
  return readFileSync(join(REF, file), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export const recordedV1 = (): RecordedV1[] => jsonl<RecordedV1>("real-server-replies.jsonl");
export const recordedCurrent = (): RecordedCurrent[] => jsonl<RecordedCurrent>("real-server-replies-current.jsonl");

/** The body text a recorded reply had on the wire. */
export function wireText(reply: unknown): string {
  if (reply && typeof reply === "object" && "_non_json_body" in reply) return String((reply as { _non_json_body: unknown })._non_json_body);
  return JSON.stringify(reply);
}

export function seedDocs(): { name: string; text: string }[] {
  const dir = join(REF, "seeds");
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
}
