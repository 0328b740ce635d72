/** The path of the open folder, each part a button; the home folder first. */
import { ChevronRight } from "lucide-react";
import { Icon, Icons } from "../../icons.js";

export function Breadcrumbs({ dir, onGo }: { dir: string; onGo: (dir: string) => void }) {
  const parts = dir ? dir.split("/") : [];
  return (
    <nav aria-label="Folder" className="crumbs">
      <button onClick={() => onGo("")} aria-label="~" title="Home folder">
        <Icon icon={Icons.home} />~
      </button>
      {parts.map((c, i) => (
        <span key={i} className="crumb">
          <ChevronRight size={14} aria-hidden focusable={false} className="icon sep" />
          <button onClick={() => onGo(parts.slice(0, i + 1).join("/"))} aria-current={i === parts.length - 1 ? "location" : undefined}>
          {c}
        </button>
        </span>
      ))}
    </nav>
  );
}
