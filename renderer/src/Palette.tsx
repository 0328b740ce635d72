/** The command palette (Ctrl/Cmd+K): type to filter, arrows to move, Enter to run, Escape to close. Hand-written: it is small. */
import { useEffect, useMemo, useRef, useState } from "react";
import { Icon, Icons, type IconName } from "./icons.js";

export interface PaletteItem {
  id: string;
  label: string;
  hint?: string;
  icon?: IconName;
  run: () => void;
}

export function Palette({ items, placeholder, onClose }: { items: PaletteItem[]; placeholder: string; onClose: () => void }) {
  const [q, setQ] = useState("");
  const [i, setI] = useState(0);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const shown = useMemo(() => {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    return items.filter((it) => words.every((w) => it.label.toLowerCase().includes(w))).slice(0, 200);
  }, [q, items]);
  const pick = (it: PaletteItem | undefined) => {
    if (!it) return;
    onClose();
    it.run();
  };
  return (
    <dialog ref={dialog} className="palette" aria-label="Command palette" onClose={onClose} onCancel={onClose}>
      <input
        autoFocus
        aria-label="Command"
        placeholder={placeholder}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setI(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") setI((n) => Math.min(n + 1, shown.length - 1));
          else if (e.key === "ArrowUp") setI((n) => Math.max(n - 1, 0));
          else if (e.key === "Enter") pick(shown[i]);
          else return;
          e.preventDefault();
        }}
      />
      <ul role="listbox" aria-label="Matching commands">
        {shown.map((it, n) => (
          <li key={it.id} role="option" aria-selected={n === i} onMouseEnter={() => setI(n)} onClick={() => pick(it)}>
            <span>
              {it.icon && <Icon icon={Icons[it.icon]} />} {it.label}
            </span>
            {it.hint && <span className="muted">{it.hint}</span>}
          </li>
        ))}
        {shown.length === 0 && <li className="muted">Nothing matches.</li>}
      </ul>
    </dialog>
  );
}
