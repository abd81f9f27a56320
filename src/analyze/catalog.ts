import type { Dialect } from '../model/dialect.js';
import { isMySqlFamily } from '../model/dialect.js';
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

/** What rules may ask of the schema. Implemented by SchemaCatalog. */
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

const PLAIN_NAME = /^[a-z0-9_$]+$/;

/** Lower-case, unquoted, unqualified: `"Public"."Book"` -> `book`. Plain names skip the work. */
function normaliseName(name: string): string {
  if (PLAIN_NAME.test(name)) return name;
  const unquoted = name.trim().replace(/[`"[\]]/g, '');
  const lastDot = unquoted.lastIndexOf('.');
  return (lastDot >= 0 ? unquoted.slice(lastDot + 1) : unquoted).toLowerCase();
}

function normaliseColumns(columns: readonly string[]): readonly string[] {
  return columns.every((column) => PLAIN_NAME.test(column)) ? columns : columns.map(normaliseName);
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((column, i) => column === b[i]);
}

interface StoredForeignKey {
  readonly foreignKey: ForeignKey;
  /**
   * The name a later `DROP FOREIGN KEY` / `DROP CONSTRAINT` uses: the declared name, else the one
   * the server generates (MySQL/MariaDB `<table>_ibfk_<n>`,
   * https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html;
   * PostgreSQL `<table>_<columns>_fkey`). Fixed at creation: renames keep constraint names.
   */
  readonly constraintName: string;
}

interface StoredUniqueKey {
  readonly columns: readonly string[];
  /** PostgreSQL's generated name `<table>_<columns>_key`; DdlChange carries no declared name. */
  readonly defaultConstraintName: string;
}

interface TableDefinition {
  readonly columns: Set<string>;
  primaryKey: readonly string[] | undefined;
  /** PostgreSQL's generated name `<table>_pkey`, for `DROP CONSTRAINT`. */
  primaryKeyConstraintName: string;
  uniqueKeys: StoredUniqueKey[];
  foreignKeys: StoredForeignKey[];
  /** Seen in a CREATE TABLE, so its foreign-key list is the whole truth; false when known from ALTERs only. */
  complete: boolean;
  /** Counter behind MySQL's `<table>_ibfk_<n>` names. */
  generatedForeignKeyCount: number;
}

/** Facts derived from the definitions; rebuilt lazily after any DDL. */
interface DerivedFacts {
  readonly primaryKey: KeyInfo;
  readonly uniqueKeys: readonly KeyInfo[];
  readonly keyColumns: readonly string[];
}

const INFERRED_ID_KEY: KeyInfo = Object.freeze({ columns: Object.freeze(['id']), inferred: true });
const NO_FOREIGN_KEYS: readonly ResolvedForeignKey[] = Object.freeze([]);
const NO_KEYS: readonly KeyInfo[] = Object.freeze([]);
/** Bounds the foreign-key answer cache on long logs with many distinct column lists. */
const MAX_CACHED_ANSWERS = 20_000;
const FOREIGN_KEY_COLUMN_SUFFIX = '_id';

/**
 * The schema as learned from DDL, in the order it was seen. Answers what rules ask without
 * ever throwing on unknown tables: where nothing is declared, keys are inferred from names.
 */
export class SchemaCatalog implements SchemaView {
  private readonly tables = new Map<string, TableDefinition>();
  private readonly derived = new Map<string, DerivedFacts>();
  /** parent table -> columns that some declared foreign key references; null until needed. */
  private referencedColumns: Map<string, Set<string>> | null = null;
  private readonly foreignKeyAnswers = new Map<string, readonly ResolvedForeignKey[]>();

  apply(change: DdlChange, dialect: Dialect): void {
    this.derived.clear();
    this.referencedColumns = null;
    this.foreignKeyAnswers.clear();
    switch (change.action) {
      case 'create-table': {
        const table = normaliseName(change.table);
        const definition = emptyDefinition(table, true);
        this.tables.set(table, definition);
        for (const column of normaliseColumns(change.columns)) definition.columns.add(column);
        if (change.primaryKey && change.primaryKey.length > 0) definition.primaryKey = normaliseColumns(change.primaryKey);
        for (const key of change.uniqueKeys) addUniqueKey(table, definition, key);
        for (const foreignKey of change.foreignKeys) addForeignKey(table, definition, foreignKey, dialect);
        return;
      }
      case 'alter-table': {
        const table = normaliseName(change.table);
        const definition = this.definitionForChange(table);
        for (const column of normaliseColumns(change.addColumns)) definition.columns.add(column);
        if (change.addPrimaryKey && change.addPrimaryKey.length > 0) definition.primaryKey = normaliseColumns(change.addPrimaryKey);
        for (const key of change.addUniqueKeys) addUniqueKey(table, definition, key);
        // Drops before adds: one ALTER may drop a constraint and re-add it under the same name.
        for (const name of change.dropForeignKeys) dropConstraint(definition, name.toLowerCase(), dialect);
        for (const foreignKey of change.addForeignKeys) addForeignKey(table, definition, foreignKey, dialect);
        for (const alteration of change.alterConstraints ?? []) {
          const name = alteration.name.toLowerCase();
          definition.foreignKeys = definition.foreignKeys.map((stored) =>
            stored.constraintName === name
              ? { ...stored, foreignKey: { ...stored.foreignKey, deferrable: alteration.deferrable } }
              : stored,
          );
        }
        return;
      }
      case 'create-unique-index': {
        const table = normaliseName(change.table);
        addUniqueKey(table, this.definitionForChange(table), change.columns);
        return;
      }
      case 'drop-table':
        // Foreign keys elsewhere that pointed at a dropped table stay: MySQL keeps them (the drop
        // needs foreign_key_checks=0) and they apply again if the table is re-created.
        for (const table of change.tables) this.tables.delete(normaliseName(table));
        return;
      case 'rename-table': {
        const from = normaliseName(change.from);
        const to = normaliseName(change.to);
        if (from === to) return;
        const definition = this.tables.get(from);
        this.tables.delete(from);
        // Renaming proves the table exists even when its CREATE was never seen.
        this.tables.set(to, definition ?? emptyDefinition(to, false));
        for (const other of this.tables.values()) {
          if (!other.foreignKeys.some((stored) => stored.foreignKey.refTable === from)) continue;
          other.foreignKeys = other.foreignKeys.map((stored) =>
            stored.foreignKey.refTable === from ? { ...stored, foreignKey: { ...stored.foreignKey, refTable: to } } : stored,
          );
        }
        return;
      }
      case 'other':
        return;
    }
  }

  hasTable(table: string): boolean {
    return this.tables.has(normaliseName(table));
  }

  primaryKey(table: string): KeyInfo {
    return this.facts(normaliseName(table))?.primaryKey ?? INFERRED_ID_KEY;
  }

  uniqueKeys(table: string): readonly KeyInfo[] {
    return this.facts(normaliseName(table))?.uniqueKeys ?? NO_KEYS;
  }

  keyColumns(table: string): readonly string[] {
    return this.facts(normaliseName(table))?.keyColumns ?? INFERRED_ID_KEY.columns;
  }

  foreignKeysBetween(child: string, parent: string, childColumns: readonly string[]): readonly ResolvedForeignKey[] {
    const childTable = normaliseName(child);
    const parentTable = normaliseName(parent);
    const definition = this.tables.get(childTable);
    // A CREATE TABLE lists every foreign key, so its silence means "none"; ALTER-only knowledge does not.
    const declaredOnly = definition?.complete === true;
    const cacheKey = declaredOnly
      ? `${childTable}\u0000${parentTable}`
      : `${childTable}\u0000${parentTable}\u0000${childColumns.join('\u0001')}`;
    const cached = this.foreignKeyAnswers.get(cacheKey);
    if (cached) return cached;

    let answer = definition ? this.declaredForeignKeys(childTable, definition, parentTable) : NO_FOREIGN_KEYS;
    if (answer.length === 0 && !declaredOnly) answer = this.inferForeignKeys(childTable, parentTable, childColumns);

    if (this.foreignKeyAnswers.size >= MAX_CACHED_ANSWERS) this.foreignKeyAnswers.clear();
    this.foreignKeyAnswers.set(cacheKey, answer);
    return answer;
  }

  /** The table's definition, created (as incomplete) when an ALTER or index names a table not seen yet. */
  private definitionForChange(table: string): TableDefinition {
    let definition = this.tables.get(table);
    if (!definition) {
      definition = emptyDefinition(table, false);
      this.tables.set(table, definition);
    }
    return definition;
  }

  private declaredForeignKeys(child: string, definition: TableDefinition, parent: string): readonly ResolvedForeignKey[] {
    const matches = definition.foreignKeys.filter((stored) => stored.foreignKey.refTable === parent);
    if (matches.length === 0) return NO_FOREIGN_KEYS;
    return Object.freeze(
      matches.map(({ foreignKey }) => {
        const resolved: ResolvedForeignKey = {
          ...foreignKey,
          // `REFERENCES parent` without a column list means the parent's primary key.
          refColumns: foreignKey.refColumns.length > 0 ? foreignKey.refColumns : this.primaryKey(parent).columns,
          table: child,
          inferred: false,
        };
        return Object.freeze(resolved);
      }),
    );
  }

  /**
   * Naming conventions: `<base>_id` references `<base>` or its plural (Rails `authors`), or, with
   * the child's app prefix, `<app>_<base>` (Django `books_book.author_id` -> `books_author`).
   * Only a single-column parent key can be referenced by one column.
   */
  private inferForeignKeys(child: string, parent: string, childColumns: readonly string[]): readonly ResolvedForeignKey[] {
    const parentKey = this.primaryKey(parent).columns;
    if (parentKey.length !== 1) return NO_FOREIGN_KEYS;
    const appPrefixEnd = child.indexOf('_');
    const appPrefix = appPrefixEnd > 0 ? child.slice(0, appPrefixEnd + 1) : '';
    const unprefixedParent = appPrefix !== '' && parent.startsWith(appPrefix) ? parent.slice(appPrefix.length) : null;

    let found: ResolvedForeignKey[] | null = null;
    for (const rawColumn of childColumns) {
      const column = normaliseName(rawColumn);
      if (column.length <= FOREIGN_KEY_COLUMN_SUFFIX.length || !column.endsWith(FOREIGN_KEY_COLUMN_SUFFIX)) continue;
      const base = column.slice(0, -FOREIGN_KEY_COLUMN_SUFFIX.length);
      if (!namesTable(base, parent) && !(unprefixedParent !== null && namesTable(base, unprefixedParent))) continue;
      if (found?.some((foreignKey) => foreignKey.columns[0] === column)) continue;
      (found ??= []).push(
        Object.freeze({
          columns: Object.freeze([column]),
          refTable: parent,
          refColumns: parentKey,
          deferrable: 'not-deferrable',
          table: child,
          inferred: true,
        }),
      );
    }
    return found ? Object.freeze(found) : NO_FOREIGN_KEYS;
  }

  private facts(table: string): DerivedFacts | undefined {
    const cached = this.derived.get(table);
    if (cached) return cached;
    const definition = this.tables.get(table);
    if (!definition) return undefined;

    const primaryKey: KeyInfo = definition.primaryKey
      ? Object.freeze({ columns: definition.primaryKey, inferred: false })
      : INFERRED_ID_KEY;
    const uniqueKeys = Object.freeze(
      definition.uniqueKeys
        .filter((key) => !sameColumns(key.columns, primaryKey.columns))
        .map((key): KeyInfo => Object.freeze({ columns: key.columns, inferred: false })),
    );
    const keyColumns = new Set<string>(primaryKey.columns);
    for (const key of uniqueKeys) for (const column of key.columns) keyColumns.add(column);
    for (const column of this.columnsReferencedIn(table)) keyColumns.add(column);

    const facts: DerivedFacts = { primaryKey, uniqueKeys, keyColumns: Object.freeze([...keyColumns]) };
    this.derived.set(table, facts);
    return facts;
  }

  private columnsReferencedIn(parent: string): Iterable<string> {
    if (!this.referencedColumns) {
      const index = new Map<string, Set<string>>();
      for (const definition of this.tables.values()) {
        for (const { foreignKey } of definition.foreignKeys) {
          let columns = index.get(foreignKey.refTable);
          if (!columns) index.set(foreignKey.refTable, (columns = new Set()));
          for (const column of foreignKey.refColumns) columns.add(column);
        }
      }
      this.referencedColumns = index;
    }
    return this.referencedColumns.get(parent) ?? [];
  }
}

function emptyDefinition(table: string, complete: boolean): TableDefinition {
  return {
    columns: new Set(),
    primaryKey: undefined,
    primaryKeyConstraintName: `${table}_pkey`,
    uniqueKeys: [],
    foreignKeys: [],
    complete,
    generatedForeignKeyCount: 0,
  };
}

function addUniqueKey(table: string, definition: TableDefinition, rawColumns: readonly string[]): void {
  if (rawColumns.length === 0) return;
  const columns = normaliseColumns(rawColumns);
  if (definition.uniqueKeys.some((key) => sameColumns(key.columns, columns))) return;
  definition.uniqueKeys.push({ columns, defaultConstraintName: `${table}_${columns.join('_')}_key` });
}

function addForeignKey(table: string, definition: TableDefinition, declared: ForeignKey, dialect: Dialect): void {
  const columns = normaliseColumns(declared.columns);
  const foreignKey: ForeignKey = {
    ...declared,
    columns,
    refTable: normaliseName(declared.refTable),
    refColumns: normaliseColumns(declared.refColumns),
  };
  let constraintName: string;
  if (declared.name) {
    constraintName = declared.name.toLowerCase();
  } else if (isMySqlFamily(dialect)) {
    constraintName = `${table}_ibfk_${++definition.generatedForeignKeyCount}`;
  } else {
    // PostgreSQL truncates generated names past 63 bytes; such names are not modelled.
    constraintName = `${table}_${columns.join('_')}_fkey`;
  }
  definition.foreignKeys = definition.foreignKeys.filter((stored) => stored.constraintName !== constraintName);
  definition.foreignKeys.push({ foreignKey, constraintName });
}

/**
 * MySQL `DROP FOREIGN KEY name` only drops foreign keys. PostgreSQL `DROP CONSTRAINT name` may
 * name a unique key or the primary key: only their generated names can be matched, since
 * DdlChange carries no names for them.
 */
function dropConstraint(definition: TableDefinition, name: string, dialect: Dialect): void {
  const before = definition.foreignKeys.length;
  definition.foreignKeys = definition.foreignKeys.filter((stored) => stored.constraintName !== name);
  if (definition.foreignKeys.length !== before || isMySqlFamily(dialect)) return;
  definition.uniqueKeys = definition.uniqueKeys.filter((key) => key.defaultConstraintName !== name);
  if (definition.primaryKeyConstraintName === name) definition.primaryKey = undefined;
}

/** `author` is named by `author`, `authors`; `address` by `addresses`; `category` by `categories`. */
function namesTable(base: string, table: string): boolean {
  if (table === base) return true;
  if (!table.startsWith(base)) {
    return base.endsWith('y') && table.length === base.length + 2 && table === `${base.slice(0, -1)}ies`;
  }
  const suffix = table.slice(base.length);
  return suffix === 's' || suffix === 'es';
}
