/** `npm run bench`: every benchmark, each printing `name: value` lines (ratios against a baseline of the same run). */
import { benchPing } from "./ping.js";
import { benchHub } from "./hub.js";
import { benchRenderer } from "./renderer.js";
import { benchSync } from "./sync.js";
import { benchNotebook } from "./notebook.js";

const benches: Record<string, () => Promise<void>> = {
  ping: () => benchPing(),
  hub: () => benchHub(),
  renderer: () => benchRenderer(),
  sync: () => benchSync(),
  notebook: () => benchNotebook(),
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  await run();
}
