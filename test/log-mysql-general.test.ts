import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { InputEvent } from '../src/model/input.js';
import { mysqlGeneralLogReader } from '../src/input/logs/mysql-general.js';
import { readLogEvents } from '../src/input/logs/read.js';
import { feedLines, fileHead, logFixtureLines, notices, readLogFile, readLogFileWithStats, sessionEnds, statements, unrecognisedLineCount } from './support/log-events.js';
import { CORPUS_DIR, FIXTURES_DIR } from './support/paths.js';

const corpusDir = join(CORPUS_DIR, 'mysql-general');
const slowCorpusDir = join(CORPUS_DIR, 'mysql-slow');
const fixtureDir = join(FIXTURES_DIR, 'logs', 'mysql-general');
const corpusSkip = existsSync(corpusDir) ? false : 'corpus ../shared/corpus not present';

const parseLines = (lines: readonly string[]): InputEvent[] => feedLines(mysqlGeneralLogReader, lines, 'general.log').events;
const readFile = (path: string, displayName = 'general.log'): Promise<InputEvent[]> => readLogFile(mysqlGeneralLogReader, path, displayName);

// ---------------------------------------------------------------- corpus

/**
 * Counted by hand from the files: records (lines with a thread id and command, counted with
 * grep), Query/Execute records, Quit records (plus reused-id Connects and restarts, none here),
 * and lines that are no record, header or continuation.
 */
const CORPUS_COUNTS: Record<string, { records: number; statements: number; sessionEnds: number; unrecognised: number }> = {
  'lnav__logfile_mysql_gen.log': { records: 14, statements: 9, sessionEnds: 2, unrecognised: 0 },
  'mysql-utilities__sample-general.log': { records: 12, statements: 8, sessionEnds: 1, unrecognised: 0 },
  'percona-toolkit__genlog001.txt': { records: 7, statements: 2, sessionEnds: 2, unrecognised: 0 },
  'percona-toolkit__genlog002.txt': { records: 2, statements: 2, sessionEnds: 0, unrecognised: 0 },
  'percona-toolkit__genlog003.txt': { records: 7, statements: 2, sessionEnds: 2, unrecognised: 0 },
  'percona-toolkit__genlog004.txt': { records: 4, statements: 1, sessionEnds: 0, unrecognised: 0 },
  'percona-toolkit__genlog005.txt': { records: 13, statements: 11, sessionEnds: 0, unrecognised: 0 },
  'percona-toolkit__log001.txt': { records: 11, statements: 4, sessionEnds: 3, unrecognised: 0 },
  'percona-toolkit__pt-1573-general-log-system.log': { records: 5, statements: 3, sessionEnds: 1, unrecognised: 0 },
  'percona-toolkit__pt-upgrade-genlog001.txt': { records: 7, statements: 2, sessionEnds: 2, unrecognised: 0 },
};

test('general log corpus: every file reads, with the hand-counted statements, session ends and unrecognised lines', { skip: corpusSkip }, async () => {
  const files = readdirSync(corpusDir).sort();
  assert.ok(files.length > 0);
  for (const name of files) {
    const { events, stats } = await readLogFileWithStats(mysqlGeneralLogReader, join(corpusDir, name), name);
    const expected = CORPUS_COUNTS[name];
    const actual = { records: stats.records, statements: statements(events).length, sessionEnds: sessionEnds(events).length, unrecognised: unrecognisedLineCount(events) };
    if (expected) assert.deepEqual(actual, expected, name);
    else assert.equal(actual.unrecognised, 0, `${name}: no unrecognised lines`);
    for (const event of events) assert.equal(event.origin.file, name);
  }
});

test('general log corpus: sniff claims every general log and no slow log', { skip: corpusSkip }, () => {
  for (const name of readdirSync(corpusDir)) {
    assert.equal(mysqlGeneralLogReader.sniff(fileHead(join(corpusDir, name))), true, name);
  }
  if (existsSync(slowCorpusDir)) {
    for (const name of readdirSync(slowCorpusDir)) {
      assert.equal(mysqlGeneralLogReader.sniff(fileHead(join(slowCorpusDir, name))), false, name);
    }
  }
});

test('genlog001 (classic): indented multi-line SELECT, untimed record carries the last timestamp', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'percona-toolkit__genlog001.txt'));
  const [first, second] = statements(events);
  assert.deepEqual(first, {
    kind: 'statement',
    text: 'SELECT foo \n                         FROM tbl\n                         WHERE col=12345\n                         ORDER BY col',
    origin: { file: 'general.log', line: 2, column: 1, session: '42', time: '051007 21:55:24' },
  });
  assert.equal(second!.text, 'SELECT DISTINCT col FROM tbl WHERE foo=20061219');
  assert.deepEqual(second!.origin, { file: 'general.log', line: 9, column: 1, session: '11', time: '061226 15:42:36' });
  assert.deepEqual(
    sessionEnds(events).map((end) => [end.session, end.origin.line, end.origin.time]),
    [['42', 6, '051007 21:55:24'], ['11', 10, '061226 16:44:48']],
  );
});

test('genlog002 (space separated): the untimed, TAB-less record starts a new statement', { skip: corpusSkip }, async () => {
  const [first, second] = statements(await readFile(join(corpusDir, 'percona-toolkit__genlog002.txt')));
  assert.equal(first!.text, "SELECT category_id\n                FROM auction_category_map \n                WHERE auction_id = '3015563'");
  assert.deepEqual(first!.origin, { file: 'general.log', line: 1, column: 1, session: '51', time: '100211  0:55:24' });
  assert.equal(second!.origin.line, 4);
  assert.equal(second!.origin.time, '100211  0:55:24');
  assert.ok(second!.text.startsWith('SELECT auction_id, auction_title_en AS title, close_time,\n'));
  assert.ok(second!.text.endsWith('\n                ORDER BY close_time ASC\n                LIMIT 500'));
  assert.equal(second!.text.split('\n').length, 13);
});

test('genlog003 (spaced time, spaces+TAB untimed prefix)', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'percona-toolkit__genlog003.txt'));
  assert.deepEqual(statements(events).map((s) => [s.origin.line, s.origin.session, s.origin.time]), [
    [2, '42', '051007   21:55:24'],
    [9, '11', '051007   21:55:24'],
  ]);
  assert.deepEqual(sessionEnds(events).map((end) => [end.session, end.origin.line]), [['42', 6], ['11', 10]]);
});

test('genlog004 (no timestamps at all): refused login is no session, BEGIN is a statement', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'percona-toolkit__genlog004.txt'));
  assert.deepEqual(events, [
    { kind: 'statement', text: 'BEGIN', origin: { file: 'general.log', line: 3, column: 1, session: '31519' } },
  ]);
});

test('genlog005 (ISO, header, interleaved threads)', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'percona-toolkit__genlog005.txt'));
  assert.deepEqual(events[0], { kind: 'dialect', dialect: 'mysql', origin: { file: 'general.log', line: 1, column: 1, session: null } });
  const found = statements(events);
  assert.deepEqual(found.map((s) => s.origin.session), ['4', '4', '6', '6', '6', '6', '6', '5', '6', '5', '5']);
  assert.deepEqual(found[0]!.origin, { file: 'general.log', line: 6, column: 1, session: '4', time: '2016-06-07T19:07:02.558713Z' });
  assert.equal(found[0]!.text, "SET CHARACTER SET 'utf8mb4'");
});

test('pt-1573 (+08:00 offsets)', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'percona-toolkit__pt-1573-general-log-system.log'));
  assert.deepEqual(statements(events).map((s) => s.text), ['set autocommit=0', 'set autocommit=1', "show global status like 'Threads_connected'"]);
  assert.deepEqual(statements(events)[0]!.origin, {
    file: 'general.log', line: 5, column: 1, session: '257426', time: '2018-09-07T18:45:40.098511+08:00',
  });
  assert.deepEqual(sessionEnds(events).map((end) => [end.session, end.origin.line]), [['257426', 8]]);
});

test('log001 (5.0 header, padded commands, unindented CREATE TABLE continuation)', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'percona-toolkit__log001.txt'));
  const found = statements(events);
  assert.deepEqual(found.map((s) => s.text), [
    'select @@version_comment limit 1',
    'show databases',
    'show tables',
    'CREATE TABLE `t1` (\n  `a` int(11) default NULL\n) ENGINE=MyISAM DEFAULT CHARSET=latin1',
  ]);
  assert.deepEqual(found[3]!.origin, { file: 'general.log', line: 13, column: 1, session: '9', time: '071002  8:08:25' });
  assert.deepEqual(sessionEnds(events).map((end) => [end.session, end.origin.line]), [['7', 4], ['8', 7], ['9', 16]]);
});

test('lnav (MySQL 8 ISO): Init DB and Field List are not statements; Quit with a TAB and nothing after', { skip: corpusSkip }, async () => {
  const events = await readFile(join(corpusDir, 'lnav__logfile_mysql_gen.log'));
  assert.deepEqual(statements(events).map((s) => s.origin.line), [4, 5, 8, 9, 11, 12, 14, 15, 16]);
  assert.equal(statements(events)[7]!.text, "insert into testtab values (1, 'two')");
  assert.deepEqual(sessionEnds(events).map((end) => [end.session, end.origin.line, end.origin.time]), [
    ['9', 6, '2025-08-15T14:04:35.806005Z'],
    ['10', 17, '2025-08-15T14:04:55.780575Z'],
  ]);
});

// ---------------------------------------------------------------- inline lines

const CONNECT = (id: number, time?: string) => RECORD(id, 'Connect', 'app@localhost on shop using Socket', time);
const RECORD = (id: number, command: string, argument: string, time?: string) =>
  `${time === undefined ? '\t\t' : `${time}\t`}${String(id).padStart(7)} ${command}\t${argument}`;

test('a thread id reused after Quit is a new session: one session-end, at the Quit', () => {
  const events = parseLines([
    CONNECT(5, '251122  3:04:05'),
    RECORD(5, 'Query', 'SELECT id FROM item WHERE owner_id = 1'),
    RECORD(5, 'Quit', ''),
    CONNECT(5),
    RECORD(5, 'Query', 'DELETE FROM item WHERE id IN (3, 4)'),
  ]);
  assert.deepEqual(events.map((e) => [e.kind, e.origin.line, e.origin.session]), [
    ['statement', 2, '5'],
    ['session-end', 3, '5'],
    ['statement', 5, '5'],
  ]);
});

test('a Connect for a live thread id ends the old session first', () => {
  const events = parseLines([
    CONNECT(5, '251122  3:04:05'),
    RECORD(5, 'Query', 'SELECT 1'),
    CONNECT(5),
    RECORD(5, 'Query', 'SELECT 2'),
  ]);
  assert.deepEqual(events.map((e) => [e.kind, e.origin.line, e.origin.session]), [
    ['statement', 2, '5'],
    ['session-end', 3, '5'],
    ['statement', 4, '5'],
  ]);
});

test('a restart header mid-file ends every open session, names the dialect and drops the carried time', () => {
  const events = parseLines([
    '/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:',
    'Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock',
    'Time                 Id Command    Argument',
    CONNECT(3, '251122  3:04:05'),
    CONNECT(4),
    RECORD(6, 'Query', 'BEGIN'),
    RECORD(4, 'Quit', ''),
    RECORD(3, 'Query', 'SELECT 1'),
    'FROM dual',
    '/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:',
    'Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock',
    'Time\t\t    Id Command\tArgument',
    RECORD(3, 'Query', 'SELECT 2'),
  ]);
  assert.deepEqual(
    events.map((e) => [e.kind, e.origin.line, e.origin.session, e.kind === 'dialect' ? e.dialect : e.kind === 'statement' ? e.text : '']),
    [
      ['dialect', 1, null, 'mysql'],
      ['statement', 6, '6', 'BEGIN'],
      ['session-end', 7, '4', ''],
      ['statement', 8, '3', 'SELECT 1\nFROM dual'],
      ['session-end', 10, '3', ''],
      ['session-end', 10, '6', ''],
      ['dialect', 10, null, 'mariadb'],
      ['statement', 13, '3', 'SELECT 2'],
    ],
  );
  assert.equal(statements(events)[2]!.origin.time, undefined, 'no timestamp printed since the restart');
});

test('Prepare is not a statement, Execute is, Close stmt is neither', () => {
  const events = parseLines([
    CONNECT(10, '251122  3:04:05'),
    RECORD(10, 'Prepare', 'UPDATE author'),
    '   SET country = ? WHERE id = ?',
    RECORD(10, 'Execute', 'UPDATE author'),
    "   SET country = 'USA' WHERE id = 1",
    RECORD(10, 'Close stmt', ''),
    RECORD(10, 'Reset stmt', ''),
  ]);
  assert.deepEqual(events, [
    {
      kind: 'statement',
      text: "UPDATE author\n   SET country = 'USA' WHERE id = 1",
      origin: { file: 'general.log', line: 4, column: 1, session: '10', time: '251122  3:04:05' },
    },
  ]);
});

test('continuation lines: unindented, blank inside a literal, trailing blanks and semicolon dropped', () => {
  const events = parseLines([
    '',
    '',
    RECORD(7, 'Query', "INSERT INTO note (body) VALUES ('first", '251122  3:04:05'),
    '',
    "last');",
    '',
    RECORD(7, 'Query', 'COMMIT'),
  ]);
  assert.deepEqual(statements(events).map((s) => [s.text, s.origin.line]), [
    ["INSERT INTO note (body) VALUES ('first\n\nlast')", 3],
    ['COMMIT', 7],
  ]);
  assert.equal(notices(events).length, 0, 'blank lines at the start (blanked fixture headers) are fine');
});

test('unrecognised lines: one notice per run, with its count and first line', () => {
  const events = parseLines([
    'this is not a log',
    'neither is this',
    RECORD(3, 'Query', 'SELECT 1', '251122  3:04:05'),
    RECORD(3, 'Quit', ''),
    'junk after a Quit, which takes no continuation',
    '',
    'more junk',
    '42',
    RECORD(4, 'Query', 'SELECT 2'),
  ]);
  assert.deepEqual(
    events.map((e) => [e.kind, e.origin.line, e.kind === 'notice' ? e.message : '']),
    [
      ['notice', 1, '2 unrecognised lines (first: "this is not a log")'],
      ['statement', 3, ''],
      ['session-end', 4, ''],
      ['notice', 5, '3 unrecognised lines (first: "junk after a Quit, which takes no continuation")'],
      ['statement', 9, ''],
    ],
  );
  const notice = notices(events)[0]!;
  assert.equal(notice.code, 'unrecognised-lines');
  assert.equal(notice.severity, 'warning');
  assert.equal(notice.origin.session, null);
});

test('a long unrecognised line is excerpted', () => {
  const [notice] = notices(parseLines(['x'.repeat(500)]));
  assert.equal(notice!.message, `1 unrecognised line (first: "${'x'.repeat(60)}...")`);
});

test('command names: known multi-word names, padded names, unknown names closed by a TAB', () => {
  const events = parseLines([
    RECORD(1, 'Binlog Dump GTID', 'Log: \'\' Pos: 4 GTIDs: \'\'', '2025-08-15T14:03:50.259438Z'),
    '2025-08-15T14:03:50.259438Z\t    2 Field List  t1 ',
    '2025-08-15T14:03:50.259438Z\t    2 Change user app on shop',
    RECORD(2, 'Some Future', 'thing'),
    'which continues',
    '\t\t    2 Query       SELECT 1',
    '                    2 Query       SELECT 2',
  ]);
  assert.deepEqual(statements(events).map((s) => [s.text, s.origin.line]), [['SELECT 1', 6], ['SELECT 2', 7]]);
  assert.equal(notices(events).length, 0);
});

test('indented SQL that merely starts with digits stays a continuation', () => {
  const events = parseLines([
    RECORD(3, 'Query', 'SELECT *', '251122  3:04:05'),
    '  FROM t WHERE x IN (',
    '    12 AND y',
    '    42 Rows and more', // not a command name
    '  )',
  ]);
  assert.deepEqual(statements(events).map((s) => s.text), ['SELECT *\n  FROM t WHERE x IN (\n    12 AND y\n    42 Rows and more\n  )']);
});

test('sniff: general logs yes; slow logs, PostgreSQL logs and SQL files no', () => {
  assert.equal(mysqlGeneralLogReader.sniff(['Time                 Id Command    Argument']), true);
  assert.equal(mysqlGeneralLogReader.sniff(['', RECORD(10, 'Query', 'START TRANSACTION', '251122  3:04:05')]), true);
  assert.equal(mysqlGeneralLogReader.sniff([RECORD(10, 'Query', 'START TRANSACTION')]), true);
  assert.equal(mysqlGeneralLogReader.sniff(['2016-06-07T19:07:02.558338Z    3 Connect\tphpmyadmin@localhost on  using Socket']), true);
  assert.equal(
    mysqlGeneralLogReader.sniff([
      'Time\t\t    Id Command\tArgument',
      '# Time: 190324 16:03:00',
      '# User@Host: root[root] @ localhost []',
      '# Query_time: 2.461578  Lock_time: 0.000196  Rows_sent: 10  Rows_examined: 3145718',
    ]),
    false,
  );
  assert.equal(mysqlGeneralLogReader.sniff(['2024-01-02 10:00:00.123 UTC [123] LOG:  statement: SELECT 1']), false);
  assert.equal(mysqlGeneralLogReader.sniff(['2019-03-24T14:01:47.811234Z 0 [System] [MY-010116] [Server] starting']), false);
  assert.equal(mysqlGeneralLogReader.sniff(['START TRANSACTION;', "INSERT INTO book (title, author_id) VALUES ('Carrie', 1);", 'COMMIT;']), false);
  // Indented SQL that happens to look like a spaces-only untimed record is not enough to claim a file.
  assert.equal(mysqlGeneralLogReader.sniff(['SELECT *', '  FROM t', '    12 Query']), false);
  assert.equal(mysqlGeneralLogReader.sniff([]), false);
});

// ---------------------------------------------------------------- files: CRLF, gzip

test('CRLF line endings and gzip are transparent through readLogEvents', async () => {
  const lines = [
    '/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:',
    'Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock',
    'Time\t\t    Id Command\tArgument',
    RECORD(10, 'Query', 'START TRANSACTION', '251122  3:04:05'),
    RECORD(10, 'Query', "INSERT INTO book (title, author_id)"),
    "VALUES ('Carrie', 1)",
    RECORD(10, 'Quit', ''),
  ];
  const expected = parseLines(lines);
  assert.equal(statements(expected).length, 2);
  const dir = mkdtempSync(join(tmpdir(), 'locklint-mysql-general-'));
  try {
    const crlf = join(dir, 'crlf.log');
    writeFileSync(crlf, lines.join('\r\n') + '\r\n');
    assert.deepEqual(await readFile(crlf), expected);
    const gz = join(dir, 'general.log.gz');
    writeFileSync(gz, gzipSync(lines.join('\n') + '\n'));
    assert.deepEqual(await readFile(gz), expected);
    assert.equal(statements(expected)[1]!.text, "INSERT INTO book (title, author_id)\nVALUES ('Carrie', 1)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- fixtures

test('general-log fixtures: read cleanly, and every expect@N points at a statement record', () => {
  const files = readdirSync(fixtureDir).filter((name) => name.endsWith('.log'));
  assert.ok(files.length >= 6);
  for (const name of files) {
    const { lines, expectedLines } = logFixtureLines(join(fixtureDir, name));
    assert.equal(mysqlGeneralLogReader.sniff(lines), true, name);
    const events = parseLines(lines);
    assert.equal(notices(events).length, 0, name);
    assert.deepEqual(events.filter((e) => e.kind === 'dialect').map((e) => (e.kind === 'dialect' ? e.dialect : '')), ['mariadb'], name);
    const statementLines = new Set(statements(events).map((s) => s.origin.line));
    for (const line of expectedLines) assert.ok(statementLines.has(line), `${name}: expect@${line} is a statement line`);
  }
});

test('fixture child-insert-prepared-statements: the Execute records carry the statements', () => {
  const { lines } = logFixtureLines(join(fixtureDir, 'child-insert-prepared-statements.log'));
  const found = statements(parseLines(lines)).filter((s) => s.origin.session === '10');
  assert.deepEqual(found.map((s) => [s.origin.line, s.text]), [
    [24, 'START TRANSACTION'],
    [26, "INSERT INTO book (title, author_id) VALUES ('Carrie', 1)"],
    [32, "UPDATE author SET country = 'USA' WHERE id = 1"],
    [34, 'COMMIT'],
  ]);
});

test('fixture select-ids-thread-id-reused: the reused id ends the first session before the DELETE', () => {
  const { lines } = logFixtureLines(join(fixtureDir, 'select-ids-thread-id-reused.log'));
  const events = parseLines(lines).filter((e) => e.origin.session === '5');
  assert.deepEqual(events.map((e) => [e.kind, e.origin.line]), [
    ['statement', 17],
    ['session-end', 19],
    ['statement', 22],
    ['session-end', 24],
  ]);
});

test('a record holding several statements yields each of them, on its own line', async () => {
  const log = "251122  3:04:05\t     10 Query\tSTART TRANSACTION; INSERT INTO t VALUES ('a;b');\n\t\t     10 Query\tUPDATE a SET n = 1;\nCOMMIT\n";
  const texts: string[] = [];
  const lines: number[] = [];
  for await (const event of readLogEvents(mysqlGeneralLogReader, { displayName: 'x.log', stream: Readable.from([Buffer.from(log)]) })) {
    if (event.kind !== 'statement') continue;
    texts.push(event.text);
    lines.push(event.origin.line);
  }
  assert.deepEqual(texts, ['START TRANSACTION', "INSERT INTO t VALUES ('a;b')", 'UPDATE a SET n = 1', 'COMMIT']);
  assert.deepEqual(lines, [1, 1, 2, 3]);
});
