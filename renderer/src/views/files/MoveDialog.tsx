/** "Move to…": a folder of the project, typed or picked from the folders at hand. */
import { useEffect, useRef, useState } from "react";
import { plural } from "../../format.js";
import { Icon, Icons } from "../../icons.js";

export function MoveDialog({ count, dir, folders, onMove, onClose }: { count: number; dir: string; folders: string[]; onMove: (dest: string) => void; onClose: () => void }) {
  const [dest, setDest] = useState(dir);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => ref.current?.showModal(), []);
  const parent = dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "";
  const choices = [...(dir ? [parent] : []), ...folders];
  return (
    <dialog ref={ref} aria-label="Move to a folder" onClose={onClose} onCancel={onClose} className="move-dialog">
      <form
        method="dialog"
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          onMove(dest.trim().replace(/^~\/?/, "").replace(/\/+$/, ""));
        }}
      >
        <h2>
          <Icon icon={Icons.move} /> Move {plural(count, "item")} to…
        </h2>
        <label className="row">
          Folder ~/
          <input className="grow" autoFocus aria-label="Destination folder" value={dest} onChange={(e) => setDest(e.target.value)} />
        </label>
        {choices.length > 0 && (
          <div className="row choices" aria-label="Folders at hand">
            {choices.map((f) => (
              <button type="button" key={f} onClick={() => setDest(f)}>
                ~/{f}
              </button>
            ))}
          </div>
        )}
        <p className="muted">Nothing is replaced: a name that is already there stops the move.</p>
        <div className="row">
          <button type="submit" className="primary">
            Move
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
