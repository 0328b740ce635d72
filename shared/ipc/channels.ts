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
  "upgrades.available",
  "files.list",
  "files.read",
  "files.write",
  "files.mkdir",
  "exec.run",
  "exec.cancel",
  "copy.start",
  "copy.status",
  "copy.list",
  "copy.delete",
  "kiosk.open",
  // the kiosk service (kiosk.*): modes, tokens, navigation, the viewer's change check
  "kiosk.plan",
  "kiosk.navigate",
  "kiosk.check",
  "kiosk.configure",
  "kiosk.launch",
  "kiosk.present",
] as const;
export type Channel = (typeof CHANNELS)[number];

/** Messages the main process pushes to the renderer. */
export const EVENTS = ["profiles.changed"] as const;
export type AppEvent = (typeof EVENTS)[number];
