/**
 * The background settings and what the app remembers for them
 * (`<dataDir>/background.json`, written atomically): whether the "still
 * running" notice was shown, and a "Pause all" in force (which pairs it
 * paused, until when). An unreadable file is kept aside and the defaults used.
 */
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { BackgroundSettings, type BackgroundSettingsPatch } from "../../../shared/background.js";
import { PairId } from "../../../shared/sync.js";
import { writeAtomic } from "../store/write-atomic.js";

const PauseAll = z.object({ until: z.string().nullable(), ids: z.array(PairId) });
const FileShape = z.object({
  version: z.literal(1),
  settings: BackgroundSettings,
  notice_shown: z.boolean().default(false),
  pause: PauseAll.nullable().default(null),
});
type FileShape = z.infer<typeof FileShape>;
export type PauseAll = z.infer<typeof PauseAll>;

export class BackgroundStore {
  private data: FileShape;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    data: FileShape,
  ) {
    this.data = data;
  }

  static async open(dataDir: string): Promise<BackgroundStore> {
    const file = join(dataDir, "background.json");
    const fresh = FileShape.parse({ version: 1, settings: {} });
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      return new BackgroundStore(file, fresh);
    }
    let parsed: ReturnType<typeof FileShape.safeParse> | null;
    try {
      parsed = FileShape.safeParse(JSON.parse(text));
    } catch {
      parsed = null;
    }
    if (parsed?.success) return new BackgroundStore(file, parsed.data);
    await rename(file, join(dataDir, `background.unreadable-${Date.now()}.json`)).catch(() => undefined);
    return new BackgroundStore(file, fresh);
  }

  settings(): BackgroundSettings {
    return { ...this.data.settings };
  }
  noticeShown(): boolean {
    return this.data.notice_shown;
  }
  pause(): PauseAll | null {
    return this.data.pause;
  }

  private write(patch: Partial<FileShape>): Promise<void> {
    this.data = { ...this.data, ...patch };
    const text = `${JSON.stringify(this.data, null, 2)}\n`;
    const run = this.queue.then(() => writeAtomic(this.file, text));
    this.queue = run.catch(() => undefined);
    return run;
  }

  setSettings(patch: z.infer<typeof BackgroundSettingsPatch>): Promise<void> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return this.write({ settings: BackgroundSettings.parse({ ...this.data.settings, ...defined }) });
  }
  setNoticeShown(): Promise<void> {
    return this.write({ notice_shown: true });
  }
  setPause(p: PauseAll | null): Promise<void> {
    return this.write({ pause: p });
  }
}
