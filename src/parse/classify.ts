/**
 * The keyword classifier: reads transaction control, SET, LOCK/UNLOCK TABLES on its own (no
 * parser handles all of them, design §7), and scans an unparseable DML statement for its table
 * when that can be done reliably. (Statements are routed by leading keyword in `ShapeScan.route`.)
 */
import type { Dialect } from '../model/dialect.js';
import type { SessionSetting, Statement, TransactionControl } from '../model/statement.js';
import type { Piece } from './fingerprint.js';
import { unique } from './normalize-common.js';
import { identifierName, isOp, isWord, readQualifiedName } from './rewrite.js';
import type { StatementTemplate } from './template.js';
import type { Token } from './tokenize.js';

const PARSED_BY: Statement['parsedBy'] = 'classifier';

export function otherTemplate(): StatementTemplate {
  return { kind: 'other', parsedBy: PARSED_BY, table: null, tables: [] };
}

function control(kind: Statement['kind'], transaction: TransactionControl): StatementTemplate {
  return { kind, parsedBy: PARSED_BY, table: null, tables: [], transaction };
}

/** Reads `AND [NO] CHAIN` anywhere in a COMMIT / ROLLBACK. */
function chainOf(tokens: readonly Token[]): boolean | undefined {
  for (let i = 0; i < tokens.length; i++) {
    if (!isWord(tokens[i], 'and')) continue;
    if (isWord(tokens[i + 1], 'chain')) return true;
    if (isWord(tokens[i + 1], 'no') && isWord(tokens[i + 2], 'chain')) return false;
  }
  return undefined;
}

function readOnlyOf(tokens: readonly Token[]): boolean | undefined {
  for (let i = 0; i < tokens.length; i++) {
    if (!isWord(tokens[i], 'read')) continue;
    if (isWord(tokens[i + 1], 'only')) return true;
    if (isWord(tokens[i + 1], 'write')) return false;
  }
  return undefined;
}

function withChain(action: 'commit' | 'rollback', tokens: readonly Token[]): StatementTemplate {
  const chain = chainOf(tokens);
  return control(action, chain === undefined ? { action } : { action, chain });
}

/** Classifies a control statement from its tokens; null when it is not one after all (`START SLAVE`). */
export function classifyControl(tokens: readonly Token[], dialect: Dialect, text: string): StatementTemplate | null {
  const first = tokens[0]?.kind === 'word' ? tokens[0].text : '';
  const second = tokens[1];
  const postgresLike = dialect === 'postgresql' || dialect === 'sqlite';
  switch (first) {
    case 'begin':
    case 'start': {
      if (first === 'start' && !isWord(second, 'transaction')) return null;
      if (first === 'begin' && isWord(second, 'not')) return null; // MariaDB `BEGIN NOT ATOMIC` compound statement
      const readOnly = readOnlyOf(tokens);
      return control('begin', readOnly === undefined ? { action: 'begin' } : { action: 'begin', readOnly });
    }
    case 'commit':
    case 'end':
      if (first === 'end' && !postgresLike) return null;
      if (isWord(second, 'prepared')) return null;
      return withChain('commit', tokens);
    case 'abort':
    case 'rollback': {
      if (first === 'abort' && dialect !== 'postgresql') return null;
      if (isWord(second, 'prepared')) return null;
      let i = 1;
      if (isWord(tokens[i], 'work') || isWord(tokens[i], 'transaction')) i++;
      if (isWord(tokens[i], 'to')) {
        i++;
        if (isWord(tokens[i], 'savepoint')) i++;
        const name = savepointName(tokens[i], dialect);
        return name === null ? null : control('rollback-to-savepoint', { action: 'rollback-to-savepoint', name });
      }
      return withChain('rollback', tokens);
    }
    case 'savepoint': {
      const name = savepointName(second, dialect);
      return name === null ? null : control('savepoint', { action: 'savepoint', name });
    }
    case 'release': {
      const name = savepointName(isWord(second, 'savepoint') ? tokens[2] : second, dialect);
      return name === null ? null : control('release-savepoint', { action: 'release-savepoint', name });
    }
    case 'set':
      return { kind: 'set', parsedBy: PARSED_BY, table: null, tables: [], settings: settingsOf(tokens, dialect, text) };
    case 'lock':
      return lockTables(tokens, dialect);
    case 'unlock':
      return isWord(second, 'tables') || isWord(second, 'table') ? { kind: 'unlock-tables', parsedBy: PARSED_BY, table: null, tables: [] } : null;
    default:
      return null;
  }
}

function savepointName(token: Token | undefined, dialect: Dialect): string | null {
  if (token === undefined) return null;
  return identifierName(token, dialect);
}

/** MySQL `LOCK TABLES a READ, b AS x WRITE`; PostgreSQL `LOCK [TABLE] [ONLY] a, b IN ... MODE`. */
function lockTables(tokens: readonly Token[], dialect: Dialect): StatementTemplate | null {
  let i = 1;
  if (isWord(tokens[i], 'tables') || isWord(tokens[i], 'table')) i++;
  else if (dialect !== 'postgresql') return null;
  if (isWord(tokens[i], 'only')) i++;
  const tables: string[] = [];
  while (i < tokens.length) {
    const name = readQualifiedName(tokens, i, dialect);
    if (name === null) break;
    tables.push(name.name);
    i = name.next;
    // Skip alias and lock type up to the next comma (MySQL), stop at IN ... MODE (PostgreSQL).
    while (i < tokens.length && !(tokens[i]!.kind === 'op' && tokens[i]!.text === ',') && !isWord(tokens[i], 'in') && !isWord(tokens[i], 'nowait')) i++;
    if (tokens[i]?.kind === 'op' && tokens[i]!.text === ',') {
      i++;
      continue;
    }
    break;
  }
  const locked = unique(tables);
  return { kind: 'lock-tables', parsedBy: PARSED_BY, table: locked[0] ?? null, tables: locked };
}

const SCOPES = new Set(['session', 'local', 'global', 'persist', 'persist_only']);
const GLOBAL_SCOPES = new Set(['global', 'persist', 'persist_only']);

/** `ON`/`TRUE` -> '1', `OFF`/`FALSE` -> '0'; other values as written (strings unquoted). */
function settingValue(tokens: readonly Token[], text: string): string {
  if (tokens.length === 0) return '';
  let value: string;
  if (tokens.length === 1) {
    const token = tokens[0]!;
    value = token.kind === 'string' ? String(token.value ?? '') : token.kind === 'number' ? token.text : token.kind === 'word' || token.kind === 'qident' ? token.text : text.slice(token.start, token.end);
  } else if (tokens.every((token) => token.kind === 'word')) {
    value = tokens.map((token) => token.text).join(' ');
  } else {
    value = text.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end).replace(/\s+/g, ' ');
  }
  const lower = value.toLowerCase();
  if (lower === 'on' || lower === 'true') return '1';
  if (lower === 'off' || lower === 'false') return '0';
  return tokens.length === 1 && tokens[0]!.kind === 'word' ? lower : value;
}

/** Splits at commas outside parentheses. */
function splitTopLevel(tokens: readonly Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'op') {
      if (token.text === '(') depth++;
      else if (token.text === ')') depth--;
      else if (token.text === ',' && depth === 0) {
        parts.push([]);
        continue;
      }
    }
    parts[parts.length - 1]!.push(token);
  }
  return parts.filter((part) => part.length > 0);
}

/** The settings of a SET statement; names lower-case without `@@session.` (`global.` kept as a prefix). */
export function settingsOf(tokens: readonly Token[], dialect: Dialect, text: string): SessionSetting[] {
  const rest = tokens.slice(1).filter((token) => !(token.kind === 'op' && token.text === ';'));
  let scope = '';
  if (rest[0] !== undefined && rest[0].kind === 'word' && SCOPES.has(rest[0].text) && rest[1] !== undefined && !(rest[1].kind === 'op')) {
    scope = GLOBAL_SCOPES.has(rest[0].text) ? 'global.' : '';
    rest.shift();
  }
  const head = rest[0]?.kind === 'word' ? rest[0].text : '';
  // Statement forms that are not `name = value`.
  if (head === 'transaction' || head === 'names' || head === 'charset' || head === 'constraints' || head === 'role') {
    return [{ name: scope + head, value: settingValue(rest.slice(1), text) }];
  }
  if (head === 'character' && isWord(rest[1], 'set')) return [{ name: scope + 'character set', value: settingValue(rest.slice(2), text) }];
  if (head === 'characteristics' && isWord(rest[1], 'as')) return [{ name: 'session characteristics', value: settingValue(rest.slice(2), text) }];
  if (head === 'time' && isWord(rest[1], 'zone')) return [{ name: 'timezone', value: settingValue(rest.slice(2), text) }];
  if (head === 'session' && isWord(rest[1], 'authorization')) return [{ name: 'session authorization', value: settingValue(rest.slice(2), text) }];

  // PostgreSQL: one variable, its value may be a comma list (`search_path TO a, b`).
  const assignments = dialect === 'postgresql' ? [rest] : splitTopLevel(rest);
  const settings: SessionSetting[] = [];
  for (const assignment of assignments) {
    const operator = assignment.findIndex((token) => (token.kind === 'op' && (token.text === '=' || token.text === ':=')) || isWord(token, 'to'));
    if (operator <= 0) continue;
    const name = settingName(assignment.slice(0, operator), scope);
    if (name !== '') settings.push({ name, value: settingValue(assignment.slice(operator + 1), text) });
  }
  return settings;
}

function settingName(tokens: readonly Token[], statementScope: string): string {
  const parts = tokens.map((token) => (token.kind === 'op' ? token.text : token.text.toLowerCase())).join('');
  if (parts.startsWith('@@')) {
    const bare = parts.slice(2);
    const dot = bare.indexOf('.');
    if (dot > 0) {
      const scope = bare.slice(0, dot);
      const name = bare.slice(dot + 1);
      return (GLOBAL_SCOPES.has(scope) ? 'global.' : '') + name;
    }
    return statementScope + bare;
  }
  if (parts.startsWith('@')) return parts;
  // `SET SESSION x = 1, GLOBAL y = 2`: a scope word inside one assignment.
  const words = tokens.filter((token) => token.kind === 'word');
  if (words.length === 2 && SCOPES.has(words[0]!.text)) return (GLOBAL_SCOPES.has(words[0]!.text) ? 'global.' : '') + words[1]!.text;
  return statementScope + parts;
}

const RESERVED_AFTER_TABLE_KEYWORD = new Set([
  'select', 'from', 'where', 'set', 'values', 'value', 'join', 'on', 'using', 'order', 'group', 'limit', 'having',
  'union', 'into', 'as', 'and', 'or', 'not', 'null', 'default', 'returning', 'lateral', 'with',
]);

/**
 * MySQL's all-defaults insert, `INSERT [IGNORE] INTO t [()] VALUES () [, ()]...`, which
 * node-sql-parser rejects: every column takes its default, so no value of the statement names a
 * parent row. Null for any other shape.
 */
export function defaultRowsInsertTemplate(pieces: readonly Piece[], dialect: Dialect): StatementTemplate | null {
  const table = scanDmlTable(pieces, dialect);
  if (table === null || !(isWord(pieces[0], 'insert') || isWord(pieces[0], 'replace'))) return null;
  let i = pieces.findIndex((piece) => isWord(piece, 'values') || isWord(piece, 'value'));
  if (i === -1) return null;
  const emptyParens = (at: number): boolean => isOp(pieces[at], '(') && isOp(pieces[at + 1], ')');
  // A column list other than `()` names columns: not an all-defaults insert.
  if (isOp(pieces[i - 1], ')') && !emptyParens(i - 2)) return null;
  let rows = 0;
  i++;
  while (emptyParens(i)) {
    rows++;
    i += 2;
    if (!isOp(pieces[i], ',')) break;
    i++;
  }
  if (rows === 0 || i < pieces.length) return null;
  return {
    kind: 'insert',
    parsedBy: 'classifier',
    table,
    tables: [table],
    insertColumns: [],
    insertRows: Array.from({ length: rows }, () => []),
    insertFromSelect: false,
    conflict: isWord(pieces[0], 'replace') ? 'replace' : pieces.some((piece) => isWord(piece, 'ignore')) ? 'ignore' : 'error',
  };
}

/**
 * The table of an unparseable INSERT / REPLACE / UPDATE / DELETE / SELECT, read from its leading
 * clause only (`INSERT [modifiers] INTO t`, `UPDATE [modifiers] t`, `DELETE [modifiers] FROM t`,
 * the first top-level `FROM t` of a SELECT). Null whenever the shape is anything else.
 */
export function scanDmlTable(pieces: readonly Piece[], dialect: Dialect): string | null {
  const first = pieces[0]?.kind === 'word' ? pieces[0].text : '';
  const modifiers = new Set(['low_priority', 'delayed', 'high_priority', 'ignore', 'quick', 'only']);
  let i = 1;
  const skipModifiers = (): void => {
    while (pieces[i]?.kind === 'word' && modifiers.has((pieces[i] as Token).text)) i++;
    // SQLite `INSERT OR REPLACE`, `UPDATE OR IGNORE`
    if (isWord(pieces[i], 'or') && pieces[i + 1]?.kind === 'word') i += 2;
  };
  const nameAt = (index: number): string | null => {
    const name = readQualifiedName(pieces, index, dialect);
    if (name === null) return null;
    // An unquoted keyword where the table should be means the statement is not what it seems.
    if (pieces[index]!.kind === 'word' && RESERVED_AFTER_TABLE_KEYWORD.has(name.name)) return null;
    const after = pieces[name.next];
    // A function call or a parenthesised sub-query is not a table.
    if (pieces[index]?.kind === 'word' && after?.kind === 'op' && after.text === '(' && !after.spaced && first !== 'insert' && first !== 'replace') return null;
    return name.name;
  };
  switch (first) {
    case 'insert':
    case 'replace':
      skipModifiers();
      if (isWord(pieces[i], 'into')) i++;
      return nameAt(i);
    case 'update':
      skipModifiers();
      return nameAt(i);
    case 'delete':
      skipModifiers();
      if (!isWord(pieces[i], 'from')) return null;
      i++;
      if (isWord(pieces[i], 'only')) i++;
      return nameAt(i);
    case 'select': {
      let depth = 0;
      for (let j = 1; j < pieces.length; j++) {
        const piece = pieces[j]!;
        if (piece.kind === 'op') {
          if (piece.text === '(') depth++;
          else if (piece.text === ')') depth--;
        } else if (depth === 0 && isWord(piece, 'from')) {
          return nameAt(j + 1);
        }
      }
      return null;
    }
    default:
      return null;
  }
}
