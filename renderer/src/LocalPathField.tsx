/**
 * A path on this computer: a text field, and "Choose…" opening the system's
 * own chooser where the desktop shell offers one. Where it does not (the
 * preview, the tests) the field alone remains, and says so.
 */
import { useState } from "react";
import { isApiError } from "../../shared/errors.js";
import { useApp } from "./lib.js";

/** Learned once per page: whether the shell has a chooser. */
let chooserMissing = false;

export function LocalPathField({ label, value, onChange, title, placeholder }: { label: string; value: string; onChange: (v: string) => void; title: string; placeholder?: string }) {
  const { api } = useApp();
  const [missing, setMissing] = useState(chooserMissing);
  const [error, setError] = useState<string | null>(null);
  const choose = async () => {
    setError(null);
    try {
      const r = await api.desktop.chooseFolder({ title });
      if (r.path) onChange(r.path);
    } catch (e) {
      if (isApiError(e, "not-available")) {
        chooserMissing = true;
        setMissing(true);
      } else setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div style={{ display: "grid", gap: 2 }}>
      <div className="row">
        <input className="grow mono" aria-label={label} placeholder={placeholder ?? "/home/you/folder"} value={value} onChange={(e) => onChange(e.target.value)} />
        {!missing && (
          <button type="button" onClick={() => void choose()}>
            Choose…
          </button>
        )}
      </div>
      {missing && <span className="muted">There is no folder chooser here: type the folder's full path.</span>}
      {error && (
        <span className="bad-text" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
