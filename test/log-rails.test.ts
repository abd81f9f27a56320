import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '../src/model/dialect.js';
import type { InputEvent } from '../src/model/input.js';
import { parseRubyBinds, railsLogReader, RailsLogParser, type RailsLogStats } from '../src/input/logs/rails.js';
import { feedLines, readLogFileWithStats, statements, texts } from './support/log-events.js';

const REPO_ROOT = new URL('../../', import.meta.url);
const CORPUS = fileURLToPath(new URL('../shared/corpus/rails/', REPO_ROOT));
const corpusSkip = existsSync(CORPUS) ? false : 'corpus ../shared/corpus not present';

const ESC = '\x1b';
const bold = (colour: number, text: string): string => `${ESC}[1m${ESC}[${colour}m${text}${ESC}[0m`;

function feed(lines: readonly string[], dialect?: Dialect): { events: InputEvent[]; stats: RailsLogStats } {
  const { events, parser } = feedLines<RailsLogParser>(railsLogReader, lines, 'test.log', dialect ? { dialect } : {});
  return { events, stats: parser.stats };
}

test('rails: named, unnamed and TRANSACTION records; request lines and source lines are skipped silently', () => {
  const { events, stats } = feed([
    'Started POST "/books" for 127.0.0.1 at 2024-05-01 12:00:00 +0000',
    'Processing by BooksController#create as HTML',
    '  Parameters: {"book"=>{"title"=>"x"}}',
    '   (0.1ms)  BEGIN',
    '  TRANSACTION (0.1ms)  SAVEPOINT active_record_1',
    '  Book Create (0.4ms)  INSERT INTO "books" ("title", "author_id") VALUES ($1, $2) RETURNING "id"  [["title", "x"], ["author_id", 1]]',
    '  ↳ app/models/book.rb:12:in `block in create`',
    '  TRANSACTION (0.1ms)  RELEASE SAVEPOINT active_record_1',
    '  SQL (0.2ms)  SELECT pg_try_advisory_lock(123)',
    '   (0.5ms)  COMMIT',
    'Redirected to http://localhost:3000/books/1',
    'Completed 302 Found in 12ms (ActiveRecord: 1.1ms | Allocations: 1234)',
  ]);
  assert.deepEqual(texts(events), [
    'BEGIN',
    'SAVEPOINT active_record_1',
    `INSERT INTO "books" ("title", "author_id") VALUES ('x', 1) RETURNING "id"`,
    'RELEASE SAVEPOINT active_record_1',
    'SELECT pg_try_advisory_lock(123)',
    'COMMIT',
  ]);
  assert.deepEqual(statements(events).map((e) => e.origin.line), [4, 5, 6, 8, 9, 10]);
  assert.equal(stats.unrecognisedLines, 0);
  assert.equal(events.filter((e) => e.kind === 'notice').length, 0);
});

test('rails: binds go into ? and $n by position; nil/true/false/floats/escapes; an unreadable value keeps its placeholder', () => {
  const mysql = feed([
    '  Book Update (0.3ms)  UPDATE `books` SET `title` = ?, `flag` = ?, `price` = ?, `note` = ?, `at` = ? WHERE `books`.`id` = ?  [["title", "say \\"hi\\" \\\\ o\'k"], ["flag", true], ["price", 1.5], ["note", nil], ["at", Sat, 01 Jan 2014 00:00:00 UTC +00:00], ["id", 7]]',
  ]);
  // MySQL literals: booleans as 1/0, backslashes doubled.
  assert.deepEqual(texts(mysql.events), ["UPDATE `books` SET `title` = 'say \"hi\" \\\\ o''k', `flag` = 1, `price` = 1.5, `note` = NULL, `at` = ? WHERE `books`.`id` = 7"]);
  const postgres = feed([
    '  Book Load (0.2ms)  SELECT "books".* FROM "books" WHERE "books"."id" = $1 AND "books"."draft" = $2 AND "books"."at" = $3 LIMIT $4  [["id", 1], ["draft", false], ["at", Sat, 01 Jan 2014], ["LIMIT", 1]]',
  ]);
  assert.deepEqual(texts(postgres.events), [`SELECT "books".* FROM "books" WHERE "books"."id" = 1 AND "books"."draft" = FALSE AND "books"."at" = $3 LIMIT 1`]);
});

test('rails: parseRubyBinds reads the inspect forms of Rails 3 to 8', () => {
  assert.deepEqual(parseRubyBinds('[["id", 1], ["LIMIT", 1]]'), [1, 1]);
  assert.deepEqual(parseRubyBinds('[[nil, "environment"]]'), ['environment']);
  assert.deepEqual(parseRubyBinds('[["a", "\\u00e9\\e[0m\\#{x}"], ["b", -2.5e-05], ["c", 12345678901234567890]]'), ['é\x1b[0m#{x}', -2.5e-5, 12345678901234567890n]);
  assert.equal(parseRubyBinds('[["a", 1]'), undefined);
  assert.equal(parseRubyBinds('not binds'), undefined);
});

test('rails: ANSI colours are stripped; coloured SQL runs to its colour reset, even on a line of its own', () => {
  const { events } = feed([
    `  ${bold(36, ' (2.9ms)')}  ${ESC}[1m SELECT distinct i.relname`,
    ' FROM pg_class t',
    " WHERE t.relname = 'users'",
    `${ESC}[0m`,
    `  ${bold(35, 'Book Load (0.1ms)')}  ${bold(34, 'SELECT "books".* FROM "books" WHERE "books"."id" = ? LIMIT ?')}  [["id", 3], ["LIMIT", 1]]`,
    `  ${bold(35, ' (0.6ms)')}  ${ESC}[1m${ESC}[35mCREATE TABLE "spans" ("id" integer PRIMARY KEY, "tx_id" integer NOT NULL, CONSTRAINT "fk_rails_1"`,
    'FOREIGN KEY ("tx_id")',
    '  REFERENCES "txs" ("id")',
    `)${ESC}[0m`,
    'Migrating to CreateSpans (20240608021940)',
  ]);
  assert.deepEqual(texts(events), [
    "SELECT distinct i.relname\n FROM pg_class t\n WHERE t.relname = 'users'",
    `SELECT "books".* FROM "books" WHERE "books"."id" = 3 LIMIT 1`,
    'CREATE TABLE "spans" ("id" integer PRIMARY KEY, "tx_id" integer NOT NULL, CONSTRAINT "fk_rails_1"\nFOREIGN KEY ("tx_id")\n  REFERENCES "txs" ("id")\n)',
  ]);
  assert.deepEqual(statements(events).map((e) => e.origin.line), [1, 5, 6]);
});

test('rails: uncoloured multi-line SQL continues by shape and does not swallow application output', () => {
  const { events, stats } = feed([
    '  Book Load (0.5ms)  SELECT books.*',
    'FROM books',
    '    JOIN authors ON authors.id = books.author_id',
    '  WHERE authors.id = 1',
    'Sending the weekly digest now',
    '  Book Load (0.2ms)  SELECT 1',
    'PGError: ERROR:  deadlock detected',
    'DETAIL:  Process 1 waits for ShareLock on transaction 2; blocked by process 3.',
    ': UPDATE authors SET n = 1 WHERE id = 1',
    'some more app output',
  ]);
  assert.deepEqual(texts(events), ['SELECT books.*\nFROM books\n    JOIN authors ON authors.id = books.author_id\n  WHERE authors.id = 1', 'SELECT 1']);
  const error = events.find((e) => e.kind === 'server-error');
  assert.ok(error && error.kind === 'server-error');
  assert.equal(error.code, '40P01');
  assert.equal(error.statement, 'UPDATE authors SET n = 1 WHERE id = 1');
  assert.equal(error.origin.line, 7);
  assert.match(error.message, /deadlock detected\nDETAIL: {2}Process 1/);
  assert.equal(stats.unrecognisedLines, 2);
  const notices = events.filter((e) => e.kind === 'notice');
  assert.equal(notices.length, 1, 'one notice per file, however many runs of skipped lines');
  assert.deepEqual(
    notices.map((n) => n.kind === 'notice' && [n.code, n.severity, n.origin.line]),
    [['unrecognised-lines', 'info', 5]],
  );
});

test('rails: a Mysql2 error names its statement on the same line; its code is the MySQL error number', () => {
  const { events } = feed([
    '[4f1d2c3b-aaaa-4bbb-8ccc-123456789abc]   Author Update All (1.2ms)  UPDATE `authors` SET `books_count` = COALESCE(`books_count`, 0) + 1 WHERE `authors`.`id` = 1',
    '[4f1d2c3b-aaaa-4bbb-8ccc-123456789abc] ActiveRecord::Deadlocked (Mysql2::Error: Deadlock found when trying to get lock; try restarting transaction: UPDATE `authors` SET `books_count` = 1 WHERE `authors`.`id` = 1):',
  ]);
  const error = events.find((e) => e.kind === 'server-error');
  assert.ok(error?.kind === 'server-error');
  assert.equal(error.code, '1213');
  assert.equal(error.session, '4f1d2c3b-aaaa-4bbb-8ccc-123456789abc');
  assert.equal(error.statement, 'UPDATE `authors` SET `books_count` = 1 WHERE `authors`.`id` = 1');
  assert.match(error.message, /^ActiveRecord::Deadlocked \(Mysql2::Error: Deadlock found when trying to get lock; try restarting transaction$/);
});

test('rails: CACHE hits never reached the database and are not emitted', () => {
  const { events, stats } = feed([
    '  Book Load (0.3ms)  SELECT "books".* FROM "books" WHERE "books"."id" = $1  [["id", 1]]',
    '  CACHE Book Load (0.0ms)  SELECT "books".* FROM "books" WHERE "books"."id" = $1  [["id", 1]]',
    '  CACHE (0.0ms)  SELECT COUNT(*) FROM "books"',
    `  ${bold(36, 'CACHE Book Count (0.0ms)')}  ${bold(34, 'SELECT COUNT(*) FROM "books"')}`,
  ]);
  assert.equal(statements(events).length, 1);
  assert.equal(stats.cacheHits, 3);
  assert.equal(stats.records, 4);
});

test('rails: a record holding several statements (Fixtures Load) gives one event each, on its own line', () => {
  const { events } = feed([
    `  ${bold(36, 'Fixtures Load (0.1ms)')}  ${ESC}[1m${ESC}[31mDELETE FROM "pay_customers";`,
    'DELETE FROM "pay_subscriptions";',
    `INSERT INTO "pay_customers" ("id") VALUES (1)${ESC}[0m`,
  ]);
  assert.deepEqual(texts(events), ['DELETE FROM "pay_customers"', 'DELETE FROM "pay_subscriptions"', 'INSERT INTO "pay_customers" ("id") VALUES (1)']);
  assert.deepEqual(statements(events).map((e) => e.origin.line), [1, 2, 3]);
});

test('rails: sessions come from request-id tags, else the Ruby Logger pid; time from the Logger prefix', () => {
  const { events } = feed([
    'I, [2024-05-01T12:00:00.123456 #4242]  INFO -- : [a1b2c3d4-e5f6-4711-8899-aabbccddeeff] Started GET "/" for ::1 at 2024-05-01 12:00:00 +0000',
    'D, [2024-05-01T12:00:00.223456 #4242] DEBUG -- : [a1b2c3d4-e5f6-4711-8899-aabbccddeeff]   Book Load (0.3ms)  SELECT 1',
    'D, [2024-05-01T12:00:00.323456 #4243] DEBUG -- :   Book Load (0.3ms)  SELECT 2',
    '[ActiveJob] [DigestJob] [0f9e8d7c-6b5a-4321-9876-543210fedcba]   Book Load (0.3ms)  SELECT 3',
    '[my-app] [12345]   Book Load (0.3ms)  SELECT 4',
    '  Book Load (0.3ms)  SELECT 5',
  ]);
  assert.deepEqual(
    statements(events).map((e) => [e.text, e.origin.session, e.origin.time]),
    [
      ['SELECT 1', 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff', '2024-05-01T12:00:00.223456'],
      ['SELECT 2', '4243', '2024-05-01T12:00:00.323456'],
      ['SELECT 3', '0f9e8d7c-6b5a-4321-9876-543210fedcba', undefined],
      ['SELECT 4', '12345', undefined],
      ['SELECT 5', null, undefined],
    ],
  );
});

test('rails: a production log line (Logger prefix, tags) is never taken for the continuation of open SQL', () => {
  const { events } = feed([
    'D, [2024-05-01T12:00:00.1 #42] DEBUG -- : [a1b2c3d4-e5f6-4711-8899-aabbccddeeff]   Book Load (0.5ms)  SELECT books.* FROM books WHERE id IN (',
    '  1, 2',
    ')',
    'D, [2024-05-01T12:00:00.2 #42] DEBUG -- : [a1b2c3d4-e5f6-4711-8899-aabbccddeeff]   Book Load (0.5ms)  SELECT books.* FROM books WHERE (id = 1',
    'I, [2024-05-01T12:00:00.3 #42]  INFO -- : [a1b2c3d4-e5f6-4711-8899-aabbccddeeff] Completed 200 OK in 5ms (Views: 1.0ms | ActiveRecord: 1.0ms)',
  ]);
  assert.deepEqual(texts(events), ['SELECT books.* FROM books WHERE id IN (\n  1, 2\n)', 'SELECT books.* FROM books WHERE (id = 1']);
});

test('rails: ASYNC records (Rails 7) are statements', () => {
  const { events } = feed(['  ASYNC Book Load (0.0ms) (db time 2.5ms)  SELECT "books".* FROM "books"']);
  assert.deepEqual(texts(events), ['SELECT "books".* FROM "books"']);
});

test('rails: dialect from quoting, placeholders and SQLite markers; one event, before any statement', () => {
  const cases: [string[], Dialect | undefined][] = [
    [['  Book Load (0.3ms)  SELECT "books".* FROM "books" WHERE "books"."id" = $1  [["id", 1]]'], 'postgresql'],
    [['  Book Load (0.3ms)  SELECT `books`.* FROM `books` WHERE `books`.`id` = 1'], 'mysql'],
    [['  Book Create (0.3ms)  INSERT INTO `books` (`title`) VALUES (\'x\') RETURNING `id`'], 'mariadb'],
    [['  TRANSACTION (0.0ms)  begin transaction', '  Book Load (0.3ms)  SELECT "books".* FROM "books"'], 'sqlite'],
    [['  TRANSACTION (0.0ms)  BEGIN deferred TRANSACTION'], 'sqlite'],
    [['  Book Load (0.3ms)  SELECT "books".* FROM "books" WHERE "books"."id" = ?  [["id", 1]]'], 'sqlite'],
    [['  Book Load (0.3ms)  SELECT "books".* FROM "books"'], 'postgresql'],
    [['   (0.1ms)  BEGIN'], undefined],
  ];
  for (const [lines, expected] of cases) {
    const { events } = feed(['   (0.1ms)  BEGIN', ...lines]);
    const hints = events.filter((e) => e.kind === 'dialect');
    assert.deepEqual(hints.map((e) => e.kind === 'dialect' && e.dialect), expected ? [expected] : [], lines[0]);
    if (expected) assert.equal(events[0]!.kind, 'dialect', 'the hint comes first');
  }
  const { events } = feed(['  Book Load (0.3ms)  SELECT `books`.* FROM `books`'], 'mariadb');
  assert.equal(events.filter((e) => e.kind === 'dialect').length, 0, "the user's --dialect stands: no hint");
});

test('rails: sniff recognises ActiveRecord records and nothing else', () => {
  assert.equal(railsLogReader.sniff(['Started GET "/" for ::1', '  Book Load (0.3ms)  SELECT 1']), true);
  assert.equal(railsLogReader.sniff([`  ${bold(36, 'TRANSACTION (0.0ms)')}  ${bold(36, 'begin transaction')}`]), true);
  assert.equal(railsLogReader.sniff(['(0.001) SELECT 1; args=(); alias=default']), false);
  assert.equal(railsLogReader.sniff(['  Rendered books/index.html.erb (1.2ms)', 'Completed 200 OK in 5ms (Views: 3.1ms | ActiveRecord: 0.4ms)']), false);
  assert.equal(railsLogReader.sniff(['2024-05-01 12:00:00 UTC [1] LOG:  duration: 0.1 ms  statement: SELECT 1']), false);
});

/** Every corpus file through the real driver, with the parser's counters kept for the assertions. */
const readCorpusFile = (name: string): Promise<{ events: InputEvent[]; stats: RailsLogStats }> => readLogFileWithStats<RailsLogStats>(railsLogReader, CORPUS + name, name);

const isBegin = (text: string): boolean => /^begin\b/i.test(text);
const isCommit = (text: string): boolean => /^commit\b/i.test(text);
const isRollback = (text: string): boolean => /^rollback\b(?!\s+to\b)/i.test(text);

test('rails corpus: every file reads without error, is sniffed as Rails, and gives statements', { skip: corpusSkip }, async () => {
  const files = readdirSync(CORPUS).sort();
  assert.ok(files.length >= 7);
  for (const name of files) {
    const { events, stats } = await readCorpusFile(name);
    assert.ok(stats.statements > 0, name);
    assert.equal(statements(events).length, stats.statements, name);
    assert.equal(events.filter((e) => e.kind === 'dialect').length, 1, `${name}: one dialect event`);
    assert.ok(stats.lines > 0 && stats.records <= stats.lines, name);
    for (const event of statements(events)) {
      assert.ok(!event.text.includes(ESC), `${name}:${event.origin.line} keeps no ANSI code`);
      assert.ok(event.text.trim() === event.text && event.text !== '', `${name}:${event.origin.line}`);
    }
  }
});

/*
 * Expected figures were counted with grep on the ANSI-stripped files (sed 's/\x1b\[[0-9;]*m//g'),
 * not taken from the reader's output:
 *   records   grep -cE '\([0-9.]+ms\)  '
 *   cache     grep -cE '^ *CACHE .*\([0-9.]+ms\)  '
 *   begin     grep -ciE 'ms\)  +begin( (deferred|immediate) transaction| transaction)?\s*$'
 *   commit    grep -ciE 'ms\)  +commit( transaction)?\s*$'
 *   rollback  grep -ciE 'ms\)  +rollback( transaction)?\s*$'
 *   errors    grep -cE '^(PGError|PG::|Mysql2::|SQLite3::|#<ActiveRecord::StatementInvalid: SQLite3)'
 * purchasekit's 12 `Fixtures Load` records hold 20 more statements (lines ending in `;` inside them).
 */
const CORPUS_FIGURES: Record<string, { records: number; cache: number; statements: number; begin: number; commit: number; rollback: number; errors: number; dialect: Dialect }> = {
  // Rails 3.1, PostgreSQL: unnamed records, alternating colours, multi-line pg_catalog queries.
  'pg_saurus__dummy-development.log': { records: 1163, cache: 0, statements: 1163, begin: 92, commit: 72, rollback: 20, errors: 11, dialect: 'postgresql' },
  // Rails 4.2, SQLite first (then MySQL): one dialect event, SQLite's.
  'activerecord-mysql-enum__dummy-test.head3000.log': { records: 3000, cache: 0, statements: 3000, begin: 595, commit: 353, rollback: 242, errors: 0, dialect: 'sqlite' },
  // Rails 6/7, MySQL via departure: advisory locks, every statement logged twice.
  'departure__dummy-development.log': { records: 107, cache: 0, statements: 107, begin: 0, commit: 0, rollback: 0, errors: 0, dialect: 'mysql' },
  // Rails 7.1, SQLite: multi-line CREATE TABLE.
  'solid_apm__dummy-test.log': { records: 21, cache: 0, statements: 21, begin: 2, commit: 2, rollback: 0, errors: 0, dialect: 'sqlite' },
  'solid_apm__dummy-development.log': { records: 49, cache: 0, statements: 49, begin: 7, commit: 5, rollback: 2, errors: 2, dialect: 'sqlite' },
  // Rails 8, SQLite: CACHE hits, savepoints, Fixtures Load batches.
  'purchasekit__dummy_pay-test.log': { records: 1758, cache: 72, statements: 1758 - 72 + 20, begin: 288, commit: 16, rollback: 272, errors: 0, dialect: 'sqlite' },
  'query_lens__dummy-test.log': { records: 461, cache: 0, statements: 461, begin: 44, commit: 0, rollback: 44, errors: 0, dialect: 'sqlite' },
};

for (const [name, expected] of Object.entries(CORPUS_FIGURES)) {
  test(`rails corpus: exact figures for ${name}`, { skip: corpusSkip }, async () => {
    const { events, stats } = await readCorpusFile(name);
    const sql = texts(events);
    assert.deepEqual(
      {
        records: stats.records,
        cache: stats.cacheHits,
        statements: sql.length,
        begin: sql.filter(isBegin).length,
        commit: sql.filter(isCommit).length,
        rollback: sql.filter(isRollback).length,
        errors: events.filter((e) => e.kind === 'server-error').length,
        dialect: events.find((e) => e.kind === 'dialect')?.kind === 'dialect' ? (events.find((e) => e.kind === 'dialect') as { dialect: Dialect }).dialect : undefined,
      },
      expected,
    );
  });
}

test('rails corpus: multi-line CREATE TABLE with its FOREIGN KEY clause on unindented lines', { skip: corpusSkip }, async () => {
  const { events } = await readCorpusFile('solid_apm__dummy-test.log');
  const create = statements(events).find((e) => e.text.startsWith('CREATE TABLE "solid_apm_spans"'));
  assert.ok(create);
  assert.equal(create.origin.line, 17);
  assert.equal(
    create.text,
    'CREATE TABLE "solid_apm_spans" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "uuid" varchar NOT NULL, "transaction_id" integer NOT NULL, "sequence" integer NOT NULL, "timestamp" datetime(6) NOT NULL, "name" varchar, "type" varchar, "subtype" varchar, "summary" varchar, "end_time" datetime(6), "duration" float, "stacktrace" json, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL, CONSTRAINT "fk_rails_a1e1203d1c"\n' +
      'FOREIGN KEY ("transaction_id")\n' +
      '  REFERENCES "solid_apm_transactions" ("id")\n' +
      ')',
  );
});

test('rails corpus: bind-substituted INSERT (Rails 7.1, SQLite, ? placeholders)', { skip: corpusSkip }, async () => {
  const { events } = await readCorpusFile('solid_apm__dummy-development.log');
  const insert = statements(events).find((e) => e.origin.line === 107);
  assert.ok(insert);
  assert.equal(
    insert.text,
    `INSERT INTO "solid_apm_transactions" ("uuid", "timestamp", "type", "name", "end_time", "duration", "unix_minute", "metadata", "created_at", "updated_at") VALUES ('b805ec6a-e5ce-44d7-a5da-075a9213db59', '2025-02-11 01:10:03.425154', 'request', 'Rails::WelcomeController#index', '2025-02-11 01:10:03.529124', 103.970051, 28987270, '{"params":{},"context":null}', '2025-02-11 01:10:03.531398', '2025-02-11 01:10:03.531398') RETURNING "id"`,
  );
});

test('rails corpus: the Rails 3 multi-line query ends before the next record, with or without colour', { skip: corpusSkip }, async () => {
  const { events } = await readCorpusFile('pg_saurus__dummy-development.log');
  const byLine = new Map(statements(events).map((e) => [e.origin.line, e.text]));
  const expectedTail = " AND i.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY (current_schemas(false)) )\n ORDER BY i.relname";
  for (const line of [3, 81]) {
    const text = byLine.get(line) ?? '';
    assert.ok(text.startsWith('SELECT distinct i.relname, d.indisunique, d.indkey, t.oid\n FROM pg_class t\n'), `line ${line}`);
    assert.ok(text.endsWith(expectedTail), `line ${line}`);
    assert.equal(text.split('\n').length, 9, `line ${line}`);
  }
  const error = events.find((e) => e.kind === 'server-error');
  assert.ok(error?.kind === 'server-error');
  assert.equal(error.statement, 'CREATE SCHEMA "demography"');
});
