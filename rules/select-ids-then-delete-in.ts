/**
 * select-ids-then-delete-in: a plain `SELECT id ... WHERE <filter>`, then
 * `DELETE ... WHERE id IN (<those ids>)` in the same session. The SELECT locks nothing, so rows
 * another transaction commits in between survive the DELETE, and a following INSERT under a
 * unique key fails (Django ticket #23576). design.md §3 states the rule.
 */
import {
  MANUAL,
  defineRule,
  duplicateKeyError,
  formatValue,
  isMySqlFamily,
  literalKey,
  type Confidence,
  type Dialect,
  type KeyInfo,
  type SchemaView,
  type Statement,
  type StatementPosition,
} from '../src/rule-api.js';

/** Plain reads remembered per table; older ones are dropped so a long session stays small. */
const SELECTS_KEPT_PER_TABLE = 4;
const TABLES_KEPT = 64;
/** How many statements a finding waits for a confirming INSERT before it is reported as is. */
const INSERT_LOOKAHEAD = 100;

/** Django's Collector deletes by primary key in chunks: `DELETE FROM "t" WHERE "t"."id" IN (...)`. */
const DJANGO_DELETE = /^DELETE FROM ([`"])(\w+)\1 WHERE \1\2\1\.\1\w+\1 IN \(/;

interface PlainSelect {
  readonly statement: Statement;
  readonly position: StatementPosition;
  readonly keyColumn: string;
}

interface Pending {
  readonly select: PlainSelect;
  readonly firstDelete: Statement;
  readonly deletePosition: StatementPosition;
  readonly table: string;
  deletes: number;
  age: number;
  /** The INSERT into the same table that followed: reported once the next statement shows whether it failed. */
  insert?: Statement;
  insertPosition?: StatementPosition;
}

/** Duplicate key: MySQL/MariaDB 1062, MariaDB 11.6+ snapshot isolation 1020, PostgreSQL 23505. */
const DUPLICATE_KEY_CODES = new Set(['1062', '1020', '23505']);

export default defineRule({
  id: 'select-ids-then-delete-in',
  description:
    'A plain SELECT of ids by a filter, then DELETE ... WHERE id IN (those ids): rows committed in between survive, and a re-insert under a unique key fails.',
  severity: 'error',
  dialects: ['mysql', 'mariadb', 'postgresql'],
  scope: 'session',
  messages: {
    race: 'DELETE from {table} by a list of ids read earlier by a plain SELECT (line {selectLine}): rows another transaction commits in between match the filter but survive the delete',
  },
  create(ctx) {
    const selects = new Map<string, PlainSelect[]>();
    const pending: Pending[] = [];
    /** Tables exclusively locked in the current transaction: concurrent runs of this code queue there. */
    let lockedTables = new Set<string>();
    let lockedInTransaction: number | undefined;

    function report(item: Pending): void {
      const { select, firstDelete, table, insert, insertPosition } = item;
      const evidence = ctx
        .serverErrors()
        .filter((error) => error.code !== undefined && DUPLICATE_KEY_CODES.has(error.code) && error.line >= firstDelete.origin.line)
        .map((error) => `the server logged a duplicate key (${error.code}) in this session at line ${error.line}: ${error.message}`);
      const uniqueKey = insert ? confirmingUniqueKey(ctx.schema, table, select.statement, insert) : undefined;
      let confidence: Confidence = 'medium';
      if (uniqueKey || evidence.length > 0 || DJANGO_DELETE.test(firstDelete.text)) confidence = 'high';
      const separateTransactions = insertPosition !== undefined && insertPosition.transactionIndex !== item.deletePosition.transactionIndex;
      const filter = describeFilter(select.statement);
      const notes = [
        `the ids in the DELETE are taken to be those the SELECT at line ${select.statement.origin.line} returned: statement logs and SQL files carry no result sets`,
      ];
      if (item.deletes > 1) notes.push(`${item.deletes} DELETE statements by id list followed the SELECT (chunked delete)`);
      if (separateTransactions) notes.push('the DELETE and the INSERT committed separately (autocommit): even a single DELETE by the filter would leave a window between them');
      ctx.report({
        at: firstDelete,
        messageId: 'race',
        data: { table, selectLine: select.statement.origin.line },
        related: [
          { at: select.statement, message: `plain SELECT of ${select.keyColumn} from ${table} by ${filter}: takes no row locks` },
          ...(insert ? [{ at: insert, message: `INSERT INTO ${table}${uniqueKey ? ` under unique key (${uniqueKey.columns.join(', ')})` : ''}: fails on a row the DELETE missed` }] : []),
        ],
        lockEdges: lockEdges(ctx.dialect, table, select, firstDelete, filter, insert, uniqueKey),
        fix: fixText(ctx.dialect, table, select.statement, separateTransactions),
        confidence,
        notes,
        evidence,
      });
    }

    function remember(statement: Statement, position: StatementPosition, table: string): void {
      const key = ctx.schema.primaryKey(table);
      const keyColumn = key.columns[0];
      if (key.columns.length !== 1 || keyColumn === undefined) return;
      const columns = statement.selectColumns ?? [];
      if (!columns.includes(keyColumn) && !columns.includes('*')) return;
      // Reading back a known id list is not a filter: nothing can slip in between.
      if (isOnlyKeyList(statement, keyColumn)) return;
      let list = selects.get(table);
      if (!list) {
        if (selects.size >= TABLES_KEPT) selects.delete(selects.keys().next().value!);
        list = [];
        selects.set(table, list);
      }
      list.push({ statement, position, keyColumn });
      if (list.length > SELECTS_KEPT_PER_TABLE) list.shift();
    }

    function onDelete(statement: Statement, position: StatementPosition, table: string): void {
      const running = pending.find((item) => item.table === table && item.deletes > 0 && item.age < INSERT_LOOKAHEAD);
      const list = selects.get(table);
      const select = list?.[list.length - 1];
      if (!select || !deletesByKeyList(statement, select.keyColumn)) {
        if (running && deletesByKeyList(statement, ctx.schema.primaryKey(table).columns[0] ?? 'id')) running.deletes++;
        return;
      }
      selects.delete(table);
      if (serialisedBy(position, table, select.statement)) return;
      pending.push({ select, firstDelete: statement, deletePosition: position, table, deletes: 1, age: 0 });
    }

    /** A lock on T itself or on a parent T references (the "common parent" of design §3) serialises; one on an unrelated table does not. */
    function serialisedBy(position: StatementPosition, table: string, select: Statement): boolean {
      if (lockedInTransaction !== position.transactionIndex || position.mode === 'autocommit') return false;
      if (lockedTables.has(table)) return true;
      const filterColumns = select.where?.predicates.map((predicate) => predicate.column) ?? [];
      for (const locked of lockedTables) {
        if (ctx.schema.foreignKeysBetween(table, locked, filterColumns).length > 0) return true;
      }
      return false;
    }

    return {
      statement(statement, position) {
        for (let i = pending.length - 1; i >= 0; i--) {
          const item = pending[i]!;
          if (item.insert) {
            // A log records a statement's error right after it: by now it has been seen.
            pending.splice(i, 1);
            report(item);
          } else if (statement.kind === 'insert' && statement.table === item.table) {
            item.insert = statement;
            item.insertPosition = position;
          } else if (++item.age > INSERT_LOOKAHEAD) {
            pending.splice(i, 1);
            report(item);
          }
        }
        if (takesSerialisingLock(statement) && position.mode !== 'autocommit') {
          if (lockedInTransaction !== position.transactionIndex) lockedTables = new Set();
          lockedInTransaction = position.transactionIndex;
          for (const locked of serialisedTables(statement)) lockedTables.add(locked);
        }
        const table = statement.table;
        if (!table) return;
        if (statement.kind === 'select' && (statement.lock?.strength ?? 'none') === 'none') remember(statement, position, table);
        else if (statement.kind === 'delete') onDelete(statement, position, table);
      },
      end() {
        for (const item of pending.splice(0)) report(item);
      },
    };
  },
});

/**
 * An exclusive row lock earlier in the same transaction (SELECT ... FOR UPDATE of a parent,
 * UPDATE of a parent row, LOCK TABLES) makes concurrent runs of the same code queue on it,
 * when it is on the table itself or a parent of it (serialisedBy).
 */
function takesSerialisingLock(statement: Statement): boolean {
  if (statement.kind === 'update' || statement.kind === 'lock-tables') return true;
  const strength = statement.kind === 'select' ? statement.lock?.strength : undefined;
  return strength === 'update' || strength === 'no-key-update';
}

function serialisedTables(statement: Statement): readonly string[] {
  if (statement.kind === 'select' && statement.lock?.of && statement.lock.of.length > 0) return statement.lock.of;
  if (statement.kind === 'update') return statement.table ? [statement.table] : [];
  return statement.tables;
}

function isOnlyKeyList(statement: Statement, keyColumn: string): boolean {
  const where = statement.where;
  return !!where && where.onlyPredicates && where.predicates.length === 1 && where.predicates[0]!.column === keyColumn;
}

function deletesByKeyList(statement: Statement, keyColumn: string): boolean {
  const where = statement.where;
  if (!where || !where.onlyPredicates || where.predicates.length !== 1) return false;
  const predicate = where.predicates[0]!;
  return predicate.column === keyColumn && !predicate.subquery;
}

function describeFilter(select: Statement): string {
  const where = select.where;
  if (!where) return 'no filter (all rows)';
  if (!where.onlyPredicates || where.predicates.length === 0) return 'its WHERE filter';
  return where.predicates
    .map((p) => (p.op === '=' ? `${p.column} = ${formatValue(p.values[0]!)}` : `${p.column} IN (${p.values.map(formatValue).join(', ')})`))
    .join(' AND ');
}

/**
 * A declared unique key of the table that the INSERT fills and whose filtered columns carry the
 * SELECT's values: the #23576 shape, where a surviving row makes the re-insert fail.
 */
function confirmingUniqueKey(schema: SchemaView, table: string, select: Statement, insert: Statement): KeyInfo | undefined {
  const rows = insert.insertRows ?? [];
  for (const key of schema.uniqueKeys(table)) {
    if (key.inferred || !key.columns.every((column) => insert.insertColumns?.includes(column))) continue;
    const filtered = (select.where?.predicates ?? []).filter((p) => key.columns.includes(p.column));
    const consistent = filtered.every((predicate) => {
      const wanted = new Set(predicate.values.map(literalKey));
      return rows.some((row) => wanted.has(literalKey(row.get(predicate.column) ?? { kind: 'expression' })));
    });
    if (consistent) return key;
  }
  return undefined;
}

function lockEdges(
  dialect: Dialect,
  table: string,
  select: PlainSelect,
  deleteStatement: Statement,
  filter: string,
  insert: Statement | undefined,
  uniqueKey: KeyInfo | undefined,
): string[] {
  const snapshot = isMySqlFamily(dialect) ? 'a consistent (snapshot) read' : 'a snapshot read';
  const edges = [
    `S1 SELECT ${select.keyColumn} FROM ${table} WHERE ${filter} (line ${select.statement.origin.line}) is ${snapshot}: it takes no row locks, so it neither sees nor blocks rows other transactions commit after it`,
    `S2 (another session) inserts a row into ${table} matching ${filter} and commits`,
    `S1 DELETE FROM ${table} WHERE ${select.keyColumn} IN (...) (line ${deleteStatement.origin.line}) locks and deletes only the listed ids: S2's row survives`,
  ];
  if (insert) {
    const key = uniqueKey ? `unique key (${uniqueKey.columns.join(', ')})` : 'a unique key';
    edges.push(`S1 INSERT INTO ${table} (line ${insert.origin.line}) collides with S2's surviving row under ${key}: ${duplicateKeyError(dialect)}`);
  } else {
    edges.push(`S1 goes on as if no ${table} row matches ${filter}, but S2's row is still there (a later insert under a unique key fails with ${duplicateKeyError(dialect)})`);
  }
  return edges;
}

function fixText(dialect: Dialect, table: string, select: Statement, separateTransactions: boolean): string {
  const filter = select.where?.onlyPredicates && select.where.predicates.length > 0 ? describeFilter(select) : '<the SELECT\'s filter>';
  const oneTransaction = separateTransactions ? ' Run the DELETE and the INSERT in one transaction: committed separately, another session can insert between them.' : '';
  if (isMySqlFamily(dialect)) {
    return (
      `Delete by the filter in one statement, inside the transaction that re-inserts: DELETE FROM ${table} WHERE ${filter}. A DELETE is a locking read: InnoDB locks every matching row and, under REPEATABLE READ, the gaps, including rows committed after your SELECT; ` +
      `or read the ids with SELECT ... FOR UPDATE.${oneTransaction} (${MANUAL.innodbLockingReads})`
    );
  }
  const parent = guessParent(select);
  return (
    `On PostgreSQL under READ COMMITTED even DELETE FROM ${table} WHERE ${filter} only sees rows committed before it started, so deleting by the filter is not enough. ` +
    `Lock a common parent row first (${parent}) so concurrent requests queue, or replace delete-and-reinsert with INSERT ... ON CONFLICT (...) DO UPDATE / DO NOTHING.${oneTransaction} (${MANUAL.pgReadCommitted}; ${MANUAL.pgInsertOnConflict})`
  );
}

/** `owner_id = 1` suggests the parent row `owner.id = 1`; otherwise stay generic. */
function guessParent(select: Statement): string {
  const predicate = select.where?.predicates.find((p) => p.op === '=' && p.column.endsWith('_id'));
  if (!predicate) return 'SELECT ... FROM <parent> WHERE id = ... FOR NO KEY UPDATE';
  const parent = predicate.column.slice(0, -3);
  return `SELECT 1 FROM ${parent} WHERE id = ${formatValue(predicate.values[0]!)} FOR NO KEY UPDATE`;
}

