import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { InputEvent } from '../src/model/input.js';
import { mysqlGeneralLogReader } from '../src/input/logs/mysql-general.js';
import { mysqlSlowLogReader } from '../src/input/logs/mysql-slow.js';
import { feedLines, fileHead, logFixtureLines, noticeCodes, notices, readLogFile, readLogFileWithStats, sessionEnds, statements, unrecognisedLineCount } from './support/log-events.js';
import { CORPUS_DIR, FIXTURES_DIR } from './support/paths.js';

const corpusDir = join(CORPUS_DIR, 'mysql-slow');
const generalCorpusDir = join(CORPUS_DIR, 'mysql-general');
const fixtureDir = join(FIXTURES_DIR, 'logs', 'mysql-slow');
const corpusSkip = existsSync(corpusDir) ? false : 'corpus ../shared/corpus not present';

const parseLines = (lines: readonly string[]): InputEvent[] => feedLines(mysqlSlowLogReader, lines, 'slow.log').events;
const readFile = (path: string, displayName = 'slow.log'): Promise<InputEvent[]> => readLogFile(mysqlSlowLogReader, path, displayName);

// ---------------------------------------------------------------- corpus

/**
 * Counted by hand: records (`# Query_time:` lines, counted with grep), records whose body holds a statement (an `administrator command` or a bare
 * `;` is none), Quit commands with a thread id plus live threads at mid-file restarts, and
 * whether some statement has no thread id (the unknown-sessions notice).
 */
const CORPUS_COUNTS: Record<string, { records: number; statements: number; sessionEnds: number; unknownSessions: boolean }> = {
  'beats__mariadb-10.3.13.log': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: false },
  'beats__mysql-ubuntu-8.0.15.log': { records: 2, statements: 2, sessionEnds: 0, unknownSessions: false },
  'go-mysql__mariadb102-with-explain.log': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: false },
  'go-mysql__slow013.log': { records: 5, statements: 5, sessionEnds: 3, unknownSessions: false },
  'go-mysql__slow019.log': { records: 4, statements: 4, sessionEnds: 0, unknownSessions: false },
  'go-mysql__slow023.log': { records: 8, statements: 8, sessionEnds: 0, unknownSessions: false },
  'go-mysql__slow024.log': { records: 3, statements: 3, sessionEnds: 0, unknownSessions: true },
  'go-mysql__slow026.log': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: false },
  'go-mysql__slow027.log': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: false },
  'lnav__logfile_mysql_slow.log': { records: 6, statements: 6, sessionEnds: 0, unknownSessions: false },
  'mysql-utilities__sample-slow.log': { records: 12, statements: 9, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__bug_957442_sample.log': { records: 7, statements: 3, sessionEnds: 2, unknownSessions: false },
  'percona-toolkit__mysql5.7.log': { records: 2, statements: 2, sessionEnds: 0, unknownSessions: false },
  'percona-toolkit__pt-secure-collect-slow_80.log': { records: 310, statements: 294, sessionEnds: 12, unknownSessions: false },
  'percona-toolkit__slow-pt-243.txt': { records: 2, statements: 0, sessionEnds: 1, unknownSessions: false },
  'percona-toolkit__slow001.txt': { records: 2, statements: 2, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__slow002.txt': { records: 8, statements: 8, sessionEnds: 0, unknownSessions: false },
  'percona-toolkit__slow006.txt': { records: 6, statements: 6, sessionEnds: 0, unknownSessions: false },
  'percona-toolkit__slow008.txt': { records: 3, statements: 2, sessionEnds: 1, unknownSessions: false },
  'percona-toolkit__slow013.txt': { records: 5, statements: 4, sessionEnds: 1, unknownSessions: false },
  'percona-toolkit__slow014.txt': { records: 2, statements: 2, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__slow017.txt': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__slow020.txt': { records: 3, statements: 3, sessionEnds: 0, unknownSessions: false },
  'percona-toolkit__slow023.txt': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__slow029.txt': { records: 3, statements: 3, sessionEnds: 0, unknownSessions: false },
  'percona-toolkit__slow031.txt': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__slow034.txt': { records: 9, statements: 9, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__slow035.txt': { records: 2, statements: 2, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__slow036.txt': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__slow045.txt': { records: 2, statements: 2, sessionEnds: 0, unknownSessions: false },
  'percona-toolkit__slow046.txt': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: true },
  'percona-toolkit__slow056.txt': { records: 2, statements: 2, sessionEnds: 0, unknownSessions: false },
  'percona-toolkit__slow059.txt': { records: 3, statements: 3, sessionEnds: 0, unknownSessions: false },
  'percona-toolkit__slow061.txt': { records: 1, statements: 1, sessionEnds: 0, unknownSessions: false },
};

test('slow log corpus: every file reads, with the hand-counted statements, session ends and notices', { skip: corpusSkip }, async () => {
  const files = readdirSync(corpusDir).sort();
  assert.ok(files.length > 0);
  for (const name of files) {
    const { events, stats } = await readLogFileWithStats(mysqlSlowLogReader, join(corpusDir, name), name);
    assert.equal(unrecognisedLineCount(events), 0, `${name}: no unrecognised lines`);
    assert.equal(stats.unrecognisedLines, 0, name);
    const expected = CORPUS_COUNTS[name];
    if (!expected) continue;
    const found = statements(events);
    assert.deepEqual(
      { records: stats.records, statements: found.length, sessionEnds: sessionEnds(events).length, unknownSessions: found.some((s) => s.origin.session === null) },
      expected,
      name,
    );
    // Exactly one ordering notice, before the first statement; one unknown-sessions notice at most.
    const codes = noticeCodes(events);
    assert.deepEqual(codes.filter((code) => code === 'approximate-order').length, found.length > 0 ? 1 : 0, name);
    assert.deepEqual(codes.filter((code) => code === 'unknown-sessions').length, expected.unknownSessions ? 1 : 0, name);
    if (found.length > 0) assert.ok(events.findIndex((e) => e.kind === 'notice') < events.indexOf(found[0]!), name);
    // The server's preamble is never passed on as a statement.
    for (const statement of found) assert.doesNotMatch(statement.text, /^SET timestamp=\d+$/, name);
  }
});

test('slow log corpus: sniff claims every slow log and no general log', { skip: corpusSkip }, () => {
  for (const name of readdirSync(corpusDir)) {
    const head = fileHead(join(corpusDir, name));
    assert.equal(mysqlSlowLogReader.sniff(head), true, name);
    assert.equal(mysqlGeneralLogReader.sniff(head), false, name);
  }
  if (existsSync(generalCorpusDir)) {
    for (const name of readdirSync(generalCorpusDir)) {
      assert.equal(mysqlSlowLogReader.sniff(fileHead(join(generalCorpusDir, name))), false, name);
    }
  }
});

test('beats MariaDB 10.3: TAB header, Thread_id line, multi-line statement without its preamble', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'beats__mariadb-10.3.13.log'));
  assert.deepEqual(events.filter((e) => e.kind !== 'notice'), [
    { kind: 'dialect', dialect: 'mariadb', origin: { file: 'slow.log', line: 1, column: 1, session: null } },
    {
      kind: 'statement',
      text:
        'SELECT last_name, MAX(salary) AS salary FROM employees\n    INNER JOIN salaries ON employees.emp_no = salaries.emp_no\n' +
        '    GROUP BY last_name\n    ORDER BY salary DESC\n    LIMIT 10',
      origin: { file: 'slow.log', line: 14, column: 1, session: '37', time: '190324 16:03:00' },
    },
  ]);
  assert.deepEqual(notices(events), [
    {
      kind: 'notice',
      code: 'approximate-order',
      severity: 'warning',
      origin: { file: 'slow.log', line: 14, column: 1, session: null },
      message:
        'slow query log: records are written when statements finish, not when they start, so statement order is approximate and transaction grouping may be wrong',
    },
  ]);
});

test('beats MySQL 8.0.15: Id on User@Host, log_slow_extra fields on the Query_time line', { skip: corpusSkip }, async () => {
  const found = statements(await readFile(join(corpusDir, 'beats__mysql-ubuntu-8.0.15.log')));
  assert.deepEqual(found.map((s) => [s.origin.line, s.origin.session, s.origin.time]), [
    [9, '14', '2019-03-24T14:01:47.811234Z'],
    [15, '16', '2019-03-24T14:04:53.713951Z'],
  ]);
  assert.ok(found[1]!.text.endsWith('\n    LIMIT 10'));
});

test('go-mysql slow013: restart headers mid-file end the live sessions', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'go-mysql__slow013.log'));
  assert.deepEqual(
    events.filter((e) => e.kind === 'statement' || e.kind === 'session-end').map((e) => [e.kind, e.origin.line, e.origin.session]),
    [
      ['statement', 8, '208333'],
      ['statement', 16, '208345'],
      ['session-end', 17, '208333'],
      ['session-end', 17, '208345'],
      ['statement', 95, '50'],
      ['session-end', 96, '50'],
      ['statement', 106, '45006'],
      ['statement', 114, '45321'],
    ],
  );
  assert.equal(statements(events)[2]!.text, 'select count(*) into @discard from `information_schema`.`PARTITIONS`');
  assert.deepEqual(events.filter((e) => e.kind === 'dialect').length, 1, 'the same dialect is named once');
});

test('percona slow002: one-line Time + User@Host header, SET insert_id preamble', { skip: corpusSkip }, async () => {
  const found = statements(await readFile(join(corpusDir, 'percona-toolkit__slow002.txt')));
  assert.deepEqual(found[0], { kind: 'statement', text: 'BEGIN', origin: { file: 'slow.log', line: 7, column: 1, session: '10', time: '071218 11:48:27' } });
  assert.equal(found[1]!.text, 'update db2.tuningdetail_21_265507 n\n      inner join db1.gonzo a using(gonzo) \n      set n.column1 = a.column1, n.word3 = a.word3');
  assert.deepEqual([found[4]!.text, found[4]!.origin.line], ["INSERT INTO db1.conch (word3, vid83)\nVALUES ('211', '18')", 50]);
  assert.ok(found.every((s) => s.origin.session === '10'));
});

test('go-mysql slow027: a 40 KB string literal with blank lines is one statement', { skip: corpusSkip }, async () => {
  const path = join(corpusDir, 'go-mysql__slow027.log');
  const found = statements(await readFile(path));
  assert.equal(found.length, 1);
  const fileLines = readFileSync(path, 'utf8').split('\n');
  if (fileLines.at(-1) === '') fileLines.pop();
  assert.equal(fileLines[8]!.slice(0, 7), 'select ');
  const expected = fileLines.slice(8).join('\n').replace(/;\s*$/, '');
  assert.equal(found[0]!.text, expected);
  assert.ok(found[0]!.text.length > 40_000);
  assert.ok(found[0]!.text.includes('\n\n'));
  assert.deepEqual(found[0]!.origin, { file: 'slow.log', line: 9, column: 1, session: '17', time: '2017-12-13T02:41:18.673330Z' });
});

test('pt-secure-collect slow_80 (large): Quit commands end sessions, Init DB and Ping are no statements', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'percona-toolkit__pt-secure-collect-slow_80.log'));
  const ends = sessionEnds(events);
  assert.deepEqual(ends.slice(0, 2).map((end) => [end.session, end.origin.line]), [['3', 13], ['4', 28]]);
  const found = statements(events);
  assert.deepEqual(found.slice(0, 2).map((s) => [s.text, s.origin.line, s.origin.session]), [
    ['select @@version_comment limit 1', 18, '4'],
    ['SHOW /*!40100 ENGINE*/ INNODB STATUS', 23, '4'],
  ]);
  assert.ok(!found.some((s) => s.text.startsWith('use ') || s.text.startsWith('# administrator')));
});

test('go-mysql slow023 (no Time lines): no time, sessions from Id, `use` after SET timestamp is the application\'s', { skip: corpusSkip }, async () => {
  const found = statements(await readFile(join(corpusDir, 'go-mysql__slow023.log')));
  assert.ok(found.every((s) => s.origin.time === undefined));
  assert.deepEqual(found.map((s) => [s.origin.line, s.origin.session, s.text]).slice(0, 6), [
    [8, '56601', "SELECT field FROM table_a WHERE some_other_field = 'yahoo' LIMIT 1"],
    [12, '56604', 'SET NAMES utf8'],
    [16, '56603', 'SET GLOBAL slow_query_log=ON'],
    [20, '56604', 'SELECT @@SESSION.sql_mode'],
    [24, '56601', "SELECT field FROM table_b WHERE another_field = 'bazinga' AND site_id = 1"],
    [28, '56458', 'use `dbnameb`'],
  ]);
});

test('go-mysql slow024 (malformed headers): empty Time and User@Host values', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'go-mysql__slow024.log'));
  assert.deepEqual(statements(events).map((s) => [s.text, s.origin.line, s.origin.session, s.origin.time]), [
    ['select sleep(1) from n', 8, null, '071015 21:43:52'],
    ['select sleep(2) from n', 13, null, '071015 21:43:52'],
    ['select sleep(3) from n', 18, null, '071015 21:43:52'],
  ]);
  assert.deepEqual(noticeCodes(events), ['approximate-order', 'unknown-sessions']);
});

test('percona slow017: a corrupt Query_time value does not matter', { skip: corpusSkip }, async () => {
  const found = statements(await readFile(join(corpusDir, 'percona-toolkit__slow017.txt')));
  assert.deepEqual(found, [
    { kind: 'statement', text: 'SELECT * FROM mytbl', origin: { file: 'slow.log', line: 4, column: 1, session: null, time: '081116 15:07:11' } },
  ]);
});

test('percona slow013: application SETs are kept, administrator Quit ends the session', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'percona-toolkit__slow013.txt'));
  assert.deepEqual(
    events.filter((e) => e.kind !== 'notice').map((e) => [e.kind, e.origin.line, e.origin.session, e.kind === 'statement' ? e.text : '']),
    [
      ['statement', 4, '39796', 'SET autocommit=1'],
      ['statement', 10, '39947', 'SHOW STATUS'],
      ['session-end', 15, '39947', ''],
      ['statement', 20, '39796', 'SET autocommit=0'],
      ['statement', 24, '39796', 'commit'],
    ],
  );
});

// ---------------------------------------------------------------- inline lines

const HEADER = (threadId: number | null, time?: string): string[] => [
  ...(time ? [`# Time: ${time}`] : []),
  `# User@Host: app[app] @ localhost []${threadId === null ? '' : `  Id: ${String(threadId).padStart(5)}`}`,
  '# Query_time: 0.000100  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0',
];

test('preambles are stripped; the application\'s own SET and a `use` after SET timestamp are kept', () => {
  const events = parseLines([
    ...HEADER(4, '2025-11-22T03:04:05.000001Z'),
    'use shop;',
    'SET last_insert_id=7,insert_id=8,timestamp=1763780645;',
    'SET autocommit=0;',
    ...HEADER(4),
    'SET timestamp=1763780645;',
    'use other;',
    ...HEADER(4),
    'SET timestamp=1763780645;',
    'SET timestamp=1;',
  ]);
  assert.deepEqual(statements(events).map((s) => [s.text, s.origin.line, s.origin.time]), [
    ['SET autocommit=0', 6, '2025-11-22T03:04:05.000001Z'],
    ['use other', 10, '2025-11-22T03:04:05.000001Z'],
    ['SET timestamp=1', 14, '2025-11-22T03:04:05.000001Z'],
  ]);
});

test('the approximate-order notice comes once, before the first statement, and not at all without statements', () => {
  const events = parseLines([...HEADER(1, '251122  3:04:05'), 'SELECT 1;', ...HEADER(1), 'SELECT 2;']);
  assert.deepEqual(events.map((e) => e.kind), ['notice', 'statement', 'statement']);
  assert.equal(notices(events)[0]!.code, 'approximate-order');
  assert.match(notices(events)[0]!.message, /order is approximate/);
  assert.match(notices(events)[0]!.message, /transaction grouping may be wrong/);
  assert.deepEqual(parseLines([...HEADER(1), '# administrator command: Ping;']), []);
});

test('statement lines: `#` comment lines and blank lines inside a statement, no trailing `;`, record header ends it', () => {
  const events = parseLines([
    ...HEADER(2),
    'SELECT a',
    '# not a header: a comment inside the statement',
    '',
    'FROM t',
    '',
    ...HEADER(2),
    'SELECT b',
  ]);
  assert.deepEqual(statements(events).map((s) => [s.text, s.origin.line]), [
    ['SELECT a\n# not a header: a comment inside the statement\n\nFROM t', 3],
    ['SELECT b', 10],
  ]);
});

test('administrator commands: Quit ends the session, Connect on a live id ends the old one', () => {
  const events = parseLines([
    ...HEADER(5),
    'SELECT 1;',
    ...HEADER(5),
    '# administrator command: Connect;',
    ...HEADER(5),
    'SET timestamp=1763780645;',
    '# administrator command: Quit;',
    ...HEADER(null),
    '# administrator command: Quit;',
  ]);
  assert.deepEqual(
    events.filter((e) => e.kind !== 'notice').map((e) => [e.kind, e.origin.line, e.origin.session]),
    [
      ['statement', 3, '5'],
      ['session-end', 6, '5'],
      ['session-end', 10, '5'],
    ],
  );
});

test('a restart header inside a record body closes the record and ends live sessions', () => {
  const events = parseLines([
    ...HEADER(8, '251122  3:04:05'),
    'SELECT 1',
    '/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:',
    'Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock',
    'Time\t\t    Id Command\tArgument',
    ...HEADER(8),
    'SELECT 2;',
  ]);
  assert.deepEqual(
    events.filter((e) => e.kind !== 'notice').map((e) => [e.kind, e.origin.line, e.origin.session, e.origin.time]),
    [
      ['statement', 4, '8', '251122  3:04:05'],
      ['session-end', 5, '8', undefined],
      ['dialect', 5, null, undefined],
      ['statement', 10, '8', undefined],
    ],
  );
});

test('unrecognised lines before any record: one notice per run', () => {
  const events = parseLines(['', 'garbage', 'more garbage', '', ...HEADER(3), 'SELECT 1;']);
  const [first] = notices(events);
  assert.deepEqual(first, {
    kind: 'notice',
    code: 'unrecognised-lines',
    severity: 'warning',
    origin: { file: 'slow.log', line: 2, column: 1, session: null },
    message: '2 unrecognised lines (first: "garbage")',
  });
  assert.deepEqual(statements(events).map((s) => s.origin.line), [7]);
});

test('corrupt header values do not crash; a thread id that is not a number is no thread id', () => {
  const events = parseLines([
    '# Time: ',
    '# User@Host: x[x] @ h []  Id: abc',
    '# Thread_id:',
    '# Query_time: 18446744073708.796870.000036  Lock_time: x',
    'SELECT 1;',
  ]);
  assert.deepEqual(statements(events)[0]!.origin, { file: 'slow.log', line: 5, column: 1, session: null });
});

test('sniff: slow logs yes; general logs, PostgreSQL logs and SQL files no', () => {
  assert.equal(mysqlSlowLogReader.sniff(HEADER(1, '251122  3:04:05')), true);
  assert.equal(mysqlSlowLogReader.sniff(['# Time: 251122  3:04:05', '# Thread_id: 9  Schema: shop', '# Query_time: 1.0']), true);
  assert.equal(mysqlSlowLogReader.sniff(['# Time: 2025 was a good year']), false);
  assert.equal(mysqlSlowLogReader.sniff(['251122  3:04:05\t     10 Query\tSELECT 1']), false);
  assert.equal(mysqlSlowLogReader.sniff(['2024-01-02 10:00:00.123 UTC [123] LOG:  statement: SELECT 1']), false);
  assert.equal(mysqlSlowLogReader.sniff(['-- a comment', 'SELECT 1;']), false);
});

test('CRLF and gzip are transparent through readLogEvents', async () => {
  const lines = [...HEADER(6, '251122  3:04:05'), 'use shop;', 'SET timestamp=1763780645;', 'UPDATE author', "SET country = 'USA' WHERE id = 1;"];
  const expected = parseLines(lines);
  assert.equal(statements(expected)[0]!.text, "UPDATE author\nSET country = 'USA' WHERE id = 1");
  const dir = mkdtempSync(join(tmpdir(), 'locklint-mysql-slow-'));
  try {
    const crlf = join(dir, 'slow.log');
    writeFileSync(crlf, lines.join('\r\n'));
    assert.deepEqual(await readFile(crlf), expected);
    const gz = join(dir, 'slow.log.gz');
    writeFileSync(gz, gzipSync(lines.join('\n') + '\n'));
    assert.deepEqual(await readFile(gz), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- fixtures

test('slow-log fixtures: read cleanly, and every expect@N points at a statement line', () => {
  const files = readdirSync(fixtureDir).filter((name) => name.endsWith('.log'));
  assert.ok(files.length >= 1);
  for (const name of files) {
    const { lines, expectedLines } = logFixtureLines(join(fixtureDir, name));
    assert.equal(mysqlSlowLogReader.sniff(lines), true, name);
    const events = parseLines(lines);
    assert.deepEqual(noticeCodes(events), ['approximate-order'], name);
    const statementLines = new Set(statements(events).map((s) => s.origin.line));
    assert.ok(expectedLines.length > 0, name);
    for (const line of expectedLines) assert.ok(statementLines.has(line), `${name}: expect@${line} is a statement line`);
    if (name === 'child-insert-before-parent-update.log') {
      assert.deepEqual(statements(events).filter((s) => s.origin.session === '10').map((s) => s.text), [
        'START TRANSACTION',
        "INSERT INTO book (title, author_id) VALUES ('Carrie', 1)",
        "UPDATE author SET country = 'USA' WHERE id = 1",
        'COMMIT',
      ]);
    }
  }
});
