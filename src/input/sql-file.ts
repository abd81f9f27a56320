/**
 * A SQL file as the pipeline sees it: statements with their origins, the comments (for
 * `-- expect:` and suppressions), the file's own directives, and notices about anything that
 * could not be read fully.
 */
import type { Dialect } from '../model/dialect.js';
import type { InputNoticeEvent, StatementEvent } from '../model/input.js';
import type { Origin } from '../model/origin.js';
import { splitSql, type SplitStatement, type SqlComment } from './split-sql.js';

export interface FileDirectives {
  dialect?: Dialect;
}

export interface SqlFileContent {
  statements: StatementEvent[];
  comments: SqlComment[];
  directives: FileDirectives;
  notices: InputNoticeEvent[];
}

const BYTE_ORDER_MARK = 0xfeff;
const BINARY_SNIFF_LENGTH = 8192;

/** Dialect names a directive accepts, with the spellings people actually write. */
const DIALECT_NAMES: Readonly<Record<string, Dialect>> = {
  mysql: 'mysql',
  mariadb: 'mariadb',
  postgresql: 'postgresql',
  postgres: 'postgresql',
  pg: 'postgresql',
  sqlite: 'sqlite',
};

/** `-- locklint: dialect=postgresql`, or the fixture form `-- fixture: dialect=mysql`. */
const DIRECTIVE = /^(locklint|fixture):(.*)$/i;

export function readSqlText(text: string, file: string, options: { dialect?: Dialect } = {}): SqlFileContent {
  // Dropping the BOM keeps columns on line 1 as an editor shows them.
  const source = text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  if (source.slice(0, BINARY_SNIFF_LENGTH).includes('\0')) {
    return {
      statements: [],
      comments: [],
      directives: {},
      notices: [notice(file, 1, 1, 'binary', 'the file looks binary (it contains a NUL byte), not SQL; it was not read')],
    };
  }

  // Directives come first so the file is split once, with the dialect it declares.
  const notices: InputNoticeEvent[] = [];
  const directives = readDirectives(leadingLineComments(source), file, notices);
  const dialect = directives.dialect ?? options.dialect;
  const { statements, comments } = splitSql(source, dialect ? { dialect } : {});
  noticeLateDirectives(comments, statements[0], file, notices);

  const events: StatementEvent[] = [];
  for (const statement of statements) {
    events.push({ kind: 'statement', text: statement.text, origin: origin(file, statement.line, statement.column) });
    if (statement.unterminated) notices.push(unterminatedNotice(statement, file, dialect ?? 'mysql'));
  }
  return { statements: events, comments, directives, notices };
}

interface LeadingComment {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The `--` comments before the first statement, found without splitting: block comments, `#`
 * lines and psql meta-commands (pg_dump's `\restrict`) may come before them too.
 */
function leadingLineComments(source: string): LeadingComment[] {
  const found: LeadingComment[] = [];
  const length = source.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < length) {
    const code = source.charCodeAt(i);
    if (code === 10) {
      line++;
      lineStart = ++i;
      continue;
    }
    if (code === 32 || (code >= 9 && code <= 13)) {
      i++;
      continue;
    }
    const newline = source.indexOf('\n', i);
    const lineEnd = newline < 0 ? length : newline;
    if (source.startsWith('--', i)) {
      found.push({ text: source.slice(i + 2, lineEnd).trim(), line, column: i - lineStart + 1 });
      i = lineEnd;
    } else if (code === 35 /* # */ || code === 92 /* \ */) {
      i = lineEnd;
    } else if (source.startsWith('/*', i) && source[i + 2] !== '!' && !source.startsWith('M!', i + 2)) {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) break;
      for (let k = source.indexOf('\n', i); k >= 0 && k < close; k = source.indexOf('\n', k + 1)) {
        line++;
        lineStart = k + 1;
      }
      i = close + 2;
    } else {
      break;
    }
  }
  return found;
}

function readDirectives(leading: readonly LeadingComment[], file: string, notices: InputNoticeEvent[]): FileDirectives {
  const directives: FileDirectives = {};
  for (const comment of leading) {
    const match = DIRECTIVE.exec(comment.text);
    if (!match) continue;
    const strict = match[1]!.toLowerCase() === 'locklint';
    for (const setting of match[2]!.split(/[\s,]+/)) {
      if (setting === '') continue;
      const equals = setting.indexOf('=');
      const key = equals < 0 ? setting : setting.slice(0, equals).toLowerCase();
      const value = equals < 0 ? '' : setting.slice(equals + 1);
      if (key === 'dialect') {
        const dialect = DIALECT_NAMES[value.toLowerCase()];
        if (!dialect) {
          notices.push(
            notice(file, comment.line, comment.column, 'bad-directive', `unknown dialect "${value}" in directive at line ${comment.line}; expected mysql, mariadb, postgresql or sqlite`),
          );
        } else if (directives.dialect && directives.dialect !== dialect) {
          notices.push(
            notice(file, comment.line, comment.column, 'bad-directive', `directive at line ${comment.line} sets dialect "${dialect}" but an earlier one set "${directives.dialect}"; the first is used`),
          );
        } else {
          directives.dialect = dialect;
        }
      } else if (strict) {
        // `-- fixture:` lines carry settings for the fixture runner; `-- locklint:` ones are all ours.
        notices.push(notice(file, comment.line, comment.column, 'bad-directive', `unknown setting "${key}" in directive at line ${comment.line}; expected dialect=<name>`));
      }
    }
  }
  return directives;
}

/** A dialect directive after the first statement would be ignored without a word: say so. */
function noticeLateDirectives(comments: readonly SqlComment[], first: SplitStatement | undefined, file: string, notices: InputNoticeEvent[]): void {
  if (!first) return;
  for (const comment of comments) {
    if (comment.style !== 'line') continue;
    if (comment.line < first.line || (comment.line === first.line && comment.column < first.column)) continue;
    const match = DIRECTIVE.exec(comment.text);
    if (match && /(^|[\s,])dialect=/i.test(match[2]!)) {
      notices.push(
        notice(file, comment.line, comment.column, 'bad-directive', `dialect directive at line ${comment.line} is ignored: it must come before the first statement (line ${first.line})`),
      );
    }
  }
}

function unterminatedNotice(statement: SplitStatement, file: string, dialect: Dialect): InputNoticeEvent {
  const at = statement.unterminatedAt ?? { line: statement.line, column: statement.column, opener: '' };
  const where = `starting at line ${at.line}, column ${at.column}`;
  let message: string;
  switch (statement.unterminated) {
    case 'copy-data':
      message = `COPY data starting at line ${at.line} has no closing "\\." line; the file looks truncated`;
      break;
    case 'comment':
      message = `unterminated comment ${where}; the rest of the file is read as one statement`;
      break;
    case 'dollar':
      message = `unterminated dollar-quoted string (${at.opener}) ${where}; the rest of the file is read as one statement`;
      break;
    default:
      message = `unterminated ${quoteDescription(at.opener, dialect)} ${where}; the rest of the file is read as one statement`;
  }
  return notice(file, at.line, at.column, 'truncated', message);
}

function quoteDescription(opener: string, dialect: Dialect): string {
  if (opener.endsWith("'")) return 'string';
  // MySQL reads "..." as a string unless ANSI_QUOTES is set.
  if (opener === '"') return dialect === 'mysql' || dialect === 'mariadb' ? 'string' : 'quoted identifier';
  if (opener === '`' || opener === '[') return 'quoted identifier';
  return 'quote';
}

function origin(file: string, line: number, column: number): Origin {
  return { file, line, column, session: null };
}

function notice(file: string, line: number, column: number, code: InputNoticeEvent['code'], message: string): InputNoticeEvent {
  return { kind: 'notice', origin: origin(file, line, column), code, severity: 'warning', message };
}
