import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { Dialect } from '../src/model/dialect.js';
import type { InputEvent } from '../src/model/input.js';
import { djangoLogReader, DjangoLogParser, parsePythonRepr, type DjangoLogStats } from '../src/input/logs/django.js';
import { railsLogReader } from '../src/input/logs/rails.js';
import { feedLines, notices, readLogFile, statements, texts } from './support/log-events.js';

function feed(lines: readonly string[], dialect?: Dialect): { events: InputEvent[]; stats: DjangoLogStats } {
  const { events, parser } = feedLines<DjangoLogParser>(djangoLogReader, lines, 'test.log', dialect ? { dialect } : {});
  return { events, stats: parser.stats };
}

const dialects = (events: readonly InputEvent[]): Dialect[] => events.flatMap((e) => (e.kind === 'dialect' ? [e.dialect] : []));

/** A Django 4.2+ PostgreSQL log: interpolated SQL, BEGIN/COMMIT records, one multi-line raw query. */
const POSTGRES_42 = [
  '(0.001) SELECT "app_book"."id", "app_book"."title" FROM "app_book" WHERE "app_book"."id" = 1 LIMIT 21; args=(1,); alias=default',
  '(0.000) BEGIN; args=None; alias=default',
  '(0.001) INSERT INTO "app_book" ("title", "author_id") VALUES (\'Carrie\', 1) RETURNING "app_book"."id"; args=(\'Carrie\', 1); alias=default',
  '(0.015) ',
  '            SELECT b.id',
  '            FROM app_book b',
  '            WHERE b.author_id = 1; args=(1,); alias=default',
  '(0.002) COMMIT; args=None; alias=default',
];

test('django: one-line records and SQL that starts on the next line; origin is the record line', () => {
  const { events, stats } = feed(POSTGRES_42);
  assert.deepEqual(texts(events), [
    'SELECT "app_book"."id", "app_book"."title" FROM "app_book" WHERE "app_book"."id" = 1 LIMIT 21',
    'BEGIN',
    `INSERT INTO "app_book" ("title", "author_id") VALUES ('Carrie', 1) RETURNING "app_book"."id"`,
    'SELECT b.id\n            FROM app_book b\n            WHERE b.author_id = 1',
    'COMMIT',
  ]);
  assert.deepEqual(statements(events).map((e) => [e.origin.line, e.origin.column]), [[1, 9], [2, 9], [3, 9], [4, 1], [8, 9]]);
  assert.equal(stats.records, 5);
  assert.equal(stats.boundaries, 1);
  assert.deepEqual(notices(events), [], 'COMMIT seen: boundaries are known, no notice');
});

test('django: args fill remaining %s placeholders (SQLite/executemany shape) but leave interpolated SQL alone', () => {
  const { events } = feed([
    "(0.001) SELECT \"app_book\".\"id\" FROM \"app_book\" WHERE (\"app_book\".\"author_id\" = %s AND \"app_book\".\"title\" = %s AND \"app_book\".\"flag\" = %s AND \"app_book\".\"note\" IS %s); args=(7, 'it\\'s \"x\"', True, None); alias=default",
    '(0.001) SELECT "app_book"."id" FROM "app_book" WHERE "app_book"."title" = \'100%s\' AND "app_book"."id" = 3; args=(\'100%s\', 3); alias=default',
    "(0.001) UPDATE \"app_book\" SET \"price\" = %s, \"at\" = %s, \"uuid\" = %s, \"n\" = %s WHERE \"app_book\".\"id\" = %s; args=(Decimal('1.50'), datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc), UUID('12345678-1234-5678-1234-567812345678'), 2.5, 9); alias=default",
  ]);
  assert.deepEqual(texts(events), [
    `SELECT "app_book"."id" FROM "app_book" WHERE ("app_book"."author_id" = 7 AND "app_book"."title" = 'it''s "x"' AND "app_book"."flag" = TRUE AND "app_book"."note" IS NULL)`,
    `SELECT "app_book"."id" FROM "app_book" WHERE "app_book"."title" = '100%s' AND "app_book"."id" = 3`,
    `UPDATE "app_book" SET "price" = %s, "at" = %s, "uuid" = %s, "n" = 2.5 WHERE "app_book"."id" = 9`,
  ]);
});

test('django: %(name)s placeholders take dict args; executemany gives one statement per parameter set', () => {
  const { events } = feed([
    "(0.001) UPDATE t SET a = %(a)s, b = %(b)s WHERE c = %(c)s AND d LIKE 'x%%'; args={'a': 1, 'b': Decimal('2'), 'c': \"o'k\"}; alias=default",
    "(0.002) INSERT INTO t (a, b) VALUES (%s, %s); args=[(1, 'x'), (2, None)]; alias=default",
  ]);
  assert.deepEqual(texts(events), [
    "UPDATE t SET a = 1, b = %(b)s WHERE c = 'o''k' AND d LIKE 'x%'",
    "INSERT INTO t (a, b) VALUES (1, 'x')",
    'INSERT INTO t (a, b) VALUES (2, NULL)',
  ]);
  assert.deepEqual(statements(events).map((e) => e.origin.line), [1, 2, 2]);
});

test('django: parsePythonRepr reads str (both quotes, escapes), int, float, None, bool; the rest is unknown', () => {
  const node = parsePythonRepr("(1, -2.5e-05, 'a\\'b', \"c'd\", '\\x41\\u00e9\\n', None, True, False, b'raw', datetime.date(2024, 1, 1), <object at 0x7f>, 12345678901234567890)");
  assert.ok(node?.kind === 'sequence');
  assert.deepEqual(
    node.items.map((item) => (item.kind === 'value' ? item.value : item.kind)),
    [1, -2.5e-5, "a'b", "c'd", 'Aé\n', null, true, false, 'unknown', 'unknown', 'unknown', 12345678901234567890n],
  );
  assert.equal(parsePythonRepr('(1, 2'), undefined);
  assert.equal(parsePythonRepr("('unterminated)"), undefined);
  assert.equal(parsePythonRepr('None')?.kind, 'value');
});

test("django: mysqlclient's `None; args=` failure is a failed-statement warning at its line, never dropped", () => {
  const { events, stats } = feed([
    '(0.000) BEGIN; args=None; alias=default',
    "(0.001) None; args=('Carrie', 1); alias=default",
    '(0.000) ROLLBACK; args=None; alias=default',
  ]);
  assert.deepEqual(texts(events), ['BEGIN', 'ROLLBACK']);
  assert.equal(stats.failedStatements, 1);
  const failed = notices(events);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.code, 'failed-statement');
  assert.equal(failed[0]!.severity, 'warning');
  assert.equal(failed[0]!.origin.line, 2);
  assert.match(failed[0]!.message, /args=\('Carrie', 1\)/);
});

test('django: a log without COMMIT/ROLLBACK records gets ONE no-transaction-boundaries notice', () => {
  const withoutBoundaries = feed([
    '(0.001) SELECT "app_item"."id" FROM "app_item" WHERE "app_item"."owner_id" = 1; args=(1,)',
    '(0.002) DELETE FROM "app_item" WHERE "app_item"."id" IN (3, 4); args=(3, 4)',
    '(0.001) INSERT INTO "app_item" ("owner_id", "code") VALUES (1, \'a\'), (1, \'b\'); args=(1, \'a\', 1, \'b\')',
  ]);
  assert.deepEqual(
    notices(withoutBoundaries.events).map((n) => [n.code, n.severity, n.origin.line]),
    [['no-transaction-boundaries', 'info', 1]],
  );
  assert.equal(withoutBoundaries.events.at(-1)!.kind, 'notice', 'said at EOF, when it is certain');
  // SQLite before 4.2 logs the BEGIN it sends itself, but never the COMMIT.
  const onlyBegin = feed(['(0.000) BEGIN; args=None; alias=default', '(0.001) UPDATE "t" SET "a" = 1; args=(1,); alias=default']);
  const notice = notices(onlyBegin.events);
  assert.equal(notice.length, 1);
  assert.match(notice[0]!.message, /BEGIN but no COMMIT/);
  assert.deepEqual(notices(feed(POSTGRES_42).events), []);
  assert.deepEqual(notices(feed([]).events), [], 'no records, nothing to say');
});

test('django: sessions from pid/thread in the logging prefix, else one per file; other aliases are other connections', () => {
  const { events } = feed([
    'DEBUG 2024-05-01 12:00:00,123 utils 12345 140234567890 (0.001) SELECT 1; args=(); alias=default',
    '[2024-05-01 12:00:00,124] DEBUG [django.db.backends:123] (0.001) SELECT 2; args=None; alias=default',
    '2024-05-01T12:00:00.125Z [12345:MainThread] DEBUG django.db.backends (0.001) SELECT 3; args=None; alias=default',
    '2024-05-01 12:00:00,126 pid=777 thread=Thread-3 DEBUG (0.001) SELECT 4; args=None; alias=default',
    '[2024-05-01 12:00:00 +0000] [4242] [DEBUG] (0.001) SELECT 5; args=None; alias=default',
    'DEBUG (0.001) SELECT 6; args=None; alias=replica',
    '(0.001) SELECT 7; args=None',
    'DEBUG 2024-05-01 12:00:00,127 utils 12345 140234567890 (0.001) SELECT 8; args=(); alias=reporting',
  ]);
  assert.deepEqual(
    statements(events).map((e) => [e.text, e.origin.session, e.origin.time]),
    [
      ['SELECT 1', '12345:140234567890', '2024-05-01 12:00:00,123'],
      ['SELECT 2', null, '2024-05-01 12:00:00,124'],
      ['SELECT 3', '12345:MainThread', '2024-05-01T12:00:00.125Z'],
      ['SELECT 4', '777:Thread-3', '2024-05-01 12:00:00,126'],
      ['SELECT 5', '4242', '2024-05-01 12:00:00 +0000'],
      ['SELECT 6', '@replica', undefined],
      ['SELECT 7', null, undefined],
      ['SELECT 8', '12345:140234567890@reporting', '2024-05-01 12:00:00,127'],
    ],
  );
});

test('django: dialect from quoting and markers, one event before any statement; --dialect wins silently', () => {
  const cases: [string, Dialect][] = [
    ['(0.001) SELECT "app_book"."id" FROM "app_book"; args=()', 'postgresql'],
    ['(0.001) SELECT `app_book`.`id` FROM `app_book`; args=()', 'mysql'],
    ["(0.001) INSERT INTO `app_book` (`title`) VALUES ('x') RETURNING `app_book`.`id`; args=('x',)", 'mariadb'],
    ['(0.001) SELECT "app_book"."id" FROM "app_book" WHERE django_date_extract(\'year\', "app_book"."at") = 2024; args=()', 'sqlite'],
    ['(0.001) SELECT "app_book"."id" FROM "app_book" WHERE UPPER("app_book"."title"::text) LIKE UPPER(\'%x%\'); args=()', 'postgresql'],
  ];
  for (const [line, expected] of cases) {
    const { events } = feed(['(0.000) BEGIN; args=None; alias=default', line, '(0.000) COMMIT; args=None; alias=default']);
    assert.deepEqual(dialects(events), [expected], line);
    assert.equal(events[0]!.kind, 'dialect', 'the hint comes first');
  }
  assert.deepEqual(dialects(feed(['(0.000) BEGIN; args=None']).events), [], 'no evidence, no hint');
  assert.deepEqual(dialects(feed(['(0.001) SELECT `a` FROM `t`; args=()'], 'mariadb').events), []);
});

test('django: lines outside records are counted into one info notice; a record cut by EOF is reported too', () => {
  const { events, stats } = feed([
    'Watching for file changes with StatReloader',
    '(0.001) SELECT 1; args=()',
    'Retrying in (1.5) SELECT seconds',
    '(0.001) SELECT 2; args=()',
    '[01/May/2024 12:00:00] "GET / HTTP/1.1" 200 1234',
    'CREATE TABLE "app_book" ("id" bigint NOT NULL PRIMARY KEY); (params None)',
    '(0.002) SELECT a',
    '            FROM t',
  ]);
  assert.deepEqual(texts(events), ['SELECT 1', 'SELECT 2'], 'a stray marker does not swallow the next record');
  assert.equal(stats.unrecognisedLines, 5, "the schema logger's DDL echo is known output, not counted");
  const unrecognised = notices(events).filter((n) => n.code === 'unrecognised-lines');
  assert.deepEqual(unrecognised.map((n) => [n.severity, n.origin.line]), [['info', 1]]);
});

test('django: a record holding several statements gives one event each', () => {
  const { events } = feed(['(0.001) UPDATE t SET a = 1;', '            UPDATE u SET b = 2; args=None; alias=default']);
  assert.deepEqual(texts(events), ['UPDATE t SET a = 1', 'UPDATE u SET b = 2']);
  assert.deepEqual(statements(events).map((e) => e.origin.line), [1, 2]);
});

test('django: sniff recognises one-line and multi-line records, not Rails or plain text', () => {
  assert.equal(djangoLogReader.sniff(['(0.001) SELECT 1; args=(); alias=default']), true);
  assert.equal(djangoLogReader.sniff(['DEBUG 2024-05-01 12:00:00,123 utils 1 2 (0.015) ', '            SELECT 1', '            FROM t; args=None']), true);
  assert.equal(djangoLogReader.sniff(['  Book Load (0.3ms)  SELECT 1']), false);
  assert.equal(djangoLogReader.sniff(['progress (0.5) done; args=1']), false);
  assert.equal(railsLogReader.sniff(['(0.001) SELECT 1; args=(); alias=default']), false);
});

const scratch = mkdtempSync(join(tmpdir(), 'locklint-django-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('django: read through the streaming driver, gzip included', async () => {
  const path = join(scratch, 'queries.log.gz');
  writeFileSync(path, gzipSync(POSTGRES_42.join('\n') + '\n'));
  const events = await readLogFile(djangoLogReader, path, 'queries.log.gz');
  assert.deepEqual(dialects(events), ['postgresql']);
  assert.equal(statements(events).length, 5);
  assert.ok(statements(events).every((e) => e.origin.file === 'queries.log.gz'));
});
