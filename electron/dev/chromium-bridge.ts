/**
 * The preload's API for a page in Chromium driven by Playwright, backed by
 * the real main-process router: the same buildRawApi the preload runs (its
 * source text goes into the page), with ipcRenderer.invoke replaced by a
 * Playwright binding. Used by the end-to-end tests and `npm run preview`.
 * Not part of the app's build.
 */
import type { Page } from "playwright-core";
import { buildRawApi } from "../../shared/ipc/api.js";
import { CHANNELS, EVENTS, type AppEvent } from "../../shared/ipc/channels.js";
import type { Router } from "../ipc/router.js";

const BINDING = "__cocalcInvoke";

export interface Bridge {
  /** push an event to the page, as the main process's webContents.send does */
  emit(event: AppEvent, payload: unknown): Promise<void>;
}

export async function installBridge(page: Page, router: Router): Promise<Bridge> {
  await page.exposeBinding(BINDING, (source, channel: unknown, input: unknown) =>
    // The frame that called is known exactly: the router's sender check applies as in Electron.
    router.handle(channel, { url: source.frame.url(), isMainFrame: source.frame === source.page.mainFrame() }, input),
  );
  await page.addInitScript({
    content: [
      "var __name = function (f) { return f; };",
      // Like a preload, only the top window gets the API (init scripts run in frames too).
      "if (window.top === window) {",
      "  var listeners = {};",
      `  window.__cocalcDispatch = function (event, payload) { (listeners[event] || []).slice().forEach(function (l) { l(payload); }); };`,
      `  window.cocalc = (${buildRawApi.toString()})(`,
      `    function (channel, input) { return window.${BINDING}(channel, input); },`,
      "    function (event, listener) { (listeners[event] = listeners[event] || []).push(listener); return function () { listeners[event] = (listeners[event] || []).filter(function (l) { return l !== listener; }); }; },",
      `    ${JSON.stringify(CHANNELS)}, ${JSON.stringify(EVENTS)});`,
      "}",
    ].join("\n"),
  });
  return {
    emit: async (event, payload) => {
      await page.evaluate(([e, p]) => (window as unknown as { __cocalcDispatch?: (e: string, p: unknown) => void }).__cocalcDispatch?.(e, p), [event, payload] as const);
    },
  };
}
