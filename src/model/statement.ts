import type { Dialect } from './dialect.js';
import type { Origin } from './origin.js';

/** What a statement does, as far as locking and transactions are concerned. */
export type StatementKind =
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'begin'
  | 'commit'
  | 'rollback'
  | 'savepoint'
  | 'release-savepoint'
  | 'rollback-to-savepoint'
  | 'set'
  | 'lock-tables'
  | 'unlock-tables'
  | 'ddl'
  | 'other'
  /** Nothing could parse it: see `parseError`. */
  | 'unparsed';

export type LiteralValue = string | number | boolean | null;

/** A value in a predicate or an INSERT/UPDATE. Placeholders stay unknown. */
export type Value =
  | { readonly kind: 'literal'; readonly value: LiteralValue }
  | { readonly kind: 'placeholder'; readonly name: string }
  /** A sub-query, function call, column reference, arithmetic... */
  | { readonly kind: 'expression' };

/** A top-level conjunct of a WHERE clause of the form `column = v` or `column IN (v1, ..., vn)`. */
export interface ColumnPredicate {
  /** Unqualified, lower-case column name. */
  readonly column: string;
  readonly op: '=' | 'in';
  readonly values: readonly Value[];
  /** The IN list (or `=` operand) is a sub-query rather than values. */
  readonly subquery?: boolean;
}

export interface WhereSummary {
  /** Top-level AND terms that are `col = v` / `col IN (...)`. */
  readonly predicates: readonly ColumnPredicate[];
  /** Columns used anywhere else in the WHERE clause (ranges, OR branches, functions...). */
  readonly otherColumns: readonly string[];
  /** True when every top-level conjunct is one of `predicates` (no OR, no ranges). */
  readonly onlyPredicates: boolean;
}

/** Row lock requested by a SELECT (`FOR UPDATE` & co., MySQL `LOCK IN SHARE MODE`). */
export type LockStrength = 'none' | 'key-share' | 'share' | 'no-key-update' | 'update';

export interface LockClause {
  readonly strength: LockStrength;
  readonly wait: 'block' | 'nowait' | 'skip-locked';
  /** `FOR UPDATE OF a, b`: the tables locked; absent means all tables in FROM. */
  readonly of?: readonly string[];
}

export interface ForeignKey {
  readonly name?: string;
  /** Referencing (child) columns, lower-case. */
  readonly columns: readonly string[];
  readonly refTable: string;
  readonly refColumns: readonly string[];
  /** PostgreSQL `DEFERRABLE INITIALLY DEFERRED` is checked at COMMIT and takes no lock at INSERT time. */
  readonly deferrable: 'not-deferrable' | 'initially-immediate' | 'initially-deferred';
}

/** What a DDL statement tells the schema catalog. Table names are unqualified and lower-case. */
export type DdlChange =
  | {
      readonly action: 'create-table';
      readonly table: string;
      readonly columns: readonly string[];
      readonly primaryKey?: readonly string[];
      readonly uniqueKeys: readonly (readonly string[])[];
      readonly foreignKeys: readonly ForeignKey[];
    }
  | {
      readonly action: 'alter-table';
      readonly table: string;
      readonly addColumns: readonly string[];
      readonly addPrimaryKey?: readonly string[];
      readonly addUniqueKeys: readonly (readonly string[])[];
      readonly addForeignKeys: readonly ForeignKey[];
      readonly dropForeignKeys: readonly string[];
      /** `ALTER TABLE ... ALTER CONSTRAINT name DEFERRABLE ...` (PostgreSQL). */
      readonly alterConstraints?: readonly { readonly name: string; readonly deferrable: ForeignKey['deferrable'] }[];
    }
  | { readonly action: 'create-unique-index'; readonly table: string; readonly columns: readonly string[] }
  | { readonly action: 'drop-table'; readonly tables: readonly string[] }
  | { readonly action: 'rename-table'; readonly from: string; readonly to: string }
  /** Any other DDL (CREATE INDEX, CREATE VIEW, TRUNCATE...): still an implicit commit on MySQL. */
  | { readonly action: 'other'; readonly table?: string };

export type TransactionControl =
  | { readonly action: 'begin'; readonly readOnly?: boolean }
  | { readonly action: 'commit'; readonly chain?: boolean }
  | { readonly action: 'rollback'; readonly chain?: boolean }
  | { readonly action: 'savepoint'; readonly name: string }
  | { readonly action: 'release-savepoint'; readonly name: string }
  | { readonly action: 'rollback-to-savepoint'; readonly name: string };

/** A session variable assignment the analysis cares about. Names are lower-case, no `@@session.`. */
export interface SessionSetting {
  readonly name: string;
  /** Normalised: `'0'`/`'1'` for booleans (ON/OFF/TRUE/FALSE), the raw text otherwise. */
  readonly value: string;
}

/** The normalised statement every rule reads. Nothing parser-specific leaks in here. */
export interface Statement {
  readonly kind: StatementKind;
  readonly text: string;
  /** Literals replaced with `?`, IN lists collapsed, whitespace and case folded. */
  readonly fingerprint: string;
  readonly origin: Origin;
  readonly dialect: Dialect;
  readonly parsedBy: 'node-sql-parser' | 'libpg-query' | 'classifier';

  /** The table written (INSERT/UPDATE/DELETE) or the first table of FROM (SELECT); lower-case, unqualified. */
  readonly table: string | null;
  /** Every table the statement reads or writes, lower-case, unqualified. */
  readonly tables: readonly string[];
  /** SELECT: the columns selected (lower-case, unqualified); `['*']` for `*` or `t.*`. */
  readonly selectColumns?: readonly string[];
  /** SELECT, UPDATE, DELETE: the WHERE clause; absent when there is none. */
  readonly where?: WhereSummary;
  /** SELECT: the row lock requested; `{strength:'none'}` for a plain read. */
  readonly lock?: LockClause;
  /** SELECT: has joins, GROUP BY, UNION or sub-queries in FROM (not a plain single-table read). */
  readonly complexSelect?: boolean;

  /** INSERT: the inserted columns (lower-case) and one map per VALUES row. */
  readonly insertColumns?: readonly string[];
  readonly insertRows?: readonly ReadonlyMap<string, Value>[];
  /** INSERT: `INSERT ... SELECT` rather than VALUES. */
  readonly insertFromSelect?: boolean;
  /** INSERT: how a key conflict is handled. */
  readonly conflict?: 'error' | 'ignore' | 'update' | 'replace';

  /** UPDATE: assigned column -> new value. */
  readonly assignments?: ReadonlyMap<string, Value>;

  readonly transaction?: TransactionControl;
  readonly settings?: readonly SessionSetting[];
  readonly ddl?: DdlChange;

  /** For `kind: 'unparsed'`: why, and where in the statement (1-based, relative to the file). */
  readonly parseError?: { readonly message: string; readonly line: number; readonly column: number };
}
