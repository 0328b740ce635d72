/**
 * What a pair never syncs: gitignore rules through the `ignore` package, the
 * user's rules added to the defaults. A path that becomes ignored is left
 * alone on both sides, never deleted.
 */
import ignore from "ignore";
import { TMP_MARK } from "../transfer/local-fs.js";
import { AGENT_DIR } from "../transfer/remote.js";

export const DEFAULT_IGNORE = [
  ".git/",
  "node_modules/",
  ".DS_Store",
  "Thumbs.db",
  "desktop.ini",
  // editor swap, backup and lock files
  "*.swp",
  "*.swo",
  "*.swx",
  ".*.swp",
  "*~",
  ".#*",
  "#*#",
  "~$*",
  ".~lock.*#",
  // the engine's and the remote agent's own
  `*${TMP_MARK}*`,
  `/${AGENT_DIR}/`,
];

/** Folder names the remote listing does not even walk (when no rule of the user brings them back). */
const PRUNE = [".git", "node_modules"];

/** questions one matcher answers before it is replaced, with its cache */
const FRESH_EVERY = 4096;

export interface IgnoreRules {
  ignores(path: string, isDir: boolean): boolean;
  prune: string[];
}

export function ignoreRules(user: string[]): IgnoreRules {
  const make = () => ignore().add(DEFAULT_IGNORE).add(user);
  let ig = make();
  let asked = 0;
  const negates = user.some((r) => r.trim().startsWith("!"));
  return {
    ignores: (path, isDir) => {
      // The library keeps every answer it gave, and a sync asks about every path (a third of the
      // engine's memory per file, measured): a fresh matcher now and then bounds that.
      if (++asked % FRESH_EVERY === 0) ig = make();
      return ig.ignores(isDir ? `${path}/` : path);
    },
    prune: negates ? [] : PRUNE,
  };
}
