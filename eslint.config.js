import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    // electron-vite and vitest bundle their config into `<config>.<time>-<random>.mjs` beside it and delete it
    // a moment later; lint runs beside the build, and a file listed then gone failed the whole lint step
    ignores: ["out/**", "dist/**", "node_modules/**", "coverage/**", "test/screenshots/**", "test-results/**", ".bench-tmp/**", "*.config.ts.*.mjs", "*.config.ts.timestamp-*"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{js,mjs,cjs}"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // The renderer knows only shared/ and window.cocalc (architecture.md).
    files: ["renderer/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/electron/**", "electron", "**/hub/**"], message: "The renderer talks to the main process only through the IPC contract." },
            { group: ["node:*", "fs", "path", "child_process", "os", "crypto"], message: "No Node built-ins in the renderer." },
          ],
        },
      ],
    },
  },
  {
    // hub/ is a CoCalc server; it must not lean on the app.
    files: ["hub/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/electron/**", "**/renderer/**"], message: "hub/ may import shared/ only." }] }],
    },
  },
  {
    // Only the shell touches Electron; services stay plain Node.
    files: ["electron/services/**/*.ts", "shared/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "electron", message: "Services take what they need from the shell as arguments." }] }],
    },
  },
);
