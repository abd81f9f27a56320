import type { Dialect } from '../model/dialect.js';
import type { DdlChange, ForeignKey } from '../model/statement.js';

/** A key and whether it was declared in DDL or guessed (the finding must say which). */
export interface KeyInfo {
  readonly columns: readonly string[];
  readonly inferred: boolean;
}

export interface ResolvedForeignKey extends ForeignKey {
  /** The child table (lower-case, unqualified). */
  readonly table: string;
  /** Guessed from names (`author_id` -> `author`), not declared in any DDL seen. */
  readonly inferred: boolean;
}

/** What rules may ask of the schema. Implemented by SchemaCatalog (TODO: helper). */
export interface SchemaView {
  hasTable(table: string): boolean;
  /** Declared primary key, else `id` inferred. */
  primaryKey(table: string): KeyInfo;
  /** Declared unique keys (the primary key not included). */
  uniqueKeys(table: string): readonly KeyInfo[];
  /**
   * Foreign keys from `child` that reference `parent`: declared ones when `child` has DDL,
   * else inferred from column names (`author_id` -> `author`/`authors`, Django
   * `books_book.author_id` -> `books_author`) among `childColumns`.
   */
  foreignKeysBetween(child: string, parent: string, childColumns: readonly string[]): readonly ResolvedForeignKey[];
  /**
   * PostgreSQL "key" columns of `table`: columns of the primary key, of unique keys, and any
   * column a foreign key references. An UPDATE changing one of them takes FOR UPDATE rather than
   * FOR NO KEY UPDATE, and so conflicts with an FK check's FOR KEY SHARE.
   * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS
   */
  keyColumns(table: string): readonly string[];
}

export declare class SchemaCatalog implements SchemaView {
  constructor();
  apply(change: DdlChange, dialect: Dialect): void;
  hasTable(table: string): boolean;
  primaryKey(table: string): KeyInfo;
  uniqueKeys(table: string): readonly KeyInfo[];
  foreignKeysBetween(child: string, parent: string, childColumns: readonly string[]): readonly ResolvedForeignKey[];
  keyColumns(table: string): readonly string[];
}
