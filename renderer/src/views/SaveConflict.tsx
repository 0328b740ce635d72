/**
 * The editor's save conflict: the file changed on the server since it was
 * opened and nothing was written. Both versions as a diff, with a choice per
 * change ("Save this result"), or whole: keep mine, take the server's, or
 * keep both (mine saved beside it as a new file, never over one that exists).
 */
import { useState } from "react";
import { MergeConflict } from "./LazyMergeConflict.js";

export interface SaveConflictActions {
  /** write this text over the server's version (the one just seen) */
  save: (text: string) => void;
  /** drop mine: the editor takes the server's version */
  takeServer: () => void;
  /** save mine as a new file beside it, then take the server's */
  keepBoth: () => void;
}

/** `server` null: the file is gone from the server (`serverGone`), or is no longer text there. */
export function SaveConflict({ path, mine, server, serverGone = true, busy, act }: { path: string; mine: string; server: string | null; serverGone?: boolean; busy: boolean; act: SaveConflictActions }) {
  // the diff is of the text as it was when the save was refused; typing on in the editor does not reset the choices
  const [shown] = useState(mine);
  const [result, setResult] = useState(mine);
  return (
    <div className="card" role="alert" aria-label="Save conflict">
      <p style={{ marginTop: 0 }}>
        <strong>{path} changed on the server since you opened it.</strong> Nothing was saved.{" "}
        {server === null ? (serverGone ? "It was deleted on the server: keep yours, or let it go." : "On the server it is no longer text: keep yours, or take the server's.") : "Choose per change, or keep one version whole:"}
      </p>
      {server === null ? (
        <div className="conflict">
          <div>
            <h3>Your version</h3>
            <pre aria-label="Your version">{mine}</pre>
          </div>
          <div>
            <h3>On the server</h3>
            <pre aria-label="Server version">{serverGone ? "(the file was deleted on the server)" : "(the file on the server is no longer text)"}</pre>
          </div>
        </div>
      ) : (
        <MergeConflict mine={shown} theirs={server} mineLabel="Your version" theirsLabel="Server version" onResult={setResult} />
      )}
      <div className="row" style={{ marginTop: 8 }}>
        {server !== null && (
          <button className="primary" disabled={busy} onClick={() => act.save(result)}>
            Save this result
          </button>
        )}
        <button className={server === null ? "primary" : undefined} disabled={busy} onClick={() => act.save(mine)}>
          Keep mine (overwrite the server's)
        </button>
        <button disabled={busy} onClick={act.takeServer}>
          Take the server's (drop mine)
        </button>
        {server !== null && (
          <button disabled={busy} onClick={act.keepBoth}>
            Keep both (mine as a copy)
          </button>
        )}
      </div>
    </div>
  );
}
