import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dialect } from '../src/model/dialect.js';
import type { Statement } from '../src/model/statement.js';
import { initParsers, StatementParser } from '../src/parse/index.js';

const origin = { file: 'tx.sql', line: 1, column: 1, session: null };
const parser = new StatementParser();
const parse = (sql: string, dialect: Dialect = 'mysql'): Statement => parser.parse(sql, origin, dialect);

await initParsers();

describe('transaction control', () => {
  it('recognises every way to begin', () => {
    for (const [sql, dialect] of [
      ['BEGIN', 'mysql'],
      ['BEGIN WORK', 'mysql'],
      ['START TRANSACTION', 'mysql'],
      ['START TRANSACTION WITH CONSISTENT SNAPSHOT', 'mysql'],
      ['BEGIN', 'postgresql'],
      ['BEGIN ISOLATION LEVEL SERIALIZABLE', 'postgresql'],
      ['START TRANSACTION ISOLATION LEVEL REPEATABLE READ', 'postgresql'],
      ['BEGIN IMMEDIATE TRANSACTION', 'sqlite'],
    ] as const) {
      const s = parse(sql, dialect);
      assert.equal(s.kind, 'begin', sql);
      assert.deepEqual(s.transaction, { action: 'begin' }, sql);
      assert.equal(s.parsedBy, 'classifier');
    }
    assert.deepEqual(parse('START TRANSACTION READ ONLY').transaction, { action: 'begin', readOnly: true });
    assert.deepEqual(parse('BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED, READ WRITE', 'postgresql').transaction, { action: 'begin', readOnly: false });
  });

  it('recognises commits, with and without chain', () => {
    assert.deepEqual(parse('COMMIT').transaction, { action: 'commit' });
    assert.deepEqual(parse('COMMIT WORK').transaction, { action: 'commit' });
    assert.deepEqual(parse('COMMIT AND CHAIN').transaction, { action: 'commit', chain: true });
    assert.deepEqual(parse('COMMIT WORK AND NO CHAIN NO RELEASE').transaction, { action: 'commit', chain: false });
    assert.deepEqual(parse('COMMIT RELEASE').transaction, { action: 'commit' });
    assert.equal(parse('END', 'postgresql').kind, 'commit');
    assert.equal(parse('END TRANSACTION', 'sqlite').kind, 'commit');
    assert.equal(parse('COMMIT PREPARED \'x\'', 'postgresql').kind, 'other');
  });

  it('recognises rollbacks and savepoints', () => {
    assert.deepEqual(parse('ROLLBACK').transaction, { action: 'rollback' });
    assert.deepEqual(parse('ROLLBACK WORK AND CHAIN').transaction, { action: 'rollback', chain: true });
    assert.equal(parse('ABORT', 'postgresql').kind, 'rollback');
    assert.deepEqual(parse('SAVEPOINT `s140_x1`').transaction, { action: 'savepoint', name: 's140_x1' });
    assert.deepEqual(parse('SAVEPOINT "s140_x1"', 'postgresql').transaction, { action: 'savepoint', name: 's140_x1' });
    const release = parse('RELEASE SAVEPOINT s1');
    assert.equal(release.kind, 'release-savepoint');
    assert.deepEqual(release.transaction, { action: 'release-savepoint', name: 's1' });
    assert.deepEqual(parse('RELEASE s1', 'postgresql').transaction, { action: 'release-savepoint', name: 's1' });
    const back = parse('ROLLBACK TO SAVEPOINT s1');
    assert.equal(back.kind, 'rollback-to-savepoint');
    assert.deepEqual(back.transaction, { action: 'rollback-to-savepoint', name: 's1' });
    assert.deepEqual(parse('ROLLBACK WORK TO s2').transaction, { action: 'rollback-to-savepoint', name: 's2' });
    assert.deepEqual(parse('ROLLBACK TO "S3"', 'postgresql').transaction, { action: 'rollback-to-savepoint', name: 'S3' });
  });

  it('does not take look-alikes for transaction control', () => {
    assert.equal(parse('START SLAVE').kind, 'other');
    assert.equal(parse('END', 'mysql').kind, 'other');
  });
});

describe('SET statements', () => {
  it('normalises autocommit values to 0/1', () => {
    for (const [sql, value] of [
      ['SET autocommit=0', '0'],
      ['SET autocommit = 1', '1'],
      ['SET AUTOCOMMIT = OFF', '0'],
      ['set autocommit=ON', '1'],
      ['SET autocommit = TRUE', '1'],
      ['SET autocommit = false', '0'],
      ['SET SESSION autocommit = 0', '0'],
      ['SET @@autocommit = 0', '0'],
      ['SET @@session.autocommit=1', '1'],
    ] as const) {
      const s = parse(sql);
      assert.equal(s.kind, 'set', sql);
      assert.deepEqual(s.settings, [{ name: 'autocommit', value }], sql);
    }
  });

  it('reads foreign_key_checks in every spelling', () => {
    for (const sql of ['SET FOREIGN_KEY_CHECKS = 0', 'SET @@session.foreign_key_checks=0', 'SET SESSION foreign_key_checks = OFF', '/*!40014 SET FOREIGN_KEY_CHECKS=0 */;']) {
      assert.deepEqual(parse(sql).settings, [{ name: 'foreign_key_checks', value: '0' }], sql);
    }
    assert.deepEqual(parse('SET GLOBAL foreign_key_checks = 0').settings, [{ name: 'global.foreign_key_checks', value: '0' }]);
    assert.deepEqual(parse('SET @@global.foreign_key_checks = 0').settings, [{ name: 'global.foreign_key_checks', value: '0' }]);
  });

  it('reads several assignments and mysqldump save/restore lines', () => {
    assert.deepEqual(parse('/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;').settings, [
      { name: '@old_foreign_key_checks', value: '@@foreign_key_checks' },
      { name: 'foreign_key_checks', value: '0' },
    ]);
    assert.deepEqual(parse("SET sql_mode = 'STRICT_TRANS_TABLES', time_zone = '+00:00'").settings, [
      { name: 'sql_mode', value: 'STRICT_TRANS_TABLES' },
      { name: 'time_zone', value: '+00:00' },
    ]);
  });

  it('keeps SET NAMES, CHARACTER SET and TRANSACTION as text', () => {
    assert.deepEqual(parse('SET NAMES utf8mb4').settings, [{ name: 'names', value: 'utf8mb4' }]);
    assert.deepEqual(parse("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci'").settings, [{ name: 'names', value: "'utf8mb4' COLLATE 'utf8mb4_unicode_ci'" }]);
    assert.deepEqual(parse('SET CHARACTER SET utf8').settings, [{ name: 'character set', value: 'utf8' }]);
    assert.deepEqual(parse('SET TRANSACTION ISOLATION LEVEL READ COMMITTED').settings, [{ name: 'transaction', value: 'isolation level read committed' }]);
    assert.deepEqual(parse('SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE').settings, [{ name: 'transaction', value: 'isolation level serializable' }]);
  });

  it('reads PostgreSQL SET forms', () => {
    assert.deepEqual(parse('SET search_path TO public, pg_catalog', 'postgresql').settings, [{ name: 'search_path', value: 'public, pg_catalog' }]);
    assert.deepEqual(parse('SET standard_conforming_strings = on', 'postgresql').settings, [{ name: 'standard_conforming_strings', value: '1' }]);
    assert.deepEqual(parse("SET default_tablespace = ''", 'postgresql').settings, [{ name: 'default_tablespace', value: '' }]);
    assert.deepEqual(parse("SET LOCAL lock_timeout = '1s'", 'postgresql').settings, [{ name: 'lock_timeout', value: '1s' }]);
    assert.deepEqual(parse('SET CONSTRAINTS ALL DEFERRED', 'postgresql').settings, [{ name: 'constraints', value: 'all deferred' }]);
    assert.deepEqual(parse("SET TIME ZONE 'UTC'", 'postgresql').settings, [{ name: 'timezone', value: 'UTC' }]);
    assert.deepEqual(parse('SET GLOBAL a = 1, b = 2').settings, [
      { name: 'global.a', value: '1' },
      { name: 'global.b', value: '2' },
    ]);
  });
});

describe('other statements', () => {
  it('reads LOCK TABLES / UNLOCK TABLES', () => {
    const lock = parse('LOCK TABLES `author` WRITE, book AS b READ');
    assert.equal(lock.kind, 'lock-tables');
    assert.deepEqual(lock.tables, ['author', 'book']);
    assert.equal(lock.table, 'author');
    assert.equal(parse('UNLOCK TABLES').kind, 'unlock-tables');
    const pg = parse('LOCK TABLE ONLY public.author IN SHARE ROW EXCLUSIVE MODE NOWAIT', 'postgresql');
    assert.equal(pg.kind, 'lock-tables');
    assert.deepEqual(pg.tables, ['author']);
  });

  it('classifies USE, SHOW, EXPLAIN and friends as other', () => {
    for (const sql of ['USE shop', 'SHOW TABLES', 'EXPLAIN SELECT * FROM t', 'DESCRIBE t', 'ANALYZE TABLE t', 'CALL refresh_stats()']) {
      const s = parse(sql);
      assert.equal(s.kind, 'other', sql);
      assert.equal(s.parsedBy, 'classifier', sql);
    }
    assert.equal(parse('VACUUM ANALYZE book', 'postgresql').kind, 'other');
  });

  it('treats an empty or comment-only statement as other', () => {
    assert.equal(parse('  -- nothing here\n').kind, 'other');
    assert.equal(parse('/* just a comment */', 'postgresql').kind, 'other');
  });
});
