/** A file being read, shown where it will open: its name, how much of it has arrived, and Cancel. */
import { formatBytes } from "../../../format.js";
import type { Reading } from "./useDocReading.js";

export function OpenProgress({ reading, onCancel }: { reading: Reading; onCancel: () => void }) {
  const { path, received, total } = reading;
  const name = path.slice(path.lastIndexOf("/") + 1);
  return (
    <section className="doc-reading" aria-label={`Opening ${path}`}>
      <h3 className="mono">{name}</h3>
      {name !== path && <p className="muted mono">{path}</p>}
      {total === null ? <progress aria-label={`Reading ${path}`} /> : <progress aria-label={`Reading ${path}`} max={Math.max(total, 1)} value={received} />}
      <p role="status" aria-live="polite">
        {total === null ? "Asking the server for the file…" : `${formatBytes(received)} of ${formatBytes(total)}`}
      </p>
      <div className="row">
        <button onClick={onCancel}>Cancel</button>
      </div>
    </section>
  );
}
