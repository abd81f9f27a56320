/**
 * The PostgreSQL csvlog and jsonlog readers (and CloudNativePG's JSON wrapper), fed inline lines
 * shaped like PostgreSQL's own output.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InputEvent } from '../src/model/input.js';
import type { LogReader } from '../src/input/logs/types.js';
import { CsvRecordAssembler, postgresCsvLogReader } from '../src/input/logs/postgres-csv.js';
import { postgresJsonLogReader } from '../src/input/logs/postgres-json.js';
import { feedLines, notices, serverErrors as errors, statements } from './support/log-events.js';

const parseLines = (reader: LogReader, lines: readonly string[]): InputEvent[] => feedLines(reader, lines, 'postgresql.log').events;

/** A PostgreSQL 15 csvlog line (26 columns) for a LOG message of session `sessionId`. */
function csv15(time: string, pid: number, sessionId: string, message: string, detail = ''): string {
  const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;
  const fields = [
    `2024-05-02 ${time} UTC`, quote('app'), quote('shop'), String(pid), quote('[local]'), sessionId, '1', quote('SELECT'),
    '2024-05-02 10:14:59 UTC', '3/2', '0', 'LOG', '00000', quote(message), detail === '' ? '' : quote(detail),
    '', '', '', '', '', '', '', quote('psql'), quote('client backend'), '', '0',
  ];
  return fields.join(',');
}

// ---------------------------------------------------------------- csv

test('csv: RFC 4180 over lines: quoted fields spanning lines, "" escapes, empty fields', () => {
  const assembler = new CsvRecordAssembler();
  assert.deepEqual(assembler.feed('a,"b ""quoted""",,"multi'), undefined);
  assert.equal(assembler.pending, true);
  assert.deepEqual(assembler.feed(''), undefined);
  assert.deepEqual(assembler.feed('line",'), ['a', 'b "quoted"', '', 'multi\n\nline', '']);
  assert.deepEqual(assembler.feed('"",x'), ['', 'x']);
  assert.equal(assembler.pending, false);
});

test('csv: PostgreSQL 15 (26 columns): statement spanning lines, origin at the first line, session id column', () => {
  const lines = [
    csv15('10:15:00.101', 100, '66336a53.64', 'statement: CREATE TABLE book (\n    id serial PRIMARY KEY,\n    title text\n);').split('\n'),
    csv15('10:15:00.200', 101, '66336a53.65', 'statement: SELECT count(*) AS "books" FROM book;'),
  ].flat();
  const events = parseLines(postgresCsvLogReader, lines);
  assert.deepEqual(
    statements(events).map((e) => e.origin),
    [
      { file: 'postgresql.log', line: 1, column: 1, session: '66336a53.64', time: '2024-05-02 10:15:00.101 UTC' },
      { file: 'postgresql.log', line: 5, column: 1, session: '66336a53.65', time: '2024-05-02 10:15:00.200 UTC' },
    ],
  );
  assert.deepEqual(
    statements(events).map((e) => e.text),
    ['CREATE TABLE book (\n    id serial PRIMARY KEY,\n    title text\n)', 'SELECT count(*) AS "books" FROM book'],
  );
  assert.equal(events[0]!.kind, 'dialect');
});

test('csv: extended protocol with parameters in the detail column; parse and bind are not executions', () => {
  // beats' postgresql-11-parse-bind.csv.log (23 columns).
  const lines = [
    '2021-01-04 00:51:56.837 UTC,"postgres","postgres",105,"172.24.0.1:44618",5ff26691.69,6,"PARSE",2021-01-04 00:51:29 UTC,3/135,0,LOG,00000,"duration: 7.775 ms  parse py:0x7fde12d61b80: SELECT * from information_schema.tables WHERE table_name = $1",,,,,,,,,""',
    '2021-01-04 00:51:56.843 UTC,"postgres","postgres",105,"172.24.0.1:44618",5ff26691.69,7,"BIND",2021-01-04 00:51:29 UTC,3/136,0,LOG,00000,"duration: 4.091 ms  bind py:0x7fde12d61b80: SELECT * from information_schema.tables WHERE table_name = $1","parameters: $1 = \'tables\'",,,,,,,,""',
    '2021-01-04 00:51:56.843 UTC,"postgres","postgres",105,"172.24.0.1:44618",5ff26691.69,8,"SELECT",2021-01-04 00:51:29 UTC,3/136,0,LOG,00000,"duration: 0.455 ms  execute py:0x7fde12d61b80: SELECT * from information_schema.tables WHERE table_name = $1","parameters: $1 = \'tables\'",,,,,,,,""',
  ];
  const events = parseLines(postgresCsvLogReader, lines);
  assert.deepEqual(
    statements(events).map((e) => [e.origin.line, e.origin.session, e.text]),
    [[3, '5ff26691.69', "SELECT * from information_schema.tables WHERE table_name = 'tables'"]],
  );
});

test('csv: PostgreSQL 8.4 (22 columns): error with its statement in the query column, parameter value spanning lines', () => {
  const lines = [
    '2010-12-31 10:59:55.348 UTC,"postgres","postgres",16962,"[local]",4d1db7a9.4242,4,"INSERT",2010-12-31 10:59:53 UTC,3/4,0,LOG,00000,"execute <unnamed>: INSERT INTO runtest (id, c, t, b) VALUES ($1, $2, $3, $4)","parameters: $1 = \'2\', $2 = \'Zeile',
    'zwei\', $3 = \'1968-10-20 11:00:00+00\', $4 = NULL",,,,,,,',
    '2010-12-31 11:00:00.412 UTC,"postgres","postgres",16962,"[local]",4d1db7a9.4242,6,"INSERT",2010-12-31 10:59:53 UTC,3/5,755,ERROR,23505,"duplicate key value violates unique constraint ""runtest_pkey""",,,,,,"INSERT INTO runtest (id, c, t, b) VALUES ($1, $2, $3, $4)",,',
    '2010-12-31 11:00:30.005 UTC,"postgres","postgres",16962,"[local]",4d1db7a9.4242,8,"idle",2010-12-31 10:59:52 UTC,,0,LOG,00000,"disconnection: session time: 0:00:37.770 user=postgres database=postgres host=[local]",,,,,,,,',
  ];
  const events = parseLines(postgresCsvLogReader, lines);
  assert.deepEqual(
    statements(events).map((e) => e.text),
    ["INSERT INTO runtest (id, c, t, b) VALUES ('2', 'Zeile\nzwei', '1968-10-20 11:00:00+00', NULL)"],
  );
  assert.deepEqual(errors(events), [
    {
      kind: 'server-error',
      session: '4d1db7a9.4242',
      origin: { file: 'postgresql.log', line: 3, column: 1, session: '4d1db7a9.4242', time: '2010-12-31 11:00:00.412 UTC' },
      code: '23505',
      message: 'duplicate key value violates unique constraint "runtest_pkey"',
      // The failed execute was logged just before with its values.
      statement: "INSERT INTO runtest (id, c, t, b) VALUES ('2', 'Zeile\nzwei', '1968-10-20 11:00:00+00', NULL)",
    },
  ]);
  assert.deepEqual(
    events.filter((e) => e.kind === 'session-end').map((e) => [e.origin.line, e.origin.session]),
    [[4, '4d1db7a9.4242']],
  );
});

test('csv: lines that are no csvlog record are reported per run; an unterminated record at the end too', () => {
  const lines = [
    csv15('10:15:00.101', 100, '66336a53.64', 'statement: SELECT 1'),
    'not,a,log,record',
    'neither',
    csv15('10:15:00.102', 100, '66336a53.64', 'statement: SELECT 2'),
    '2024-05-02 10:15:00.103 UTC,"app","shop",100,"[local]",66336a53.64,1,"SELECT",2024-05-02 10:14:59 UTC,3/2,0,LOG,00000,"statement: SELECT 3',
    'cut off here',
  ];
  const events = parseLines(postgresCsvLogReader, lines);
  assert.deepEqual(statements(events).map((e) => e.text), ['SELECT 1', 'SELECT 2']);
  assert.deepEqual(
    notices(events).map((n) => [n.origin.line, n.message]),
    [
      [2, '2 unrecognised lines (first: "not,a,log,record")'],
      [5, '2 unrecognised lines (first: "2024-05-02 10:15:00.103 UTC,"app","shop",100,"[local]",66336...")'],
    ],
  );
});

test('csv: sniff takes csvlog (also when the first record spans lines), not stderr or json', () => {
  assert.equal(postgresCsvLogReader.sniff(['', ...csv15('10:15:00.101', 100, '66336a53.64', 'statement: SELECT\n1').split('\n')]), true);
  assert.equal(
    postgresCsvLogReader.sniff(['"2026-05-16 05:20:03.994 UTC","health_user","health_db",1002,"192.0.2.20:54322",00000002.000003ea,2,"idle","2026-05-16 05:00:00 UTC",2/2,0,LOG,00000,"statement: SELECT 1",,,,,,,,,"example healthcheck","client backend",0']),
    true,
  );
  assert.equal(postgresCsvLogReader.sniff(['2024-05-02 10:15:00.101 UTC [100] LOG:  statement: SELECT 1']), false);
  assert.equal(postgresCsvLogReader.sniff(['a,b,c']), false);
  assert.equal(postgresJsonLogReader.sniff([csv15('10:15:00.101', 100, '66336a53.64', 'statement: SELECT 1')]), false);
});

// ---------------------------------------------------------------- json

test('jsonlog: statements, parameters in detail, errors with state_code and statement', () => {
  const lines = [
    '{"timestamp":"2024-05-02 10:15:00.101 UTC","user":"app","dbname":"shop","pid":101,"remote_host":"[local]","session_id":"66336a53.65","line_num":1,"ps":"BEGIN","session_start":"2024-05-02 10:14:59 UTC","vxid":"4/2","txid":0,"error_severity":"LOG","message":"statement: BEGIN","application_name":"psql","backend_type":"client backend","query_id":0}',
    '{"timestamp":"2024-05-02 10:15:00.102 UTC","user":"app","dbname":"shop","pid":101,"session_id":"66336a53.65","line_num":2,"error_severity":"LOG","message":"execute <unnamed>: SELECT id FROM item WHERE owner_id = $1\\n  AND name = $2","detail":"parameters: $1 = \'1\', $2 = \'a\\nb\'","backend_type":"client backend"}',
    '{"timestamp":"2024-05-02 10:15:00.103 UTC","user":"app","dbname":"shop","pid":101,"session_id":"66336a53.65","line_num":3,"error_severity":"ERROR","state_code":"40P01","message":"deadlock detected","detail":"Process 101 waits for ShareLock on transaction 729; blocked by process 102.\\nProcess 102 waits for ShareLock on transaction 728; blocked by process 101.","hint":"See server log for query details.","statement":"UPDATE author SET name = name WHERE id = 2","backend_type":"client backend"}',
    '{"timestamp":"2024-05-02 10:15:00.104 UTC","pid":58151,"session_id":"667c8f67.e327","line_num":1,"error_severity":"LOG","message":"automatic analyze of table \\"testdb.sales.tab_shop_stats\\"\\nI/O timings: read: 0.000 ms","backend_type":"autovacuum worker","query_id":0}',
    '{"timestamp":"2024-05-02 10:15:00.105 UTC","user":"app","dbname":"shop","pid":101,"session_id":"66336a53.65","line_num":4,"error_severity":"LOG","message":"disconnection: session time: 0:00:00.004 user=app database=shop host=[local]","backend_type":"client backend"}',
  ];
  const events = parseLines(postgresJsonLogReader, lines);
  assert.deepEqual(
    events.map((e) => `${e.kind}@${e.origin.line}`),
    ['dialect@1', 'statement@1', 'statement@2', 'server-error@3', 'session-end@5'],
  );
  assert.deepEqual(
    statements(events).map((e) => e.text),
    ['BEGIN', "SELECT id FROM item WHERE owner_id = '1'\n  AND name = 'a\nb'"],
  );
  assert.deepEqual(errors(events)[0], {
    kind: 'server-error',
    session: '66336a53.65',
    origin: { file: 'postgresql.log', line: 3, column: 1, session: '66336a53.65', time: '2024-05-02 10:15:00.103 UTC' },
    code: '40P01',
    message: 'deadlock detected',
    statement: 'UPDATE author SET name = name WHERE id = 2',
  });
});

test('jsonlog: CloudNativePG wrapper records; operator lines skipped; broken lines reported', () => {
  const lines = [
    '{"level":"info","ts":"2025-12-09T00:32:20.001Z","logger":"instance-manager","msg":"Checking for free disk space for WALs","logging_pod":"test-cluster-1"}',
    '{"level":"info","ts":"2025-12-09T00:32:21.500000000Z","logger":"postgres","msg":"record","logging_pod":"test-cluster-1","record":{"log_time":"2025-12-09 00:32:21.499 UTC","user_name":"postgres","database_name":"postgres","process_id":"4004","connection_from":"[local]","session_id":"69376dc0.fa4","session_line_num":"1","command_tag":"SELECT","session_start_time":"2025-12-09 00:30:55 UTC","virtual_transaction_id":"2/82","transaction_id":"0","error_severity":"LOG","sql_state_code":"00000","message":"duration: 100.000 ms  statement: SELECT 1","application_name":"psql","backend_type":"client backend"}}',
    '{"level":"info","ts":"2025-12-09T00:32:22Z","logger":"postgres","msg":"record","record":{"log_time":"2025-12-09 00:32:22.000 UTC","process_id":"4004","session_id":"69376dc0.fa4","error_severity":"ERROR","sql_state_code":"23505","message":"duplicate key value violates unique constraint \\"t_pkey\\"","query":"INSERT INTO t VALUES (1)"}}',
    '{"level":"info", truncated',
    'plain text',
  ];
  const events = parseLines(postgresJsonLogReader, lines);
  assert.deepEqual(
    statements(events).map((e) => [e.origin.line, e.origin.session, e.origin.time, e.text]),
    [[2, '69376dc0.fa4', '2025-12-09 00:32:21.499 UTC', 'SELECT 1']],
  );
  assert.deepEqual(
    errors(events).map((e) => [e.code, e.statement]),
    [['23505', 'INSERT INTO t VALUES (1)']],
  );
  assert.deepEqual(notices(events).map((n) => [n.origin.line, n.message]), [[4, '2 unrecognised lines (first: "{"level":"info", truncated")']]);
});

test('jsonlog: sniff takes native jsonlog and the CloudNativePG wrapper, not csv or stderr', () => {
  assert.equal(postgresJsonLogReader.sniff(['', '{"timestamp":"2024-06-27 00:00:07.369 CEST","pid":58151,"error_severity":"LOG","message":"x"}']), true);
  assert.equal(
    postgresJsonLogReader.sniff([
      '{"level":"info","ts":"2025-12-09T00:32:20.001Z","logger":"instance-manager","msg":"starting"}',
      '{"level":"info","ts":"2025-12-09T00:32:21Z","logger":"postgres","msg":"record","record":{"error_severity":"LOG","message":"x"}}',
    ]),
    true,
  );
  assert.equal(postgresJsonLogReader.sniff(['{"level":"info","ts":"2025-12-09T00:32:20.001Z","logger":"instance-manager","msg":"starting"}']), false);
  assert.equal(postgresJsonLogReader.sniff(['{"some":"json"}']), false);
  assert.equal(postgresJsonLogReader.sniff(['2024-05-02 10:15:00.101 UTC [100] LOG:  statement: SELECT 1']), false);
});
