/** The app's views, by name: App switches between them and views ask to open one. */
export const VIEW_NAMES = ["connect", "projects", "files", "console", "copy", "kiosk", "sync"] as const;
export type ViewName = (typeof VIEW_NAMES)[number];
