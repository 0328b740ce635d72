/**
 * The app's own viewer as a kiosk mode: the file read by its proven bytes
 * (doc.open: size and sha256 checked) and shown by FileViewer when they are
 * UTF-8 text, checked for changes with one small call (size,
 * mtime, sha256) and read again only when it changed. While the server is
 * away the last good render stays and an "offline" mark shows; checks go on
 * with backoff and the view recovers by itself.
 */
import { useEffect, useRef, useState } from "react";
import { ApiError } from "../../../shared/errors.js";
import type { FileStamp, OpenedDoc } from "../../../shared/ipc/contract.js";
import { utf8Text } from "../../../shared/open/kind.js";
import { bytesOf } from "../views/files/open/doc-model.js";
import { nextCheckMs } from "../../../shared/kiosk/decisions.js";
import { isOffline, toApiError, useApp } from "../lib.js";
import { FileViewer } from "../viewer/FileViewer.js";

export interface ShownFile {
  project_id: string;
  path: string;
}

export interface ViewerState {
  /** the server answered the last check or read */
  online: boolean;
  /** the file shown, once its first read came back */
  loaded: ShownFile | null;
}

/** The first read of a file: its outcome resolves the `open` command. */
export type OpenOutcome = { ok: true } | { ok: false; error: ApiError };

export function OwnViewer({
  file,
  onOpened,
  onState,
  checkEveryMs,
}: {
  file: ShownFile | null;
  onOpened: (file: ShownFile, outcome: OpenOutcome) => void;
  onState: (s: ViewerState) => void;
  checkEveryMs?: number;
}) {
  const { api } = useApp();
  const [shown, setShown] = useState<{ file: ShownFile; content: string } | null>(null);
  const [online, setOnline] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const cb = useRef({ onOpened, onState });
  cb.current = { onOpened, onState };

  useEffect(() => {
    cb.current.onState({ online, loaded: shown?.file ?? null });
  }, [online, shown?.file]);

  useEffect(() => {
    if (!file) {
      setShown(null);
      setError(null);
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stamp: FileStamp | null = null;
    let failures = 0;
    let opened = false;

    const read = async () => textOf(await api.doc.open(file));
    const tick = async () => {
      try {
        const now = await api.kiosk.check(file);
        if (stopped) return;
        if (!now.exists) throw new ApiError("server", `${file.path} does not exist (any more) in this project.`, { hint: "Check the file name, or open another file." });
        if (!stamp || !("sha256" in stamp) || stamp.sha256 !== now.sha256) {
          const content = await read();
          if (stopped) return;
          setShown({ file, content });
        }
        stamp = now;
        failures = 0;
        setOnline(true);
        setError(null);
        if (!opened) {
          opened = true;
          cb.current.onOpened(file, { ok: true });
        }
      } catch (e) {
        if (stopped) return;
        const err = toApiError(e);
        failures += 1;
        if (isOffline(err)) setOnline(false);
        else {
          setOnline(true);
          setError(err);
        }
        if (!opened && !isOffline(err)) {
          opened = true;
          cb.current.onOpened(file, { ok: false, error: err });
        }
      }
      if (!stopped) timer = setTimeout(() => void tick(), checkEveryMs ?? nextCheckMs(failures));
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [api, file?.project_id, file?.path, checkEveryMs]);

  return (
    <div className="own-viewer">
      {!online && (
        <span className="offline-mark" role="status" aria-label="offline">
          offline
        </span>
      )}
      {error && (
        <div className="banner error" role="alert">
          <div>{error.message}</div>
          <div className="hint">{error.hint}</div>
        </div>
      )}
      {shown && <FileViewer path={shown.file.path} content={shown.content} />}
    </div>
  );
}

/** The file's text for the viewer, or a clear error when its bytes are not text it can show. */
export function textOf(d: OpenedDoc): string {
  if (d.data === null) throw new ApiError("too-large", `${d.path} is too large to show here.`, { hint: "Open it in Files, or show a smaller file." });
  const text = utf8Text(bytesOf(d.data));
  if (text === null) throw new ApiError("bad-content", `${d.path} is not UTF-8 text, so the viewer cannot show it.`, { hint: "Open it in Files to see what it is, or choose another file." });
  return text.replace(/^\uFEFF/, "");
}
