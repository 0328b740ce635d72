import { describe, expect, it } from "vitest";
import { startStep } from "../../electron/services/projects/start-gate.js";
import { actionConfirmed } from "../../electron/services/projects/projects-service.js";
import { limitMessage, projectLimitOf, runLimitOf } from "../../shared/plan-limits.js";

describe("what the state says before a call", () => {
  it.each([
    ["running", "ready"],
    ["starting", "wait"],
    ["opening", "wait"],
    ["opened", "start"],
    ["not started", "start"],
    ["archived", "start"],
    [null, "start"],
  ] as const)("%s → %s", (state, step) => expect(startStep(state)).toBe(step));
});

describe("an action is shown once the state shows it", () => {
  it.each([
    ["start", "starting", true],
    ["start", "running", true],
    ["start", "opened", false],
    ["stop", "opened", true],
    ["stop", "running", false],
    ["restart", "running", true],
  ] as const)("%s, state %s → %s", (action, state, done) => expect(actionConfirmed(action, state)).toBe(done));
});

describe("a plan's limits from the server's texts (facts §7)", () => {
  const denial = 'COCALC_RUNTIME_SPONSOR_DENIAL:{"code":"runtime_sponsor_slots_exhausted","sponsor_account_id":"a","limit":1,"current":1,"active_projects":[{"project_id":"p1","state":"running"}]}';
  it("the runtime sponsor's denial, also with a suffix after it", () => {
    expect(runLimitOf(denial)).toEqual({ what: "running", max: 1, current: 1, running: [{ project_id: "p1", title: null }] });
    expect(runLimitOf(`${denial} - callHub: subject='x', code='unknown' `)?.max).toBe(1);
    expect(runLimitOf("COCALC_RUNTIME_SPONSOR_DENIAL:not-json")).toBeUndefined();
    expect(runLimitOf("anything else")).toBeUndefined();
  });
  it("the project count", () => {
    expect(projectLimitOf("project limit reached (5/5); delete a project or upgrade membership")).toEqual({ what: "projects", current: 5, max: 5, running: [] });
  });
  it.each([
    [{ what: "running", max: 1, current: 1, running: [{ project_id: "p", title: "Thesis" }] }, "Your plan runs one project at a time: stop “Thesis” and try again."],
    [{ what: "running", max: 2, current: 2, running: [{ project_id: "p", title: "A" }, { project_id: "q", title: null }] }, "Your plan runs 2 projects at a time: stop “A”, the running project and try again."],
    [{ what: "projects", max: 5, current: 5, running: [] }, "Project limit reached (5/5): your plan allows 5 projects."],
  ] as const)("%o → %s", (l, text) => expect(limitMessage({ ...l, running: [...l.running] }).message).toBe(text));
});
