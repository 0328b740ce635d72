/** The last action's notice: what was done, with Undo where it can be undone. */
import { Icon, Icons } from "../../icons.js";
import type { Notice as N } from "./actions.js";

export function ActionNotice({ notice, onUndo, onDismiss }: { notice: N | null; onUndo: () => void; onDismiss: () => void }) {
  if (!notice) return null;
  return (
    <div className="banner ok notice" role="status" aria-label="Notice">
      <span className="grow">{notice.text}</span>
      {notice.undo && (
        <button onClick={onUndo}>
          <Icon icon={Icons.undo} /> Undo
        </button>
      )}
      <button aria-label="Dismiss" title="Dismiss" onClick={onDismiss}>
        <Icon icon={Icons.close} />
      </button>
    </div>
  );
}
