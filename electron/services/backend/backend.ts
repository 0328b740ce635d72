/**
 * The one interface features call to reach a server. It speaks in what the
 * app does (who am I, list projects, rename one, run a command), never in a
 * wire format: each API generation has an adapter behind it that maps these
 * operations to its own calls, so no feature or view knows which generation
 * it talks to. An operation a generation lacks throws ApiError("not-available"),
 * and `capabilities` says so up front so the UI can hide or explain it.
 */
import type {
  Capabilities,
  CopyInput,
  CopyListFilter,
  CopyStarted,
  CopyStatus,
  ExecInput,
  LearnedCapabilities,
  ExecResult,
  FileReadResult,
  FileRef,
  Identity,
  ProjectAction,
  ProjectDetails,
  ProjectSummary,
  ProjectUpdate,
  ProjectUser,
  Upgrades,
} from "../../../shared/domain.js";
import type { StoredProfile } from "../store/profile-store.js";

export interface Op {
  signal?: AbortSignal;
  /**
   * The project ran at an earlier process's last call but nobody asked since:
   * it may have stopped. A route that would wait for a stopped project (the
   * cocalc.ai bridge) waits only briefly, and a route that fails at once for
   * one says so rather than falling back (see projects/starting-backend).
   */
  unconfirmed?: boolean;
}

/** What the server said back after a project was made, for the person to read (e.g. a scoped key that cannot reach it). */
export interface ProjectCreated {
  project_id: string;
  notice?: string;
}

/**
 * A project as a backend answers it. `key_denied` is what this very call
 * learned about a scoped key's reach: the capability refused, null when the
 * project answered, absent when nothing was learned (the app remembers it).
 */
export type ServerProjectSummary = Omit<ProjectSummary, "key_denied"> & { key_denied?: string | null };
export type ServerProjectDetails = Omit<ProjectDetails, "key_denied"> & { key_denied?: string | null };

export interface Backend {
  readonly capabilities: Capabilities;
  /** the server's URL: what the app remembers things per server by (e.g. the read size it answers in time) */
  readonly server: string;
  /**
   * Learn what servers of this generation do differently, by harmless probes
   * (`project_id`: a project the probe may use). Absent where nothing varies.
   */
  probeCapabilities?(want: { copySchedule?: { project_id: string }; createAccount?: boolean }): Promise<LearnedCapabilities>;

  /** A round trip to the server; resolves to the server's clock. */
  ping(op?: Op): Promise<{ now: string }>;
  /** The account the key belongs to. */
  whoAmI(op?: Op): Promise<Identity>;

  listProjects(op?: Op): Promise<ServerProjectSummary[]>;
  getProject(project_id: string, op?: Op): Promise<ServerProjectDetails>;
  /** Change the title and/or the description. */
  updateProject(project_id: string, fields: ProjectUpdate, op?: Op): Promise<void>;
  createProject(input: { title?: string; description?: string }, op?: Op): Promise<ProjectCreated>;
  /** Mark a project deleted (true) or not (false), as CoCalc's own "Delete project" does; `capabilities.projectDelete` says where. */
  deleteProject(project_id: string, deleted: boolean, op?: Op): Promise<void>;
  /** Start or stop a project. */
  projectAction(project_id: string, action: ProjectAction, op?: Op): Promise<void>;
  /** running, opened, starting, …; null when the server does not say */
  projectState(project_id: string, op?: Op): Promise<string | null>;
  /** The project's collaborators by account id. */
  collaborators(project_id: string, op?: Op): Promise<Record<string, ProjectUser>>;

  /** Runs a command once. A non-zero exit is a result, not an error. */
  exec(input: ExecInput, op?: Op): Promise<ExecResult>;
  /** Several files in one round trip where the server allows it; each entry is content or error. */
  readTextFiles(files: FileRef[], op?: Op): Promise<FileReadResult[]>;
  writeTextFile(file: FileRef, content: string, op?: Op): Promise<void>;

  copyPath(input: CopyInput, op?: Op): Promise<CopyStarted>;
  copyStatus(copy_id: string, op?: Op): Promise<CopyStatus>;
  copyStatusList(filter: CopyListFilter, op?: Op): Promise<CopyStatus[]>;
  copyDelete(copy_id: string, op?: Op): Promise<void>;

  /** A 24-character token that signs `account_id` in (kiosk view). */
  authToken(account_id: string, password: string, op?: Op): Promise<string>;
  availableUpgrades(op?: Op): Promise<Upgrades>;
  logClientError(error: string, op?: Op): Promise<void>;
  jupyterKernels(project_id: string | undefined, op?: Op): Promise<unknown[]>;
  jupyterExecute(input: { kernel: string; input: string; history?: string[]; project_id?: string }, op?: Op): Promise<unknown>;
}

/** Makes the Backend of a profile; detection of the API generation happens behind it. */
export type BackendFactory = (profile: StoredProfile, apiKey: string) => Promise<{ backend: Backend; close: () => Promise<void> }>;
