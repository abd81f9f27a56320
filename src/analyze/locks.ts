/**
 * The row locks that matter to locklint's rules, per dialect, and which pairs conflict.
 * Rules ask here rather than hard-coding lock names, so the lock claims live in one place.
 */
import { isMySqlFamily, type Dialect } from '../model/dialect.js';
import type { ForeignKey, Statement, Value } from '../model/statement.js';
import { literalKey, predicateOn } from './values.js';

export const MANUAL = {
  innodbLocksSet: 'https://dev.mysql.com/doc/refman/8.0/en/innodb-locks-set.html',
  innodbLockingReads: 'https://dev.mysql.com/doc/refman/8.0/en/innodb-locking-reads.html',
  innodbDeadlocks: 'https://dev.mysql.com/doc/refman/8.0/en/innodb-deadlocks.html',
  innodbConsistentRead: 'https://dev.mysql.com/doc/refman/8.0/en/innodb-consistent-read.html',
  pgRowLocks: 'https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS',
  pgReadCommitted: 'https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED',
  pgDeferrable: 'https://www.postgresql.org/docs/current/sql-createtable.html',
  pgInsertOnConflict: 'https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT',
} as const;

/**
 * InnoDB record locks are shared (S) or exclusive (X). PostgreSQL has four row-lock strengths.
 * https://dev.mysql.com/doc/refman/8.0/en/innodb-locking.html#innodb-shared-exclusive-locks
 */
export type RowLockMode = 'S' | 'X' | 'FOR KEY SHARE' | 'FOR SHARE' | 'FOR NO KEY UPDATE' | 'FOR UPDATE';

export interface RowLock {
  readonly mode: RowLockMode;
  /** Human wording for messages, e.g. "a shared (S) record lock". */
  readonly label: string;
}

const LOCKS: Record<RowLockMode, RowLock> = {
  S: { mode: 'S', label: 'a shared (S) record lock' },
  X: { mode: 'X', label: 'an exclusive (X) record lock' },
  'FOR KEY SHARE': { mode: 'FOR KEY SHARE', label: 'a FOR KEY SHARE row lock' },
  'FOR SHARE': { mode: 'FOR SHARE', label: 'a FOR SHARE row lock' },
  'FOR NO KEY UPDATE': { mode: 'FOR NO KEY UPDATE', label: 'a FOR NO KEY UPDATE row lock' },
  'FOR UPDATE': { mode: 'FOR UPDATE', label: 'a FOR UPDATE row lock' },
};

/**
 * The lock an INSERT's foreign-key check takes on the referenced parent row, or null when it
 * takes none.
 * - InnoDB: "any insert ... that requires the constraint condition to be checked sets shared
 *   record-level locks on the records that it looks at" (innodb-locks-set), at any isolation
 *   level; `foreign_key_checks=0` skips the check and the lock.
 * - PostgreSQL: the RI trigger reads the parent row FOR KEY SHARE (pgRowLocks); a constraint
 *   that is DEFERRABLE INITIALLY DEFERRED is checked at COMMIT, so the INSERT itself locks nothing.
 * - SQLite locks whole databases, not rows: no row-lock hazard.
 */
export function foreignKeyCheckLock(dialect: Dialect, fk: Pick<ForeignKey, 'deferrable'>, foreignKeyChecks: boolean): RowLock | null {
  if (isMySqlFamily(dialect)) return foreignKeyChecks ? LOCKS.S : null;
  if (dialect === 'postgresql') return fk.deferrable === 'initially-deferred' ? null : LOCKS['FOR KEY SHARE'];
  return null;
}

/**
 * The row lock a statement takes on the rows it writes or lock-reads in its target table.
 * `keyColumns` are the PostgreSQL key columns of that table (see SchemaView.keyColumns): an
 * UPDATE that assigns one of them takes FOR UPDATE, any other UPDATE FOR NO KEY UPDATE (pgRowLocks).
 */
export function statementRowLock(dialect: Dialect, statement: Statement, keyColumns: readonly string[]): RowLock | null {
  if (dialect === 'sqlite') return null;
  const mysql = isMySqlFamily(dialect);
  switch (statement.kind) {
    case 'update': {
      if (mysql) return LOCKS.X;
      return updatesKeyColumn(statement, keyColumns) ? LOCKS['FOR UPDATE'] : LOCKS['FOR NO KEY UPDATE'];
    }
    case 'delete':
      return mysql ? LOCKS.X : LOCKS['FOR UPDATE'];
    case 'insert':
      // InnoDB X-locks the existing row an upsert updates or a REPLACE deletes (innodbLocksSet).
      // A plain INSERT locks only its new row, which no other transaction can see yet.
      return mysql && upsertsExistingRow(statement) ? LOCKS.X : null;
    case 'select': {
      const strength = statement.lock?.strength ?? 'none';
      if (strength === 'none') return null;
      if (mysql) return strength === 'update' || strength === 'no-key-update' ? LOCKS.X : LOCKS.S;
      return LOCKS[PG_STRENGTH[strength]];
    }
    default:
      return null;
  }
}

const PG_STRENGTH = {
  'key-share': 'FOR KEY SHARE',
  share: 'FOR SHARE',
  'no-key-update': 'FOR NO KEY UPDATE',
  update: 'FOR UPDATE',
} as const satisfies Record<Exclude<NonNullable<Statement['lock']>['strength'], 'none'>, RowLockMode>;

/** MySQL `INSERT ... ON DUPLICATE KEY UPDATE` or `REPLACE`: writes a row that may already exist. */
export function upsertsExistingRow(statement: Statement): boolean {
  return statement.kind === 'insert' && (statement.conflict === 'update' || statement.conflict === 'replace');
}

/**
 * Whether a PostgreSQL UPDATE may change a key column. PostgreSQL takes FOR UPDATE only when
 * the new value differs from the old (pgRowLocks: "an UPDATE that modifies the values of certain
 * columns"), so `SET id = 1 ... WHERE id = 1`, which assigns the value the WHERE pins, does not.
 */
export function updatesKeyColumn(statement: Statement, keyColumns: readonly string[]): boolean {
  if (!statement.assignments) return false;
  for (const [column, value] of statement.assignments) {
    if (keyColumns.includes(column) && !assignsPinnedValue(statement, column, value)) return true;
  }
  return false;
}

/** The WHERE's top-level `column = <literal>` already gives every updated row this value. */
function assignsPinnedValue(statement: Statement, column: string, value: Value): boolean {
  const assigned = literalKey(value);
  if (assigned === undefined) return false;
  const pinned = predicateOn(statement.where, column);
  return pinned?.op === '=' && !pinned.subquery && pinned.values.length === 1 && literalKey(pinned.values[0]!) === assigned;
}

/**
 * Whether a lock `requested` by one transaction must wait for `held` by another.
 * InnoDB: S is compatible with S only. PostgreSQL: the row-level conflict table in pgRowLocks.
 */
export function lockConflicts(held: RowLock, requested: RowLock): boolean {
  const conflictsWith = CONFLICTS[held.mode];
  return conflictsWith.includes(requested.mode);
}

const CONFLICTS: Record<RowLockMode, readonly RowLockMode[]> = {
  S: ['X'],
  X: ['S', 'X'],
  'FOR KEY SHARE': ['FOR UPDATE'],
  'FOR SHARE': ['FOR NO KEY UPDATE', 'FOR UPDATE'],
  'FOR NO KEY UPDATE': ['FOR SHARE', 'FOR NO KEY UPDATE', 'FOR UPDATE'],
  'FOR UPDATE': ['FOR KEY SHARE', 'FOR SHARE', 'FOR NO KEY UPDATE', 'FOR UPDATE'],
};

/** The error each server raises when it breaks a deadlock, for messages. */
export function deadlockError(dialect: Dialect): string {
  return isMySqlFamily(dialect) ? 'ER_LOCK_DEADLOCK (1213)' : 'deadlock detected (SQLSTATE 40P01)';
}

export function duplicateKeyError(dialect: Dialect): string {
  if (dialect === 'mariadb') return 'ER_DUP_ENTRY (1062; MariaDB 11.6+ with innodb_snapshot_isolation may report 1020 instead)';
  if (dialect === 'mysql') return 'ER_DUP_ENTRY (1062)';
  if (dialect === 'postgresql') return 'unique_violation (SQLSTATE 23505)';
  return 'UNIQUE constraint failed';
}
