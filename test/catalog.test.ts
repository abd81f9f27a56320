import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { DdlChange, ForeignKey } from '../src/model/statement.js';
import { SchemaCatalog } from '../src/analyze/catalog.js';

/** DdlChange factories with the defaults a parser would fill in. */
const createTable = (
  table: string,
  columns: string[],
  extra: { primaryKey?: string[]; uniqueKeys?: string[][]; foreignKeys?: ForeignKey[] } = {},
): DdlChange => ({
  action: 'create-table',
  table,
  columns,
  ...(extra.primaryKey ? { primaryKey: extra.primaryKey } : {}),
  uniqueKeys: extra.uniqueKeys ?? [],
  foreignKeys: extra.foreignKeys ?? [],
});

const alterTable = (
  table: string,
  extra: Partial<Omit<Extract<DdlChange, { action: 'alter-table' }>, 'action' | 'table'>>,
): DdlChange => ({
  action: 'alter-table',
  table,
  addColumns: [],
  addUniqueKeys: [],
  addForeignKeys: [],
  dropForeignKeys: [],
  ...extra,
});

const fk = (columns: string[], refTable: string, refColumns: string[], extra: Partial<ForeignKey> = {}): ForeignKey => ({
  columns,
  refTable,
  refColumns,
  deferrable: 'not-deferrable',
  ...extra,
});

/** author(id) <- book(author_id), declared. */
function authorsAndBooks(dialect: 'mysql' | 'postgresql' = 'mysql'): SchemaCatalog {
  const catalog = new SchemaCatalog();
  catalog.apply(createTable('author', ['id', 'name', 'email'], { primaryKey: ['id'], uniqueKeys: [['email']] }), dialect);
  catalog.apply(
    createTable('book', ['id', 'title', 'author_id', 'editor_id'], {
      primaryKey: ['id'],
      foreignKeys: [fk(['author_id'], 'author', ['id'], { name: 'book_author_fk' })],
    }),
    dialect,
  );
  return catalog;
}

describe('SchemaCatalog: create-table', () => {
  it('records tables, primary keys and unique keys', () => {
    const catalog = authorsAndBooks();
    assert.equal(catalog.hasTable('author'), true);
    assert.equal(catalog.hasTable('publisher'), false);
    assert.deepEqual(catalog.primaryKey('author'), { columns: ['id'], inferred: false });
    assert.deepEqual(catalog.uniqueKeys('author'), [{ columns: ['email'], inferred: false }]);
    assert.deepEqual(catalog.uniqueKeys('book'), []);
  });

  it('infers `id` as primary key when none is declared, for known and unknown tables', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('log', ['message']), 'mysql');
    assert.deepEqual(catalog.primaryKey('log'), { columns: ['id'], inferred: true });
    assert.deepEqual(catalog.primaryKey('nowhere'), { columns: ['id'], inferred: true });
  });

  it('supports composite primary keys and leaves the primary key out of uniqueKeys', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('membership', ['group_id', 'user_id'], { primaryKey: ['group_id', 'user_id'], uniqueKeys: [['group_id', 'user_id']] }), 'postgresql');
    assert.deepEqual(catalog.primaryKey('membership'), { columns: ['group_id', 'user_id'], inferred: false });
    assert.deepEqual(catalog.uniqueKeys('membership'), []);
  });

  it('replaces an existing definition', () => {
    const catalog = authorsAndBooks();
    catalog.apply(createTable('book', ['isbn', 'title'], { primaryKey: ['isbn'] }), 'mysql');
    assert.deepEqual(catalog.primaryKey('book'), { columns: ['isbn'], inferred: false });
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['author_id']), []);
  });

  it('normalises quoted, qualified and upper-case names defensively', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('"Public"."Author"', ['"ID"'], { primaryKey: ['"ID"'] }), 'postgresql');
    assert.equal(catalog.hasTable('author'), true);
    assert.equal(catalog.hasTable('public.author'), true);
    assert.equal(catalog.hasTable('`Author`'), true);
    assert.deepEqual(catalog.primaryKey('AUTHOR'), { columns: ['id'], inferred: false });
  });
});

describe('SchemaCatalog: alter-table', () => {
  it('records a table seen only in an ALTER', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(alterTable('book', { addColumns: ['isbn'], addUniqueKeys: [['isbn']] }), 'mysql');
    assert.equal(catalog.hasTable('book'), true);
    assert.deepEqual(catalog.uniqueKeys('book'), [{ columns: ['isbn'], inferred: false }]);
    assert.deepEqual(catalog.primaryKey('book'), { columns: ['id'], inferred: true });
  });

  it('adds a primary key, unique keys and foreign keys', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('author', ['code']), 'mysql');
    catalog.apply(createTable('book', ['id', 'author_code', 'isbn']), 'mysql');
    catalog.apply(alterTable('author', { addPrimaryKey: ['code'] }), 'mysql');
    catalog.apply(
      alterTable('book', {
        addUniqueKeys: [['isbn']],
        addForeignKeys: [fk(['author_code'], 'author', ['code'], { name: 'book_author_code_fk' })],
      }),
      'mysql',
    );
    assert.deepEqual(catalog.primaryKey('author'), { columns: ['code'], inferred: false });
    assert.deepEqual(catalog.uniqueKeys('book'), [{ columns: ['isbn'], inferred: false }]);
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', []), [
      {
        name: 'book_author_code_fk',
        columns: ['author_code'],
        refTable: 'author',
        refColumns: ['code'],
        deferrable: 'not-deferrable',
        table: 'book',
        inferred: false,
      },
    ]);
  });

  it('drops a foreign key by its constraint name (MySQL DROP FOREIGN KEY), case-insensitively', () => {
    const catalog = authorsAndBooks();
    catalog.apply(alterTable('book', { dropForeignKeys: ['BOOK_AUTHOR_FK'] }), 'mysql');
    // book still has declared DDL: no inference even though author_id is there.
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['author_id']), []);
  });

  it('drops a foreign key by its generated name: MySQL <table>_ibfk_<n>', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(
      createTable('book', ['id', 'author_id', 'editor_id'], {
        primaryKey: ['id'],
        foreignKeys: [fk(['author_id'], 'author', ['id']), fk(['editor_id'], 'author', ['id'])],
      }),
      'mariadb',
    );
    catalog.apply(alterTable('book', { dropForeignKeys: ['book_ibfk_2'] }), 'mariadb');
    assert.deepEqual(
      catalog.foreignKeysBetween('book', 'author', []).map((key) => key.columns),
      [['author_id']],
    );
  });

  it('drops a foreign key by its generated name: PostgreSQL <table>_<columns>_fkey', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('book', ['id', 'author_id'], { primaryKey: ['id'], foreignKeys: [fk(['author_id'], 'author', ['id'])] }), 'postgresql');
    catalog.apply(alterTable('book', { dropForeignKeys: ['book_author_id_fkey'] }), 'postgresql');
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['author_id']), []);
  });

  it('PostgreSQL DROP CONSTRAINT may name a unique key or the primary key (generated names)', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('book', ['code', 'isbn', 'ean'], { primaryKey: ['code'], uniqueKeys: [['isbn'], ['ean']] }), 'postgresql');
    catalog.apply(alterTable('book', { dropForeignKeys: ['book_isbn_key'] }), 'postgresql');
    assert.deepEqual(catalog.uniqueKeys('book'), [{ columns: ['ean'], inferred: false }]);
    catalog.apply(alterTable('book', { dropForeignKeys: ['book_pkey'] }), 'postgresql');
    assert.deepEqual(catalog.primaryKey('book'), { columns: ['id'], inferred: true });
  });

  it('MySQL DROP FOREIGN KEY never touches unique keys; unknown names are ignored', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('book', ['id', 'isbn'], { primaryKey: ['id'], uniqueKeys: [['isbn']] }), 'mysql');
    catalog.apply(alterTable('book', { dropForeignKeys: ['book_isbn_key', 'no_such_fk'] }), 'mysql');
    assert.deepEqual(catalog.uniqueKeys('book'), [{ columns: ['isbn'], inferred: false }]);
  });

  it('drops and re-adds a constraint of the same name in one ALTER', () => {
    const catalog = authorsAndBooks('postgresql');
    catalog.apply(
      alterTable('book', {
        dropForeignKeys: ['book_author_fk'],
        addForeignKeys: [fk(['author_id'], 'author', ['id'], { name: 'book_author_fk', deferrable: 'initially-deferred' })],
      }),
      'postgresql',
    );
    const keys = catalog.foreignKeysBetween('book', 'author', []);
    assert.equal(keys.length, 1);
    assert.equal(keys[0]!.deferrable, 'initially-deferred');
  });

  it('ALTER CONSTRAINT changes the deferrable state of a foreign key', () => {
    const catalog = authorsAndBooks('postgresql');
    catalog.apply(alterTable('book', { alterConstraints: [{ name: 'book_author_fk', deferrable: 'initially-deferred' }] }), 'postgresql');
    assert.equal(catalog.foreignKeysBetween('book', 'author', [])[0]!.deferrable, 'initially-deferred');
    catalog.apply(alterTable('book', { alterConstraints: [{ name: 'BOOK_AUTHOR_FK', deferrable: 'not-deferrable' }] }), 'postgresql');
    assert.equal(catalog.foreignKeysBetween('book', 'author', [])[0]!.deferrable, 'not-deferrable');
  });

  it('a table known only from ALTERs still falls back to inference when it declares no FK to the parent', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(alterTable('book', { addColumns: ['subtitle'] }), 'mysql');
    assert.deepEqual(
      catalog.foreignKeysBetween('book', 'author', ['author_id']).map((key) => [key.columns, key.inferred]),
      [[['author_id'], true]],
    );
    catalog.apply(alterTable('book', { addForeignKeys: [fk(['writer_id'], 'author', ['id'], { name: 'w' })] }), 'mysql');
    assert.deepEqual(
      catalog.foreignKeysBetween('book', 'author', ['author_id']).map((key) => [key.columns, key.inferred]),
      [[['writer_id'], false]],
    );
  });
});

describe('SchemaCatalog: indexes, drops, renames, other', () => {
  it('create-unique-index adds a unique key (once), also on an unknown table', () => {
    const catalog = authorsAndBooks();
    catalog.apply({ action: 'create-unique-index', table: 'book', columns: ['title', 'author_id'] }, 'mysql');
    catalog.apply({ action: 'create-unique-index', table: 'book', columns: ['title', 'author_id'] }, 'mysql');
    assert.deepEqual(catalog.uniqueKeys('book'), [{ columns: ['title', 'author_id'], inferred: false }]);
    catalog.apply({ action: 'create-unique-index', table: 'tag', columns: ['slug'] }, 'postgresql');
    assert.equal(catalog.hasTable('tag'), true);
    assert.deepEqual(catalog.uniqueKeys('tag'), [{ columns: ['slug'], inferred: false }]);
  });

  it('drop-table forgets the tables', () => {
    const catalog = authorsAndBooks();
    catalog.apply({ action: 'drop-table', tables: ['book', 'author', 'never_seen'] }, 'mysql');
    assert.equal(catalog.hasTable('book'), false);
    assert.equal(catalog.hasTable('author'), false);
    // With no DDL left, book falls back to inference.
    assert.equal(catalog.foreignKeysBetween('book', 'author', ['author_id'])[0]!.inferred, true);
  });

  it('rename-table moves the definition and rewrites foreign keys pointing at the old name', () => {
    const catalog = authorsAndBooks();
    catalog.apply({ action: 'rename-table', from: 'author', to: 'writer' }, 'mysql');
    assert.equal(catalog.hasTable('author'), false);
    assert.equal(catalog.hasTable('writer'), true);
    assert.deepEqual(catalog.uniqueKeys('writer'), [{ columns: ['email'], inferred: false }]);
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['author_id']), []);
    const [key] = catalog.foreignKeysBetween('book', 'writer', ['author_id']);
    assert.equal(key!.refTable, 'writer');
    assert.equal(key!.inferred, false);
    assert.deepEqual(catalog.keyColumns('writer'), ['id', 'email']);
  });

  it('rename-table of the child keeps its foreign keys and constraint names', () => {
    const catalog = authorsAndBooks();
    catalog.apply({ action: 'rename-table', from: 'book', to: 'novel' }, 'mysql');
    const [key] = catalog.foreignKeysBetween('novel', 'author', []);
    assert.equal(key!.table, 'novel');
    catalog.apply(alterTable('novel', { dropForeignKeys: ['book_author_fk'] }), 'mysql');
    assert.deepEqual(catalog.foreignKeysBetween('novel', 'author', ['author_id']), []);
  });

  it('rename-table of an unknown table records the new name and still rewrites references', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('book', ['id', 'author_id'], { foreignKeys: [fk(['author_id'], 'author', ['id'])] }), 'mysql');
    catalog.apply({ action: 'rename-table', from: 'author', to: 'writer' }, 'mysql');
    assert.equal(catalog.hasTable('writer'), true);
    assert.equal(catalog.foreignKeysBetween('book', 'writer', [])[0]!.refTable, 'writer');
  });

  it('other DDL changes nothing', () => {
    const catalog = authorsAndBooks();
    catalog.apply({ action: 'other', table: 'book' }, 'mysql');
    catalog.apply({ action: 'other' }, 'mysql');
    assert.equal(catalog.hasTable('book'), true);
    assert.equal(catalog.foreignKeysBetween('book', 'author', []).length, 1);
  });
});

describe('SchemaCatalog: foreignKeysBetween', () => {
  it('declared DDL means declared keys only: no inference, even when none match', () => {
    const catalog = authorsAndBooks();
    // editor_id -> editor would be inferred by name, but book's DDL declares no such key.
    assert.deepEqual(catalog.foreignKeysBetween('book', 'editor', ['editor_id']), []);
    assert.deepEqual(catalog.foreignKeysBetween('book', 'editors', ['editor_id']), []);
    const [key] = catalog.foreignKeysBetween('book', 'author', ['title']);
    assert.equal(key!.name, 'book_author_fk');
    assert.equal(key!.inferred, false);
  });

  it('a declared key without a column list references the parent primary key', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('author', ['code'], { primaryKey: ['code'] }), 'postgresql');
    catalog.apply(createTable('book', ['author_code'], { foreignKeys: [fk(['author_code'], 'author', [])] }), 'postgresql');
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', [])[0]!.refColumns, ['code']);
  });

  it('infers <base>_id -> <base> for unknown tables', () => {
    const catalog = new SchemaCatalog();
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['title', 'author_id']), [
      { columns: ['author_id'], refTable: 'author', refColumns: ['id'], deferrable: 'not-deferrable', table: 'book', inferred: true },
    ]);
    assert.equal(catalog.foreignKeysBetween('book', 'author', ['author_id'])[0]!.name, undefined);
  });

  it('infers Rails plural table names: s, es, y -> ies', () => {
    const catalog = new SchemaCatalog();
    assert.equal(catalog.foreignKeysBetween('books', 'authors', ['author_id']).length, 1);
    assert.equal(catalog.foreignKeysBetween('people', 'addresses', ['address_id']).length, 1);
    assert.equal(catalog.foreignKeysBetween('products', 'categories', ['category_id']).length, 1);
    assert.equal(catalog.foreignKeysBetween('line_items', 'orders', ['order_id']).length, 1);
    assert.equal(catalog.foreignKeysBetween('products', 'categorys', ['category_id']).length, 1);
    assert.deepEqual(catalog.foreignKeysBetween('books', 'authorship', ['author_id']), []);
    assert.deepEqual(catalog.foreignKeysBetween('books', 'autho', ['author_id']), []);
  });

  it('infers Django app-prefixed names, singular and plural', () => {
    const catalog = new SchemaCatalog();
    assert.deepEqual(catalog.foreignKeysBetween('books_book', 'books_author', ['id', 'author_id', 'title']), [
      { columns: ['author_id'], refTable: 'books_author', refColumns: ['id'], deferrable: 'not-deferrable', table: 'books_book', inferred: true },
    ]);
    assert.equal(catalog.foreignKeysBetween('shop_order_line', 'shop_categories', ['category_id']).length, 1);
    // The prefix is the child's own app: another app's table is not inferred.
    assert.deepEqual(catalog.foreignKeysBetween('books_book', 'library_author', ['author_id']), []);
  });

  it('uses the parent declared primary key as the referenced column', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('author', ['author_code'], { primaryKey: ['author_code'] }), 'mysql');
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['author_id'])[0]!.refColumns, ['author_code']);
  });

  it('does not infer a single column against a composite parent key', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('author', ['tenant_id', 'id'], { primaryKey: ['tenant_id', 'id'] }), 'mysql');
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['author_id']), []);
  });

  it('returns several inferred keys when several columns name the parent', () => {
    const catalog = new SchemaCatalog();
    assert.deepEqual(
      catalog.foreignKeysBetween('books_book', 'books_author', ['author_id', 'books_author_id', 'author_id']).map((key) => key.columns),
      [['author_id'], ['books_author_id']],
    );
  });

  it('infers only by the base name: parent_id does not reference its own table', () => {
    const catalog = new SchemaCatalog();
    assert.deepEqual(catalog.foreignKeysBetween('category', 'category', ['parent_id']), []);
    assert.equal(catalog.foreignKeysBetween('category', 'category', ['category_id']).length, 1);
  });

  it('ignores columns that are not <base>_id', () => {
    const catalog = new SchemaCatalog();
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['id', '_id', 'author', 'authorid', 'author_uuid']), []);
  });

  it('never throws on unknown tables and answers consistently from its cache', () => {
    const catalog = new SchemaCatalog();
    const first = catalog.foreignKeysBetween('x', 'y', ['y_id']);
    assert.equal(catalog.foreignKeysBetween('x', 'y', ['y_id']), first);
    assert.deepEqual(catalog.foreignKeysBetween('', '', []), []);
    // New DDL invalidates cached answers.
    catalog.apply(createTable('x', ['y_id']), 'mysql');
    assert.deepEqual(catalog.foreignKeysBetween('x', 'y', ['y_id']), []);
  });

  it('parent primary key changes are reflected in inferred answers', () => {
    const catalog = new SchemaCatalog();
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['author_id'])[0]!.refColumns, ['id']);
    catalog.apply(createTable('author', ['uid'], { primaryKey: ['uid'] }), 'mysql');
    assert.deepEqual(catalog.foreignKeysBetween('book', 'author', ['author_id'])[0]!.refColumns, ['uid']);
  });
});

describe('SchemaCatalog: keyColumns', () => {
  it('is [id] for an unknown table', () => {
    assert.deepEqual(new SchemaCatalog().keyColumns('nowhere'), ['id']);
  });

  it('joins primary key, unique key columns and columns referenced by declared foreign keys', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('author', ['id', 'email', 'code', 'org', 'name'], { primaryKey: ['id'], uniqueKeys: [['email'], ['org', 'email']] }), 'mysql');
    catalog.apply(createTable('book', ['author_code'], { foreignKeys: [fk(['author_code'], 'author', ['code'])] }), 'mysql');
    assert.deepEqual(catalog.keyColumns('author'), ['id', 'email', 'org', 'code']);
    assert.deepEqual(catalog.keyColumns('book'), ['id']);
  });

  it('follows later DDL: dropped foreign keys no longer make their columns key columns', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('author', ['id', 'code'], { primaryKey: ['id'] }), 'postgresql');
    catalog.apply(createTable('book', ['author_code'], { foreignKeys: [fk(['author_code'], 'author', ['code'], { name: 'f' })] }), 'postgresql');
    assert.deepEqual(catalog.keyColumns('author'), ['id', 'code']);
    catalog.apply(alterTable('book', { dropForeignKeys: ['f'] }), 'postgresql');
    assert.deepEqual(catalog.keyColumns('author'), ['id']);
  });

  it('includes the inferred id of a known table without a declared primary key', () => {
    const catalog = new SchemaCatalog();
    catalog.apply(createTable('tag', ['id', 'slug'], { uniqueKeys: [['slug']] }), 'mysql');
    assert.deepEqual(catalog.keyColumns('tag'), ['id', 'slug']);
  });
});
