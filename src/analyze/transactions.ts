/**
 * Turns one session's statements into transactions, by the dialect's own rules. This is the only
 * place transactions are built; rules read the result.
 *
 * Statements outside any transaction (a SET, a stray COMMIT, MySQL DDL) each get a fresh
 * `transactionIndex`, just as autocommitted data statements do, so two statements share an index
 * only when they really ran in the same transaction.
 */
import type { Dialect } from '../model/dialect.js';
import { isMySqlFamily } from '../model/dialect.js';
import type { SessionSetting, Statement } from '../model/statement.js';
import type { Transaction, TransactionEnd, TransactionMode, TransactionStatement } from '../model/transaction.js';

/** Where a statement stands in its session. */
export interface TrackedPosition {
  /** Per-session counter: equal for two statements exactly when they ran in the same transaction. */
  readonly transactionIndex: number;
  readonly mode: TransactionMode;
}

export interface TransactionTrackerOptions {
  /**
   * False for client logs that cannot show transaction boundaries (Django before 4.2): consecutive
   * data statements are then assumed to form one transaction until the session shows a boundary.
   * Default true.
   */
  readonly boundariesKnown?: boolean;
  /**
   * An assumed transaction is cut after this many statements to bound memory on huge logs; a
   * hazard whose statements straddle the cut is missed. Default 10 000.
   */
  readonly maxAssumedStatements?: number;
}

export interface PushResult {
  readonly position: TrackedPosition;
  /** Transactions this statement completed, oldest first. */
  readonly completed: Transaction[];
}

const DEFAULT_MAX_ASSUMED_STATEMENTS = 10_000;

type MutableTransactionStatement = { -readonly [K in keyof TransactionStatement]: TransactionStatement[K] };

interface Savepoint {
  readonly name: string;
  /** How many statements the transaction held when the savepoint was set. */
  readonly statementCount: number;
}

interface OpenTransaction {
  readonly index: number;
  readonly mode: 'explicit' | 'assumed';
  readonly opener: Statement | undefined;
  readonly statements: MutableTransactionStatement[];
  savepoints: Savepoint[];
  /**
   * SQLite: a SAVEPOINT outside a transaction starts one, and releasing that outermost savepoint
   * commits it. https://www.sqlite.org/lang_savepoint.html
   */
  readonly openedBySavepoint: boolean;
}

/** Kinds that are transaction boundaries: seeing one proves the input shows boundaries. */
const BOUNDARY_KINDS: ReadonlySet<Statement['kind']> = new Set<Statement['kind']>([
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'release-savepoint',
  'rollback-to-savepoint',
]);

/**
 * Follows one session statement by statement. Holds only the open transaction's statements and
 * the session settings that matter (autocommit, foreign_key_checks).
 */
export class TransactionTracker {
  private readonly session: string;
  private readonly mySqlFamily: boolean;
  private readonly sqlite: boolean;
  private readonly initiallyAssuming: boolean;
  private readonly maxAssumedStatements: number;

  private open: OpenTransaction | null = null;
  private nextIndex = 0;
  /** Still collecting 'assumed' transactions: no boundary statement seen in this session yet. */
  private assuming: boolean;
  private autocommitOn = true;
  private foreignKeyChecksOn = true;
  /**
   * User variables holding a saved setting, as dumps write them:
   * `SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0` ... later
   * `SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS` restores it.
   */
  private readonly savedSettings = new Map<string, boolean>();
  /** MySQL: tables are held by LOCK TABLES (not by FLUSH TABLES WITH READ LOCK). */
  private tablesLocked = false;

  constructor(session: string, dialect: Dialect, options: TransactionTrackerOptions = {}) {
    this.session = session;
    this.mySqlFamily = isMySqlFamily(dialect);
    this.sqlite = dialect === 'sqlite';
    this.initiallyAssuming = options.boundariesKnown === false;
    this.assuming = this.initiallyAssuming;
    this.maxAssumedStatements = Math.max(1, options.maxAssumedStatements ?? DEFAULT_MAX_ASSUMED_STATEMENTS);
  }

  get inTransaction(): boolean {
    return this.open !== null;
  }

  /** MySQL/MariaDB `autocommit`; always true elsewhere, where no server-side setting exists. */
  get autocommit(): boolean {
    return this.autocommitOn;
  }

  /** MySQL/MariaDB `foreign_key_checks`; always true elsewhere. */
  get foreignKeyChecks(): boolean {
    return this.foreignKeyChecksOn;
  }

  /** Feed the next statement (every kind: control, set, ddl, data, unparsed). */
  push(statement: Statement): PushResult {
    const completed: Transaction[] = [];
    if (this.assuming) {
      if (!this.isBoundary(statement)) return { position: this.pushAssumed(statement, completed), completed };
      // The log shows boundaries after all: trust them from here on.
      this.assuming = false;
      this.complete('unfinished', undefined, completed);
    }
    return { position: this.pushKnown(statement, completed), completed };
  }

  /** End of session: an open transaction ends with `reason` (an assumed one always 'unfinished'). */
  finish(reason: 'disconnect' | 'unfinished'): Transaction[] {
    const completed: Transaction[] = [];
    this.complete(this.open?.mode === 'assumed' ? 'unfinished' : reason, undefined, completed);
    // A later statement under the same key is a new connection with default settings.
    this.assuming = this.initiallyAssuming;
    this.autocommitOn = true;
    this.foreignKeyChecksOn = true;
    this.tablesLocked = false;
    return completed;
  }

  private pushKnown(statement: Statement, completed: Transaction[]): TrackedPosition {
    switch (statement.kind) {
      case 'begin':
        return this.begin(statement, completed);
      case 'commit':
      case 'rollback':
        return this.end(statement, statement.kind, completed);
      case 'savepoint':
        return this.savepoint(statement);
      case 'release-savepoint':
        return this.releaseSavepoint(statement, completed);
      case 'rollback-to-savepoint':
        return this.rollbackToSavepoint(statement);
      case 'set':
        this.applySettings(statement, completed);
        return this.currentOrStandalonePosition();
      case 'ddl':
      case 'lock-tables':
      case 'unlock-tables':
        if (this.mySqlFamily) return this.mySqlNonTransactional(statement, completed);
        // PostgreSQL DDL is transactional (no implicit commit), and LOCK TABLE holds its lock until
        // the transaction ends: both belong to the transaction.
        // https://wiki.postgresql.org/wiki/Transactional_DDL_in_PostgreSQL:_A_Competitive_Analysis,
        // https://www.postgresql.org/docs/current/sql-lock.html
        if (statement.kind === 'unlock-tables') return this.currentOrStandalonePosition();
        return this.data(statement, completed);
      default:
        return this.data(statement, completed);
    }
  }

  /** boundariesKnown=false and no boundary seen yet: gather data statements into one assumed transaction. */
  private pushAssumed(statement: Statement, completed: Transaction[]): TrackedPosition {
    switch (statement.kind) {
      case 'set':
        this.applySettings(statement, completed);
        return this.currentOrStandalonePosition();
      case 'ddl':
      case 'lock-tables':
      case 'unlock-tables':
        // MySQL's implicit commit is a boundary even when the log cannot show COMMITs.
        if (this.mySqlFamily) return this.mySqlNonTransactional(statement, completed);
        if (statement.kind === 'unlock-tables') return this.currentOrStandalonePosition();
        break;
      default:
        break;
    }
    const open = this.open ?? this.openTransaction('assumed', undefined);
    this.append(open, statement);
    const position = { transactionIndex: open.index, mode: open.mode };
    if (open.statements.length >= this.maxAssumedStatements) this.complete('unfinished', undefined, completed);
    return position;
  }

  /**
   * MySQL: BEGIN inside a transaction commits it first.
   * https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html
   * PostgreSQL: "Issuing BEGIN when already inside a transaction block will provoke a warning
   * message. The state of the transaction is not affected." https://www.postgresql.org/docs/current/sql-begin.html
   * SQLite rejects a nested BEGIN; no effect. https://www.sqlite.org/lang_transaction.html
   */
  private begin(statement: Statement, completed: Transaction[]): TrackedPosition {
    if (this.mySqlFamily) {
      this.complete('implicit-commit', statement, completed);
      // "Beginning a transaction ... releases existing table locks."
      // https://dev.mysql.com/doc/refman/8.0/en/lock-tables.html#lock-tables-and-transactions
      this.tablesLocked = false;
    }
    const open = this.open ?? this.openTransaction('explicit', statement);
    return { transactionIndex: open.index, mode: open.mode };
  }

  /**
   * COMMIT / ROLLBACK; `AND CHAIN` opens the next transaction at once.
   * https://dev.mysql.com/doc/refman/8.0/en/commit.html, https://www.postgresql.org/docs/current/sql-commit.html
   * Without an open transaction it is harmless (MySQL) or a warning (PostgreSQL): nothing happens.
   */
  private end(statement: Statement, end: 'commit' | 'rollback', completed: Transaction[]): TrackedPosition {
    const open = this.open;
    if (!open) return this.standalonePosition();
    this.complete(end, statement, completed);
    const chain = statement.transaction !== undefined && 'chain' in statement.transaction && statement.transaction.chain === true;
    if (chain) this.openTransaction('explicit', statement);
    return { transactionIndex: open.index, mode: open.mode };
  }

  /**
   * MySQL replaces an existing savepoint of the same name; PostgreSQL keeps both and uses the
   * newest. https://dev.mysql.com/doc/refman/8.0/en/savepoint.html,
   * https://www.postgresql.org/docs/current/sql-savepoint.html
   */
  private savepoint(statement: Statement): TrackedPosition {
    const name = savepointName(statement);
    if (name === null) return this.currentOrStandalonePosition();
    let open = this.open;
    if (!open) {
      if (this.mySqlFamily && !this.autocommitOn) {
        // With autocommit off "the session always has a transaction open".
        // https://dev.mysql.com/doc/refman/8.0/en/innodb-autocommit-commit-rollback.html
        open = this.openTransaction('explicit', statement);
      } else if (this.sqlite) {
        open = this.openTransaction('explicit', statement, true);
      } else {
        // Outside a transaction MySQL keeps no savepoint and PostgreSQL raises an error.
        return this.standalonePosition();
      }
    }
    if (this.mySqlFamily) open.savepoints = open.savepoints.filter((savepoint) => savepoint.name !== name);
    open.savepoints.push({ name, statementCount: open.statements.length });
    return { transactionIndex: open.index, mode: open.mode };
  }

  /**
   * RELEASE SAVEPOINT x drops x and every later savepoint; it releases no locks.
   * https://www.postgresql.org/docs/current/sql-release-savepoint.html
   */
  private releaseSavepoint(statement: Statement, completed: Transaction[]): TrackedPosition {
    const open = this.open;
    if (!open) return this.standalonePosition();
    const found = findSavepoint(open, savepointName(statement));
    if (found >= 0) {
      open.savepoints = open.savepoints.slice(0, found);
      if (open.openedBySavepoint && open.savepoints.length === 0) this.complete('commit', statement, completed);
    }
    return { transactionIndex: open.index, mode: open.mode };
  }

  /**
   * ROLLBACK TO SAVEPOINT x undoes the statements after x and drops later savepoints; x stays.
   * InnoDB "does not release the row locks that were stored in memory after the savepoint"
   * (FK-check locks on parent rows among them; only a new row's own implicit lock goes with the
   * undo): https://dev.mysql.com/doc/refman/8.0/en/savepoint.html, https://mariadb.com/kb/en/savepoint/
   * PostgreSQL releases the locks taken after x: https://www.postgresql.org/docs/current/sql-rollback-to.html
   * SQLite locks the whole database file, and ROLLBACK TO keeps the transaction and its lock:
   * https://www.sqlite.org/lang_savepoint.html
   */
  private rollbackToSavepoint(statement: Statement): TrackedPosition {
    const open = this.open;
    if (!open) return this.standalonePosition();
    const found = findSavepoint(open, savepointName(statement));
    // An unknown name is an error on the server and changes nothing.
    if (found >= 0) {
      const savepoint = open.savepoints[found]!;
      const locksKept = this.mySqlFamily || this.sqlite;
      for (let i = savepoint.statementCount; i < open.statements.length; i++) {
        const entry = open.statements[i]!;
        entry.rolledBack = true;
        entry.locksHeld = entry.locksHeld && locksKept;
      }
      open.savepoints = open.savepoints.slice(0, found + 1);
    }
    return { transactionIndex: open.index, mode: open.mode };
  }

  /**
   * `autocommit` and `foreign_key_checks` are MySQL/MariaDB session variables; PostgreSQL has no
   * server-side autocommit setting, so other dialects ignore both.
   */
  private applySettings(statement: Statement, completed: Transaction[]): void {
    if (!this.mySqlFamily) return;
    for (const setting of statement.settings ?? []) {
      if (setting.name.startsWith('@')) {
        const saved = this.currentSetting(setting.value);
        if (saved === null) this.savedSettings.delete(setting.name);
        else this.savedSettings.set(setting.name, saved);
        continue;
      }
      if (setting.name === 'autocommit') {
        const on = this.settingValue(setting);
        if (on === null) continue;
        // "If autocommit is 0 and you change it to 1, MySQL performs an automatic COMMIT of any
        // open transaction." https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_autocommit
        if (on && !this.autocommitOn) this.complete('implicit-commit', statement, completed);
        this.autocommitOn = on;
      } else if (setting.name === 'foreign_key_checks') {
        // Not transactional: it stays in force across COMMITs until set again.
        // https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_foreign_key_checks
        const on = this.settingValue(setting);
        if (on !== null) this.foreignKeyChecksOn = on;
      }
    }
  }

  /** A boolean setting's new value: a literal, or a user variable that saved one. */
  private settingValue(setting: SessionSetting): boolean | null {
    const value = setting.value.trim().toLowerCase();
    if (value.startsWith('@') && !value.startsWith('@@')) return this.savedSettings.get(value) ?? null;
    return settingIsOn(setting);
  }

  /** `@@foreign_key_checks` / `@@session.autocommit`: the value in force now. */
  private currentSetting(expression: string): boolean | null {
    const name = expression.trim().toLowerCase().replace(/^@@(session\.|local\.)?/, '');
    if (name === 'foreign_key_checks') return this.foreignKeyChecksOn;
    if (name === 'autocommit') return this.autocommitOn;
    return null;
  }

  /**
   * MySQL DDL, LOCK TABLES and (after LOCK TABLES) UNLOCK TABLES commit the open transaction before
   * they run; the statement itself belongs to no transaction (DDL autocommits; table locks are not
   * row locks), so it is left out of every Transaction. UNLOCK TABLES after FLUSH TABLES WITH READ
   * LOCK commits nothing (mysqldump --single-transaction relies on that).
   * https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html
   */
  private mySqlNonTransactional(statement: Statement, completed: Transaction[]): TrackedPosition {
    if (statement.kind === 'unlock-tables') {
      if (this.tablesLocked) this.complete('implicit-commit', statement, completed);
      this.tablesLocked = false;
    } else {
      this.complete('implicit-commit', statement, completed);
      if (statement.kind === 'lock-tables') this.tablesLocked = !/^\s*flush\b/i.test(statement.text);
    }
    return this.standalonePosition();
  }

  /** A data statement: joins the open transaction, opens one (MySQL autocommit=0), or autocommits alone. */
  private data(statement: Statement, completed: Transaction[]): TrackedPosition {
    let open = this.open;
    if (!open && this.mySqlFamily && !this.autocommitOn) open = this.openTransaction('explicit', statement);
    if (open) {
      this.append(open, statement);
      return { transactionIndex: open.index, mode: open.mode };
    }
    const transactionIndex = this.nextIndex++;
    completed.push({
      session: this.session,
      mode: 'autocommit',
      end: 'commit',
      statements: [this.entry(statement)],
    });
    return { transactionIndex, mode: 'autocommit' };
  }

  private isBoundary(statement: Statement): boolean {
    if (BOUNDARY_KINDS.has(statement.kind)) return true;
    return this.mySqlFamily && statement.kind === 'set' && (statement.settings ?? []).some((setting) => setting.name === 'autocommit');
  }

  private openTransaction(mode: OpenTransaction['mode'], opener: Statement | undefined, openedBySavepoint = false): OpenTransaction {
    this.open = { index: this.nextIndex++, mode, opener, statements: [], savepoints: [], openedBySavepoint };
    return this.open;
  }

  private append(open: OpenTransaction, statement: Statement): void {
    open.statements.push(this.entry(statement));
  }

  private entry(statement: Statement): MutableTransactionStatement {
    return { statement, locksHeld: true, rolledBack: false, foreignKeyChecks: this.foreignKeyChecksOn };
  }

  /** Closes the open transaction, if any, into `completed`. */
  private complete(end: TransactionEnd, closer: Statement | undefined, completed: Transaction[]): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    const transaction: { -readonly [K in keyof Transaction]: Transaction[K] } = {
      session: this.session,
      mode: open.mode,
      end,
      statements: open.statements,
    };
    if (open.opener) transaction.opener = open.opener;
    if (closer) transaction.closer = closer;
    completed.push(transaction);
  }

  private currentOrStandalonePosition(): TrackedPosition {
    return this.open ? { transactionIndex: this.open.index, mode: this.open.mode } : this.standalonePosition();
  }

  /** A statement outside any transaction: a transaction of its own, as far as indexes go. */
  private standalonePosition(): TrackedPosition {
    return { transactionIndex: this.nextIndex++, mode: 'autocommit' };
  }
}

/** Push every statement of one session, then finish it as 'unfinished' (end of input). */
export function buildTransactions(
  statements: readonly Statement[],
  session: string,
  dialect: Dialect,
  options?: TransactionTrackerOptions,
): Transaction[] {
  const tracker = new TransactionTracker(session, dialect, options);
  const transactions: Transaction[] = [];
  for (const statement of statements) transactions.push(...tracker.push(statement).completed);
  transactions.push(...tracker.finish('unfinished'));
  return transactions;
}

/** Savepoint names compare like unquoted identifiers: case-insensitively. */
function savepointName(statement: Statement): string | null {
  const control = statement.transaction;
  if (!control || !('name' in control)) return null;
  return control.name.replace(/[`"]/g, '').toLowerCase();
}

/** Index of the newest savepoint called `name`, or -1. */
function findSavepoint(open: OpenTransaction, name: string | null): number {
  if (name === null) return -1;
  for (let i = open.savepoints.length - 1; i >= 0; i--) if (open.savepoints[i]!.name === name) return i;
  return -1;
}

/** '1'/'0' as normalised by the parser; ON/OFF/TRUE/FALSE accepted defensively. null: not a boolean. */
function settingIsOn(setting: SessionSetting): boolean | null {
  const value = setting.value.trim().replace(/^'|'$/g, '').toLowerCase();
  if (value === '1' || value === 'on' || value === 'true') return true;
  if (value === '0' || value === 'off' || value === 'false') return false;
  return null;
}
