/**
 * One build for the three parts: main (Node, ESM), the preload (one CommonJS
 * file, because a sandboxed preload cannot require anything), and the
 * renderer (React, built by Vite).
 */
import { resolve } from "node:path";
import { defineConfig } from "electron-vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  main: {
    build: {
      outDir: "out/main",
      // keytar is native; everything else is bundled so the app does not depend on node_modules layout.
      externalizeDeps: { include: ["keytar"] },
      rollupOptions: {
        input: { main: resolve("electron/main.ts"), hub: resolve("hub/cli.ts") },
        output: { format: "es", entryFileNames: "[name].js" },
      },
    },
  },
  preload: {
    build: {
      outDir: "out/preload",
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve("electron/preload.ts") },
        output: { format: "cjs", entryFileNames: "[name].cjs", codeSplitting: false },
      },
    },
  },
  renderer: {
    root: "renderer",
    plugins: [react()],
    build: {
      outDir: "out/renderer",
      minify: true,
      // Fonts (KaTeX's) stay files: the CSP's font-src is 'self' only, so a font inlined as a data: URL would be refused.
      assetsInlineLimit: (file: string) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined),
      rollupOptions: { input: { index: resolve("renderer/index.html") } },
    },
  },
});
