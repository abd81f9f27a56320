/**
 * child-insert-before-parent-update: in one transaction, INSERT a child row whose foreign key
 * points at a parent row, then write or exclusively lock that parent row. The FK check left a
 * shared lock on the parent; two transactions doing the same each hold it and wait for the
 * other's to upgrade: a deadlock. design.md §3 states the rule; the lock facts live in
 * src/analyze/locks.ts.
 */
import {
  MANUAL,
  deadlockError,
  defineRule,
  foreignKeyCheckLock,
  confidenceRank,
  formatValue,
  isMySqlFamily,
  lockConflicts,
  lowerConfidence,
  matchValues,
  predicateOn,
  statementRowLock,
  upsertsExistingRow,
  type Confidence,
  type Dialect,
  type ResolvedForeignKey,
  type RowLock,
  type RowMatch,
  type RuleContext,
  type Statement,
  type Transaction,
  type TransactionStatement,
  type Value,
} from '../src/rule-api.js';

const DEADLOCK_CODES = new Set(['1213', '40P01']);

export default defineRule({
  id: 'child-insert-before-parent-update',
  description:
    'An INSERT of a child row, then an UPDATE/DELETE/locking read of its parent row in the same transaction: concurrent transactions deadlock on the parent row.',
  severity: 'error',
  dialects: ['mysql', 'mariadb', 'postgresql'],
  scope: 'transaction',
  messages: {
    deadlock:
      '{parentOp} of {parent} row {row} after inserting a row into {child} that references it, in the same transaction: two transactions doing this for the same {parent} row deadlock ({error})',
    nowait:
      '{parentOp} of {parent} row {row} after inserting a row into {child} that references it, in the same transaction: it fails at once ({error}) whenever another transaction has inserted a child of the same {parent} row and not yet committed',
    skipLocked:
      '{parentOp} of {parent} row {row} after inserting a row into {child} that references it, in the same transaction: it silently skips the row whenever another transaction has inserted a child of the same {parent} row and not yet committed',
  },
  check(transaction, ctx) {
    // With autocommit each statement commits and releases its locks: no lock is held across statements.
    if (transaction.mode === 'autocommit' || ctx.dialect === 'sqlite') return;
    const childInserts: ChildInsert[] = [];
    // Rows this transaction already holds a lock on that another transaction's same lock waits for.
    const serialisingLocks: HeldLock[] = [];
    for (const entry of transaction.statements) {
      const statement = entry.statement;
      const locks = rowLocksOn(ctx, statement);
      if (childInserts.length > 0) {
        for (const { table: parent, lock: parentLock } of locks) {
          const hazard = findHazard(childInserts, serialisingLocks, statement, parent, parentLock, ctx);
          if (!hazard) continue;
          reportHazard(transaction, ctx, statement, parent, parentLock, hazard);
          break;
        }
      }
      if (statement.kind === 'insert' && statement.table && statement.insertRows) {
        // An insert rolled back to a savepoint on PostgreSQL released its locks.
        if (!entry.locksHeld) continue;
        childInserts.push({ entry, lockedBefore: serialisingLocks.length });
        // The new row (or the existing row an upsert updates) is exclusively locked, and a new
        // row is invisible to others until commit.
        serialisingLocks.push({ statement, table: statement.table, lock: null });
        continue;
      }
      if (!entry.locksHeld) continue;
      for (const { table, lock } of locks) {
        if (lockConflicts(lock, lock)) serialisingLocks.push({ statement, table, lock });
      }
    }
  },
});

function reportHazard(
  transaction: Transaction,
  ctx: RuleContext<ChildInsertMessage>,
  statement: Statement,
  parent: string,
  parentLock: RowLock,
  hazard: Hazard,
): void {
  const keyChange = ctx.dialect === 'postgresql' && statement.kind === 'update' ? assignedKeyColumns(statement, ctx.schema.keyColumns(parent)) : undefined;
  // A key column set from a parameter may keep its value: PostgreSQL then takes no FOR UPDATE.
  const steps = (transaction.mode === 'assumed' ? 1 : 0) + (keyChange?.allUnknown ? 1 : 0);
  const confidence = lowerConfidence(hazard.confidence, steps);
  const firstLine = transaction.opener?.origin.line ?? hazard.insert.statement.origin.line;
  const evidence = ctx.serverErrors().filter((error) => error.code !== undefined && DEADLOCK_CODES.has(error.code) && error.line >= firstLine);
  const row = rowDescription(hazard.fk, hazard.match);
  const child = hazard.insert.statement;
  const parentOp = describeParentOperation(statement, parentLock);
  // NOWAIT and SKIP LOCKED never wait, so there is no cycle: the statement errors or skips instead.
  const wait = statement.kind === 'select' ? (statement.lock?.wait ?? 'block') : 'block';
  const messageId: ChildInsertMessage = wait === 'nowait' ? 'nowait' : wait === 'skip-locked' ? 'skipLocked' : 'deadlock';
  ctx.report({
    at: statement,
    messageId,
    data: { parentOp, parent, row, child: child.table ?? '?', error: messageId === 'nowait' ? lockNotAvailableError(ctx.dialect) : deadlockError(ctx.dialect) },
    related: [
      {
        at: child,
        message: `INSERT INTO ${child.table}: its foreign-key check on ${hazard.fk.table}.${hazard.fk.columns.join(', ')} takes ${hazard.fkLock.label} on ${parent} row ${row}, held until the transaction ends`,
      },
      ...(transaction.opener ? [{ at: transaction.opener, message: 'the transaction starts here' }] : []),
    ],
    lockEdges: lockEdges(ctx.dialect, child, statement, parent, row, hazard.fkLock, parentLock, wait),
    fix: fixText(ctx.dialect, statement, parent, rowPredicate(hazard.fk, hazard.match), parentLock),
    confidence: evidence.length > 0 ? 'high' : confidence,
    notes: notes(ctx.dialect, hazard, transaction.mode === 'assumed', keyChange?.columns),
    evidence: evidence.map((error) => `the server logged a deadlock (${error.code}) in this session at line ${error.line}: ${error.message}`),
  });
}

/** A child INSERT, with how many serialising locks the transaction held when it ran. */
interface ChildInsert {
  readonly entry: TransactionStatement;
  readonly lockedBefore: number;
}

/**
 * A row lock that a second transaction running the same code must wait for (X on InnoDB;
 * FOR UPDATE / FOR NO KEY UPDATE on PostgreSQL), or a row this transaction inserted. Once held,
 * concurrent transactions queue behind it instead of interleaving.
 */
interface HeldLock {
  readonly statement: Statement;
  readonly table: string;
  /** Null for a row this transaction inserted. */
  readonly lock: RowLock | null;
}

type ChildInsertMessage = 'deadlock' | 'nowait' | 'skipLocked';

/**
 * The error a NOWAIT locking read raises when the row is locked: MySQL 8.0 has its own code,
 * MariaDB reports a zero-second lock wait timeout. https://mariadb.com/kb/en/wait-and-nowait/
 */
function lockNotAvailableError(dialect: Dialect): string {
  if (dialect === 'mariadb') return 'ER_LOCK_WAIT_TIMEOUT (1205)';
  return dialect === 'mysql' ? 'ER_LOCK_NOWAIT (3572)' : 'lock_not_available (SQLSTATE 55P03)';
}

interface Hazard {
  readonly insert: TransactionStatement;
  readonly fk: ResolvedForeignKey;
  readonly fkLock: RowLock;
  readonly match: RowMatch;
  readonly confidence: Confidence;
}

/** Tables whose rows the statement writes or locks; statementRowLock says with which lock, per dialect. */
function lockedTables(statement: Statement): readonly string[] {
  if (statement.kind === 'update' || statement.kind === 'delete' || upsertsExistingRow(statement)) return statement.table ? [statement.table] : [];
  if (statement.kind === 'select' && statement.lock && statement.lock.strength !== 'none') {
    return statement.lock.of && statement.lock.of.length > 0 ? statement.lock.of : statement.tables;
  }
  return [];
}

/** The row lock the statement takes on each table it writes or locks. */
function rowLocksOn(ctx: RuleContext<ChildInsertMessage>, statement: Statement): { table: string; lock: RowLock }[] {
  const locks: { table: string; lock: RowLock }[] = [];
  for (const table of lockedTables(statement)) {
    const lock = statementRowLock(ctx.dialect, statement, ctx.schema.keyColumns(table));
    if (lock) locks.push({ table, lock });
  }
  return locks;
}

function findHazard(
  inserts: readonly ChildInsert[],
  heldLocks: readonly HeldLock[],
  parentStatement: Statement,
  parent: string,
  parentLock: RowLock,
  ctx: RuleContext<ChildInsertMessage>,
): Hazard | undefined {
  let best: Hazard | undefined;
  for (const { entry: insert, lockedBefore } of inserts) {
    const child = insert.statement;
    const foreignKeys = ctx.schema.foreignKeysBetween(child.table!, parent, child.insertColumns ?? []);
    for (const fk of foreignKeys) {
      const fkLock = foreignKeyCheckLock(ctx.dialect, fk, insert.foreignKeyChecks);
      if (!fkLock || !lockConflicts(fkLock, parentLock)) continue;
      const match = matchParentRow(child, fk, parentStatement);
      if (match.kind === 'different') continue;
      if (parentRowAlreadyLocked(heldLocks, lockedBefore, child, fk, fkLock)) continue;
      let confidence: Confidence = match.kind === 'unknown' ? 'low' : 'high';
      if (fk.inferred) confidence = lowerConfidence(confidence, 1);
      const candidate: Hazard = { insert, fk, fkLock, match, confidence };
      if (!best || confidenceRank(candidate.confidence) > confidenceRank(best.confidence)) best = candidate;
    }
  }
  return best;
}

/**
 * Whether this transaction already held a lock that keeps the hazard from forming, on the row
 * the child references. Before the child insert (`held[0, insertedAt)`): the recommended fix, a
 * second transaction waits there and never holds the shared lock this one would wait for. After
 * it: an earlier write or lock of the row that conflicts with the FK check's lock is the finding,
 * and a later statement on the same row waits for nothing new.
 */
function parentRowAlreadyLocked(held: readonly HeldLock[], insertedAt: number, child: Statement, fk: ResolvedForeignKey, fkLock: RowLock): boolean {
  for (let i = 0; i < held.length; i++) {
    const { statement, table, lock } = held[i]!;
    if (table !== fk.refTable) continue;
    if (i >= insertedAt && (lock === null || !lockConflicts(fkLock, lock))) continue;
    if (matchParentRow(child, fk, statement).kind !== 'different') return true;
  }
  return false;
}

/** An INSERT (or upsert) of parent rows: compare the key values it writes with those the child references. */
function matchInsertedParentRow(child: Statement, fk: ResolvedForeignKey, parentInsert: Statement): RowMatch {
  const inserted = insertedValues(parentInsert, fk.refColumns[0] ?? 'id');
  const referenced = insertedValues(child, fk.columns[0]!);
  if (inserted.length > 0) return matchValues(referenced, inserted);
  // Key not given. A plain INSERT generates a new key, which a child naming a literal key cannot
  // mean; the child may name it by a parameter (LAST_INSERT_ID()), and an upsert may hit the row
  // on another unique key: cannot tell.
  const plainInsert = !upsertsExistingRow(parentInsert);
  return plainInsert && referenced.every((value) => value.kind === 'literal') ? { kind: 'different' } : { kind: 'unknown' };
}

/** The values an INSERT gives `column`, NULLs left out: a NULL foreign key is not checked and locks nothing, and no NULL key names a row. */
function insertedValues(statement: Statement, column: string): Value[] {
  const values: Value[] = [];
  for (const row of statement.insertRows ?? []) {
    const value = row.get(column);
    if (value && !(value.kind === 'literal' && value.value === null)) values.push(value);
  }
  return values;
}

/** Do the inserted rows reference a row the parent statement touches? */
function matchParentRow(child: Statement, fk: ResolvedForeignKey, parentStatement: Statement): RowMatch {
  if (parentStatement.kind === 'insert') return matchInsertedParentRow(child, fk, parentStatement);
  // Predicates carry no table qualifier: with a join, `id = 5` may be another table's id.
  const ownPredicates = new Set(parentStatement.tables).size <= 1;
  let sawUnknown = false;
  let sameValue: string | undefined;
  for (let i = 0; i < fk.columns.length; i++) {
    const childValues = insertedValues(child, fk.columns[i]!);
    if (childValues.length === 0) return { kind: 'different' };
    const refColumn = fk.refColumns[i] ?? 'id';
    if (!parentStatement.where) {
      // No WHERE: every parent row is written or locked.
      sameValue ??= formatValue(childValues[0]!);
      continue;
    }
    const predicate = predicateOn(parentStatement.where, refColumn);
    if (!predicate || predicate.subquery || !ownPredicates) {
      sawUnknown = true;
      continue;
    }
    const match = matchValues(childValues, predicate.values);
    if (match.kind === 'different') return match;
    if (match.kind === 'unknown') sawUnknown = true;
    else sameValue ??= match.value;
  }
  if (sawUnknown) return { kind: 'unknown' };
  return { kind: 'same', value: sameValue ?? '?' };
}

function rowDescription(fk: ResolvedForeignKey, match: RowMatch): string {
  const column = fk.refColumns.join(', ') || 'id';
  return match.kind === 'same' ? `${column}=${match.value}` : `(${column} = the inserted ${fk.columns.join(', ')})`;
}

/** The parent row as SQL, for the fix: `id = 42`. */
function rowPredicate(fk: ResolvedForeignKey, match: RowMatch): string {
  const column = fk.refColumns[0] ?? 'id';
  return `${column} = ${match.kind === 'same' ? match.value : '?'}`;
}

function describeParentOperation(statement: Statement, lock: RowLock): string {
  if (statement.kind === 'select') return `SELECT ... ${lock.mode.startsWith('FOR') ? lock.mode : 'FOR UPDATE'}`;
  if (statement.kind === 'insert') return statement.conflict === 'replace' ? 'REPLACE' : 'INSERT ... ON DUPLICATE KEY UPDATE';
  return statement.kind.toUpperCase();
}

function lockEdges(
  dialect: Dialect,
  child: Statement,
  parentStatement: Statement,
  parent: string,
  row: string,
  fkLock: RowLock,
  parentLock: RowLock,
  wait: 'block' | 'nowait' | 'skip-locked',
): string[] {
  const insertAt = `INSERT INTO ${child.table} (line ${child.origin.line})`;
  const parentAt = `${parentStatement.kind.toUpperCase()} ${parent} (line ${parentStatement.origin.line})`;
  if (wait !== 'block') {
    return [
      `T1 ${insertAt} holds ${fkLock.label} on ${parent} row ${row} (foreign-key check)`,
      `T2 runs the same code: ${insertAt} holds ${fkLock.label} on the same ${parent} row (shared locks are compatible)`,
      wait === 'nowait'
        ? `T1 ${parentAt} requests ${parentLock.label} on ${parent} row ${row} NOWAIT: T2's ${fkLock.mode} is in the way, so it fails at once with ${lockNotAvailableError(dialect)}`
        : `T1 ${parentAt} requests ${parentLock.label} on ${parent} row ${row} SKIP LOCKED: T2's ${fkLock.mode} is in the way, so the row is left out of the result`,
    ];
  }
  return [
    `T1 ${insertAt} holds ${fkLock.label} on ${parent} row ${row} (foreign-key check)`,
    `T2 runs the same code: ${insertAt} holds ${fkLock.label} on the same ${parent} row (shared locks are compatible)`,
    `T1 ${parentAt} requests ${parentLock.label} on ${parent} row ${row}: waits for T2's ${fkLock.mode}`,
    `T2 ${parentAt} requests ${parentLock.label} on ${parent} row ${row}: waits for T1's ${fkLock.mode}`,
    `cycle: the server aborts one transaction with ${deadlockError(dialect)}`,
  ];
}

function fixText(dialect: Dialect, statement: Statement, parent: string, rowSql: string, parentLock: RowLock): string {
  const lockFirst = `lock the ${parent} row first: run the ${statement.kind === 'select' ? 'locking SELECT' : statement.kind.toUpperCase()} on ${parent} (or SELECT ... FROM ${parent} WHERE ${rowSql} FOR ${isMySqlFamily(dialect) ? 'UPDATE' : 'NO KEY UPDATE'}) before inserting the child row, so concurrent transactions queue on the parent instead of each holding a shared lock the other must wait for`;
  if (isMySqlFamily(dialect)) return `Update or ${lockFirst}. (${MANUAL.innodbLocksSet})`;
  if (statement.kind === 'select' && parentLock.mode === 'FOR UPDATE') {
    return `Use SELECT ... FOR NO KEY UPDATE instead of FOR UPDATE unless you change ${parent}'s key: it does not conflict with the foreign-key check's FOR KEY SHARE. Otherwise ${lockFirst}. (${MANUAL.pgRowLocks})`;
  }
  if (statement.kind === 'update') {
    return `Avoid changing ${parent}'s key columns in a transaction that inserts rows referencing it (an UPDATE of non-key columns takes FOR NO KEY UPDATE, which does not conflict); if you must, ${lockFirst}. (${MANUAL.pgRowLocks})`;
  }
  return `${lockFirst.charAt(0).toUpperCase()}${lockFirst.slice(1)}. (${MANUAL.pgRowLocks})`;
}

/** The key columns a PostgreSQL UPDATE assigns, and whether every assigned value is unknown (a parameter or expression). */
function assignedKeyColumns(statement: Statement, keyColumns: readonly string[]): { columns: string[]; allUnknown: boolean } | undefined {
  const columns: string[] = [];
  let allUnknown = true;
  for (const [column, value] of statement.assignments ?? []) {
    if (!keyColumns.includes(column)) continue;
    columns.push(column);
    if (value.kind === 'literal') allUnknown = false;
  }
  return columns.length > 0 ? { columns, allUnknown } : undefined;
}

function notes(dialect: Dialect, hazard: Hazard, assumedTransaction: boolean, keyColumnsAssigned?: readonly string[]): string[] {
  const out: string[] = [];
  if (keyColumnsAssigned) {
    out.push(
      `PostgreSQL takes FOR UPDATE only if the UPDATE changes the value of ${keyColumnsAssigned.join(', ')}; an ORM that writes every column (Hibernate without @DynamicUpdate, Django save() without update_fields) and leaves ${keyColumnsAssigned.length === 1 ? 'it' : 'them'} unchanged takes FOR NO KEY UPDATE, which does not deadlock (${MANUAL.pgRowLocks})`,
    );
  }
  if (hazard.fk.inferred) {
    out.push(
      `foreign key ${hazard.fk.table}.${hazard.fk.columns.join(', ')} -> ${hazard.fk.refTable}.${hazard.fk.refColumns.join(', ')} was inferred from the column name; declare it or pass its DDL with --schema to confirm`,
    );
    if (dialect === 'postgresql') {
      out.push('if that constraint is DEFERRABLE INITIALLY DEFERRED (Django\'s default on PostgreSQL) it is checked at COMMIT and this pattern does not deadlock');
    }
  }
  if (hazard.match.kind === 'unknown') out.push('the parent row could not be matched to the inserted value (placeholders or a filter on other columns); if they are the same row, this deadlocks');
  if (assumedTransaction) out.push('the log shows no transaction boundaries: these statements were assumed to run in one transaction');
  return out;
}
