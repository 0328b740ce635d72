/** The newest modification time (ms) of the TypeScript sources under a folder; 0 for none. */
export function newestSource(dir: string): number;
