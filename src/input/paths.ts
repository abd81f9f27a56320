/**
 * Turns the paths and globs on the command line into the list of files to lint.
 *
 * - `-` is standard input.
 * - An existing file is linted whatever its extension (logs are files too), and always: `ignore`
 *   does not apply to a file named explicitly (as with ruff or black; ESLint instead skips it
 *   with a warning).
 * - A directory stands for every `*.sql` and `*.sql.gz` file below it, skipping `node_modules`
 *   and `.git`. Symbolic links to files are followed, links to directories are not (no cycles).
 * - A pattern with glob characters that is not an existing path goes to tinyglobby, relative to
 *   `cwd`, without dot files. A glob matching nothing is reported in `missing`, like a path that
 *   does not exist.
 * - `ignore` globs (picomatch) are matched against the cwd-relative path of each file found by
 *   a directory or glob, and against each of its parent directories, so `legacy` and
 *   `legacy/**` both drop a whole directory.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';

export interface ExpandedPaths {
  /** Display form: cwd-relative with forward slashes when under cwd, else as given. */
  files: string[];
  /** The same files, absolute, in the same order. */
  absolute: string[];
  /** Paths that do not exist and globs that matched nothing, as given. */
  missing: string[];
  /** `-` was among the patterns. */
  stdin: boolean;
}

const GLOB_CHARACTERS = /[*?[\]{}]/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);
const SQL_FILE = /\.sql(\.gz)?$/i;
const GLOB_IGNORE = ['**/node_modules/**', '**/.git/**'];

export async function expandPaths(patterns: readonly string[], options: { cwd: string; ignore?: readonly string[] }): Promise<ExpandedPaths> {
  const cwd = path.resolve(options.cwd);
  const isIgnored = ignoreMatcher(options.ignore ?? [], cwd);
  const found = new Map<string, string>();
  const missing = new Set<string>();
  let stdin = false;

  const add = (absolute: string, display: string): void => {
    if (!found.has(absolute)) found.set(absolute, display);
  };

  for (const pattern of patterns) {
    if (pattern === '-') {
      stdin = true;
      continue;
    }
    if (pattern === '') {
      missing.add(pattern);
      continue;
    }
    const absolute = path.resolve(cwd, pattern);
    const info = await statOrUndefined(absolute);
    if (info?.isFile()) {
      add(absolute, displayPath(absolute, cwd, pattern));
    } else if (info?.isDirectory()) {
      for (const file of await sqlFilesBelow(absolute, isIgnored)) add(file, displayPath(file, cwd, pattern));
    } else if (GLOB_CHARACTERS.test(pattern)) {
      const matches = await glob(pattern, { cwd, dot: false, ignore: GLOB_IGNORE, absolute: true, onlyFiles: true, expandDirectories: false });
      if (matches.length === 0) missing.add(pattern);
      for (const match of matches) {
        const file = path.resolve(match);
        if (!isIgnored(file)) add(file, displayPath(file, cwd, pattern));
      }
    } else {
      missing.add(pattern);
    }
  }

  const entries = [...found].sort(([, a], [, b]) => compareStrings(a, b));
  return {
    files: entries.map(([, display]) => display),
    absolute: entries.map(([absolute]) => absolute),
    missing: [...missing].sort(compareStrings),
    stdin,
  };
}

async function statOrUndefined(file: string) {
  try {
    return await stat(file);
  } catch {
    return undefined;
  }
}

async function sqlFilesBelow(directory: string, isIgnored: (absolute: string) => boolean): Promise<string[]> {
  const files: string[] = [];
  const pending = [directory];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(next, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished meanwhile: nothing to lint there
    }
    for (const entry of entries) {
      const full = path.join(next, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && !isIgnored(full)) pending.push(full);
      } else if (SQL_FILE.test(entry.name) && !isIgnored(full)) {
        if (entry.isFile() || (entry.isSymbolicLink() && (await statOrUndefined(full))?.isFile())) files.push(full);
      }
    }
  }
  return files;
}

function ignoreMatcher(ignore: readonly string[], cwd: string): (absolute: string) => boolean {
  if (ignore.length === 0) return () => false;
  // `legacy/` means the directory, as in .gitignore: the parent-directory check below covers it.
  const matches = picomatch(
    ignore.map((pattern) => (pattern.length > 1 && pattern.endsWith('/') ? pattern.slice(0, -1) : pattern)),
    { dot: true },
  );
  return (absolute) => {
    const relative = toPosix(path.relative(cwd, absolute));
    if (matches(relative)) return true;
    // A directory pattern (`legacy`, `**/generated`) drops everything below it.
    for (let slash = relative.indexOf('/'); slash > 0; slash = relative.indexOf('/', slash + 1)) {
      if (matches(relative.slice(0, slash))) return true;
    }
    return false;
  };
}

/** Under cwd: cwd-relative. Elsewhere: relative when the user wrote a relative path, else absolute. */
function displayPath(absolute: string, cwd: string, pattern: string): string {
  const relative = path.relative(cwd, absolute);
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (!outside || !path.isAbsolute(pattern)) return toPosix(relative);
  return toPosix(absolute);
}

function toPosix(file: string): string {
  return path.sep === '/' ? file : file.split(path.sep).join('/');
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
