/**
 * The files open in the Files view: each opened by its proven bytes
 * (doc.open), shown by its kind, and saved as bytes (doc.save) only when it
 * is text that was edited. A save over a file changed on the server is a
 * conflict: nothing is written, and both versions are shown.
 */
import { useCallback, useRef, useState } from "react";
import { useApp, useCall } from "../../../lib.js";
import { docFromOpened, newDoc, saveRequest, type DocState } from "./doc-model.js";
import { ApiError } from "../../../../../shared/errors.js";
import { myCopyName } from "../../../conflict-rules.js";
import { useDocReading } from "./useDocReading.js";

/** How an open file is shown: its own view (image, table, rendered notebook…) or the text editor. */
export type DocMode = "view" | "edit";

export interface OpenDoc extends DocState {
  mode: DocMode;
  /** bumped to make a fresh editor from `base` */
  rev: number;
  /** the server's version after a refused save: its text when it is text, null when it is gone or not text */
  conflict?: { server: string | null; serverSha: string | null };
  /** what the last save did, in words ("No changes to save") */
  note?: string;
}

function withMode(d: DocState): OpenDoc {
  const kind = d.opened?.kind ?? "text";
  return { ...d, mode: kind === "text" && d.form ? "edit" : "view", rev: 0 };
}

/** `onSaved`: a file was written (the listing shows its new size and time) */
export function useOpenDocs(project_id: string, onSaved?: () => void) {
  const { api } = useApp();
  const saved = useRef(onSaved);
  saved.current = onSaved;
  const io = useCall();
  const [docs, setDocs] = useState<OpenDoc[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const patch = useCallback((path: string, f: Partial<OpenDoc>) => setDocs((ds) => ds.map((d) => (d.path === path ? { ...d, ...f } : d))), []);

  const { reading, read, cancel: cancelRead, stopped } = useDocReading();
  const open = useCallback(
    async (paths: string[]) => {
      stopped.current = false;
      for (const path of paths) {
        if (docs.some((d) => d.path === path)) continue;
        // a cancel is what the person asked for, not an error to show
        const r = await read(path, (request_id) => io.run(() => api.doc.open({ project_id, path, request_id }), (e) => e.kind === "cancelled" && io.setError(null)));
        if (stopped.current) return;
        if (r) setDocs((ds) => (ds.some((d) => d.path === r.path) ? ds : [...ds, withMode(docFromOpened(r))]));
      }
      setActive(paths[paths.length - 1] ?? null);
    },
    [api, io.run, io.setError, read, stopped, docs, project_id],
  );

  const create = useCallback((path: string) => {
    setDocs((ds) => (ds.some((d) => d.path === path) ? ds : [...ds, { ...newDoc(path), mode: "edit", rev: 0 }]));
    setActive(path);
  }, []);

  /** The server's version, for the conflict view: text when it is text. */
  const serverVersion = async (path: string) => {
    const r = await api.doc.open({ project_id, path }).catch(() => null);
    const d = r ? docFromOpened(r) : null;
    return { server: d?.form ? d.text : null, serverSha: r?.sha256 ?? null, doc: d };
  };

  const save = async (d: OpenDoc, base: string | null = d.baseSha): Promise<boolean> => {
    const req = await saveRequest({ ...d, baseSha: base }, project_id);
    if (!req) {
      patch(d.path, { note: "No changes to save." });
      return false;
    }
    const r = await io.run(() => api.doc.save(req));
    if (!r) return false;
    if (r.status === "conflict") {
      const v = await serverVersion(d.path);
      patch(d.path, { conflict: { server: v.server, serverSha: v.serverSha }, note: undefined });
      return false;
    }
    patch(d.path, { base: d.text, baseSha: r.sha256, conflict: undefined, note: r.status === "unchanged" ? "No changes to save." : undefined });
    if (r.status === "saved") saved.current?.();
    return true;
  };

  /** Drop mine: the server's version, opened afresh. */
  const takeServer = async (d: OpenDoc) => {
    const v = await serverVersion(d.path);
    if (!v.doc) {
      patch(d.path, { conflict: undefined, baseSha: null, base: "", text: "", rev: d.rev + 1 });
      return;
    }
    patch(d.path, { ...v.doc, conflict: undefined, rev: d.rev + 1 });
  };

  /** Keep both: mine saved beside it as a new file (never over one that exists), then the server's version here. */
  const keepBoth = async (d: OpenDoc) => {
    for (let n = 1; n <= 50; n++) {
      const copy = { ...d, path: myCopyName(d.path, n), baseSha: null, opened: null };
      const req = await saveRequest(copy, project_id);
      if (!req) return;
      const r = await io.run(() => api.doc.save(req));
      if (!r) return;
      if (r.status === "conflict") continue;
      saved.current?.();
      await takeServer(d);
      return;
    }
    io.setError(new ApiError("server", `Could not find a free name beside ${d.path} for your copy.`, { hint: "Rename or remove some of the '(my copy …)' files, then try again." }));
  };

  const close = (path: string) => {
    setDocs((ds) => ds.filter((d) => d.path !== path));
    if (active === path) setActive(null);
  };

  return { docs, active, setActive, current: docs.find((d) => d.path === active) ?? null, open, reading, cancelRead, create, save, takeServer, keepBoth, close, patch, io };
}

export type OpenDocs = ReturnType<typeof useOpenDocs>;
