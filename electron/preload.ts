/**
 * The preload: one bundled CommonJS file in a sandboxed, context-isolated
 * renderer. It exposes the API built from the contract's channel list and
 * never ipcRenderer itself, nor the IpcRendererEvent of a pushed message.
 */
import { contextBridge, ipcRenderer } from "electron";
import { buildRawApi } from "../shared/ipc/api.js";
import { IPC_PREFIX } from "../shared/ipc/channels.js";

const api = buildRawApi(
  (channel, input) => ipcRenderer.invoke(`${IPC_PREFIX}${channel}`, input),
  (event, listener) => {
    const handler = (_e: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(`${IPC_PREFIX}event:${event}`, handler);
    return () => ipcRenderer.removeListener(`${IPC_PREFIX}event:${event}`, handler);
  },
);

contextBridge.exposeInMainWorld("cocalc", api);
