/**
 * The one interface features call to reach a server. Each API generation has
 * an adapter behind it; no feature builds a request of a wire format itself.
 * An operation a generation lacks throws ApiError("not-available"), and
 * `capabilities` says so up front so the UI can hide or explain it.
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
  Upgrades,
} from "../../../shared/domain.js";

export interface Op {
  signal?: AbortSignal;
}

export interface Backend {
  readonly capabilities: Capabilities;
  /**
   * Learn what servers of this generation do differently, by harmless probes
   * (`project_id`: a project the probe may use). Absent where nothing varies.
   */
  probeCapabilities?(want: { copySchedule?: { project_id: string }; createAccount?: boolean }): Promise<LearnedCapabilities>;

  /** A round trip to the server; resolves to the server's clock. */
  ping(op?: Op): Promise<{ now: string }>;
  /** The database query of both generations: a get if any value is null, else a set. */
  query(query: Record<string, unknown>, op?: Op): Promise<Record<string, unknown>>;
  createProject(input: { title?: string; description?: string }, op?: Op): Promise<{ project_id: string }>;
  /** Start or stop a project. */
  projectAction(project_id: string, action: "start" | "stop" | "restart", op?: Op): Promise<void>;

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
