/**
 * Copies between projects on the active server, shown done only when
 * confirmed: the server's copy followed to its end and the target checked, or
 * (where the server's own copy cannot be followed) made by the app itself
 * through the hash-verified transfer layer.
 */
import type { CopyInput, CopyOutcome } from "../../../shared/domain.js";
import { ApiError } from "../../../shared/errors.js";
import type { HandlersOf } from "../../ipc/handlers.js";
import type { Backend } from "../backend/backend.js";
import type { ProjectRunner } from "../backend/project-start.js";
import type { Connection } from "../connect/connection.js";
import { normalizeProjectPath } from "../../../shared/project-path.js";
import type { TransferApi } from "../transfer/api.js";
import { copyConfirmed, missingSource } from "./confirmed-copy.js";

type Answers = HandlersOf<"copy">;

export class CopyService implements Answers {
  /** copies being waited for, by request id */
  private readonly copies = new Map<string, AbortController>();

  constructor(
    private readonly c: Connection,
    /** byte-exact, hash-verified moves: copies between projects on servers whose own copy cannot be followed */
    private readonly transfer?: TransferApi,
  ) {
    c.onDisconnect(() => {
      for (const ac of this.copies.values()) ac.abort();
    });
  }

  "copy.start": Answers["copy.start"] = async ({ request_id, ...input }) => {
    if (request_id !== undefined && this.copies.has(request_id)) throw new ApiError("invalid-input", "A copy with this request id is already running.");
    // the connection first: making it drops whatever waited on the previous one
    const { backend, runner, profile } = await this.c.get();
    const ac = new AbortController();
    if (request_id !== undefined) this.copies.set(request_id, ac);
    try {
      const src_path = normalizeProjectPath(input.src_path);
      if (src_path === "") throw new ApiError("invalid-input", "Give the file or folder to copy.", { hint: "A copy of a whole project's home is not offered; choose a folder inside it." });
      const target = { ...input, src_path, ...(input.target_path === undefined ? {} : { target_path: normalizeProjectPath(input.target_path) }) };
      if (backend.capabilities.copy === "app" && input.src_project_id !== input.target_project_id) return await this.copyByApp(backend, runner, target, ac.signal);
      const canSchedule = input.scheduled !== undefined && (await this.c.learn(profile.id, backend, { project_id: input.src_project_id })).copySchedule;
      return await copyConfirmed(backend, (i, op) => runner.exec(i, op), target, { canSchedule, signal: ac.signal });
    } catch (e) {
      if (ac.signal.aborted) {
        throw new ApiError("cancelled", "Stopped waiting for the copy; the server may still finish it.", { hint: "Look at the target later to see what arrived." });
      }
      throw e;
    } finally {
      if (request_id !== undefined) this.copies.delete(request_id);
    }
  };

  /**
   * Where the server's own copy cannot be followed (cocalc.ai), the app copies:
   * the shared transfer layer reads the source and writes the target, every
   * file checked against its sha256, so "done" is what the app confirmed.
   */
  private async copyByApp(backend: Backend, runner: ProjectRunner, input: CopyInput, signal: AbortSignal): Promise<CopyOutcome> {
    const transfer = this.transfer;
    if (!transfer) throw new ApiError("not-available", "This server's own copy between projects cannot be followed, and the app's transfer layer is not running.", { hint: "Restart the app; if it persists, see the log file." });
    const unsupported = [input.exclude?.length ? "exclude" : null, input.delete_missing ? "delete missing" : null, input.backup ? "backup" : null, input.scheduled ? "scheduling" : null].filter((x) => x !== null);
    if (unsupported.length) {
      throw new ApiError("not-available", `On this server the app copies between projects itself, without ${unsupported.join(", ")}.`, { hint: "Copy without those options." });
    }
    // one look first, so a source that is not there is said in the same words as any other copy
    const there = await runner.exec({ project_id: input.src_project_id, command: "test", args: ["-e", `./${input.src_path}`], timeout: 30 }, { signal });
    if (there.exit_code !== 0) throw missingSource(input.src_path);
    const r = await transfer.copyBetweenProjects(
      backend,
      { src_project_id: input.src_project_id, src_path: input.src_path, target_project_id: input.target_project_id, target_path: input.target_path ?? input.src_path },
      { signal },
    );
    return { status: "done", copy_id: null, confirmed_by: "hash-verified", files_checked: r.files };
  }

  "copy.cancel": Answers["copy.cancel"] = async ({ request_id }) => {
    const ac = this.copies.get(request_id);
    ac?.abort();
    return { cancelled: !!ac };
  };

  "copy.status": Answers["copy.status"] = async ({ copy_id }) => (await this.c.get()).backend.copyStatus(copy_id);
  "copy.list": Answers["copy.list"] = async (filter) => ({ copies: await (await this.c.get()).backend.copyStatusList(filter) });
  "copy.delete": Answers["copy.delete"] = async ({ copy_id }) => {
    await (await this.c.get()).backend.copyDelete(copy_id);
    return { ok: true as const };
  };
}
