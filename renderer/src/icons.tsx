/**
 * The app's icons: one set, lucide (ISC licence), imported one by one so only
 * the icons used are bundled. Every view takes its icons from here, so a
 * meaning has one picture everywhere.
 */
import {
  Archive,
  Trash,
  Cable,
  Command,
  Download,
  FilePlus,
  FolderPlus,
  FolderSync,
  LayoutList,
  MonitorPlay,
  Play,
  SquareTerminal,
  Upload,
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
import type { FileKind } from "./views/files/entries.js";

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
  trashView: Trash,
  newFile: FilePlus,
  newFolder: FolderPlus,
  download: Download,
  upload: Upload,
  open: FileText,
  // the views, in the sidebar and the palette
  connect: Cable,
  projects: LayoutList,
  sync: FolderSync,
  files: Folder,
  console: SquareTerminal,
  copy: Copy,
  kiosk: MonitorPlay,
  run: Play,
  command: Command,
} as const;
export type IconName = keyof typeof Icons;

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
