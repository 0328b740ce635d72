/**
 * The remote agent is Python embedded in TypeScript template strings, where
 * an escape meant for one language can slip into the other. Every mode's
 * program must compile with warnings as errors: a warning is printed on every
 * exec by newer Pythons (3.12 turns invalid escapes into SyntaxWarnings), and
 * a later one may refuse it.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { agentProgram, type AgentMode } from "../../electron/services/transfer/remote-agent.js";

const MODES: AgentMode[] = ["list", "page", "read", "commit", "cleanup"];

describe("the remote agent's programs", () => {
  it.each(MODES)("%s compiles with every warning an error", (mode) => {
    const check = "import sys; compile(sys.stdin.read(), 'agent', 'exec')";
    expect(() => execFileSync("python3", ["-I", "-S", "-W", "error", "-c", check], { input: agentProgram(mode), stdio: ["pipe", "pipe", "pipe"] })).not.toThrow();
  });
});
