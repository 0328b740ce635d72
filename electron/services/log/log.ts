/**
 * The app's log file (electron-log), with every line passed through a
 * redactor first: keys, tokens and passwords never reach the file, whatever
 * a message or an error happens to contain.
 */
import log from "electron-log/node";

const PATTERNS: [RegExp, string][] = [
  // CoCalc API keys, both generations
  [/\bsk[_-][A-Za-z0-9_-]{8,}/g, "sk_[redacted]"],
  [/\b(authorization\s*[:=]\s*)(basic|bearer)\s+[^\s"',]+/gi, "$1$2 [redacted]"],
  [/\b(api_key|auth_token|password|remember_me)=([^&\s"']+)/gi, "$1=[redacted]"],
  [/("(?:api_key|apiKey|password|auth_token|authToken|remember_me|key)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"[redacted]"'],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** A value to remove wherever it shows up (a key or password the app holds). */
  addSecret(secret: string | null | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join("[redacted]");
    for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
    return out;
  }

  /** Redact any value: strings, errors, objects (through their JSON). */
  redactValue(v: unknown): unknown {
    if (typeof v === "string") return this.redact(v);
    if (v instanceof Error) return this.redact(`${v.name}: ${v.message}`);
    if (v === null || typeof v !== "object") return v;
    try {
      return this.redact(JSON.stringify(v));
    } catch {
      return "[unserialisable]";
    }
  }
}

export interface Logger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  readonly file: string | null;
}

/** A logger writing to `file`, every message redacted. */
export function fileLogger(file: string, redactor: Redactor, o: { console?: boolean } = {}): Logger {
  const logger = log.create({ logId: `cocalc-${file}` });
  logger.transports.file.resolvePathFn = () => file;
  logger.transports.file.level = "info";
  logger.transports.console.level = o.console ? "info" : false;
  logger.hooks.push((message) => {
    message.data = message.data.map((d) => redactor.redactValue(d));
    return message;
  });
  return {
    info: (...a) => logger.info(...a),
    warn: (...a) => logger.warn(...a),
    error: (...a) => logger.error(...a),
    file,
  };
}

