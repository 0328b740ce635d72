import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../shared/ipc/channels.js";
import { importCycles, layerViolation, readImportGraph, type ImportGraph } from "../support/import-graph.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("the layering rules", () => {
  it.each([
    ["shared/ipc/contract.ts", "shared/domain.ts", false],
    ["shared/domain.ts", "electron/services/log/log.ts", true],
    ["shared/domain.ts", "node:fs", true],
    ["renderer/src/App.tsx", "shared/ipc/contract.ts", false],
    ["renderer/src/App.tsx", "electron/services/compose.ts", true],
    ["renderer/src/App.tsx", "node:path", true],
    ["renderer/src/App.tsx", "electron", true],
    ["hub/app.ts", "shared/domain.ts", false],
    ["hub/app.ts", "electron/services/sync/engine.ts", true],
    ["electron/services/sync/engine.ts", "electron/shell/windows.ts", true],
    ["electron/services/sync/engine.ts", "electron/services/compose.ts", true],
    ["electron/services/compose.ts", "electron/services/sync/service.ts", false],
    ["electron/main.ts", "electron/services/compose.ts", false],
    ["electron/main.ts", "unresolved:./gone.js", true],
  ])("%s → %s breaks a rule: %s", (from, to, broken) => {
    expect(layerViolation(from, to) !== null).toBe(broken);
  });

  it("finds a circle of imports, and only circles", () => {
    const graph: ImportGraph = new Map([
      ["a.ts", ["b.ts", "zod"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(importCycles(graph)).toEqual([["a.ts", "b.ts", "c.ts"]]);
    expect(importCycles(new Map([["d.ts", ["a.ts"]], ["a.ts", []]]))).toEqual([]);
  });
});

describe("the repository's imports", () => {
  const graph = readImportGraph(ROOT, ["shared", "electron", "renderer/src", "hub", "scripts", "bench"]);

  it("reads the whole tree", () => {
    expect(graph.size).toBeGreaterThan(200);
  });

  it("keep every layer's rule", () => {
    const broken = [...graph].flatMap(([from, tos]) => tos.flatMap((to) => (layerViolation(from, to) ? [`${from} → ${to}: ${layerViolation(from, to)}`] : [])));
    expect(broken).toEqual([]);
  });

  it("have no circle, type-only imports included", () => {
    expect(importCycles(graph)).toEqual([]);
  });
});

describe("the services", () => {
  /** The channels a source file answers: each is defined as a quoted property (`"sync.start": … =`). */
  const answered = (source: string) => CHANNELS.filter((c) => new RegExp(`^\\s*"${c.replace(".", "\\.")}"\\s*[:=(]`, "m").test(source));
  const services = [...readImportGraph(ROOT, ["electron/services"]).keys()];

  it("reads each answered channel", () => {
    expect(answered(`  "projects.list": Answers["projects.list"] = async () => [];`)).toEqual(["projects.list"]);
    expect(answered(`const x = api["projects.list"];`)).toEqual([]);
  });

  it("answer each capability's channels in that capability's own files", () => {
    const mixed = services.flatMap((file) => {
      const groups = new Set(answered(readFileSync(resolve(ROOT, file), "utf8")).map((c) => c.split(".")[0]));
      return groups.size > 1 ? [`${file}: ${[...groups].join(", ")}`] : [];
    });
    expect(mixed).toEqual([]);
    expect(services.filter((f) => answered(readFileSync(resolve(ROOT, f), "utf8")).length > 0).length).toBeGreaterThan(8);
  });
});

it("the services' root holds only their composition: every other module lives in its capability's folder", () => {
  const root = [...readImportGraph(ROOT, ["electron/services"]).keys()].filter((f) => f.split("/").length === 3);
  expect(root).toEqual(["electron/services/compose.ts"]);
});
