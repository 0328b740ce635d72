/**
 * `npm run hub -- [--port N] [--data DIR] …`: start the local hub on
 * 127.0.0.1 and print one JSON line with the admin's credentials once ready.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startHub } from "./app.js";
import { parseAiCliOptions } from "./ai/cli-options.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    data: { type: "string" },
    "kiosk-auth": { type: "string", default: "modern" },
    "iframe-comm-hosts": { type: "string", default: "" },
    dns: { type: "string", default: "" },
    // the real server's origin rules are the default; --iframe-loopback answers loopback and app parents too
    "iframe-strict": { type: "boolean", default: true },
    "iframe-loopback": { type: "boolean", default: false },
    "project-start-ms": { type: "string" },
    "project-connect-timeout-ms": { type: "string" },
    "json-limit": { type: "string" },
    "form-limit": { type: "string" },
    "exit-with-stdin": { type: "boolean", default: false },
    "take-over-lock": { type: "boolean", default: false },
    api: { type: "string", default: "both" },
    "ai-product": { type: "string", default: "hosted" },
    "ai-copy-path": { type: "string", default: "hangs" },
    "ai-limits": { type: "string", default: "free" },
    "key-capabilities": { type: "string" },
    "key-projects": { type: "string", default: "all" },
    "copy-mode": { type: "string", default: "single-user" },
    "exec-kill-on-disconnect": { type: "boolean", default: false },
    "create-account": { type: "boolean", default: false },
    "reply-ms-per-mb": { type: "string" },
  },
  strict: true,
});

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number ≥ 0, not '${v}'`);
    process.exit(2);
  }
  return n;
}

const kioskAuth = values["kiosk-auth"];
if (kioskAuth !== "legacy" && kioskAuth !== "modern") {
  console.error("--kiosk-auth must be 'legacy' (token in the URL signs in) or 'modern' (only /auth/impersonate)");
  process.exit(2);
}
const api = values.api;
if (api !== "v1" && api !== "current" && api !== "both" && api !== "ai") {
  console.error("--api must be 'v1', 'current' (API v2 and the conat bridges), 'both' or 'ai' (cocalc.ai's scoped keys and routes)");
  process.exit(2);
}
const ai = parseAiCliOptions(values);
if (typeof ai === "string") {
  console.error(ai);
  process.exit(2);
}
const copyMode = values["copy-mode"];
if (copyMode !== "single-user" && copyMode !== "kucalc") {
  console.error("--copy-mode must be 'single-user' (as a self-hosted server copies) or 'kucalc' (cocalc.com's queue: ids, status, scheduling)");
  process.exit(2);
}
const dataDir = values.data ?? mkdtempSync(join(tmpdir(), "cocalc-hub-"));
const running = await startHub({
  takeOverLock: values["take-over-lock"],
  dataDir,
  port: int("port", values.port),
  api,
  aiKey: ai.key,
  projectStartMs: int("project-start-ms", values["project-start-ms"]),
  projectConnectTimeoutMs: int("project-connect-timeout-ms", values["project-connect-timeout-ms"]),
  settings: {
    kioskAuth,
    dns: values.dns,
    iframeCommHosts: values["iframe-comm-hosts"].split(",").map((s) => s.trim()).filter(Boolean),
    iframeStrict: !values["iframe-loopback"],
    aiProduct: ai.product,
    aiCopyPath: ai.copyPath,
    aiLimits: ai.limits,
    copyMode,
    execKillOnDisconnect: values["exec-kill-on-disconnect"],
    createAccount: values["create-account"],
    ...(values["reply-ms-per-mb"] ? { replyMsPerMB: int("reply-ms-per-mb", values["reply-ms-per-mb"]) } : {}),
    ...(values["json-limit"] ? { jsonLimit: int("json-limit", values["json-limit"]) } : {}),
    ...(values["form-limit"] ? { formLimit: int("form-limit", values["form-limit"]) } : {}),
  },
}).catch((e: unknown) => {
  // e.g. a key scope the server would refuse ("… must include at least one allowed project id")
  console.error(`the hub could not start: ${(e as Error).message}`);
  process.exit(2);
});

process.stdout.write(`${JSON.stringify(running.credentials)}\n`);

const stop = () => void running.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (values["exit-with-stdin"]) {
  // The app keeps a pipe to our stdin: when it goes away (even killed), so does the hub.
  process.stdin.on("end", stop);
  process.stdin.resume();
}
