/**
 * The app's own "are you sure?": a modal <dialog> in the page, never
 * window.confirm (which the preview's browser cancels silently, and which
 * cannot say what each answer does). Esc or "Cancel" is no; the safe answer
 * has the focus.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";

export interface ConfirmRequest {
  title: string;
  /** what happens, in the person's words */
  body: ReactNode;
  /** the button that goes ahead, e.g. "Remove" */
  confirm: string;
  /** the way back; "Cancel" unless said */
  cancel?: string;
  danger?: boolean;
}

function ConfirmDialog({ req, answer }: { req: ConfirmRequest; answer: (yes: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="confirm" aria-label={req.title} onCancel={() => answer(false)}>
      <div style={{ padding: 16, display: "grid", gap: 10 }}>
        <h2 style={{ margin: 0, fontSize: 16 }}>{req.title}</h2>
        <div>{req.body}</div>
        <div className="row" style={{ justifyContent: "flex-end" }}>
          <button autoFocus onClick={() => answer(false)}>
            {req.cancel ?? "Cancel"}
          </button>
          <button className={req.danger ? "danger" : "primary"} onClick={() => answer(true)}>
            {req.confirm}
          </button>
        </div>
      </div>
    </dialog>
  );
}

/** `ask(request)` resolves true when the person goes ahead; render `dialog` where the view is. */
export function useConfirm(): { ask: (req: ConfirmRequest) => Promise<boolean>; dialog: ReactNode } {
  const [open, setOpen] = useState<{ req: ConfirmRequest; resolve: (yes: boolean) => void } | null>(null);
  const ask = useCallback((req: ConfirmRequest) => new Promise<boolean>((resolve) => setOpen({ req, resolve })), []);
  const dialog = open ? (
    <ConfirmDialog
      req={open.req}
      answer={(yes) => {
        open.resolve(yes);
        setOpen(null);
      }}
    />
  ) : null;
  return { ask, dialog };
}
