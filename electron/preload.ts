/**
 * The preload: one bundled CommonJS file in a sandboxed, context-isolated
 * renderer. It exposes a frozen API and never raw ipcRenderer.
 */
import { contextBridge } from "electron";

contextBridge.exposeInMainWorld("cocalc", Object.freeze({ version: "0.1.0" }));
