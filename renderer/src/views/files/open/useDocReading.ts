/**
 * The file the Files view is reading: its progress from the main process's
 * real reads (`doc.progress`, checked against the contract's schema, for
 * this request only) and Cancel, which stops those reads. Shown only once a
 * read takes longer than a blink, so a small file opens without a flash.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { DocProgress } from "../../../../../shared/ipc/contract.js";
import { PROGRESS_DELAY_MS, useApp } from "../../../lib.js";

export interface Reading {
  path: string;
  request_id: string;
  received: number;
  /** the file's size, once the server has listed it */
  total: number | null;
  /** read long enough to be shown in place of the file */
  shown: boolean;
}

/** `r` with the progress `payload` brings, when it is a valid event for r's request. */
export function progressed(r: Reading | null, payload: unknown): Reading | null {
  const p = DocProgress.safeParse(payload);
  if (!r || !p.success || p.data.request_id !== r.request_id) return r;
  return { ...r, received: p.data.received, total: p.data.total };
}

export function useDocReading() {
  const { api } = useApp();
  const [reading, setReading] = useState<Reading | null>(null);
  const current = useRef<Reading | null>(null);
  current.current = reading;
  /** set by Cancel: the files still to be opened in the same batch are left alone too */
  const stopped = useRef(false);
  useEffect(() => api.on("doc.progress", (payload) => setReading((r) => progressed(r, payload))), [api]);

  const read = useCallback(async <T>(path: string, fn: (request_id: string) => Promise<T>): Promise<T> => {
    const request_id = crypto.randomUUID();
    const mine = (r: Reading | null) => r?.request_id === request_id;
    setReading({ path, request_id, received: 0, total: null, shown: false });
    const t = setTimeout(() => setReading((r) => (mine(r) ? { ...r!, shown: true } : r)), PROGRESS_DELAY_MS);
    try {
      return await fn(request_id);
    } finally {
      clearTimeout(t);
      setReading((r) => (mine(r) ? null : r));
    }
  }, []);

  const cancel = useCallback(() => {
    stopped.current = true;
    const r = current.current;
    if (r) void api.doc.cancel({ request_id: r.request_id }).catch(() => undefined);
  }, [api]);

  return { reading, read, cancel, stopped };
}
