/**
 * The PostgreSQL readers over real third-party logs (../shared/corpus/postgres, see its
 * SOURCES.md) and over this repository's PostgreSQL log fixtures.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { InputEvent, InputNoticeEvent } from '../src/model/input.js';
import type { LogReader } from '../src/input/logs/types.js';
import { postgresCsvLogReader } from '../src/input/logs/postgres-csv.js';
import { postgresJsonLogReader } from '../src/input/logs/postgres-json.js';
import { postgresStderrLogReader } from '../src/input/logs/postgres-stderr.js';
import { parseFixture } from './support/expectations.js';
import { feedLines, fileHead, readLogFile, serverErrors as errors, statements } from './support/log-events.js';

const repoRoot = new URL('../../', import.meta.url);
const corpusDir = fileURLToPath(new URL('../shared/corpus/postgres/', repoRoot));
const fixtureDir = fileURLToPath(new URL('fixtures/logs/postgres/', repoRoot));
const corpusSkip = existsSync(corpusDir) ? false : 'corpus ../shared/corpus not present';

/** In the order auto-detection tries them (src/input/logs/index.ts). */
const POSTGRES_READERS: readonly LogReader[] = [postgresCsvLogReader, postgresJsonLogReader, postgresStderrLogReader];

function sniffedReader(path: string): LogReader | undefined {
  const head = fileHead(path);
  return POSTGRES_READERS.find((reader) => reader.sniff(head));
}

const unrecognised = (events: readonly InputEvent[]): InputNoticeEvent[] =>
  events.filter((e): e is InputNoticeEvent => e.kind === 'notice' && e.code === 'unrecognised-lines');

interface Counts {
  readonly format: string;
  readonly statements: number;
  readonly serverErrors: number;
  readonly sessionEnds: number;
  /** Unrecognised-line notices, and the lines they cover. */
  readonly notices: number;
  readonly unrecognisedLines: number;
}

/**
 * Counted from the files with grep, not from the readers: executions are `statement:` /
 * `execute` records with non-empty SQL (not parse/bind, not bare durations, not STATEMENT lines);
 * server errors are ERROR/FATAL records; session ends are `disconnection:` records.
 */
const CORPUS: Record<string, Counts> = {
  'beats__postgresql-11-multi-line.csv.log': { format: 'postgres-csv', statements: 1, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'beats__postgresql-11-parse-bind.csv.log': { format: 'postgres-csv', statements: 1, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'lnav__logfile_postgres.log': { format: 'postgres-stderr', statements: 2, serverErrors: 1, sessionEnds: 2, notices: 0, unrecognisedLines: 0 },
  'pganalyze-collector__cnpg-otel-test-logs.log': { format: 'postgres-json', statements: 1, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__anonymize.log': { format: 'postgres-csv', statements: 5, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__begin_end.log': { format: 'postgres-stderr', statements: 0, serverErrors: 0, sessionEnds: 8, notices: 0, unrecognisedLines: 0 },
  'pgbadger__csv_statement_without_duration.log': { format: 'postgres-csv', statements: 2, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__light.postgres.log': { format: 'postgres-stderr', statements: 629, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__logplex.log': { format: 'postgres-stderr', statements: 4, serverErrors: 1, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__multiline_param.log': { format: 'postgres-stderr', statements: 5, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  // Three systemd lines in a row are not PostgreSQL's.
  'pgbadger__pg-syslog.head3000.log': { format: 'postgres-stderr', statements: 2952, serverErrors: 0, sessionEnds: 4, notices: 1, unrecognisedLines: 3 },
  'pgbadger__pg-timezones.log': { format: 'postgres-stderr', statements: 2, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  // pg_ctl's two lines; one FATAL and two ERRORs.
  'pgbadger__pg_rawcsv.log': { format: 'postgres-stderr', statements: 0, serverErrors: 3, sessionEnds: 0, notices: 1, unrecognisedLines: 2 },
  'pgbadger__pg_vacuums.jsonlog.head400.json': { format: 'postgres-json', statements: 0, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__postgresql_param_range.log': { format: 'postgres-stderr', statements: 3, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__queryid.log': { format: 'postgres-stderr', statements: 20, serverErrors: 3, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  // 3990 `duration: ... statement:` records, three of them with no SQL; two FATALs.
  'pgbadger__rds.head4000.log': { format: 'postgres-stderr', statements: 3987, serverErrors: 2, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__stmt_type.log': { format: 'postgres-stderr', statements: 12, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__tempfile_only.log': { format: 'postgres-stderr', statements: 65, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgbadger__weeknumber.log': { format: 'postgres-csv', statements: 6, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgfouine__test_carriage_return.log': { format: 'postgres-stderr', statements: 1, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  'pgfouine__test_double_duration.log': { format: 'postgres-stderr', statements: 2, serverErrors: 0, sessionEnds: 0, notices: 0, unrecognisedLines: 0 },
  // 23 records; one is `BEGIN; DECLARE ...; DEALLOCATE ...`, three statements in one query.
  'pgreplay__csvlog': { format: 'postgres-csv', statements: 25, serverErrors: 3, sessionEnds: 3, notices: 0, unrecognisedLines: 0 },
  // The memory-context dump (123 lines) is cut in two by two records.
  'pgreplay__errlog': { format: 'postgres-stderr', statements: 25, serverErrors: 3, sessionEnds: 3, notices: 2, unrecognisedLines: 123 },
};

test('every corpus file: sniffed by exactly one PostgreSQL reader, read without throwing, counts as counted by hand', { skip: corpusSkip }, async () => {
  const files = readdirSync(corpusDir).sort();
  assert.ok(files.length > 0);
  for (const name of files) {
    const path = join(corpusDir, name);
    const head = fileHead(path);
    const claimed = POSTGRES_READERS.filter((reader) => reader.sniff(head)).map((reader) => reader.format);
    assert.equal(claimed.length, 1, `${name}: claimed by ${claimed.join(', ') || 'no reader'}`);
    const reader = sniffedReader(path)!;
    const events = await readLogFile(reader, path, name);
    assert.equal(events.filter((e) => e.kind === 'dialect').length, 1, `${name}: one dialect event`);
    const expected = CORPUS[name];
    if (expected === undefined) continue; // a file added to the corpus later: reading it is the test
    const notices = unrecognised(events);
    assert.deepEqual(
      {
        format: reader.format,
        statements: statements(events).length,
        serverErrors: errors(events).length,
        sessionEnds: events.filter((e) => e.kind === 'session-end').length,
        notices: notices.length,
        unrecognisedLines: notices.reduce((sum, n) => sum + Number(n.message.split(' ')[0]), 0),
      },
      expected,
      name,
    );
    for (const event of events) {
      assert.equal(event.origin.file, name);
      assert.equal(event.origin.column, 1);
    }
  }
});

async function corpusEvents(name: string): Promise<InputEvent[]> {
  const path = join(corpusDir, name);
  return readLogFile(sniffedReader(path)!, path, name);
}

test('corpus: TAB continuation lines and multi-line parameter values (pgbadger multiline_param)', { skip: corpusSkip }, async () => {
  const events = await corpusEvents('pgbadger__multiline_param.log');
  const sql = (typname: string, test: string): string =>
    `SELECT t.oid FROM pg_catalog.pg_type t, pg_catalog.pg_namespace n WHERE (n.nspname = 'njcat') AND (t.typnamespace = '1234') AND (t.typname = '${typname}') AND t.test = '${test}'`;
  assert.deepEqual(
    statements(events).map((e) => [e.origin.line, e.origin.session, e.text]),
    [
      [1, '4913', 'select njprocs.njIsVersionOk(16777216)'],
      [2, '4913', "SELECT current_setting('nj.maint')"],
      [3, '4913', 'BEGIN WORK'],
      // Only the executes: the parse and bind records of the same statement are not executions.
      [8, '4913', sql('njchar\nhello', 'aaaa')],
      [14, '4913', sql('njvarchar\nbye', 'iiii')],
    ],
  );
  assert.equal(statements(events)[3]!.origin.time, '2021-12-03 07:14:48.594 UTC');
});

test('corpus: csvlog parse/bind/execute with the parameter from the detail column (beats)', { skip: corpusSkip }, async () => {
  const events = await corpusEvents('beats__postgresql-11-parse-bind.csv.log');
  assert.deepEqual(statements(events), [
    {
      kind: 'statement',
      text: "SELECT * from information_schema.tables WHERE table_name = 'tables'",
      origin: { file: 'beats__postgresql-11-parse-bind.csv.log', line: 3, column: 1, session: '5ff26691.69', time: '2021-01-04 00:51:56.843 UTC' },
    },
  ]);
  const multiLine = await corpusEvents('beats__postgresql-11-multi-line.csv.log');
  assert.deepEqual(statements(multiLine).map((e) => e.text), ["SELECT 'multi',\n'line'"]);
});

test('corpus: the logplex deadlock is a server-error 40P01 with its statement', { skip: corpusSkip }, async () => {
  const events = await corpusEvents('pgbadger__logplex.log');
  const [deadlock] = errors(events);
  assert.ok(deadlock);
  assert.equal(deadlock.code, '40P01');
  assert.equal(deadlock.message, 'deadlock detected');
  assert.equal(deadlock.session, '4849');
  assert.deepEqual(deadlock.origin, { file: 'pgbadger__logplex.log', line: 9, column: 1, session: '4849', time: '2019-03-14T00:23:00+00:00' });
  assert.match(deadlock.statement ?? '', /^WITH redacted_table as \(select redacted_field_1, key FROM redacted_table_2 WHERE .* FOR UPDATE\) UPDATE redacted_table_2 l SET fetched_at = '2019-03-13T12:20:02'::timestamp/);
  // Lock-wait records carry a STATEMENT too; they are no executions. The executions are the
  // `duration: ... statement:` records of 4821, 4882, 4886 and the multi-line execute of 5925.
  assert.deepEqual(statements(events).map((e) => [e.origin.line, e.origin.session]), [[22, '4821'], [29, '4882'], [30, '4886'], [31, '5925']]);
  assert.match(statements(events)[3]!.text, /^UPDATE "checkers" SET redundant_missions_count =\n {8}\(\n {10}select COUNT\(id\) from missions\n/);
});

test('corpus: pgreplay stderr and csvlog of the same workload give the same statements and errors', { skip: corpusSkip }, async () => {
  const stderr = await corpusEvents('pgreplay__errlog');
  const csv = await corpusEvents('pgreplay__csvlog');
  const shape = (events: readonly InputEvent[]): string[] =>
    events.flatMap((e) =>
      e.kind === 'statement' ? [`${e.origin.session} ${e.text}`] : e.kind === 'server-error' ? [`${e.session} error ${e.code ?? ''} ${e.statement ?? ''}`] : [],
    );
  const stderrShape = shape(stderr);
  // Only the FATAL's SQLSTATE differs: stderr has no %e, csvlog has the column.
  assert.deepEqual(stderrShape.filter((line) => !line.includes(' error ')), shape(csv).filter((line) => !line.includes(' error ')));
  assert.deepEqual(statements(stderr).slice(2, 4).map((e) => e.text), [
    'CREATE TABLE runtest(\n   id integer PRIMARY KEY,\n   c text NOT NULL,\n   t timestamp with time zone NOT NULL,\n   b bytea\n)',
    "INSERT INTO runtest (id, c, t, b) VALUES ('1', 'ein ''\u20ac\"', '2008-08-08 10:30:00+00', 'a\\000b\\011c')",
  ]);
  assert.ok(stderrShape.includes("4d1db7a9.4242 INSERT INTO runtest (id, c, t, b) VALUES ('2', 'Zeile\nzwei', '1968-10-20 11:00:00+00', NULL)"));
  assert.deepEqual(
    errors(csv).map((e) => [e.code, e.statement]),
    [
      ['28000', undefined],
      ['23505', "INSERT INTO runtest (id, c, t, b) VALUES ('6', 'irgendein Mist', '1999-12-31 23:00:00+00', '" + '\\000'.repeat(errorBlobLength(csv)) + "')"],
      ['57014', 'SELECT pg_sleep(10)'],
    ],
  );
});

/** The failed INSERT's bytea parameter is a long run of `\000`: count it rather than spell it. */
function errorBlobLength(events: readonly InputEvent[]): number {
  const statement = errors(events)[1]?.statement ?? '';
  return (statement.match(/\\000/g) ?? []).length;
}

test('corpus: syslog #011 continuations and stderr TAB continuations rebuild the statement', { skip: corpusSkip }, async () => {
  const syslog = await corpusEvents('pgbadger__pg-syslog.head3000.log');
  const [first] = statements(syslog);
  assert.deepEqual(first, {
    kind: 'statement',
    text:
      'SELECT d.datname as "Name",\n       pg_catalog.pg_get_userbyid(d.datdba) as "Owner",\n       pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",\n' +
      '       d.datcollate as "Collate",\n       d.datctype as "Ctype",\n       pg_catalog.array_to_string(d.datacl, E\'\\n\') AS "Access privileges"\n' +
      'FROM pg_catalog.pg_database d\nORDER BY 1',
    origin: { file: 'pgbadger__pg-syslog.head3000.log', line: 11, column: 1, session: '10819', time: 'Feb 11 13:15:40' },
  });
  const queryid = await corpusEvents('pgbadger__queryid.log');
  const described = statements(queryid)[1]!;
  assert.equal(described.origin.line, 2);
  assert.ok(described.text.startsWith('SELECT n.nspname as "Schema",\n  c.relname as "Name",\n'));
  assert.ok(described.text.endsWith("\n  AND pg_catalog.pg_table_is_visible(c.oid)\nORDER BY 1,2"));
});

// ---------------------------------------------------------------- fixtures

const FORMAT_READERS: Record<string, LogReader> = {
  'postgres-stderr': postgresStderrLogReader,
  'postgres-csv': postgresCsvLogReader,
  'postgres-json': postgresJsonLogReader,
};

function readFixture(name: string): { events: InputEvent[]; expectedLines: number[] } {
  const fixture = parseFixture(readFileSync(join(fixtureDir, name), 'utf8'), true);
  const reader = FORMAT_READERS[fixture.header.format ?? ''];
  assert.ok(reader, `${name}: format ${fixture.header.format}`);
  assert.equal(fixture.header.dialect, 'postgresql');
  const lines = fixture.body.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const { events } = feedLines(reader, lines, name);
  return { events, expectedLines: fixture.expected.map((key) => Number(key.split(':')[0])) };
}

test('fixtures: every PostgreSQL log fixture reads cleanly; each expectation sits on a statement', () => {
  const names = readdirSync(fixtureDir).filter((name) => !name.endsWith('.md')).sort();
  assert.ok(names.length >= 6);
  for (const name of names) {
    const { events, expectedLines } = readFixture(name);
    assert.deepEqual(events.filter((e) => e.kind === 'notice'), [], name);
    const statementLines = new Set(statements(events).map((e) => e.origin.line));
    for (const line of expectedLines) assert.ok(statementLines.has(line), `${name}: expect@${line} is no statement's line`);
  }
});

test('fixtures: the stderr, csvlog and jsonlog versions of the FOR UPDATE case read the same', () => {
  const shape = (name: string): string[] => statements(readFixture(name).events).map((e) => `${e.origin.session} ${e.text.replace(/\s+/g, ' ')}`);
  const stderr = shape('child-insert-before-parent-update.log').map((line) => line.replace(/^\d+ /, ''));
  const strip = (line: string): string => line.replace(/^\S+ /, '');
  // From the third statement on (the csvlog's CREATE TABLE book spans lines: spacing differs).
  assert.deepEqual(shape('child-insert-before-parent-update-csvlog.log').map(strip).slice(2), stderr.slice(2));
  assert.deepEqual(shape('child-insert-before-parent-update-jsonlog.log').map(strip).slice(2), stderr.slice(2));
  assert.deepEqual(stderr.slice(3), [
    'BEGIN',
    "INSERT INTO book (title, author_id) VALUES ('Carrie', 1)",
    'SELECT name FROM author WHERE id = 2',
    'SELECT count(*) AS "books" FROM book',
    'SELECT title FROM book WHERE author_id = 2',
    'SELECT * FROM author WHERE id = 1 FOR UPDATE',
    'COMMIT',
  ]);
});

test('fixtures: the extended-protocol fixture has its parameters in place', () => {
  const { events } = readFixture('select-ids-then-delete-in-extended-protocol.log');
  assert.deepEqual(
    statements(events).map((e) => [e.origin.line, e.origin.session, e.text]),
    [
      [7, '300', 'CREATE TABLE item (id int PRIMARY KEY, owner_id int NOT NULL, name text)'],
      [8, '301', 'BEGIN'],
      [9, '301', "SELECT id FROM item WHERE owner_id = '1'"],
      [11, '302', "SELECT name FROM item WHERE id = '7'"],
      [13, '302', "INSERT INTO item (id, owner_id, name) VALUES ('5', '1', 'lamp')"],
      [15, '301', "DELETE FROM item WHERE id IN ('3', '4')"],
      [17, '301', 'COMMIT'],
    ],
  );
});
