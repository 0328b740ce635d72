/**
 * The file browser's actions as one exec each, on every server generation
 * (none of their APIs has a rename, move or trash call). Each script is fixed
 * text; paths travel only as arguments ("$1"…), always starting with "./", so
 * no name — spaces, quotes, newlines, a leading "-" — is ever read as shell
 * syntax or as an option. Every script checks all of its targets before it
 * changes anything, and never replaces an existing name (mv -n -T, cp -n -T,
 * then a check that the source really went): a clash is refused, not resolved
 * by overwriting.
 *
 * Replies are NUL-terminated records: `ok\t<from>\t<to>`, or, with exit 3,
 * `exists|missing|nodest|failed\t<path>[\t<message>]` for the first problem.
 */

export const TRASH = ".trash";
/** Where the trash keeps each item's original path (a file per item, named as the item): CoCalc's own trash has no record of it. */
export const ORIGINS = ".cocalc-origins";

/** `n` split into stem and extension (folders and dotfiles keep their whole name as stem). */
const SPLIT = `split() { n=$1; case $n in ?*.*) stem=\${n%.*}; ext=.\${n##*.};; *) stem=$n; ext=;; esac; [ -d "$2" ] && { stem=$n; ext=; }; }`;
const THERE = `there() { [ -e "$1" ] || [ -L "$1" ]; }`;
const FAIL = `fail() { printf '%s\\t%s\\t%s\\0' "$1" "$2" "$3"; exit 3; }`;

/**
 * Pairs of (source, target): `mv` moves or renames, `mvp` also makes the
 * target's folder (a restore to a folder that is gone), `cp` duplicates.
 */
export const PAIRS_SCRIPT = [
  THERE,
  FAIL,
  "op=$1; shift",
  's=""',
  'for a; do if [ -z "$s" ]; then s=$a; continue; fi',
  '  there "$s" || fail missing "$s"',
  '  there "$a" && fail exists "$a"',
  '  [ "$op" = mvp ] || [ -d "${a%/*}" ] || fail nodest "${a%/*}"',
  '  s=""; done',
  's=""',
  'for a; do if [ -z "$s" ]; then s=$a; continue; fi',
  '  if [ "$op" = cp ]; then err=$(cp -a -n -T -- "$s" "$a" 2>&1) || fail failed "$s" "$err"',
  '  else [ "$op" = mvp ] && mkdir -p -- "${a%/*}"',
  '    err=$(mv -n -T -- "$s" "$a" 2>&1); there "$s" && { there "$a" && fail exists "$a"; fail failed "$s" "$err"; }',
  // a restored item's record of where it came from is done with
  `    [ "$op" = mvp ] && case $s in ./${TRASH}/*) rm -f -- "./${TRASH}/${ORIGINS}/\${s##*/}";; esac; fi`,
  "  printf 'ok\\t%s\\t%s\\0' \"$s\" \"$a\"",
  '  s=""; done',
].join("\n");

/** Each path next to itself as "name (copy).ext", "name (copy 2).ext", … — the first free name. */
export const DUPLICATE_SCRIPT = [
  SPLIT,
  THERE,
  FAIL,
  'for p; do there "$p" || fail missing "$p"; done',
  'for p; do split "${p##*/}" "$p"; d=${p%/*}',
  '  t="$d/$stem (copy)$ext"; i=2; while there "$t"; do t="$d/$stem (copy $i)$ext"; i=$((i+1)); done',
  '  err=$(cp -a -n -T -- "$p" "$t" 2>&1) || fail failed "$p" "$err"',
  "  printf 'ok\\t%s\\t%s\\0' \"$p\" \"$t\"; done",
].join("\n");


/** Into ~/.trash, as CoCalc's own file explorer does; a name already there gets " (2)", " (3)", …; the original path is recorded. */
export const TRASH_SCRIPT = [
  SPLIT,
  THERE,
  FAIL,
  `mkdir -p ./${TRASH}/${ORIGINS} || exit 4`,
  'for p; do there "$p" || fail missing "$p"; done',
  'for p; do n=${p##*/}; split "$n" "$p"; t=$n; i=2',
  `  while there "./${TRASH}/$t" || there "./${TRASH}/${ORIGINS}/$t"; do t="$stem ($i)$ext"; i=$((i+1)); done`,
  `  err=$(mv -n -T -- "$p" "./${TRASH}/$t" 2>&1); there "$p" && fail failed "$p" "$err"`,
  `  printf '%s' "\${p#./}" > "./${TRASH}/${ORIGINS}/$t"`,
  `  printf 'ok\\t%s\\t%s\\0' "$p" "./${TRASH}/$t"; done`,
].join("\n");

/** The trash's entries (as a listing), a separator, then `name\torigin` records. */
export const TRASH_LIST_SCRIPT = [
  `[ -d ./${TRASH} ] || exit 0`,
  `find ./${TRASH} -mindepth 1 -maxdepth 1 ! -name ${ORIGINS} -printf '%d\\t%Y\\t%s\\t%T@\\t%f\\0'`,
  "printf 'ORIGINS\\0'",
  `find ./${TRASH}/${ORIGINS} -mindepth 1 -maxdepth 1 -type f -printf '%f\\t' -exec cat -- {} \\; -printf '\\0' 2>/dev/null`,
  "exit 0",
].join("\n");

/** Delete for ever: the named trash entries, or everything in the trash. */
export const EMPTY_TRASH_SCRIPT = [
  `cd ./${TRASH} 2>/dev/null || exit 0`,
  'if [ $# -eq 0 ]; then find . -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +',
  `else for n; do rm -rf -- "./$n" "./${ORIGINS}/$n"; done; fi`,
].join("\n");

/** What search never looks into: the sync's staging folder, the trash, version control and package folders. */
export const SEARCH_SKIPPED = [".cocalc-sync", TRASH, ".git", "node_modules"] as const;
/** A search stops after this long; what it found so far is shown, and said to be partial. */
export const SEARCH_TIMEOUT_S = 20;
/** The last record when the search ran out of time (a path always starts with "./", so no path is this). */
export const TIMED_OUT = "TIMEOUT";

/** $1 folder, $2 pattern, $3 first record (1-based), $4 how many. */
export const NAME_SEARCH_SCRIPT = [
  `{ timeout ${SEARCH_TIMEOUT_S} find "$1" -mindepth 1 \\( ${SEARCH_SKIPPED.map((n) => `-name '${n}'`).join(" -o ")} \\) -prune -o -iname "$2" -printf '%p\\0' 2>/dev/null`,
  `  [ $? = 124 ] && printf '${TIMED_OUT}\\0'; } | tail -z -n +"$3" | head -z -n "$4"`,
].join("\n");

/** $1 folder, $2 text, $3 first line (1-based), $4 how many; a line is `path\0number:text`. */
export const CONTENT_SEARCH_SCRIPT = [
  `{ timeout ${SEARCH_TIMEOUT_S} grep -rIn -i -F -Z -m 50 ${SEARCH_SKIPPED.map((n) => `--exclude-dir='${n}'`).join(" ")} -e "$2" -- "$1" 2>/dev/null`,
  `  [ $? = 124 ] && printf '${TIMED_OUT}\\0\\n'; } | tail -n +"$3" | head -n "$4" | cut -c1-1000`,
].join("\n");

/** A literal text as a find -iname pattern: its glob characters escaped, anywhere in the name. */
export function namePattern(query: string): string {
  return `*${query.replace(/[\\*?[\]]/g, (c) => `\\${c}`)}*`;
}
