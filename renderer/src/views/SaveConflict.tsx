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

export function SaveConflict({ path, mine, server, busy, act }: { path: string; mine: string; server: string | null; busy: boolean; act: SaveConflictActions }) {
  // the diff is of the text as it was when the save was refused; typing on in the editor does not reset the choices
  const [shown] = useState(mine);
  const [result, setResult] = useState(mine);
  return (
    <div className="card" role="alert" aria-label="Save conflict">
      <p style={{ marginTop: 0 }}>
        <strong>{path} changed on the server since you opened it.</strong> Nothing was saved.{" "}
        {server === null ? "It was deleted on the server: keep yours, or let it go." : "Choose per change, or keep one version whole:"}
      </p>
      {server === null ? (
        <div className="conflict">
          <div>
            <h3>Your version</h3>
            <pre aria-label="Your version">{mine}</pre>
          </div>
          <div>
            <h3>On the server</h3>
            <pre aria-label="Server version">(the file was deleted on the server)</pre>
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
