/**
 * The project and account operations of the two classic generations, which
 * both do them through the same database query (v1 `query`, current
 * `db.userQuery`): one translation, used by both adapters. Server rows are
 * checked here, where they enter.
 */
import { z } from "zod";
import { Uuid } from "../../../shared/api/common.js";
import type { Identity, ProjectUpdate, ProjectUser } from "../../../shared/domain.js";
import { ApiError } from "../../../shared/errors.js";
import type { Op, ServerProjectDetails, ServerProjectSummary } from "./backend.js";

/** A get if any value is null, else a set (the rule of both generations). */
export type QueryFn = (query: Record<string, unknown>, op?: Op) => Promise<Record<string, unknown>>;

/** A project row must have an id; the rest is defaulted. */
const ProjectRow = z.looseObject({
  project_id: Uuid,
  title: z.string().nullish(),
  description: z.string().nullish(),
  last_edited: z.union([z.string(), z.number()]).nullish(),
  deleted: z.boolean().nullish(),
  users: z.record(z.string(), z.looseObject({ group: z.string().catch("collaborator"), upgrades: z.record(z.string(), z.number()).optional().catch(undefined) })).nullish(),
  state: z.unknown().optional(),
  created: z.union([z.string(), z.number()]).nullish(),
});
type ProjectRow = z.infer<typeof ProjectRow>;

const toIso = (v: string | number | null | undefined) => (v === null || v === undefined ? null : typeof v === "number" ? new Date(v).toISOString() : v);

/** `state` is {state, time} on real servers, a bare string on some. */
function stateText(state: unknown): string | null {
  if (typeof state === "string") return state;
  const s = (state as { state?: unknown } | null | undefined)?.state;
  return typeof s === "string" ? s : null;
}

function summary(r: ProjectRow): ServerProjectSummary {
  return { project_id: r.project_id, title: r.title ?? "", description: r.description ?? "", last_edited: toIso(r.last_edited), deleted: !!r.deleted, state: stateText(r.state) };
}

function users(r: ProjectRow): Record<string, ProjectUser> {
  return Object.fromEntries(Object.entries(r.users ?? {}).map(([k, u]) => [k, { group: u.group, ...(u.upgrades ? { upgrades: u.upgrades } : {}) }]));
}

export async function queryWhoAmI(query: QueryFn, op?: Op): Promise<Identity> {
  const me = (await query({ accounts: { account_id: null, email_address: null, groups: null } }, op)).accounts as { account_id?: unknown; email_address?: unknown; groups?: unknown } | undefined;
  const id = Uuid.safeParse(me?.account_id);
  if (!id.success) throw new ApiError("unexpected-reply", "The server did not say which account this key belongs to.");
  const is_admin = Array.isArray(me?.groups) ? me.groups.includes("admin") : null;
  return { account_id: id.data, email_address: typeof me?.email_address === "string" ? me.email_address : null, is_admin };
}

/** Rows without a valid project_id are left out: there is nothing the app could do with them. */
export async function queryListProjects(query: QueryFn, op?: Op): Promise<ServerProjectSummary[]> {
  const r = await query({ projects_all: [{ project_id: null, title: null, description: null, last_edited: null, deleted: null, state: null }] }, op);
  const rows = z.array(z.unknown()).catch([]).parse(r.projects_all);
  const out: ServerProjectSummary[] = [];
  for (const row of rows) {
    const p = ProjectRow.safeParse(row);
    if (p.success) out.push(summary(p.data));
  }
  return out;
}

async function queryProjectRow(query: QueryFn, project_id: string, fields: Record<string, null>, op?: Op): Promise<ProjectRow> {
  const r = await query({ projects: { project_id, ...fields } }, op);
  const p = ProjectRow.safeParse(r.projects);
  if (!p.success) throw new ApiError("unexpected-reply", "The server's answer about this project is not what this app expects.");
  return p.data;
}

export async function queryGetProject(query: QueryFn, project_id: string, op?: Op): Promise<ServerProjectDetails> {
  const row = await queryProjectRow(query, project_id, { title: null, description: null, last_edited: null, deleted: null, users: null, state: null, created: null }, op);
  return { ...summary(row), users: users(row), created: toIso(row.created) };
}

export async function queryProjectState(query: QueryFn, project_id: string, op?: Op): Promise<string | null> {
  return stateText((await queryProjectRow(query, project_id, { state: null }, op)).state);
}

export async function queryCollaborators(query: QueryFn, project_id: string, op?: Op): Promise<Record<string, ProjectUser>> {
  return users(await queryProjectRow(query, project_id, { users: null }, op));
}

/** Delete (as CoCalc's own "Delete project" does: the record is marked deleted, nothing is erased) or undo that. */
export async function queryDeleteProject(query: QueryFn, project_id: string, deleted: boolean, op?: Op): Promise<void> {
  await query({ projects: { project_id, deleted } }, op);
}

export async function queryUpdateProject(query: QueryFn, project_id: string, fields: ProjectUpdate, op?: Op): Promise<void> {
  const set: Record<string, unknown> = { project_id };
  if (fields.title !== undefined) set.title = fields.title;
  if (fields.description !== undefined) set.description = fields.description;
  if (Object.keys(set).length === 1) throw new ApiError("invalid-input", "Nothing to change: give a title or a description.");
  await query({ projects: set }, op);
}

