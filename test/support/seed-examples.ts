/**
 * The request/reply examples of the seed docs (message.js), read as written:
 * `curl … -d …` commands and the `==>` replies after them.
 */
export interface SeedExample {
  event: string;
  /** the curl command, for messages */
  curl: string;
  json: boolean;
  body: Record<string, unknown>;
  /** the reply after `==>`, parsed; undefined when the example shows none */
  reply?: unknown;
}

/** Undo the template literal's escapes: \\ → \, \` → `, \$ → $. */
function unescapeTemplate(s: string): string {
  return s.replace(/\\([\\`$])/g, "$1");
}

/**
 * The stored copy of the docs went through an e-mail obfuscator that turned
 * `-d email_address=…@…` into `-d [email protected]`; put a field back.
 */
function repairObfuscation(s: string): string {
  return s.replace(/\[email(?:&#160;|\s)protected\]/g, "email_address=john00@example.com");
}

/** Split a command line into words the way a POSIX shell would (quotes and backslashes). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && j + 1 < line.length) j++;
        cur += line[j];
      }
      i = j;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** The docs' replies are JSON with the odd Python-ism (True/False) in them. */
export function parseDocJson(s: string): unknown {
  return JSON.parse(s.replace(/:\s*True\b/g, ": true").replace(/:\s*False\b/g, ": false"));
}

export function seedExamples(source: string): SeedExample[] {
  const text = repairObfuscation(unescapeTemplate(source));
  const out: SeedExample[] = [];
  for (const block of text.matchAll(/```\n([\s\S]*?)```/g)) {
    const lines = block[1]!.replace(/\\\n/g, " ").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line.startsWith("curl ")) continue;
      let replyText = "";
      let j = i + 1;
      if (lines[j]?.trim().startsWith("==>")) {
        replyText = lines[j]!.trim().slice(3);
        for (j = j + 1; j < lines.length && !lines[j]!.trim().startsWith("curl "); j++) replyText += `\n${lines[j]}`;
      }
      out.push(parseCurl(line, replyText.trim()));
    }
  }
  return out;
}

function parseCurl(line: string, replyText: string): SeedExample {
  const words = shellWords(line);
  let json = false;
  const data: string[] = [];
  let url = "";
  for (let k = 1; k < words.length; k++) {
    const w = words[k]!;
    if (w === "-d") data.push(words[++k]!);
    else if (w === "-H") json ||= /content-type:\s*application\/json/i.test(words[++k]!);
    else if (w === "-u" || w === "-X") k++;
    else if (/^https?:\/\//.test(w)) url = w;
  }
  const event = url.split("/").pop()!;
  let body: Record<string, unknown> = {};
  if (json) body = JSON.parse(data.join("")) as Record<string, unknown>;
  else for (const d of data) body[d.slice(0, d.indexOf("="))] = d.slice(d.indexOf("=") + 1);
  return { event, curl: line, json, body, reply: replyText ? parseDocJson(replyText) : undefined };
}

/**
 * The Python walk-through (copy between projects) shows replies as Python
 * dicts, cut off before their closing braces in the stored page. Read them
 * as JSON: double quotes, false/true, braces closed.
 */
export function pythonReplies(source: string): unknown[] {
  const out: unknown[] = [];
  for (const m of source.matchAll(/(?:response res:|which gives)\s*\n\s*\n?(\{[\s\S]*?)(?:\n\s*\n|$)/g)) {
    let s = m[1]!.replace(/'/g, '"').replace(/\bFalse\b/g, "false").replace(/\bTrue\b/g, "true").trim();
    const open = (s.match(/\{/g) ?? []).length - (s.match(/\}/g) ?? []).length;
    s = s.replace(/,\s*$/, "") + "}".repeat(Math.max(0, open));
    out.push(JSON.parse(s));
  }
  return out;
}
