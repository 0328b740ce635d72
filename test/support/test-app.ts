/** The app's main-process services as the shell composes them, for the integration tests that drive the router. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeApp, type ComposedApp, type ComposeOptions } from "../../electron/services/compose.js";
import { MemoryStore } from "../../electron/services/secrets/secret-store.js";

/** In `dataDir` (a fresh temp folder unless given), its log in main.log there, keys in memory; `o` adds or overrides. */
export function composeTestApp(o: Partial<ComposeOptions> = {}): Promise<ComposedApp> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "app-test-"));
  return composeApp({ dataDir, logFile: join(dataDir, "main.log"), version: "t", platform: "linux", trustedOrigins: ["app://cocalc-desktop"], secrets: new MemoryStore(), ...o });
}
