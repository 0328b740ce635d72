/**
 * The app's icons: one set, lucide (ISC licence), imported one by one so only
 * the icons used are bundled. Every view takes its icons from here, so a
 * meaning has one picture everywhere.
 */
import {
  Archive,
  ArrowUp,
  ChevronDown,
  ChevronUp,
  Copy,
  ExternalLink,
  Eye,
  EyeOff,
  File,
  FileCode,
  FileImage,
  FileSpreadsheet,
  FileText,
  Folder,
  FolderInput,
  FolderOpen,
  House,
  NotebookText,
  Pencil,
  RefreshCw,
  RotateCcw,
  Search,
  Trash2,
  Undo2,
  X,
  type LucideIcon,
} from "lucide-react";
import type { FileKind } from "./entries.js";

export const Icons = {
  up: ArrowUp,
  sortAsc: ChevronUp,
  sortDesc: ChevronDown,
  duplicate: Copy,
  openExternal: ExternalLink,
  hiddenShown: Eye,
  hiddenHidden: EyeOff,
  move: FolderInput,
  rename: Pencil,
  refresh: RefreshCw,
  restore: RotateCcw,
  search: Search,
  trash: Trash2,
  undo: Undo2,
  close: X,
  home: House,
  folderOpen: FolderOpen,
} as const;

const BY_KIND: Record<FileKind, LucideIcon> = {
  folder: Folder,
  notebook: NotebookText,
  code: FileCode,
  text: FileText,
  image: FileImage,
  pdf: FileText,
  data: FileSpreadsheet,
  archive: Archive,
  other: File,
};

/** An icon next to a label: decorative, the label says it. */
export function Icon({ icon: I, size = 16 }: { icon: LucideIcon; size?: number }) {
  return <I size={size} aria-hidden focusable={false} className="icon" strokeWidth={1.75} />;
}

export function KindIcon({ kind }: { kind: FileKind }) {
  return <Icon icon={BY_KIND[kind]} />;
}
