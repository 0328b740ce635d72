/**
 * The projects.* channels: the list, one project, title and description,
 * create, start/stop (answered once the server confirms the change), delete.
 * Refusals of a plan's limits come back naming what to stop.
 */
import { ApiError } from "../../../shared/errors.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import { sleep } from "../api/retry.js";
import type { Backend } from "../backend/backend.js";
import type { Connection } from "../connect/connection.js";
import { withRunningTitles } from "./run-limit.js";
import { startStep } from "./start-gate.js";

export interface ProjectsServiceOptions {
  /** how long a start or stop may take to show in the state, ms */
  confirmMs?: number;
  pollMs?: number;
}

/** Has the state moved as the action asked? A start shows as starting or running; a stop as anything else. */
export function actionConfirmed(action: "start" | "stop" | "restart", state: string | null): boolean {
  const up = startStep(state) !== "start";
  return action === "stop" ? !up : up;
}

export class ProjectsService implements HandlersOf<"projects"> {
  constructor(
    private readonly c: Connection,
    private readonly o: ProjectsServiceOptions = {},
  ) {}

  "projects.list": HandlersOf<"projects">["projects.list"] = async () => {
    const { backend, profile } = await this.c.get();
    return { projects: await this.c.reach.mark(profile.id, await backend.listProjects()) };
  };

  "projects.get": HandlersOf<"projects">["projects.get"] = async ({ project_id }) => {
    const { backend, profile } = await this.c.get();
    const [p] = await this.c.reach.mark(profile.id, [await backend.getProject(project_id)]);
    return p!;
  };

  "projects.update": HandlersOf<"projects">["projects.update"] = async ({ project_id, ...fields }) => {
    const { backend } = await this.c.get();
    await backend.updateProject(project_id, fields);
    return { ok: true as const };
  };

  "projects.create": HandlersOf<"projects">["projects.create"] = async (input) => (await this.c.get()).backend.createProject(input);

  "projects.action": HandlersOf<"projects">["projects.action"] = async ({ project_id, action }) => {
    const { backend } = await this.c.get();
    try {
      await backend.projectAction(project_id, action);
    } catch (e) {
      throw await withRunningTitles(backend, e);
    }
    return { ok: true as const, state: await this.confirmed(backend, project_id, action) };
  };

  "projects.delete": HandlersOf<"projects">["projects.delete"] = async ({ project_id, deleted }) => {
    const { backend } = await this.c.get();
    await backend.deleteProject(project_id, deleted);
    return { ok: true as const };
  };

  /** The state once it shows the action (the screen shows only what the server confirms). */
  private async confirmed(backend: Backend, project_id: string, action: "start" | "stop" | "restart"): Promise<string | null> {
    const end = Date.now() + (this.o.confirmMs ?? 60_000);
    for (;;) {
      const state = await backend.projectState(project_id);
      if (actionConfirmed(action, state)) return state;
      if (Date.now() > end) {
        throw new ApiError("timeout", `The server took the ${action} but the project still shows '${state ?? "no state"}'.`, { hint: "Refresh in a minute to see whether it changed." });
      }
      await sleep(this.o.pollMs ?? 400);
    }
  }
}
