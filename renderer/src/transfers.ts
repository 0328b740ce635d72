/**
 * Files to and from the desktop, on the renderer's side: a running transfer
 * with its progress (pushed as `transfer.progress`) and cancel, and dropped
 * files. Chromium gives a dropped file its bytes but not its path, so those
 * bytes go to the main process in base64 chunks, each with its sha256; the
 * main process stages them and uploads the staged files through the same
 * hash-verified transfer layer as any other upload.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../../shared/errors.js";
import type { CocalcApi } from "../../shared/ipc/api.js";
import { STAGE_CHUNK_BYTES } from "../../shared/ipc/contract.js";
import type { TransferProgress } from "../../shared/sync.js";
import { toApiError, useApp } from "./lib.js";

export interface DroppedFile {
  /** relative, with "/" between a dropped folder's parts */
  path: string;
  file: File;
}

export interface RunningTransfer {
  request_id: string;
  label: string;
  /** "staging" while dropped files are read and sent to the app; then "moving" */
  phase: "staging" | "moving";
  progress: Omit<TransferProgress, "request_id"> | null;
}

export interface TransferOutcome {
  label: string;
  files: number;
  bytes: number;
}

function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    // readEntries answers in batches until it answers an empty one.
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    out.push({ path: entry.fullPath.replace(/^\/+/, ""), file });
  } else if (entry.isDirectory) {
    for (const e of await readAllEntries(entry as FileSystemDirectoryEntry)) await walk(e, out);
  }
}

/**
 * What was dropped, folders walked. Must be called in the drop event itself:
 * the browser empties the DataTransfer once the handler returns.
 */
export function droppedFiles(dt: DataTransfer): Promise<DroppedFile[]> {
  const entries = [...dt.items].filter((i) => i.kind === "file").map((i) => i.webkitGetAsEntry?.() ?? null);
  const files = [...dt.files];
  return (async () => {
    // Entries exist for a real drag from the desktop; a page-made DataTransfer has files only.
    if (entries.length > 0 && entries.every((e) => e !== null)) {
      const out: DroppedFile[] = [];
      for (const e of entries) await walk(e!, out);
      return out;
    }
    return files.map((file) => ({ path: file.name, file }));
  })();
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Send every dropped file's bytes to the app, chunk by chunk, in order. */
export async function stageDropped(
  api: CocalcApi,
  upload_id: string,
  files: DroppedFile[],
  o: { signal: AbortSignal; onProgress: (p: Omit<TransferProgress, "request_id">) => void },
): Promise<void> {
  const bytes_total = files.reduce((n, f) => n + f.file.size, 0);
  let bytes_done = 0;
  for (const [i, f] of files.entries()) {
    for (let offset = 0; offset < f.file.size; offset += STAGE_CHUNK_BYTES) {
      if (o.signal.aborted) throw new ApiError("cancelled", "The upload was cancelled before anything was uploaded.", { hint: "Drop the files again to upload them." });
      const chunk = new Uint8Array(await f.file.slice(offset, offset + STAGE_CHUNK_BYTES).arrayBuffer());
      await api.transfer.stageChunk({ upload_id, path: f.path, offset, data: toBase64(chunk), sha256: await sha256Hex(chunk) });
      bytes_done += chunk.byteLength;
      o.onProgress({ files_done: i, files_total: files.length, bytes_done, bytes_total, current: f.path });
    }
  }
  o.onProgress({ files_done: files.length, files_total: files.length, bytes_done, bytes_total, current: null });
}

/** One transfer at a time per view: its progress, its outcome, its error, and cancel. */
export function useTransfer() {
  const { api, report } = useApp();
  const [running, setRunning] = useState<RunningTransfer | null>(null);
  const [done, setDone] = useState<TransferOutcome | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const staging = useRef<AbortController | null>(null);
  const runningRef = useRef(running);
  runningRef.current = running;

  useEffect(
    () =>
      api.on("transfer.progress", (payload) => {
        const p = payload as TransferProgress;
        setRunning((r) => (r && r.request_id === p.request_id ? { ...r, phase: "moving", progress: p } : r));
      }),
    [api],
  );

  const run = useCallback(
    async (label: string, fn: (t: { request_id: string; signal: AbortSignal; stagingProgress: (p: Omit<TransferProgress, "request_id">) => void }) => Promise<{ files: number; bytes: number }>) => {
      if (runningRef.current) return null;
      const request_id = crypto.randomUUID();
      const ac = new AbortController();
      staging.current = ac;
      setDone(null);
      setError(null);
      setRunning({ request_id, label, phase: "moving", progress: null });
      try {
        const r = await fn({
          request_id,
          signal: ac.signal,
          stagingProgress: (p) => setRunning((cur) => (cur?.request_id === request_id ? { ...cur, phase: "staging", progress: p } : cur)),
        });
        setDone({ label, ...r });
        return r;
      } catch (e) {
        const err = toApiError(e);
        setError(err);
        report(err);
        return null;
      } finally {
        staging.current = null;
        setRunning(null);
      }
    },
    [report],
  );

  const cancel = useCallback(async () => {
    const r = runningRef.current;
    if (!r) return;
    staging.current?.abort();
    await api.transfer.cancel({ request_id: r.request_id }).catch(() => undefined);
  }, [api]);

  return { running, done, error, setError, run, cancel };
}
