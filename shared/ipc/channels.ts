/**
 * The names of every IPC channel and event, without their schemas: the
 * preload needs only these, so it stays small. contract.ts gives each its
 * input and output schema and checks at compile time that the two agree.
 */
export const IPC_PREFIX = "cocalc:";

export const CHANNELS = [
  "app.info",
  "profiles.list",
  "profiles.add",
  "profiles.rename",
  "profiles.remove",
  "profiles.switch",
  "profiles.test",
  "profiles.signIn",
  "server.ping",
  "projects.list",
  "projects.get",
  "projects.update",
  "projects.create",
  "projects.action",
  "projects.delete",
  "upgrades.available",
  "files.list",
  "files.mkdir",
  "exec.run",
  "exec.cancel",
  "copy.start",
  "copy.status",
  "copy.list",
  "copy.delete",
  "kiosk.open",
  // learned capabilities (issue 9)
  "server.capabilities",
  "copy.cancel",
  // folder sync (issue 11): one pair = a local folder and a project folder
  "sync.list",
  "sync.add",
  "sync.remove",
  "sync.pause",
  "sync.resume",
  "sync.now",
  "sync.conflict",
  "sync.resolve",
  "sync.activity",
  "sync.versions",
  "sync.restoreVersion",
  "sync.revealVersion",
  // files to and from the desktop
  "transfer.download",
  "transfer.upload",
  "transfer.cancel",
  "transfer.stageChunk",
  "transfer.uploadStaged",
  "transfer.discardStaged",
  // the shell's own file choosers
  "desktop.chooseFolder",
  "desktop.chooseFiles",
  // the kiosk service (kiosk.*): modes, tokens, navigation, the viewer's change check
  "kiosk.plan",
  "kiosk.navigate",
  "kiosk.check",
  "kiosk.configure",
  "kiosk.launch",
  "kiosk.present",
  // opening and saving a file by its bytes, proven by size and sha256 (doc.*)
  "doc.open",
  "doc.save",
  "doc.cancel",
  // the app in the background (issue 21): its settings, and what a notification's click asked to open
  "background.settings",
  "background.configure",
  "background.takeOpen",
  // the file browser's actions (issue 23): one exec each, never overwriting
  "fileops.move",
  "fileops.rename",
  "fileops.duplicate",
  "fileops.trash",
  "fileops.trashList",
  "fileops.restore",
  "fileops.emptyTrash",
  "fileops.search",
  "fileops.openWithSystem",
] as const;
export type Channel = (typeof CHANNELS)[number];

/** Messages the main process pushes to the renderer. */
export const EVENTS = ["profiles.changed", "sync.status", "transfer.progress", "projects.starting", "exec.output", "sync.open", "doc.progress"] as const;
export type AppEvent = (typeof EVENTS)[number];
