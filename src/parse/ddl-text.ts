/**
 * Clause-level DDL reading from tokens: the last resort when no parser accepts a DDL statement
 * (mysqldump's unwrapped `PARTITION BY`, vendor options, future syntax). It reads only the
 * clauses the catalog needs (columns, PRIMARY KEY, UNIQUE, FOREIGN KEY, DEFERRABLE, renames,
 * drops) and answers `{ action: 'other' }` for the rest, so DDL is always recognised as DDL.
 */
import type { Dialect } from '../model/dialect.js';
import type { DdlChange, ForeignKey } from '../model/statement.js';
import { deferrableOf, unique, type TableShapeBuilder } from './normalize-common.js';
import { identifierName, readQualifiedName } from './rewrite.js';
import type { Token } from './tokenize.js';

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.text);
}

function isOp(token: Token | undefined, op: string): boolean {
  return token !== undefined && token.kind === 'op' && token.text === op;
}

function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.kind !== 'op') continue;
    if (tokens[i]!.text === '(') depth++;
    else if (tokens[i]!.text === ')' && --depth === 0) return i;
  }
  return tokens.length;
}

/** Splits `tokens[from, to)` at commas outside parentheses. */
function splitItems(tokens: readonly Token[], from: number, to: number): Token[][] {
  const items: Token[][] = [[]];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    if (token.kind === 'op') {
      if (token.text === '(') depth++;
      else if (token.text === ')') depth--;
      else if (token.text === ',' && depth === 0) {
        items.push([]);
        continue;
      }
    }
    items[items.length - 1]!.push(token);
  }
  return items.filter((item) => item.length > 0);
}

class DdlReader {
  constructor(private readonly dialect: Dialect) {}

  name(token: Token | undefined): string | null {
    return token === undefined ? null : identifierName(token, this.dialect);
  }

  /** `(a, b(10) DESC, "c")` at `open`: the first name of each item. */
  columnList(tokens: readonly Token[], open: number): { columns: string[]; next: number } | null {
    if (!isOp(tokens[open], '(')) return null;
    const close = closingParen(tokens, open);
    const columns: string[] = [];
    for (const item of splitItems(tokens, open + 1, close)) {
      const name = this.name(item[0]);
      // An expression (`lower(email)`) is not a column.
      if (name === null || (item.length > 1 && isOp(item[1], '(') && !/^\d/.test(item[2]?.text ?? ''))) return null;
      columns.push(name);
    }
    return { columns, next: close + 1 };
  }

  /** `REFERENCES t [(cols)] [MATCH ..] [ON ...] [[NOT] DEFERRABLE] [INITIALLY ...]` at `at`. */
  references(tokens: readonly Token[], at: number, columns: string[], name: string | null): ForeignKey | null {
    const table = readQualifiedName(tokens, at + 1, this.dialect);
    if (table === null || columns.length === 0) return null;
    const refColumns = this.columnList(tokens, table.next)?.columns ?? [];
    let deferrable = false;
    let initiallyDeferred = false;
    for (let i = table.next; i < tokens.length; i++) {
      if (isWord(tokens[i], 'not') && isWord(tokens[i + 1], 'deferrable')) {
        deferrable = false;
        i++;
      } else if (isWord(tokens[i], 'deferrable')) deferrable = true;
      else if (isWord(tokens[i], 'initially')) initiallyDeferred = isWord(tokens[i + 1], 'deferred');
    }
    const fk: ForeignKey = { columns, refTable: table.name, refColumns, deferrable: deferrableOf(deferrable || initiallyDeferred, initiallyDeferred) };
    return name === null ? fk : { name, ...fk };
  }

  /** One item of a CREATE TABLE body or of an ALTER TABLE ADD. */
  definition(item: readonly Token[], shape: TableShapeBuilder): void {
    let i = 0;
    let constraintName: string | null = null;
    if (isWord(item[0], 'constraint')) {
      if (!isWord(item[1], 'primary', 'unique', 'foreign', 'check')) {
        constraintName = this.name(item[1]);
        i = 2;
      } else {
        i = 1;
      }
    }
    const head = item[i];
    if (isWord(head, 'primary') && isWord(item[i + 1], 'key')) {
      const list = this.columnList(item, this.skipToParen(item, i + 2));
      if (list !== null) shape.primaryKey = list.columns;
      return;
    }
    if (isWord(head, 'unique')) {
      const list = this.columnList(item, this.skipToParen(item, i + 1));
      if (list !== null) shape.uniqueKeys.push(list.columns);
      return;
    }
    if (isWord(head, 'foreign') && isWord(item[i + 1], 'key')) {
      const open = this.skipToParen(item, i + 2);
      const list = this.columnList(item, open);
      if (list === null) return;
      const at = item.findIndex((token, index) => index >= list.next && isWord(token, 'references'));
      const fk = at < 0 ? null : this.references(item, at, list.columns, constraintName ?? (open > i + 2 ? this.name(item[i + 2]) : null));
      if (fk !== null) shape.foreignKeys.push(fk);
      return;
    }
    if (isWord(head, 'key', 'index', 'fulltext', 'spatial', 'check', 'exclude', 'like', 'period', 'constraint')) return;
    this.column(item, shape);
  }

  /** Skips an optional index name and `USING method` up to the column list. */
  skipToParen(item: readonly Token[], from: number): number {
    let i = from;
    while (i < item.length && !isOp(item[i], '(')) i++;
    return i;
  }

  column(item: readonly Token[], shape: TableShapeBuilder): void {
    let i = 0;
    if (isWord(item[0], 'column')) i = 1;
    const column = this.name(item[i]);
    if (column === null) return;
    shape.columns.push(column);
    let depth = 0;
    for (let j = i + 1; j < item.length; j++) {
      const token = item[j]!;
      if (token.kind === 'op') {
        if (token.text === '(') depth++;
        else if (token.text === ')') depth--;
        continue;
      }
      if (depth !== 0) continue;
      if (isWord(token, 'primary') && isWord(item[j + 1], 'key')) shape.primaryKey = [column];
      else if (isWord(token, 'unique')) shape.uniqueKeys.push([column]);
      else if (isWord(token, 'references')) {
        const fk = this.references(item, j, [column], null);
        if (fk !== null) shape.foreignKeys.push(fk);
        return;
      }
    }
  }
}

/** Index after `IF [NOT] EXISTS` at `i`. */
function skipIfExists(tokens: readonly Token[], i: number): number {
  if (isWord(tokens[i], 'if') && isWord(tokens[i + 1], 'not') && isWord(tokens[i + 2], 'exists')) return i + 3;
  if (isWord(tokens[i], 'if') && isWord(tokens[i + 1], 'exists')) return i + 2;
  return i;
}

function otherOn(table: string | null | undefined): DdlChange {
  return table === null || table === undefined ? { action: 'other' } : { action: 'other', table };
}

/** Reads a DDL statement from its tokens. Always answers (at worst `{ action: 'other' }`). */
export function ddlFromTokens(allTokens: readonly Token[], dialect: Dialect): DdlChange {
  const tokens = allTokens.filter((token) => !isOp(token, ';'));
  const reader = new DdlReader(dialect);
  const first = tokens[0]?.text ?? '';
  let i = 1;
  if (first === 'create') {
    if (isWord(tokens[i], 'or') && isWord(tokens[i + 1], 'replace')) i += 2;
    while (isWord(tokens[i], 'temporary', 'temp', 'unlogged', 'global', 'local', 'definer', 'algorithm')) i++;
    if (isWord(tokens[i], 'table')) return createTable(tokens, skipIfExists(tokens, i + 1), reader, dialect);
    const unique = isWord(tokens[i], 'unique');
    if (unique) i++;
    while (isWord(tokens[i], 'fulltext', 'spatial', 'clustered', 'nonclustered')) i++;
    if (isWord(tokens[i], 'index')) {
      const on = tokens.findIndex((token, index) => index > i && isWord(token, 'on'));
      if (on < 0) return { action: 'other' };
      let at = on + 1;
      if (isWord(tokens[at], 'only')) at++;
      const table = readQualifiedName(tokens, at, dialect);
      if (table === null) return { action: 'other' };
      let open = table.next;
      if (isWord(tokens[open], 'using')) open += 2;
      const list = reader.columnList(tokens, open);
      if (unique && list !== null && list.columns.length > 0) return { action: 'create-unique-index', table: table.name, columns: list.columns };
      return otherOn(table.name);
    }
    const on = tokens.findIndex((token) => isWord(token, 'on'));
    return on > 0 && isWord(tokens[1], 'trigger') ? otherOn(readQualifiedName(tokens, on + 1, dialect)?.name) : { action: 'other' };
  }
  if (first === 'alter' && isWord(tokens[1], 'table')) return alterTable(tokens, reader, dialect);
  if (first === 'drop' && (isWord(tokens[1], 'table') || (isWord(tokens[1], 'temporary') && isWord(tokens[2], 'table')))) {
    i = skipIfExists(tokens, isWord(tokens[1], 'table') ? 2 : 3);
    const tables: string[] = [];
    for (const item of splitItems(tokens, i, tokens.length)) {
      const name = readQualifiedName(item, 0, dialect);
      if (name !== null) tables.push(name.name);
    }
    return tables.length > 0 ? { action: 'drop-table', tables: unique(tables) } : { action: 'other' };
  }
  if (first === 'rename' && isWord(tokens[1], 'table')) {
    const from = readQualifiedName(tokens, 2, dialect);
    const to = from !== null && isWord(tokens[from.next], 'to') ? readQualifiedName(tokens, from.next + 1, dialect) : null;
    return from !== null && to !== null ? { action: 'rename-table', from: from.name, to: to.name } : { action: 'other' };
  }
  if (first === 'truncate') {
    i = 1;
    if (isWord(tokens[i], 'table')) i++;
    if (isWord(tokens[i], 'only')) i++;
    return otherOn(readQualifiedName(tokens, i, dialect)?.name);
  }
  if (first === 'comment' && isWord(tokens[1], 'on') && isWord(tokens[2], 'table', 'column')) {
    const names: string[] = [];
    for (let j = 3; j < tokens.length && !isWord(tokens[j], 'is'); j++) {
      const name = reader.name(tokens[j]);
      if (name !== null) names.push(name);
    }
    return otherOn(isWord(tokens[2], 'table') ? names[names.length - 1] : names[names.length - 2]);
  }
  return { action: 'other' };
}

function createTable(tokens: readonly Token[], at: number, reader: DdlReader, dialect: Dialect): DdlChange {
  const table = readQualifiedName(tokens, at, dialect);
  if (table === null) return { action: 'other' };
  // CREATE TABLE ... AS SELECT / LIKE / PARTITION OF: the structure comes from elsewhere.
  if (!isOp(tokens[table.next], '(') || isWord(tokens[table.next + 1], 'like')) return otherOn(table.name);
  const close = closingParen(tokens, table.next);
  const shape: TableShapeBuilder = { columns: [], uniqueKeys: [], foreignKeys: [] };
  for (const item of splitItems(tokens, table.next + 1, close)) reader.definition(item, shape);
  const change: DdlChange = { action: 'create-table', table: table.name, columns: shape.columns, uniqueKeys: shape.uniqueKeys, foreignKeys: shape.foreignKeys };
  return shape.primaryKey === undefined ? change : { ...change, primaryKey: shape.primaryKey };
}

function alterTable(tokens: readonly Token[], reader: DdlReader, dialect: Dialect): DdlChange {
  let i = skipIfExists(tokens, 2);
  if (isWord(tokens[i], 'only')) i++;
  const table = readQualifiedName(tokens, i, dialect);
  if (table === null) return { action: 'other' };
  const shape: TableShapeBuilder = { columns: [], uniqueKeys: [], foreignKeys: [] };
  const dropForeignKeys: string[] = [];
  const alterConstraints: { name: string; deferrable: ForeignKey['deferrable'] }[] = [];
  let renameTo: string | null = null;
  for (const item of splitItems(tokens, table.next, tokens.length)) {
    if (isWord(item[0], 'add')) {
      let rest = item.slice(1);
      if (isWord(rest[0], 'column')) rest = rest.slice(1);
      if (isWord(rest[0], 'if') && isWord(rest[1], 'not') && isWord(rest[2], 'exists')) rest = rest.slice(3);
      reader.definition(rest, shape);
    } else if (isWord(item[0], 'drop') && isWord(item[1], 'foreign') && isWord(item[2], 'key')) {
      const name = reader.name(item[3]);
      if (name !== null) dropForeignKeys.push(name);
    } else if (isWord(item[0], 'drop') && isWord(item[1], 'constraint')) {
      const at = skipIfExists(item, 2);
      const name = reader.name(item[at]);
      if (name !== null) dropForeignKeys.push(name);
    } else if (isWord(item[0], 'alter') && isWord(item[1], 'constraint')) {
      const name = reader.name(item[2]);
      if (name === null) continue;
      let deferrable = false;
      let initiallyDeferred = false;
      for (let j = 3; j < item.length; j++) {
        if (isWord(item[j], 'not') && isWord(item[j + 1], 'deferrable')) j++;
        else if (isWord(item[j], 'deferrable')) deferrable = true;
        else if (isWord(item[j], 'initially')) initiallyDeferred = isWord(item[j + 1], 'deferred');
      }
      alterConstraints.push({ name, deferrable: deferrableOf(deferrable || initiallyDeferred, initiallyDeferred) });
    } else if (isWord(item[0], 'rename') && (isWord(item[1], 'to') || isWord(item[1], 'as'))) {
      renameTo = readQualifiedName(item, 2, dialect)?.name ?? null;
    } else if (isWord(item[0], 'rename') && item[1] !== undefined && !isWord(item[1], 'column', 'index', 'key', 'constraint')) {
      renameTo = readQualifiedName(item, 1, dialect)?.name ?? null; // MySQL `RENAME new_name`
    }
  }
  const changesSomething =
    shape.columns.length + shape.uniqueKeys.length + shape.foreignKeys.length + dropForeignKeys.length + alterConstraints.length > 0 || shape.primaryKey !== undefined;
  if (renameTo !== null && !changesSomething) return { action: 'rename-table', from: table.name, to: renameTo };
  const change: DdlChange = {
    action: 'alter-table',
    table: table.name,
    addColumns: shape.columns,
    addUniqueKeys: shape.uniqueKeys,
    addForeignKeys: shape.foreignKeys,
    dropForeignKeys,
    ...(alterConstraints.length > 0 ? { alterConstraints } : {}),
  };
  return shape.primaryKey === undefined ? change : { ...change, addPrimaryKey: shape.primaryKey };
}
