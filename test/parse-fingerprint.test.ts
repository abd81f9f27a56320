import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprintSql } from '../src/parse/index.js';
import { shapeSql } from '../src/parse/fingerprint.js';

describe('fingerprintSql', () => {
  it('normalises Django PostgreSQL and MySQL output to the same readable text', () => {
    const pg = fingerprintSql(`DELETE FROM "app_book" WHERE "app_book"."id" IN (1, 2, 3)`, 'postgresql');
    const my = fingerprintSql('DELETE FROM `app_book` WHERE `app_book`.`id` IN (1, 2, 3)', 'mysql');
    assert.equal(pg.fingerprint, 'delete from app_book where app_book.id in (?+)');
    assert.equal(my.fingerprint, pg.fingerprint);
    assert.deepEqual(pg.literals, [1, 2, 3]);
    assert.deepEqual(my.literals, [1, 2, 3]);
  });

  it('is stable across whitespace, comments, keyword case and IN-list length', () => {
    const a = fingerprintSql('SELECT id FROM book WHERE author_id = 1 AND id IN (1, 2)');
    const b = fingerprintSql('select   id\n  from book -- trailing\n /* note */ where author_id=77 and id in (5,6,7,8,9);');
    assert.equal(a.fingerprint, 'select id from book where author_id = ? and id in (?+)');
    assert.equal(b.fingerprint, a.fingerprint);
    assert.deepEqual(b.literals, [77, 5, 6, 7, 8, 9]);
  });

  it('collapses the rows of a multi-row INSERT to the first row', () => {
    const one = fingerprintSql(`INSERT INTO "app_book" ("title", "author_id") VALUES ('a', 1) RETURNING "app_book"."id"`);
    const two = fingerprintSql(`INSERT INTO "app_book" ("title", "author_id") VALUES ('a', 1), ('b', 1) RETURNING "app_book"."id"`);
    assert.equal(two.fingerprint, 'insert into app_book (title, author_id) values (?, ?) returning app_book.id');
    assert.equal(one.fingerprint, two.fingerprint);
    assert.deepEqual(two.literals, ['a', 1, 'b', 1]);
  });

  it('keeps rows of different shapes apart', () => {
    const { fingerprint } = fingerprintSql('INSERT INTO t (a, b) VALUES (1, DEFAULT), (2, 3)', 'mysql');
    assert.equal(fingerprint, 'insert into t (a, b) values (?, default), (?, ?)');
  });

  it('replaces every placeholder style with ? and does not report them as literals', () => {
    assert.deepEqual(fingerprintSql('SELECT * FROM t WHERE a = ? AND b = ?', 'mysql'), { fingerprint: 'select * from t where a = ? and b = ?', literals: [] });
    assert.equal(fingerprintSql('SELECT * FROM t WHERE a = %s AND b = %(name)s', 'mysql').fingerprint, 'select * from t where a = ? and b = ?');
    assert.equal(fingerprintSql('SELECT * FROM t WHERE a = $1 AND b = $2', 'postgresql').fingerprint, 'select * from t where a = ? and b = ?');
    assert.equal(fingerprintSql('SELECT * FROM t WHERE a = :id AND b::text = :name', 'postgresql').fingerprint, 'select * from t where a = ? and b::text = ?');
  });

  it('extracts literal values with their types', () => {
    const { literals } = fingerprintSql(
      "SELECT * FROM t WHERE a = 'it''s' AND b = -12 AND c = 1.5 AND d = NULL AND e = TRUE AND f = x'0A' AND g = 12345678901234567890",
      'postgresql',
    );
    assert.deepEqual(literals, ["it's", -12, 1.5, null, true, '0x0a', '12345678901234567890']);
  });

  it('keeps IS NULL, NOT NULL and binary minus as syntax', () => {
    const { fingerprint, literals } = fingerprintSql('SELECT a-1, b - 2 FROM t WHERE c IS NOT NULL AND d IS NULL', 'mysql');
    assert.equal(fingerprint, 'select a - ?, b - ? from t where c is not null and d is null');
    assert.deepEqual(literals, [1, 2]);
  });

  it('reads MySQL strings: double quotes, backslash escapes, charset introducers', () => {
    const { fingerprint, literals } = fingerprintSql(`SELECT * FROM t WHERE a = "Bob's" AND b = 'x\\'y' AND c = _utf8mb4'z'`, 'mysql');
    assert.equal(fingerprint, 'select * from t where a = ? and b = ? and c = ?');
    assert.deepEqual(literals, ["Bob's", "x'y", 'z']);
  });

  it('reads PostgreSQL strings: no backslash escapes, E-strings, dollar quotes; "x" is a name', () => {
    const { fingerprint, literals } = fingerprintSql(`SELECT "Name", 'a\\b', E'c\\nd', $$e'f$$, $tag$g$tag$ FROM "MyTable"`, 'postgresql');
    assert.equal(fingerprint, 'select "Name", ?, ?, ?, ? from "MyTable"');
    assert.deepEqual(literals, ['a\\b', 'c\nd', "e'f", 'g']);
  });

  it('unwraps MySQL version comments and drops optimizer hints', () => {
    assert.equal(fingerprintSql('/*!40014 SET FOREIGN_KEY_CHECKS=0 */;', 'mysql').fingerprint, 'set foreign_key_checks = ?');
    assert.equal(fingerprintSql('SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM t # note', 'mysql').fingerprint, 'select id from t');
    // In PostgreSQL the same text is only a comment.
    assert.equal(fingerprintSql('/*!40014 SET x=0 */ SELECT 1', 'postgresql').fingerprint, 'select ?');
  });

  it('tells the PostgreSQL jsonb ? operator from a placeholder', () => {
    const { fingerprint, literals } = fingerprintSql(`SELECT * FROM t WHERE data ? 'key' AND id = ?`, 'postgresql');
    assert.equal(fingerprint, 'select * from t where data ? ? and id = ?');
    assert.deepEqual(literals, ['key']);
  });

  it('collapses PostgreSQL ARRAY[...] lists like IN lists', () => {
    const a = fingerprintSql('SELECT * FROM t WHERE id = ANY(ARRAY[1, 2])', 'postgresql');
    const b = fingerprintSql('SELECT * FROM t WHERE id = ANY(ARRAY[3, 4, 5, 6])', 'postgresql');
    assert.equal(a.fingerprint, 'select * from t where id = any (array[?+])');
    assert.equal(a.fingerprint, b.fingerprint);
  });

  it('keeps the locking clause and index hints in the fingerprint', () => {
    assert.equal(
      fingerprintSql('SELECT * FROM t FORCE INDEX (PRIMARY) WHERE id = 1 FOR UPDATE OF t NOWAIT', 'mysql').fingerprint,
      'select * from t force index (primary) where id = ? for update of t nowait',
    );
  });

  it('never throws on unterminated input', () => {
    assert.equal(fingerprintSql("SELECT 'abc", 'mysql').fingerprint, 'select ?');
    assert.equal(fingerprintSql('SELECT "abc', 'postgresql').fingerprint, 'select abc');
    assert.equal(fingerprintSql('SELECT /* open', 'postgresql').fingerprint, 'select');
    assert.equal(fingerprintSql('', 'mysql').fingerprint, '');
  });
});

describe('shapeSql', () => {
  it('maps every slot to its run of values', () => {
    const shape = shapeSql('UPDATE t SET a = 5 WHERE id IN (1, 2, 3) AND b = ?', 'mysql');
    assert.equal(shape.slots.length, 3);
    assert.deepEqual(shape.slots[1], { start: 1, count: 3, stride: 1 });
    assert.deepEqual(shape.values[4], { kind: 'placeholder', name: '?' });
  });

  it('gives the same parse key to the same shape with different values', () => {
    const a = shapeSql("INSERT INTO t (a, b) VALUES (1, 'x')", 'mysql');
    const b = shapeSql("INSERT INTO t (a, b) VALUES (2, 'y'), (3, 'z')", 'mysql');
    assert.equal(a.key, b.key);
    assert.equal(b.valuesRows, 2);
    assert.deepEqual(b.slots, [
      { start: 0, count: 2, stride: 2 },
      { start: 1, count: 2, stride: 2 },
    ]);
  });

  it('keeps quoting in the parse key, so a quoted keyword still parses', () => {
    const shape = shapeSql('SELECT `order` FROM `t`', 'mysql');
    assert.equal(shape.fingerprint, 'select order from t');
    assert.equal(shape.key, 'select `order` from `t`');
  });
});

describe('fingerprintSql (SQLite)', () => {
  it('reads numbered ?NNN placeholders and [bracketed] names', () => {
    const shape = shapeSql('SELECT [id] FROM "t" WHERE a = ?1 AND b = ?12', 'sqlite');
    assert.equal(shape.fingerprint, 'select id from t where a = ? and b = ?');
    assert.deepEqual(shape.values, [
      { kind: 'placeholder', name: '?1' },
      { kind: 'placeholder', name: '?12' },
    ]);
  });
});
