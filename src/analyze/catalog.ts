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
  /** Columns a foreign key anywhere references in `table` (so an UPDATE of them is a key change). */
  referencedColumns(table: string): readonly string[];
}

export declare class SchemaCatalog implements SchemaView {
  constructor();
  apply(change: DdlChange, dialect: Dialect): void;
  hasTable(table: string): boolean;
  primaryKey(table: string): KeyInfo;
  uniqueKeys(table: string): readonly KeyInfo[];
  foreignKeysBetween(child: string, parent: string, childColumns: readonly string[]): readonly ResolvedForeignKey[];
  referencedColumns(table: string): readonly string[];
}
