/**
 * The hub starts project commands through a small helper process (fork of a
 * large hub is slow). Output must arrive whole through it, and a helper that
 * dies must fail the commands it ran with a clear error, not hang them, and
 * be replaced for the next command.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runExec } from "../../hub/exec.js";
import { spawner } from "../../hub/spawner.js";

const home = mkdtempSync(join(tmpdir(), "spawner-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const run = (command: string, timeout = 20) => runExec({ command, args: [], bash: true, cwd: home, home, timeout, err_on_exit: false });

describe("commands through the hub's helper", () => {
  it("deliver 4 MB of output whole, in order, with stderr apart", async () => {
    const r = await run("python3 -c \"import sys; [sys.stdout.write('%07d\\n' % i) for i in range(500000)]; sys.stderr.write('done')\"; exit 4");
    expect(r.exit_code).toBe(4);
    expect(r.stderr).toBe("done");
    expect(r.stdout.length).toBe(4_000_000);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("0000000");
    expect(lines[499_999]).toBe("0499999");
    expect(lines.every((l, i) => i === 500_000 || l === String(i).padStart(7, "0"))).toBe(true);
  });

  it("deliver every output whole when many commands wait on the hub at once (each paused stream is resumed)", async () => {
    // 16 commands of 1 MB each fill the helper's one pipe to the hub, so their streams pause together
    const runs = await Promise.all(Array.from({ length: 16 }, (_, k) => run(`python3 -c "import sys; sys.stdout.write('${k.toString(16)}' * 1_000_000)"`)));
    runs.forEach((r, k) => {
      expect(r.exit_code).toBe(0);
      expect(r.stdout).toBe(k.toString(16).repeat(1_000_000));
    });
  });

  it("fail the running command clearly when the helper dies, and start a new helper for the next", async () => {
    await run("true"); // the helper is up
    const helper = spawner.pid!;
    expect(helper).toBeGreaterThan(0);
    const running = run("sleep 10; echo never");
    await new Promise((r) => setTimeout(r, 300));
    process.kill(helper, "SIGKILL");
    const r = await running;
    expect(r.exit_code).toBe(1);
    expect(r.stdout).toBe("");
    expect(spawnJson(r.stderr).code).toBe("EHELPER");
    const next = await run("echo again");
    expect(next).toEqual({ stdout: "again\n", stderr: "", exit_code: 0 });
    expect(spawner.pid).not.toBe(helper);
  });

  it("reports a program that does not exist as the server does (spawn error, exit 1)", async () => {
    const r = await runExec({ command: "no-such-program-here", args: ["x"], bash: false, cwd: home, home, timeout: 5, err_on_exit: false });
    expect(r.exit_code).toBe(1);
    expect(spawnJson(r.stderr)).toMatchObject({ code: "ENOENT", syscall: "spawn no-such-program-here", spawnargs: ["x"] });
  });
});

/** Node's spawn error inside the current generation's text: command '…' was not able to run -- stderr='{…}' */
function spawnJson(stderr: string): Record<string, unknown> {
  expect(stderr).toMatch(/^command ''.*' \(args=.*\)' was not able to run -- stderr='/s);
  return JSON.parse(/stderr='(.*)'$/s.exec(stderr)![1]!) as Record<string, unknown>;
}
