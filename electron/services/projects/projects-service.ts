/** Projects on the active server: list, details, rename, create, start/stop. */
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Connection } from "../connect/connection.js";

type Answers = HandlersOf<"projects">;

export class ProjectsService implements Answers {
  constructor(private readonly c: Connection) {}

  "projects.list": Answers["projects.list"] = async () => {
    const { backend, profile } = await this.c.get();
    return { projects: await this.c.reach.mark(profile.id, await backend.listProjects()) };
  };

  "projects.get": Answers["projects.get"] = async ({ project_id }) => {
    const { backend, profile } = await this.c.get();
    const [p] = await this.c.reach.mark(profile.id, [await backend.getProject(project_id)]);
    return p!;
  };

  "projects.update": Answers["projects.update"] = async ({ project_id, ...fields }) => {
    const { backend } = await this.c.get();
    await backend.updateProject(project_id, fields);
    return { ok: true as const };
  };

  "projects.create": Answers["projects.create"] = async (input) => (await this.c.get()).backend.createProject(input);

  "projects.action": Answers["projects.action"] = async ({ project_id, action }) => {
    await (await this.c.get()).backend.projectAction(project_id, action);
    return { ok: true as const };
  };
}
