/**
 * The PostgreSQL stderr reader (also syslog and logplex), fed inline lines. Most samples are
 * lines a PostgreSQL 15 server wrote (log_statement=all and/or log_min_duration_statement=0,
 * driven by node-postgres), copied with their shape kept.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { InputEvent } from '../src/model/input.js';
import { compileLogLinePrefix } from '../src/input/logs/log-line-prefix.js';
import { detectStderrLayout, postgresStderrLogReader } from '../src/input/logs/postgres-stderr.js';
import { postgresCsvLogReader } from '../src/input/logs/postgres-csv.js';
import { postgresJsonLogReader } from '../src/input/logs/postgres-json.js';
import { feedLines, notices, readLogFile, serverErrors as errors, sessionEnds, statements, texts } from './support/log-events.js';

const parseLines = (lines: readonly string[], logLinePrefix?: string): InputEvent[] =>
  feedLines(postgresStderrLogReader, lines, 'postgresql.log', logLinePrefix === undefined ? {} : { logLinePrefix }).events;

// ---------------------------------------------------------------- prefixes

/** One line per style, as each prefix prints it, with the session key and time it must yield. */
const PREFIX_STYLES: readonly { prefix: string; lines: string[]; session: string; time: string }[] = [
  {
    prefix: '%m [%p] ',
    lines: ['2024-05-02 10:15:00.101 UTC [100] LOG:  statement: SELECT 1'],
    session: '100',
    time: '2024-05-02 10:15:00.101 UTC',
  },
  {
    prefix: '%m [%p] %q%u@%d ',
    lines: [
      '2024-05-02 10:14:00.001 CEST [90] LOG:  checkpoint starting: time',
      '2024-05-02 10:15:00.101 CEST [101] app@shop LOG:  statement: SELECT 1',
    ],
    session: '101',
    time: '2024-05-02 10:15:00.101 CEST',
  },
  {
    prefix: '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
    lines: ['2017-09-06 08:41:41 UTC [36]: [121-1] user=postgres,db=postgres,app=pgbench,client=172.23.0.1 LOG:  duration: 2.280 ms  statement: SELECT 1'],
    session: '36',
    time: '2017-09-06 08:41:41 UTC',
  },
  {
    prefix: '%m [%p] [queryid=%Q] %u@%d ',
    lines: ['2022-02-17 14:45:10.440 UTC [691] [queryid=-1081270519976314062] postgres@stackoverflow LOG:  duration: 0.140 ms  statement: SELECT 1'],
    session: '691',
    time: '2022-02-17 14:45:10.440 UTC',
  },
  {
    prefix: '%m [%p] user=%u,db=%d ',
    lines: ['2021-12-03 07:14:48.591 UTC [4913] user=user1,db=mydb LOG:  statement: SELECT 1'],
    session: '4913',
    time: '2021-12-03 07:14:48.591 UTC',
  },
  {
    prefix: '%t:%r:%u@%d:[%p]:',
    lines: [
      '2020-03-11 20:40:43 CET::@:[12760]:LOG:  database system is ready to accept connections',
      '2020-03-11 20:40:50 CET:192.168.1.201(50906):gilles@pgbench:[12795]:LOG:  statement: SELECT 1',
    ],
    session: '12795',
    time: '2020-03-11 20:40:50 CET',
  },
  {
    prefix: '%m|%u|%d|%c|',
    lines: ['2010-12-31 10:59:52.241 UTC|postgres|postgres|4d1db7a8.4236|LOG:  statement: SELECT 1'],
    session: '4d1db7a8.4236',
    time: '2010-12-31 10:59:52.241 UTC',
  },
  {
    prefix: '%t [%p]: [%l-1] [%x] usr=%u,db=%d,appli=%a ',
    lines: ['2023-03-07 09:06:08 CET [130096]: [247-1] [0] usr=usr6,db=progdb,appli=PostgreSQL JDBC Driver LOG:  statement: SELECT 1'],
    session: '130096',
    time: '2023-03-07 09:06:08 CET',
  },
  {
    prefix: '%t [%p-%l] ',
    lines: ['2024-05-02 10:15:00 UTC [100-1] LOG:  statement: SELECT 1'],
    session: '100',
    time: '2024-05-02 10:15:00 UTC',
  },
  {
    prefix: '%m %c ',
    lines: ['2024-05-02 10:15:00.101 UTC 66336a53.64 LOG:  statement: SELECT 1'],
    session: '66336a53.64',
    time: '2024-05-02 10:15:00.101 UTC',
  },
  {
    prefix: '%t [%p]: db=%d,user=%u,app=%a,client=%h ',
    lines: ['2021-02-14 01:34:02 CET [30291]: db=template1,user=postgres,app=psql,client=[local] LOG:  statement: SELECT 1'],
    session: '30291',
    time: '2021-02-14 01:34:02 CET',
  },
];

for (const style of PREFIX_STYLES) {
  test(`prefix ${JSON.stringify(style.prefix)} is detected and yields session and time`, () => {
    const layout = detectStderrLayout(style.lines);
    assert.equal(layout.prefix.source, style.prefix);
    assert.equal(layout.envelope, undefined);
    const [statement] = statements(parseLines(style.lines));
    assert.ok(statement);
    assert.equal(statement.text, 'SELECT 1');
    assert.deepEqual(statement.origin, { file: 'postgresql.log', line: style.lines.length, column: 1, session: style.session, time: style.time });
  });
}

test('an unknown prefix falls back to the heuristic: leading time, [pid]', () => {
  const lines = ['<2024-05-02 10:15:00.101 UTC> pid=[77] LOG:  statement: SELECT 1'];
  assert.equal(detectStderrLayout(lines).prefix.source, 'heuristic');
  const [statement] = statements(parseLines(lines));
  assert.equal(statement?.origin.session, '77');
  assert.equal(statement?.origin.time, '2024-05-02 10:15:00.101 UTC');
});

test('--log-line-prefix given: compiled as stated (padding, %%, %q, %e, %c)', () => {
  const prefix = '%t %-6p%% %c %q<%u %e> ';
  const lines = [
    '2024-05-02 10:15:00 UTC 7     % 66336a53.7 LOG:  database system is ready to accept connections',
    '2024-05-02 10:15:01 UTC 101   % 66336a53.65 <app 00000> LOG:  statement: BEGIN',
    '2024-05-02 10:15:02 UTC 101   % 66336a53.65 <app 40P01> ERROR:  deadlock detected',
    '2024-05-02 10:15:02 UTC 101   % 66336a53.65 <app 40P01> STATEMENT:  UPDATE author SET name = name WHERE id = 2',
  ];
  const events = parseLines(lines, prefix);
  assert.deepEqual(texts(events), ['BEGIN']);
  assert.equal(statements(events)[0]!.origin.session, '66336a53.65');
  const [error] = errors(events);
  assert.deepEqual(error, {
    kind: 'server-error',
    session: '66336a53.65',
    origin: { file: 'postgresql.log', line: 3, column: 1, session: '66336a53.65', time: '2024-05-02 10:15:02 UTC' },
    code: '40P01',
    message: 'deadlock detected',
    statement: 'UPDATE author SET name = name WHERE id = 2',
  });
  assert.equal(notices(events).length, 0);
  // The compiled prefix by itself.
  const match = compileLogLinePrefix(prefix).match(lines[1]!);
  assert.deepEqual(match, { time: '2024-05-02 10:15:01 UTC', pid: '101', sessionId: '66336a53.65', sqlState: '00000', severity: 'LOG', message: 'statement: BEGIN' });
});

test('a --log-line-prefix that does not fit the file leaves its lines unrecognised, reported', () => {
  const events = parseLines(['2024-05-02 10:15:00.101 UTC [100] LOG:  statement: SELECT 1'], '%t|%p|');
  assert.equal(statements(events).length, 0);
  assert.deepEqual(
    notices(events).map((n) => n.message),
    ['1 unrecognised line (first: "2024-05-02 10:15:00.101 UTC [100] LOG:  statement: SELECT 1")'],
  );
});

// ---------------------------------------------------------------- message kinds

test('one statement per execution: log_statement=all with log_min_duration_statement=0 (bare durations ignored)', () => {
  // What PostgreSQL 15 writes: the statement, then only `duration: X ms` for it.
  const events = parseLines([
    '2026-11-22 02:19:32.165 UTC [15472] LOG:  statement: BEGIN',
    '2026-11-22 02:19:32.165 UTC [15472] LOG:  duration: 0.074 ms',
    '2026-11-22 02:19:32.173 UTC [15472] LOG:  statement: SELECT 1,',
    '\t  2',
    '\tFROM author',
    '2026-11-22 02:19:32.173 UTC [15472] LOG:  duration: 0.149 ms',
  ]);
  assert.deepEqual(texts(events), ['BEGIN', 'SELECT 1,\n  2\nFROM author']);
  assert.equal(statements(events)[1]!.origin.line, 3);
});

test('de-dup: a duration line repeating the statement just printed in the same session is the same execution', () => {
  const events = parseLines([
    '2024-05-02 10:15:00.100 UTC [101] LOG:  statement: UPDATE author SET name = $$x$$ WHERE id = 1',
    '2024-05-02 10:15:00.101 UTC [102] LOG:  statement: SELECT 2',
    '2024-05-02 10:15:00.150 UTC [101] LOG:  duration: 50.021 ms  statement: UPDATE author SET name = $$x$$ WHERE id = 1',
    '2024-05-02 10:15:00.160 UTC [102] LOG:  duration: 0.010 ms  statement: SELECT 3',
    '2024-05-02 10:15:00.170 UTC [101] LOG:  duration: 0.010 ms  statement: UPDATE author SET name = $$x$$ WHERE id = 1',
  ]);
  // Line 3 completes line 1 (same session, same text, nothing else of session 101 between);
  // line 5 is a new execution: the remembered statement was used up by line 3.
  assert.deepEqual(
    statements(events).map((e) => `${e.origin.line} ${e.text}`),
    ['1 UPDATE author SET name = $$x$$ WHERE id = 1', '2 SELECT 2', '4 SELECT 3', '5 UPDATE author SET name = $$x$$ WHERE id = 1'],
  );
});

test('de-dup does not merge different sessions, different texts, or a statement run again in between', () => {
  const events = parseLines([
    '2024-05-02 10:15:00.100 UTC [101] LOG:  statement: SELECT 1',
    '2024-05-02 10:15:00.101 UTC [102] LOG:  duration: 0.5 ms  statement: SELECT 1',
    '2024-05-02 10:15:00.102 UTC [101] LOG:  statement: SELECT 2',
    '2024-05-02 10:15:00.103 UTC [101] LOG:  duration: 0.5 ms  statement: SELECT 1',
    '2024-05-02 10:15:00.104 UTC [101] LOG:  statement: SELECT 1',
    '2024-05-02 10:15:00.105 UTC [101] LOG:  statement: SELECT 1',
  ]);
  assert.deepEqual(texts(events), ['SELECT 1', 'SELECT 1', 'SELECT 2', 'SELECT 1', 'SELECT 1', 'SELECT 1']);
});

test('de-dup applies to executes too: the same values printed again with a duration', () => {
  const events = parseLines([
    '2024-05-02 10:15:00.100 UTC [101] LOG:  execute <unnamed>: DELETE FROM item WHERE id IN ($1, $2)',
    "2024-05-02 10:15:00.100 UTC [101] DETAIL:  parameters: $1 = '3', $2 = '4'",
    '2024-05-02 10:15:00.120 UTC [101] LOG:  duration: 20.000 ms  execute <unnamed>: DELETE FROM item WHERE id IN ($1, $2)',
    "2024-05-02 10:15:00.120 UTC [101] DETAIL:  parameters: $1 = '3', $2 = '4'",
    '2024-05-02 10:15:00.130 UTC [101] LOG:  duration: 1.000 ms  execute <unnamed>: DELETE FROM item WHERE id IN ($1, $2)',
    "2024-05-02 10:15:00.130 UTC [101] DETAIL:  parameters: $1 = '5', $2 = '6'",
  ]);
  assert.deepEqual(
    statements(events).map((e) => `${e.origin.line} ${e.text}`),
    ["1 DELETE FROM item WHERE id IN ('3', '4')", "5 DELETE FROM item WHERE id IN ('5', '6')"],
  );
});

test('extended protocol (log_min_duration_statement=0): parse and bind are not executions; execute gets its parameters', () => {
  const events = parseLines([
    '2026-11-22 02:19:46 UTC [15766]: [7-1] user=postgres,db=postgres,app=[unknown],client=[local] LOG:  duration: 0.135 ms  parse <unnamed>: INSERT INTO book (title, author_id) VALUES ($1, $2)',
    '2026-11-22 02:19:46 UTC [15766]: [8-1] user=postgres,db=postgres,app=[unknown],client=[local] LOG:  duration: 0.047 ms  bind <unnamed>: INSERT INTO book (title, author_id) VALUES ($1, $2)',
    "2026-11-22 02:19:46 UTC [15766]: [9-1] user=postgres,db=postgres,app=[unknown],client=[local] DETAIL:  parameters: $1 = 'it''s",
    "\t\tmulti', $2 = '1'",
    '2026-11-22 02:19:46 UTC [15766]: [10-1] user=postgres,db=postgres,app=[unknown],client=[local] LOG:  duration: 0.625 ms  execute <unnamed>: INSERT INTO book (title, author_id) VALUES ($1, $2)',
    "2026-11-22 02:19:46 UTC [15766]: [11-1] user=postgres,db=postgres,app=[unknown],client=[local] DETAIL:  parameters: $1 = 'it''s",
    "\t\tmulti', $2 = '1'",
    '2026-11-22 02:19:46 UTC [15766]: [12-1] user=postgres,db=postgres,app=[unknown],client=[local] LOG:  duration: 0.079 ms  parse named_sel: SELECT * FROM author WHERE id = $1 FOR UPDATE',
    '2026-11-22 02:19:46 UTC [15766]: [13-1] user=postgres,db=postgres,app=[unknown],client=[local] LOG:  duration: 0.049 ms  bind named_sel: SELECT * FROM author WHERE id = $1 FOR UPDATE',
    "2026-11-22 02:19:46 UTC [15766]: [14-1] user=postgres,db=postgres,app=[unknown],client=[local] DETAIL:  parameters: $1 = '1'",
    '2026-11-22 02:19:46 UTC [15766]: [15-1] user=postgres,db=postgres,app=[unknown],client=[local] LOG:  duration: 0.021 ms  execute named_sel: SELECT * FROM author WHERE id = $1 FOR UPDATE',
    "2026-11-22 02:19:46 UTC [15766]: [16-1] user=postgres,db=postgres,app=[unknown],client=[local] DETAIL:  parameters: $1 = '1'",
  ]);
  // The value was "it's\n\tmulti": PostgreSQL adds one TAB after each newline of a message.
  assert.deepEqual(
    statements(events).map((e) => `${e.origin.line} ${e.text}`),
    ["5 INSERT INTO book (title, author_id) VALUES ('it''s\n\tmulti', '1')", "11 SELECT * FROM author WHERE id = '1' FOR UPDATE"],
  );
  assert.equal(notices(events).length, 0);
});

test('extended protocol under log_statement=all: execute lines of any statement name, NULL and quotes', () => {
  const events = parseLines([
    '2010-12-31 10:59:57.870 UTC|postgres|postgres|4d1db7a8.4227|LOG:  execute einf"ug: INSERT INTO runtest (id, c, t, b) VALUES ($1, $2, $3, $4)',
    "2010-12-31 10:59:57.870 UTC|postgres|postgres|4d1db7a8.4227|DETAIL:  parameters: $1 = '6', $2 = 'mit\tTabulator', $3 = '2050-03-31 22:00:00+00', $4 = NULL",
    '2010-12-31 10:59:58.000 UTC|postgres|postgres|4d1db7a8.4227|LOG:  execute S_1: COMMIT',
    '2010-12-31 10:59:58.100 UTC|postgres|postgres|4d1db7a8.4227|LOG:  execute pdo_stmt_00000001: SELECT 1 WHERE $1',
    "2010-12-31 10:59:58.100 UTC|postgres|postgres|4d1db7a8.4227|DETAIL:  parameters: $1 = 't'",
    '2010-12-31 10:59:58.200 UTC|postgres|postgres|4d1db7a8.4227|LOG:  duration: 688786.283 ms  execute stmt_slow/stmt_slow: SELECT 2',
    '2010-12-31 10:59:58.300 UTC|postgres|postgres|4d1db7a8.4227|LOG:  execute fetch from C_1/S_2: SELECT 3',
    '2010-12-31 10:59:58.400 UTC|postgres|postgres|4d1db7a8.4227|LOG:  duration: 0.455 ms  execute py:0x7fde12d61b80: SELECT * FROM t WHERE name = $1',
    "2010-12-31 10:59:58.400 UTC|postgres|postgres|4d1db7a8.4227|DETAIL:  parameters: $1 = 'tables'",
  ]);
  assert.deepEqual(texts(events), [
    "INSERT INTO runtest (id, c, t, b) VALUES ('6', 'mit\tTabulator', '2050-03-31 22:00:00+00', NULL)",
    'COMMIT',
    "SELECT 1 WHERE 't'",
    'SELECT 2',
    "SELECT * FROM t WHERE name = 'tables'",
  ]);
});

test('an execute logged without parameters takes them from its bind', () => {
  const events = parseLines([
    '2024-05-02 10:15:00.100 UTC [5] LOG:  duration: 0.1 ms  bind S_3: DELETE FROM item WHERE id IN ($1, $2)',
    "2024-05-02 10:15:00.100 UTC [5] DETAIL:  parameters: $1 = '3', $2 = '4'",
    '2024-05-02 10:15:00.101 UTC [5] LOG:  duration: 0.3 ms  execute S_3: DELETE FROM item WHERE id IN ($1, $2)',
  ]);
  assert.deepEqual(texts(events), ["DELETE FROM item WHERE id IN ('3', '4')"]);
});

test('ERROR + DETAIL + HINT + STATEMENT: a server-error with the SQLSTATE, never a second statement', () => {
  const events = parseLines([
    '2026-11-22 02:19:32.174 UTC [15472] postgres@postgres 00000 6b025134.3c70 LOG:  statement: UPDATE author SET name = name WHERE id = 2',
    '2026-11-22 02:19:32.377 UTC [15472] postgres@postgres 00000 6b025134.3c70 LOG:  process 15472 detected deadlock while waiting for ShareLock on transaction 729 after 200.235 ms',
    '2026-11-22 02:19:32.377 UTC [15472] postgres@postgres 00000 6b025134.3c70 DETAIL:  Process holding the lock: 15473. Wait queue: .',
    '2026-11-22 02:19:32.377 UTC [15472] postgres@postgres 00000 6b025134.3c70 STATEMENT:  UPDATE author SET name = name WHERE id = 2',
    '2026-11-22 02:19:32.377 UTC [15472] postgres@postgres 40P01 6b025134.3c70 ERROR:  deadlock detected',
    '2026-11-22 02:19:32.377 UTC [15472] postgres@postgres 40P01 6b025134.3c70 DETAIL:  Process 15472 waits for ShareLock on transaction 729; blocked by process 15473.',
    '\tProcess 15473 waits for ShareLock on transaction 728; blocked by process 15472.',
    '2026-11-22 02:19:32.377 UTC [15472] postgres@postgres 40P01 6b025134.3c70 HINT:  See server log for query details.',
    '2026-11-22 02:19:32.377 UTC [15472] postgres@postgres 40P01 6b025134.3c70 STATEMENT:  UPDATE author SET name = name WHERE id = 2',
  ], '%m [%p] %q%u@%d %e %c ');
  assert.deepEqual(texts(events), ['UPDATE author SET name = name WHERE id = 2']);
  assert.deepEqual(errors(events), [
    {
      kind: 'server-error',
      session: '6b025134.3c70',
      origin: { file: 'postgresql.log', line: 5, column: 1, session: '6b025134.3c70', time: '2026-11-22 02:19:32.377 UTC' },
      code: '40P01',
      message: 'deadlock detected',
      statement: 'UPDATE author SET name = name WHERE id = 2',
    },
  ]);
});

test('without %e the SQLSTATE comes from the message; the failed execute lends its parameters', () => {
  const events = parseLines([
    '2024-05-02 10:15:00.100 UTC [7] LOG:  execute <unnamed>: INSERT INTO author VALUES ($1, $2)',
    "2024-05-02 10:15:00.100 UTC [7] DETAIL:  parameters: $1 = '1', $2 = NULL",
    '2024-05-02 10:15:00.101 UTC [7] ERROR:  duplicate key value violates unique constraint "author_pkey"',
    '2024-05-02 10:15:00.101 UTC [7] DETAIL:  Key (id)=(1) already exists.',
    '2024-05-02 10:15:00.101 UTC [7] STATEMENT:  INSERT INTO author VALUES ($1, $2)',
    '2024-05-02 10:15:01.000 UTC [8] ERROR:  could not serialize access due to concurrent update',
    '2024-05-02 10:15:01.000 UTC [8] STATEMENT:  UPDATE t SET a = 1',
    '2024-05-02 10:15:02.000 UTC [9] ERROR:  relation "nope" does not exist at character 15',
    '2024-05-02 10:15:02.000 UTC [9] STATEMENT:  SELECT * FROM nope;',
  ]);
  assert.deepEqual(texts(events), ["INSERT INTO author VALUES ('1', NULL)"]);
  assert.deepEqual(
    errors(events).map((e) => [e.origin.line, e.session, e.code, e.statement]),
    [
      [3, '7', '23505', "INSERT INTO author VALUES ('1', NULL)"],
      [6, '8', '40001', 'UPDATE t SET a = 1'],
      [8, '9', undefined, 'SELECT * FROM nope'],
    ],
  );
});

test('disconnection ends the session; connection lines are otherwise ignored', () => {
  const events = parseLines([
    '2025-08-13 01:47:03.904 PDT [12401] LOG:  connection received: host=192.168.1.102 port=51800',
    '2025-08-13 01:47:03.905 PDT [12401] LOG:  connection authorized: user=admin database=postgres',
    '2025-08-13 01:47:04.010 PDT [12401] LOG:  statement: CREATE INDEX idx_users_email ON users(email);',
    '2025-08-13 01:47:05.312 PDT [12401] LOG:  disconnection: session time: 0:00:02.112 user=admin database=postgres host=192.168.1.102 port=51800',
  ]);
  assert.deepEqual(
    events.map((e) => `${e.kind}@${e.origin.line}`),
    ['dialect@1', 'statement@3', 'session-end@4'],
  );
  assert.deepEqual(sessionEnds(events)[0], {
    kind: 'session-end',
    session: '12401',
    origin: { file: 'postgresql.log', line: 4, column: 1, session: '12401', time: '2025-08-13 01:47:05.312 PDT' },
  });
});

test('pid reuse: a new connection under a pid that still has state ends the old session first', () => {
  const events = parseLines([
    '2024-05-02 10:00:00.000 UTC [101] LOG:  statement: BEGIN',
    '2024-05-02 10:00:00.001 UTC [101] LOG:  statement: INSERT INTO book (title, author_id) VALUES ($$Carrie$$, 1)',
    '2024-05-02 11:00:00.000 UTC [101] LOG:  connection received: host=[local]',
    '2024-05-02 11:00:00.001 UTC [101] LOG:  connection authorized: user=app database=shop',
    '2024-05-02 11:00:00.002 UTC [101] LOG:  statement: UPDATE author SET name = $$x$$ WHERE id = 1',
  ]);
  assert.deepEqual(
    events.filter((e) => e.kind !== 'dialect').map((e) => `${e.kind}@${e.origin.line}`),
    ['statement@1', 'statement@2', 'session-end@3', 'statement@5'],
  );
});

test('unrecognised lines: one notice per run, at its first line; blank lines are skipped', () => {
  // Shaped like pgreplay's errlog: a memory-context dump written straight to stderr.
  const events = parseLines([
    '',
    '',
    '2010-12-31 11:00:28.486 UTC [4227] LOG:  statement: SELECT pg_sleep(10)',
    'TopMemoryContext: 101672 total in 12 blocks; 5232 free (18 chunks); 96440 used',
    '  TopTransactionContext: 8192 total in 1 blocks; 7840 free (1 chunks); 352 used',
    '\tthis TAB line continues nothing: the run goes on',
    '2010-12-31 11:00:29.489 UTC [4236] LOG:  statement: DROP TABLE runtest',
    '',
    '2010-12-31 11:00:30.005 UTC [4236] LOG:  disconnection: session time: 0:00:37.770 user=postgres database=postgres host=[local]',
    '          ExprContext: 0 total in 0 blocks; 0 free (0 chunks); 0 used',
    '2010-12-31 11:00:31.008 UTC [4242] LOG:  unexpected EOF on client connection',
    'pg_ctl: could not start server',
  ]);
  assert.deepEqual(
    events.map((e) => `${e.kind}@${e.origin.line}`),
    ['dialect@3', 'statement@3', 'notice@4', 'statement@7', 'session-end@9', 'notice@10', 'notice@12'],
  );
  assert.deepEqual(
    notices(events).map((n) => [n.code, n.severity, n.origin.session, n.message]),
    [
      ['unrecognised-lines', 'warning', null, '3 unrecognised lines (first: "TopMemoryContext: 101672 total in 12 blocks; 5232 free (18 c...")'],
      ['unrecognised-lines', 'warning', null, '1 unrecognised line (first: "ExprContext: 0 total in 0 blocks; 0 free (0 chunks); 0 used")'],
      ['unrecognised-lines', 'warning', null, '1 unrecognised line (first: "pg_ctl: could not start server")'],
    ],
  );
  assert.deepEqual(texts(events), ['SELECT pg_sleep(10)', 'DROP TABLE runtest']);
});

test('a TAB expanded to spaces continues SQL text, but never a plain message', () => {
  const events = parseLines([
    "2022-02-17 16:24:32.956 UTC [731] LOG:  duration: 1.888 ms  statement: SELECT name FROM pg_settings WHERE substring(name,1,3)='cli'",
    '        LIMIT 1000',
    '2022-02-17 16:24:33.000 UTC [731] LOG:  checkpoint starting: time',
    '        not SQL',
  ]);
  assert.deepEqual(texts(events), ["SELECT name FROM pg_settings WHERE substring(name,1,3)='cli'\n        LIMIT 1000"]);
  assert.equal(notices(events).length, 1);
});

test('a secondary line of another session does not attach to the open record', () => {
  const events = parseLines([
    '2024-05-02 10:15:00.100 UTC [1] LOG:  execute <unnamed>: SELECT $1',
    "2024-05-02 10:15:00.100 UTC [2] DETAIL:  parameters: $1 = 'other session'",
  ]);
  assert.deepEqual(texts(events), ['SELECT $1']);
});

test('the dialect event comes once, at the first record', () => {
  const events = parseLines(['', '2024-05-02 10:15:00.100 UTC [1] LOG:  statement: SELECT 1', '2024-05-02 10:15:00.101 UTC [1] LOG:  statement: SELECT 2']);
  assert.deepEqual(events.filter((e) => e.kind === 'dialect'), [
    { kind: 'dialect', dialect: 'postgresql', origin: { file: 'postgresql.log', line: 2, column: 1, session: null, time: '2024-05-02 10:15:00.100 UTC' } },
  ]);
});

// ---------------------------------------------------------------- syslog and logplex

test('syslog: [N-M] chunks, #011 for TAB, secondary lines as chunks, long lines split', () => {
  const lines = [
    'Feb 11 13:15:39 test-pc systemd[1]: Started PostgreSQL RDBMS.',
    'Feb 11 13:15:39 test-pc postgres[10808]: [3-1] db=,user=,app=,client= LOG:  ending log output to stderr',
    'Feb 11 13:15:39 test-pc postgres[10808]: [3-2] db=,user=,app=,client= HINT:  Future log output will go to log destination "syslog".',
    'Feb 11 13:15:40 test-pc postgres[10819]: [7-1] db=postgres,user=postgres,app=psql,client=[local] LOG:  duration: 13.997 ms  statement: SELECT d.datname as "Name",',
    'Feb 11 13:15:40 test-pc postgres[10820]: [2-1] db=postgres,user=postgres,app=psql,client=[local] LOG:  statement: SELECT 1',
    'Feb 11 13:15:40 test-pc postgres[10819]: [7-2] #011FROM pg_catalog.pg_database d',
    'Feb 11 13:15:40 test-pc postgres[10821]: [2-1] db=postgres,user=postgres,app=psql,client=[local] LOG:  execute <unnamed>: SELECT $1',
    "Feb 11 13:15:40 test-pc postgres[10821]: [2-2] db=postgres,user=postgres,app=psql,client=[local] DETAIL:  parameters: $1 = 'a'",
    'Feb 11 13:15:41 test-pc postgres[10819]: [8-1] db=postgres,user=postgres,app=psql,client=[local] LOG:  statement: select a,',
    'Feb 11 13:15:41 test-pc postgres[10819]: [8-2] #011b',
    'Feb 11 13:15:41 test-pc postgres[10819]: [8-3]  from t',
    'Feb 11 13:15:42 test-pc postgres[10819]: [9-1] db=postgres,user=postgres,app=psql,client=[local] LOG:  disconnection: session time: 0:00:00.026 user=postgres database=postgres host=[local]',
  ];
  const layout = detectStderrLayout(lines);
  assert.equal(layout.envelope, 'syslog');
  const events = parseLines(lines);
  // Chunk [7-2] of pid 10819 arrives after a record of pid 10820: it cannot be placed, and says so.
  assert.deepEqual(
    statements(events).map((e) => [e.origin.line, e.origin.session, e.origin.time, e.text]),
    [
      [4, '10819', 'Feb 11 13:15:40', 'SELECT d.datname as "Name",'],
      [5, '10820', 'Feb 11 13:15:40', 'SELECT 1'],
      [7, '10821', 'Feb 11 13:15:40', "SELECT 'a'"],
      [9, '10819', 'Feb 11 13:15:41', 'select a,\nb\n from t'],
    ],
  );
  assert.deepEqual(notices(events).map((n) => n.origin.line), [1, 6]);
  assert.deepEqual(sessionEnds(events).map((e) => e.session), ['10819']);
});

test('syslog with a year and no inner prefix (PostgreSQL 8)', () => {
  const events = parseLines([
    '2008 Jan  9 16:16:34 hostname postgres[30059]: [12-1] LOG:  duration: 3617.465 ms',
    '2008 Jan  9 16:16:34 hostname postgres[30059]: [13-1] LOG:  duration: 3617.465 ms  statement:',
    '2008 Jan  9 16:16:34 hostname postgres[30059]: [13-2] select',
    '2008 Jan  9 16:16:34 hostname postgres[30059]: [13-3]  t.tid from title t',
  ]);
  assert.deepEqual(
    statements(events).map((e) => [e.origin.line, e.origin.session, e.origin.time, e.text]),
    [[2, '30059', '2008 Jan  9 16:16:34', 'select\n t.tid from title t']],
  );
});

test('Heroku logplex: the deadlock as a server-error with its SQLSTATE', () => {
  const lines = [
    '2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [18-1]  sql_error_code = 00000 LOG:  process 4849 detected deadlock while waiting for ShareLock on transaction 259635360 after 1000.134 ms',
    '2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [19-1]  sql_error_code = 40P01 ERROR:  deadlock detected',
    '2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [19-2]  sql_error_code = 40P01 DETAIL:  Process 4849 waits for ShareLock on transaction 259635360; blocked by process 4821.',
    '2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [19-3] \tProcess 4821 waits for ShareLock on transaction 259635221; blocked by process 4849.',
    '2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [19-4]  sql_error_code = 40P01 HINT:  See server log for query details.',
    '2019-03-14T00:23:00+00:00 app[postgres.4849]: [GREEN] [19-5]  sql_error_code = 40P01 STATEMENT:  UPDATE t SET a = 1 WHERE id = 2',
    '2021-09-07T04:01:27+00:00 d.af28b93f-a129-45a1-87be-3f8a0cb710be app[postgres.5925] [AQUA] [921320-1]  sql_error_code = 00000 LOG:  duration: 85756.273 ms  execute <unnamed>: UPDATE "checkers" SET n =',
    '2021-09-07T04:01:27+00:00 d.af28b93f-a129-45a1-87be-3f8a0cb710be app[postgres.5925] [AQUA] [921320-2]         (select 1)',
  ];
  assert.equal(detectStderrLayout(lines).envelope, 'logplex');
  const events = parseLines(lines);
  assert.deepEqual(errors(events), [
    {
      kind: 'server-error',
      session: '4849',
      origin: { file: 'postgresql.log', line: 2, column: 1, session: '4849', time: '2019-03-14T00:23:00+00:00' },
      code: '40P01',
      message: 'deadlock detected',
      statement: 'UPDATE t SET a = 1 WHERE id = 2',
    },
  ]);
  assert.deepEqual(texts(events), ['UPDATE "checkers" SET n =\n        (select 1)']);
  assert.equal(notices(events).length, 0);
});

// ---------------------------------------------------------------- sniffing and files

test('sniff: stderr logs yes; csvlog, jsonlog and other logs no', () => {
  assert.equal(postgresStderrLogReader.sniff(['', '2024-05-02 10:15:00.101 UTC [100] LOG:  statement: SELECT 1']), true);
  assert.equal(postgresStderrLogReader.sniff(['Feb 11 13:15:39 test-pc postgres[10808]: [1-1] LOG:  listening on IPv4 address "127.0.0.1", port 5432']), true);
  assert.equal(
    postgresStderrLogReader.sniff(['2021-01-04 00:22:01.903 UTC,"postgres","postgres",59,"172.24.0.1:42642",5ff25f96.3b,3,"SELECT",2021-01-04 00:21:42 UTC,3/0,0,LOG,00000,"statement: SELECT 1",,,,,,,,,"psql"']),
    false,
  );
  assert.equal(postgresStderrLogReader.sniff(['{"timestamp":"2024-06-27 00:00:07.369 CEST","pid":58151,"error_severity":"LOG","message":"x"}']), false);
  assert.equal(postgresStderrLogReader.sniff(['2016-06-07T19:07:02.558338Z    3 Connect\troot@localhost on  using Socket', "2016-06-07T19:07:02.558338Z    3 Query\tSELECT 'ERROR:  x'"]), false);
  assert.equal(postgresStderrLogReader.sniff(['# Time: 2016-07-20T18:13:25.698433Z', '# User@Host: root[root] @ localhost []  Id:     3']), false);
  // The csv and json sniffers do not take stderr logs.
  const stderr = ['2024-05-02 10:15:00.101 UTC [100] LOG:  statement: SELECT 1'];
  assert.equal(postgresCsvLogReader.sniff(stderr), false);
  assert.equal(postgresJsonLogReader.sniff(stderr), false);
});

test('.gz round trip: a gzipped log reads as the plain one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'locklint-pglog-'));
  try {
    const text = [
      '2024-05-02 10:15:00.101 UTC [101] LOG:  statement: BEGIN',
      '2024-05-02 10:15:00.102 UTC [101] LOG:  execute <unnamed>: SELECT id FROM item WHERE owner_id = $1',
      "2024-05-02 10:15:00.102 UTC [101] DETAIL:  parameters: $1 = '1'",
      '2024-05-02 10:15:00.103 UTC [101] LOG:  statement: SELECT 1,',
      '\t2',
      'junk',
      '2024-05-02 10:15:00.104 UTC [101] LOG:  disconnection: session time: 0:00:00.003 user=app database=shop host=[local]',
    ].join('\n');
    writeFileSync(join(dir, 'plain.log'), text);
    writeFileSync(join(dir, 'packed.log.gz'), gzipSync(text));
    const read = (name: string): Promise<InputEvent[]> => readLogFile(postgresStderrLogReader, join(dir, name), 'postgresql.log');
    const plain = await read('plain.log');
    const packed = await read('packed.log.gz');
    assert.deepEqual(packed, plain);
    assert.deepEqual(texts(plain), ['BEGIN', "SELECT id FROM item WHERE owner_id = '1'", 'SELECT 1,\n2']);
    assert.deepEqual(
      plain.map((e) => `${e.kind}@${e.origin.line}`),
      ['dialect@1', 'statement@1', 'statement@2', 'statement@4', 'notice@6', 'session-end@7'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
