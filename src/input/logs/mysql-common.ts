/**
 * Pieces the MySQL/MariaDB general and slow query log readers share: the server start header
 * both logs print (at the top and again after every restart) and the set of live thread ids.
 */
import type { Dialect } from '../../model/dialect.js';

export const CHAR_TAB = 9;
export const CHAR_SPACE = 32;
export const CHAR_HASH = 35;
const CHAR_0 = 48;
const CHAR_9 = 57;

export function isDigitCode(code: number): boolean {
  return code >= CHAR_0 && code <= CHAR_9;
}

export function isBlankLine(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== CHAR_SPACE && code !== CHAR_TAB) return false;
  }
  return true;
}

/**
 * `/usr/sbin/mysqld, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:` — the
 * first line of the block mysqld writes when it (re)opens the log. Returns the dialect it names,
 * or undefined when the line is not such a header.
 */
export function serverStartDialect(text: string): Dialect | undefined {
  if (!text.endsWith('started with:')) return undefined;
  const version = text.indexOf(', Version: ');
  if (version === -1) return undefined;
  return text.includes('-MariaDB', version) ? 'mariadb' : 'mysql';
}

/**
 * The two lines that follow the start line: `Tcp port: 3306  Unix socket: ...` (Windows:
 * `TCP Port: 3306, Named Pipe: ...`) and the column titles `Time  Id Command  Argument`, which
 * MariaDB writes with TABs.
 */
export function isServerHeaderDetail(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first !== 84 /* T */) return false;
  if (text.startsWith('Tcp port:') || text.startsWith('TCP Port:')) return true;
  return isColumnTitles(text);
}

/** `Time                 Id Command    Argument` (MariaDB: `Time\t\t    Id Command\tArgument`). */
export function isColumnTitles(text: string): boolean {
  return text.charCodeAt(0) === 84 /* T */ && COLUMN_TITLES.test(text);
}

const COLUMN_TITLES = /^Time[\t ]+Id[\t ]+Command[\t ]+Argument\s*$/;

/**
 * Thread ids with an open connection. A reused id (a new `Connect`, or any id after a server
 * restart) must end the old session first, so the analysis never joins two connections.
 * Ids are dropped on Quit, so memory follows the number of open connections.
 */
export class LiveThreads {
  private readonly ids = new Set<string>();

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
  }

  delete(id: string): void {
    this.ids.delete(id);
  }

  /** Every live id in first-seen order, and forget them all (the server restarted). */
  drain(): string[] {
    const all = [...this.ids];
    this.ids.clear();
    return all;
  }
}
