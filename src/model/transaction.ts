import type { Statement } from './statement.js';

/** A statement as it stands inside a transaction. */
export interface TransactionStatement {
  readonly statement: Statement;
  /**
   * Whether the row locks this statement took are still held when the transaction ends.
   * False after `ROLLBACK TO SAVEPOINT` on PostgreSQL (which releases them); InnoDB keeps them.
   */
  readonly locksHeld: boolean;
  /** Undone by `ROLLBACK TO SAVEPOINT` (its rows are gone, whatever happened to its locks). */
  readonly rolledBack: boolean;
  /** MySQL `foreign_key_checks` in force when it ran: with 0, an INSERT takes no parent lock. */
  readonly foreignKeyChecks: boolean;
}

/**
 * How the transaction was delimited.
 * - `explicit`: BEGIN / START TRANSACTION / `SET autocommit=0` / AND CHAIN.
 * - `assumed`: the input cannot show boundaries (a client log without BEGIN records): the
 *   session's statements are treated as possibly one transaction, with lower confidence.
 * - `autocommit`: a single statement that committed on its own.
 */
export type TransactionMode = 'explicit' | 'assumed' | 'autocommit';

/** How it ended. `implicit-commit` is MySQL's commit before DDL or LOCK TABLES. */
export type TransactionEnd = 'commit' | 'rollback' | 'implicit-commit' | 'unfinished' | 'disconnect';

export interface Transaction {
  /** Session key (the file for SQL inputs). */
  readonly session: string;
  readonly mode: TransactionMode;
  readonly end: TransactionEnd;
  /** Data statements (no BEGIN/COMMIT/SAVEPOINT) in order. */
  readonly statements: readonly TransactionStatement[];
  /** The statement that opened it (BEGIN, the first statement in autocommit=0) and closed it, if any. */
  readonly opener?: Statement;
  readonly closer?: Statement;
}
