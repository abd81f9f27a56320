import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dialect } from '../src/model/dialect.js';
import type { Statement, Value } from '../src/model/statement.js';
import { initParsers, StatementParser } from '../src/parse/index.js';

const origin = { file: 'app.sql', line: 1, column: 1, session: null };

function lit(value: string | number | boolean | null): Value {
  return { kind: 'literal', value };
}

function ph(name: string): Value {
  return { kind: 'placeholder', name };
}

const EXPR: Value = { kind: 'expression' };

/** Quotes identifiers the way each dialect's ORMs do. */
function q(dialect: Dialect, sql: string): string {
  return dialect === 'postgresql' ? sql : sql.replace(/"/g, '`');
}

function rows(statement: Statement): Record<string, Value>[] {
  return (statement.insertRows ?? []).map((row) => Object.fromEntries(row));
}

await initParsers();

for (const dialect of ['mysql', 'postgresql'] as const) {
  describe(`DML normalisation (${dialect})`, () => {
    const parser = new StatementParser();
    const parse = (sql: string): Statement => parser.parse(q(dialect, sql), origin, dialect);

    it('reads a Django SELECT', () => {
      const s = parse('SELECT "app_book"."id", "app_book"."title" FROM "app_book" WHERE "app_book"."author_id" = 1');
      assert.equal(s.kind, 'select');
      assert.equal(s.parsedBy, dialect === 'postgresql' ? 'libpg-query' : 'node-sql-parser');
      assert.equal(s.table, 'app_book');
      assert.deepEqual(s.tables, ['app_book']);
      assert.deepEqual(s.selectColumns, ['id', 'title']);
      assert.deepEqual(s.where, { predicates: [{ column: 'author_id', op: '=', values: [lit(1)] }], otherColumns: [], onlyPredicates: true });
      assert.deepEqual(s.lock, { strength: 'none', wait: 'block' });
      assert.equal(s.complexSelect, false);
      assert.equal(s.fingerprint, 'select app_book.id, app_book.title from app_book where app_book.author_id = ?');
    });

    it('reads a Django chunked DELETE ... IN', () => {
      const s = parse('DELETE FROM "app_book" WHERE "app_book"."id" IN (1, 2, 3)');
      assert.equal(s.kind, 'delete');
      assert.equal(s.table, 'app_book');
      assert.deepEqual(s.where?.predicates, [{ column: 'id', op: 'in', values: [lit(1), lit(2), lit(3)] }]);
      assert.equal(s.where?.onlyPredicates, true);
      assert.equal(s.fingerprint, 'delete from app_book where app_book.id in (?+)');
    });

    it('reads a multi-row INSERT, ignoring RETURNING', () => {
      const sql = 'INSERT INTO "app_book" ("title", "author_id") VALUES (\'a\', 1), (\'b\', 1)';
      const s = parse(dialect === 'postgresql' ? `${sql} RETURNING "app_book"."id"` : sql);
      assert.equal(s.kind, 'insert');
      assert.equal(s.table, 'app_book');
      assert.deepEqual(s.insertColumns, ['title', 'author_id']);
      assert.deepEqual(rows(s), [
        { title: lit('a'), author_id: lit(1) },
        { title: lit('b'), author_id: lit(1) },
      ]);
      assert.equal(s.insertFromSelect, false);
      assert.equal(s.conflict, 'error');
    });

    it('reads an UPDATE with its assignments and WHERE', () => {
      const s = parse('UPDATE "app_author" SET "name" = \'Stephen\', "books" = "books" + 1, "seen" = NULL WHERE "app_author"."id" = 7');
      assert.equal(s.kind, 'update');
      assert.equal(s.table, 'app_author');
      assert.deepEqual(s.assignments, new Map([['name', lit('Stephen')], ['books', EXPR], ['seen', lit(null)]]));
      assert.deepEqual(s.where?.predicates, [{ column: 'id', op: '=', values: [lit(7)] }]);
    });

    it('summarises a WHERE: value = col, IN sub-query, and the rest as other columns', () => {
      const s = parse('SELECT * FROM book WHERE 5 = author_id AND id IN (SELECT book_id FROM sale) AND (price > 10 OR title LIKE \'a%\') AND deleted IS NULL');
      assert.deepEqual(s.selectColumns, ['*']);
      assert.deepEqual(s.where?.predicates, [
        { column: 'author_id', op: '=', values: [lit(5)] },
        { column: 'id', op: 'in', values: [], subquery: true },
      ]);
      assert.deepEqual(s.where?.otherColumns, ['price', 'title', 'deleted']);
      assert.equal(s.where?.onlyPredicates, false);
      assert.deepEqual(s.tables, ['book', 'sale']);
      assert.equal(s.complexSelect, false);
    });

    it('treats column = column as a join condition, not a predicate', () => {
      const s = parse('SELECT b.id FROM book b JOIN author a ON a.id = b.author_id WHERE a.id = b.author_id AND a.id = 3');
      assert.deepEqual(s.where?.predicates, [{ column: 'id', op: '=', values: [lit(3)] }]);
      assert.deepEqual(s.where?.otherColumns, ['id', 'author_id']);
      assert.equal(s.table, 'book');
      assert.deepEqual(s.tables, ['book', 'author']);
      assert.equal(s.complexSelect, true);
    });

    it('flags GROUP BY, UNION and derived tables as complex; keeps table/* columns', () => {
      assert.equal(parse('SELECT author_id, count(*) FROM book GROUP BY author_id').complexSelect, true);
      assert.equal(parse('SELECT id FROM book UNION SELECT id FROM author').complexSelect, true);
      const derived = parse('SELECT x.id FROM (SELECT id FROM book) x');
      assert.equal(derived.complexSelect, true);
      assert.equal(derived.table, null);
      assert.deepEqual(derived.tables, ['book']);
      assert.deepEqual(parse('SELECT book.*, count(*) AS n, title AS t FROM book').selectColumns, ['*', 'title']);
    });

    it('unqualifies schema-qualified table names', () => {
      const s = parse(dialect === 'postgresql' ? 'SELECT id FROM public.author WHERE id = 1' : 'SELECT id FROM `shop`.`author` WHERE id = 1');
      assert.equal(s.table, 'author');
      assert.deepEqual(s.tables, ['author']);
    });

    it('reads SELECT ... FOR UPDATE OF t NOWAIT and FOR SHARE SKIP LOCKED, resolving aliases', () => {
      const a = parse('SELECT * FROM author a WHERE a.id = 1 FOR UPDATE OF a NOWAIT');
      assert.deepEqual(a.lock, { strength: 'update', wait: 'nowait', of: ['author'] });
      assert.deepEqual(a.where?.predicates, [{ column: 'id', op: '=', values: [lit(1)] }]);
      const b = parse('SELECT * FROM job WHERE state = \'q\' LIMIT 10 FOR SHARE SKIP LOCKED');
      assert.deepEqual(b.lock, { strength: 'share', wait: 'skip-locked' });
      assert.deepEqual(parse('SELECT * FROM author WHERE id = 1 FOR UPDATE').lock, { strength: 'update', wait: 'block' });
    });

    it('reads multi-table UPDATE and DELETE: table is the first target', () => {
      if (dialect === 'mysql') {
        const u = parse('UPDATE book b JOIN author a ON a.id = b.author_id SET b.price = 1 WHERE a.id = 2');
        assert.equal(u.table, 'book');
        assert.deepEqual(u.tables, ['book', 'author']);
        assert.deepEqual(u.assignments, new Map([['price', lit(1)]]));
        const d = parse('DELETE b FROM book b JOIN author a ON a.id = b.author_id WHERE a.id = 2');
        assert.equal(d.table, 'book');
        assert.deepEqual(d.tables, ['book', 'author']);
      } else {
        const u = parse('UPDATE book SET price = 1 FROM author WHERE author.id = book.author_id AND author.id = 2');
        assert.equal(u.table, 'book');
        assert.deepEqual(u.tables, ['book', 'author']);
        const d = parse('DELETE FROM book USING author WHERE author.id = book.author_id AND author.id = 2');
        assert.equal(d.table, 'book');
        assert.deepEqual(d.tables, ['book', 'author']);
      }
    });

    it('reads INSERT ... SELECT', () => {
      const s = parse('INSERT INTO archive (id, title) SELECT id, title FROM book WHERE id = 4');
      assert.equal(s.kind, 'insert');
      assert.equal(s.table, 'archive');
      assert.deepEqual(s.tables, ['archive', 'book']);
      assert.equal(s.insertFromSelect, true);
      assert.equal(s.insertRows, undefined);
    });

    it('keeps placeholders unknown', () => {
      const marker = dialect === 'postgresql' ? '$1' : '?';
      const s = parse(`SELECT * FROM book WHERE id = ${marker}`);
      assert.deepEqual(s.where?.predicates, [{ column: 'id', op: '=', values: [ph(marker)] }]);
    });

    it('reads a statement that starts with a sub-select or a CTE', () => {
      const s = parse('WITH old AS (SELECT id FROM book WHERE price < 1) DELETE FROM book WHERE id IN (SELECT id FROM old)');
      assert.equal(s.kind, 'delete');
      assert.equal(s.table, 'book');
      assert.deepEqual(s.tables, ['book']);
    });
  });
}

describe('dialect specifics', () => {
  const parser = new StatementParser();

  it('MySQL: INSERT IGNORE, ON DUPLICATE KEY UPDATE, REPLACE INTO', () => {
    assert.equal(parser.parse('INSERT IGNORE INTO t (a) VALUES (1)', origin, 'mysql').conflict, 'ignore');
    assert.equal(parser.parse('INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a)', origin, 'mysql').conflict, 'update');
    assert.equal(parser.parse('INSERT INTO t (a) VALUES (1) AS new ON DUPLICATE KEY UPDATE a = new.a', origin, 'mysql').conflict, 'update');
    const replace = parser.parse('REPLACE INTO t (a, b) VALUES (1, 2)', origin, 'mysql');
    assert.equal(replace.kind, 'insert');
    assert.equal(replace.conflict, 'replace');
    assert.deepEqual(rows(replace), [{ a: lit(1), b: lit(2) }]);
  });

  it('MySQL: LOCK IN SHARE MODE, FOR SHARE, index hints and <=>', () => {
    const s = parser.parse('SELECT * FROM author FORCE INDEX (PRIMARY) WHERE id <=> 3 LOCK IN SHARE MODE', origin, 'mysql');
    assert.equal(s.kind, 'select');
    assert.deepEqual(s.lock, { strength: 'share', wait: 'block' });
    assert.deepEqual(s.where?.predicates, [{ column: 'id', op: '=', values: [lit(3)] }]);
    assert.deepEqual(parser.parse('SELECT * FROM a JOIN b ON a.id = b.a_id WHERE a.id = 1 FOR SHARE OF a, b', origin, 'mysql').lock, {
      strength: 'share',
      wait: 'block',
      of: ['a', 'b'],
    });
  });

  it('MySQL: INSERT ... SET and INSERT without a column list', () => {
    const set = parser.parse("INSERT INTO t SET a = 1, b = 'x'", origin, 'mysql');
    assert.deepEqual(set.insertColumns, ['a', 'b']);
    assert.deepEqual(rows(set), [{ a: lit(1), b: lit('x') }]);
    const bare = parser.parse('INSERT INTO t VALUES (1, 2)', origin, 'mysql');
    assert.deepEqual(bare.insertColumns, []);
    assert.deepEqual(rows(bare), [{ '#1': lit(1), '#2': lit(2) }]);
  });

  it('MySQL: statement modifiers do not stop parsing', () => {
    assert.equal(parser.parse('DELETE LOW_PRIORITY QUICK FROM t WHERE id = 1', origin, 'mysql').table, 't');
    assert.deepEqual(parser.parse('SELECT SQL_CALC_FOUND_ROWS id FROM t LIMIT 10', origin, 'mysql').selectColumns, ['id']);
  });

  it('MariaDB: RETURNING is accepted and ignored', () => {
    const s = parser.parse('INSERT INTO t (a) VALUES (1) RETURNING id', origin, 'mariadb');
    assert.equal(s.kind, 'insert');
    assert.deepEqual(rows(s), [{ a: lit(1) }]);
    assert.equal(parser.parse('DELETE FROM t WHERE id = 2 RETURNING id', origin, 'mariadb').kind, 'delete');
  });

  it('PostgreSQL: every locking strength', () => {
    const lockOf = (clause: string) => parser.parse(`SELECT * FROM author WHERE id = 1 ${clause}`, origin, 'postgresql').lock;
    assert.deepEqual(lockOf('FOR UPDATE'), { strength: 'update', wait: 'block' });
    assert.deepEqual(lockOf('FOR NO KEY UPDATE'), { strength: 'no-key-update', wait: 'block' });
    assert.deepEqual(lockOf('FOR SHARE NOWAIT'), { strength: 'share', wait: 'nowait' });
    assert.deepEqual(lockOf('FOR KEY SHARE SKIP LOCKED'), { strength: 'key-share', wait: 'skip-locked' });
    assert.deepEqual(lockOf('FOR NO KEY UPDATE OF author'), { strength: 'no-key-update', wait: 'block', of: ['author'] });
  });

  it('PostgreSQL: ON CONFLICT DO NOTHING / DO UPDATE', () => {
    assert.equal(parser.parse('INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING', origin, 'postgresql').conflict, 'ignore');
    assert.equal(parser.parse('INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = EXCLUDED.a', origin, 'postgresql').conflict, 'update');
  });

  it('PostgreSQL: Rails INSERT with $n placeholders', () => {
    const s = parser.parse('INSERT INTO "books" ("title", "author_id", "created_at") VALUES ($1, $2, $3) RETURNING "id"', origin, 'postgresql');
    assert.equal(s.table, 'books');
    assert.deepEqual(rows(s), [{ title: ph('$1'), author_id: ph('$2'), created_at: ph('$3') }]);
  });

  it('PostgreSQL: = ANY(ARRAY[...]) is an IN predicate; casts keep the literal', () => {
    const s = parser.parse("SELECT * FROM t WHERE id = ANY(ARRAY[4, 5]) AND day = '2024-01-02'::date", origin, 'postgresql');
    assert.deepEqual(s.where?.predicates, [
      { column: 'id', op: 'in', values: [lit(4), lit(5)] },
      { column: 'day', op: '=', values: [lit('2024-01-02')] },
    ]);
  });

  it('PostgreSQL: quoted names keep their case, unquoted fold to lower case', () => {
    const s = parser.parse('SELECT "Id" FROM "BookStore" WHERE Author_Id = 1', origin, 'postgresql');
    assert.equal(s.table, 'BookStore');
    assert.deepEqual(s.selectColumns, ['Id']);
    assert.deepEqual(s.where?.predicates, [{ column: 'author_id', op: '=', values: [lit(1)] }]);
  });

  it('PostgreSQL: SELECT pg_catalog.set_config(...) is a plain select', () => {
    const s = parser.parse("SELECT pg_catalog.set_config('search_path', '', false);", origin, 'postgresql');
    assert.equal(s.kind, 'select');
    assert.equal(s.table, null);
    assert.deepEqual(s.tables, []);
  });

  it('Python placeholders (%s, %(name)s) and :name are placeholders in both dialects', () => {
    const my = parser.parse('UPDATE t SET a = %s WHERE id = %(id)s', origin, 'mysql');
    assert.deepEqual(my.assignments, new Map([['a', ph('%s')]]));
    assert.deepEqual(my.where?.predicates, [{ column: 'id', op: '=', values: [ph('%(id)s')] }]);
    const pg = parser.parse('SELECT * FROM t WHERE id = :id AND a = %s', origin, 'postgresql');
    assert.deepEqual(pg.where?.predicates, [
      { column: 'id', op: '=', values: [ph(':id')] },
      { column: 'a', op: '=', values: [ph('%s')] },
    ]);
  });

  it('SQLite: INSERT OR IGNORE / OR REPLACE', () => {
    assert.equal(parser.parse('INSERT OR IGNORE INTO t (a) VALUES (1)', origin, 'sqlite').conflict, 'ignore');
    const replace = parser.parse('INSERT OR REPLACE INTO t (a) VALUES (1)', origin, 'sqlite');
    assert.equal(replace.conflict, 'replace');
    assert.equal(replace.parsedBy, 'node-sql-parser');
  });

  // Both from the Rails corpus (solid_apm, activerecord-mysql-enum): parse-error warnings before.
  it('SQLite: ON CONFLICT upserts, which its node-sql-parser build rejects, are read by the PostgreSQL grammar', () => {
    const upsert = parser.parse('INSERT INTO "spans" ("uuid", "name") VALUES (\'u1\', \'x\') ON CONFLICT DO NOTHING RETURNING "id"', origin, 'sqlite');
    assert.equal(upsert.kind, 'insert');
    assert.equal(upsert.parsedBy, 'libpg-query');
    assert.equal(upsert.table, 'spans');
    assert.deepEqual(rows(upsert), [{ uuid: lit('u1'), name: lit('x') }]);
    assert.notEqual(upsert.conflict, 'error');
  });

  it('MySQL: all-defaults inserts (VALUES (), ...) are inserts with no column values', () => {
    for (const sql of ['INSERT INTO `basic` VALUES ()', 'INSERT IGNORE INTO basic () VALUES (), ()']) {
      const s = parser.parse(sql, origin, 'mysql');
      assert.equal(s.kind, 'insert', sql);
      assert.equal(s.table, 'basic', sql);
      assert.deepEqual(s.insertColumns, [], sql);
    }
    assert.equal(parser.parse('INSERT IGNORE INTO basic () VALUES (), ()', origin, 'mysql').insertRows?.length, 2);
    assert.equal(parser.parse('INSERT IGNORE INTO basic () VALUES (), ()', origin, 'mysql').conflict, 'ignore');
    // A column list with no values is not that shape: still an error, not a guess.
    assert.equal(parser.parse('INSERT INTO basic (a) VALUES ()', origin, 'mysql').kind, 'unparsed');
  });
});
