/**
 * The file browser's actions through the real router against a real hub in
 * every generation, checked on the project's disk: names with spaces, quotes,
 * a leading "-" and a newline survive every action; a name that exists is
 * refused and nothing is replaced; delete goes into .trash and comes back
 * where it was; search finds names and lines.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComposedApp } from "../../electron/services/compose.js";
import { allowProject, startTestHub, type TestHub } from "../support/hub.js";
import { routerClient } from "../support/router-client.js";
import { composeTestApp } from "../support/test-app.js";

const ODD = "-odd 'name' \"q\"\nline.txt";

describe.each(["v1", "current", "ai"] as const)("file actions on a hub serving %s", (api) => {
  let hub: TestHub;
  let app: ComposedApp;
  let pid: string;
  let home: string;
  const opened: string[] = [];
  const { raw, call } = routerClient(() => app);

  beforeAll(async () => {
    hub = await startTestHub({ api });
    app = await composeTestApp({
      openPath: async (p) => {
        opened.push(p);
        return "";
      },
    });
    pid = hub.hub.store.createProject(hub.credentials.account_id, { title: "Ops" }).project_id;
    if (api === "ai") allowProject(hub, hub.credentials.api_key, pid);
    home = hub.hub.runtime.createFolder(pid);
    const p = await call("profiles.add", { name: "Local hub", url: hub.url, api_key: hub.credentials.api_key });
    await call("profiles.switch", { id: p.id });
    // a cocalc.ai hub runs commands only in a started project: started the way the app starts one
    if (api === "ai") await call("projects.action", { project_id: pid, action: "start" });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await hub?.stop();
  });

  it("renames, moves, duplicates an odd name, and refuses a name that exists", async () => {
    writeFileSync(join(home, ODD), "odd\n");
    writeFileSync(join(home, "taken.txt"), "keep me\n");
    mkdirSync(join(home, "dest"));
    const clash = await call("fileops.rename", { project_id: pid, path: ODD, new_name: "taken.txt" });
    expect(clash.moved).toEqual([]);
    expect(clash.problem?.message).toMatch(/'taken.txt' already exists\. Nothing was replaced\./);
    expect(readFileSync(join(home, "taken.txt"), "utf8")).toBe("keep me\n");
    expect(readFileSync(join(home, ODD), "utf8")).toBe("odd\n");

    const dup = await call("fileops.duplicate", { project_id: pid, paths: [ODD, "dest"] });
    expect(dup.problem).toBeNull();
    expect(dup.moved.map((m) => m.to)).toEqual(["-odd 'name' \"q\"\nline (copy).txt", "dest (copy)"]);
    expect(readFileSync(join(home, "-odd 'name' \"q\"\nline (copy).txt"), "utf8")).toBe("odd\n");

    const mv = await call("fileops.move", { project_id: pid, paths: [ODD, "taken.txt"], dest_dir: "dest" });
    expect(mv.problem).toBeNull();
    expect(readdirSync(join(home, "dest")).sort()).toEqual([ODD, "taken.txt"].sort());
    writeFileSync(join(home, "taken.txt"), "another\n");
    const back = await call("fileops.move", { project_id: pid, paths: ["dest/taken.txt"], dest_dir: "" });
    expect(back.problem?.message).toMatch(/already exists/);
    expect(readFileSync(join(home, "dest/taken.txt"), "utf8")).toBe("keep me\n");
    expect((await raw("fileops.move", { project_id: pid, paths: ["dest"], dest_dir: "dest/x" })).ok).toBe(false);
    expect((await raw("fileops.rename", { project_id: pid, path: "../etc", new_name: "x" })).ok).toBe(false);
  });

  it("deletes into .trash, lists it with where each came from, restores, and empties", async () => {
    writeFileSync(join(home, "dest/gone.txt"), "1\n");
    writeFileSync(join(home, "gone.txt"), "2\n");
    const t = await call("fileops.trash", { project_id: pid, paths: ["dest/gone.txt", "gone.txt"] });
    expect(t.problem).toBeNull();
    expect(t.moved.map((m) => m.to)).toEqual([".trash/gone.txt", ".trash/gone (2).txt"]);
    expect(existsSync(join(home, "gone.txt"))).toBe(false);
    const { entries } = await call("fileops.trashList", { project_id: pid });
    expect(entries.map((e) => [e.name, e.origin]).sort()).toEqual([
      ["gone (2).txt", "gone.txt"],
      ["gone.txt", "dest/gone.txt"],
    ]);
    writeFileSync(join(home, "gone.txt"), "new\n");
    const r = await call("fileops.restore", { project_id: pid, names: ["gone.txt", "gone (2).txt"] });
    // every target is checked before anything moves: a clash moves nothing
    expect(r.moved).toEqual([]);
    expect(r.problem?.message).toMatch(/'gone.txt' already exists/);
    expect(existsSync(join(home, "dest/gone.txt"))).toBe(false);
    const one = await call("fileops.restore", { project_id: pid, names: ["gone.txt"] });
    expect(one).toEqual({ moved: [{ from: ".trash/gone.txt", to: "dest/gone.txt" }], problem: null });
    expect(readFileSync(join(home, "dest/gone.txt"), "utf8")).toBe("1\n");
    expect(readdirSync(join(home, ".trash/.cocalc-origins"))).toEqual(["gone (2).txt"]);
    expect(readFileSync(join(home, "gone.txt"), "utf8")).toBe("new\n");
    await call("fileops.emptyTrash", { project_id: pid });
    expect(readdirSync(join(home, ".trash"))).toEqual([]);
  });

  it("searches names and contents in pages, and skips the trash and the sync's folder", async () => {
    mkdirSync(join(home, "src"), { recursive: true });
    mkdirSync(join(home, ".cocalc-sync"), { recursive: true });
    writeFileSync(join(home, ".cocalc-sync/needle.txt"), "needle\n");
    for (let i = 0; i < 5; i++) writeFileSync(join(home, `src/needle-${i}.py`), `a\nb\nx = 'Needle ${i}'\n`);
    const n1 = await call("fileops.search", { project_id: pid, dir: "", query: "needle", mode: "names", offset: 0, limit: 3 });
    expect(n1.hits).toHaveLength(3);
    expect(n1.more).toBe(true);
    const n2 = await call("fileops.search", { project_id: pid, dir: "", query: "needle", mode: "names", offset: 3, limit: 3 });
    expect([...n1.hits, ...n2.hits].map((h) => h.path).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `src/needle-${i}.py`));
    expect(n2.more).toBe(false);
    const c = await call("fileops.search", { project_id: pid, dir: "src", query: "needle 3", mode: "contents", offset: 0, limit: 50 });
    expect(c.hits).toEqual([{ path: "src/needle-3.py", line: 3, text: "x = 'Needle 3'" }]);
  });

  it("opens a file with the system's app from a byte-exact copy in a temp folder", async () => {
    writeFileSync(join(home, "pic.bin"), Buffer.from([0, 1, 2, 255]));
    const r = await call("fileops.openWithSystem", { project_id: pid, path: "pic.bin" });
    expect(opened.at(-1)).toBe(r.local_path);
    expect(readFileSync(r.local_path)).toEqual(Buffer.from([0, 1, 2, 255]));
    // executable in the project, a plain file here
    writeFileSync(join(home, "tool.dat"), "x", { mode: 0o755 });
    const t = await call("fileops.openWithSystem", { project_id: pid, path: "tool.dat" });
    expect(statSync(t.local_path).mode & 0o111).toBe(0);
    // a program or script is never handed to the system to run
    writeFileSync(join(home, "setup.desktop"), "[Desktop Entry]\nExec=rm -rf ~\n");
    const n = opened.length;
    const refused = await raw("fileops.openWithSystem", { project_id: pid, path: "setup.desktop" });
    expect(refused).toMatchObject({ ok: false, error: { kind: "permission", message: expect.stringMatching(/does not run a project's files/) } });
    expect(opened.length).toBe(n);
  });
});
