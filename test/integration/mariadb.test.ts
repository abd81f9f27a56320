/**
 * locklint's two founding rules, proven on a real MariaDB (InnoDB) server: each case drives two
 * sessions in an exact interleaving, checks what the server did (deadlock 1213, duplicate key
 * 1062, or nothing), then lints the general query log of that very run and checks locklint's
 * verdict names the same session and statement.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createConnection, type Connection, type QueryError } from 'mysql2/promise';
import { startMariaDb, type MariaDbServer } from '../support/servers.js';
import {
  DELETE_ITEMS_BY_OWNER,
  INSERT_BOOK_A,
  INSERT_BOOK_B,
  INSERT_ITEMS,
  LOCK_AUTHOR,
  UPDATE_AUTHOR_A,
  UPDATE_AUTHOR_B,
  runChildInsertThenNowaitLock,
  runQueuedOnParentLock,
  runSelectIdsThenDeleteIn,
  type AtomicBlock,
} from './cases.js';
import {
  CHILD_INSERT_RULE,
  SELECT_IDS_RULE,
  assertAnchoredOnlyAt,
  assertFlagged,
  clientSession,
  driverFor,
  expectBlocked,
  expectOneDeadlockVictim,
  findStatementLine,
  runCase,
  serverForCases,
  skipUnlessAvailable,
  verdict,
  verdictNoFinding,
  type ClosableDriver,
  type Outcome,
} from './scenarios.js';

const DEADLOCK = '1213'; // ER_LOCK_DEADLOCK
const DUPLICATE_KEY = '1062'; // ER_DUP_ENTRY

async function runOn(connection: Connection, sql: string): Promise<Outcome> {
  try {
    const [result] = await connection.query(sql);
    if (Array.isArray(result)) return { ok: true, rowCount: result.length, rows: result as Record<string, unknown>[] };
    return { ok: true, rowCount: (result as { affectedRows: number }).affectedRows, rows: [] };
  } catch (error) {
    const failure = error as QueryError;
    return { ok: false, code: failure.errno !== undefined ? String(failure.errno) : failure.code, message: failure.message };
  }
}

async function mariaDbDriver(server: MariaDbServer): Promise<ClosableDriver> {
  // The monitor watches lock waits; sql_log_off keeps its polling out of the general log.
  const monitor = await createConnection({ socketPath: server.socketPath, user: server.user });
  await monitor.query('SET SESSION sql_log_off = 1');

  return {
    dialect: 'mariadb',
    workDir: server.tempDir,
    log: server.log,
    async createNamespace(name) {
      await monitor.query(`CREATE DATABASE ${name}`);
    },
    async connect(label, database) {
      const connection = await createConnection({ socketPath: server.socketPath, user: server.user, database });
      const idQuery = 'SELECT CONNECTION_ID() AS id';
      const [rows] = await connection.query(idQuery);
      const id = String((rows as Array<{ id: number }>)[0]!.id);
      return clientSession(label, id, idQuery, (sql) => runOn(connection, sql), async (statementRunning) => {
        // COM_QUIT (logged as "Quit") unless a statement is stuck: then just drop the socket.
        if (statementRunning) connection.destroy();
        else await connection.end();
      });
    },
    // INNODB_TRX is served from a buffer refreshed only when it was last read more than 0.1 s
    // ago, so polling faster would keep reading a stale one forever.
    // https://dev.mysql.com/doc/refman/8.0/en/innodb-information-schema-internal-data.html
    lockPollIntervalMs: 120,
    async isWaitingForLock(sessionId) {
      const [rows] = await monitor.query('SELECT trx_state FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?', [Number(sessionId)]);
      return (rows as Array<{ trx_state: string }>).some((row) => row.trx_state === 'LOCK WAIT');
    },
    async sessionsGone(sessionIds) {
      const [rows] = await monitor.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID IN (?)', [sessionIds.map(Number)]);
      return Number((rows as Array<{ n: number }>)[0]!.n) === 0;
    },
    async close() {
      await monitor.end();
    },
  };
}

// Parent `author`, child `book` with a plain foreign key (InnoDB checks it with a shared
// record lock on the parent row: https://dev.mysql.com/doc/refman/8.0/en/innodb-locks-set.html
// "If a FOREIGN KEY constraint is defined on a table, any insert, update, or delete that
// requires the constraint condition to be checked sets shared record-level locks").
const UPSERT_AUTHOR_A = "INSERT INTO author (id, name, country) VALUES (1, 'Stephen King', 'USA') ON DUPLICATE KEY UPDATE country = VALUES(country)";
const UPSERT_AUTHOR_B = "INSERT INTO author (id, name, country) VALUES (1, 'Stephen King', 'United States') ON DUPLICATE KEY UPDATE country = VALUES(country)";

const AUTHOR_BOOK_SCHEMA = [
  'CREATE TABLE author (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, country VARCHAR(100)) ENGINE=InnoDB',
  'CREATE TABLE book (id INT AUTO_INCREMENT PRIMARY KEY, author_id INT NOT NULL, title VARCHAR(200) NOT NULL, CONSTRAINT book_author_fk FOREIGN KEY (author_id) REFERENCES author (id)) ENGINE=InnoDB',
  "INSERT INTO author (id, name, country) VALUES (1, 'Stephen King', 'US')",
];

// `item` rows are replaced per owner (delete, then re-insert) under UNIQUE (owner_id, code).
const OWNER_ITEM_SCHEMA = [
  'CREATE TABLE owner (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB',
  'CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, owner_id INT NOT NULL, code VARCHAR(20) NOT NULL, UNIQUE KEY item_owner_code (owner_id, code), CONSTRAINT item_owner_fk FOREIGN KEY (owner_id) REFERENCES owner (id)) ENGINE=InnoDB',
  "INSERT INTO owner (id, name) VALUES (1, 'owner 1')",
  "INSERT INTO item (owner_id, code) VALUES (1, 'a'), (1, 'b')",
];

// Django on MySQL/MariaDB opens an atomic block with `SET autocommit=0` and closes it with
// COMMIT/ROLLBACK and `SET autocommit=1`.
const DJANGO_ATOMIC: AtomicBlock = {
  begin: ['SET autocommit=0'],
  commit: ['COMMIT', 'SET autocommit=1'],
  rollback: ['ROLLBACK', 'SET autocommit=1'],
};

describe('MariaDB: lock hazards on a real server, judged by locklint from the general query log', () => {
  const mariadb = serverForCases(startMariaDb, mariaDbDriver);

  it('starts a private server with the general log on', (t) => {
    const running = skipUnlessAvailable(t, mariadb.server);
    if (!running) return;
    t.diagnostic(`MariaDB ${running.version}, pid ${running.pid}, ready in ${mariadb.startedInMs} ms`);
    assert.match(running.version, /MariaDB/);
  });

  /** Child INSERT in A and B, then A and B run `lockA` / `lockB` on the parent: one must be the 1213 victim, flagged. */
  async function expectDeadlockFlagged(t: TestContext, active: ClosableDriver, name: string, lockA: string, lockB: string): Promise<void> {
    const run = await runCase(active, name, AUTHOR_BOOK_SCHEMA, ['A', 'B'], async ({ A, B }) => {
      await A!.exec('START TRANSACTION');
      await A!.exec(INSERT_BOOK_A);
      await B!.exec('START TRANSACTION');
      await B!.exec(INSERT_BOOK_B);
      const first = A!.start(lockA);
      await expectBlocked(active, first, `A's "${lockA}" waits for B's FK-check S lock`);
      const second = B!.start(lockB);
      const { victim, survivor } = await expectOneDeadlockVictim(first, second, DEADLOCK);
      await victim.session.exec('ROLLBACK');
      await survivor.session.exec('COMMIT');
      return { victim, survivor };
    });
    const { victim, survivor } = run.result;
    t.diagnostic(`deadlock victim: session ${victim.session.label} (thread ${victim.session.id}), ${DEADLOCK} on "${victim.sql}"`);
    const victimLock = findStatementLine('mariadb', run.logText, victim.session, victim.sql);
    const survivorLock = findStatementLine('mariadb', run.logText, survivor.session, survivor.sql);

    await verdict(t, `flags the victim's "${victim.sql}"`, async (lint) => {
      const result = await lint({ paths: [run.logFile], dialect: 'mariadb' });
      const both = [{ session: victim.session, at: victimLock }, { session: survivor.session, at: survivorLock }];
      // The general log records no errors, so locklint cannot tell the victim from the survivor:
      // both ran the hazard, and a finding counting both names the victim as well.
      assertFlagged(result, CHILD_INSERT_RULE, both[0]!, run.logFile, both);
      assertAnchoredOnlyAt(result, CHILD_INSERT_RULE, both, run.logFile);
    });
  }

  // Two transactions insert a child of author 1 (each takes a shared lock on author 1 for the
  // FK check), then both update author 1: each X lock request waits for the other's S lock.
  it('child INSERT then parent UPDATE in two transactions: deadlock 1213, flagged', async (t) => {
    const active = driverFor(t, mariadb);
    if (!active) return;
    await expectDeadlockFlagged(t, active, 'child_then_parent_update', UPDATE_AUTHOR_A, UPDATE_AUTHOR_B);
  });

  // Fixed form: update (X-lock) the parent first; the second transaction simply waits its turn.
  it('parent UPDATE before the child INSERT: no error, not flagged', async (t) => {
    const active = driverFor(t, mariadb);
    if (!active) return;
    const run = await runQueuedOnParentLock(active, 'parent_update_first', AUTHOR_BOOK_SCHEMA, 'START TRANSACTION', { aFirst: [UPDATE_AUTHOR_A], bFirst: UPDATE_AUTHOR_B, aThen: [INSERT_BOOK_A], bThen: [INSERT_BOOK_B] });
    await verdictNoFinding(t, run, 'mariadb');
  });

  // The fix applied to the seed pattern: lock the parent FOR UPDATE, then insert the child, then
  // update the parent. The second transaction queues on the first lock, so the later UPDATE after
  // the INSERT waits for nothing; locklint must not flag its own advice.
  it('parent locked FOR UPDATE, then child INSERT, then parent UPDATE: no error, not flagged', async (t) => {
    const active = driverFor(t, mariadb);
    if (!active) return;
    const run = await runQueuedOnParentLock(active, 'parent_locked_first', AUTHOR_BOOK_SCHEMA, 'START TRANSACTION', {
      aFirst: [LOCK_AUTHOR, INSERT_BOOK_A],
      bFirst: LOCK_AUTHOR,
      aThen: [UPDATE_AUTHOR_A],
      bThen: [INSERT_BOOK_B, UPDATE_AUTHOR_B],
    });
    await verdictNoFinding(t, run, 'mariadb');
  });

  // Autocommit: each statement is its own transaction and releases its locks at once
  // (https://mariadb.com/kb/en/start-transaction/#autocommit), so nothing is held across statements.
  it('same statements with autocommit on: no error, not flagged', async (t) => {
    const active = driverFor(t, mariadb);
    if (!active) return;
    const run = await runCase(active, 'autocommit', AUTHOR_BOOK_SCHEMA, ['A', 'B'], async ({ A, B }) => {
      await A!.exec(INSERT_BOOK_A);
      await B!.exec(INSERT_BOOK_B);
      await A!.exec(UPDATE_AUTHOR_A);
      await B!.exec(UPDATE_AUTHOR_B);
    });
    await verdictNoFinding(t, run, 'mariadb');
  });

  // SELECT ... FOR UPDATE wants the same X lock an UPDATE would: same deadlock.
  it('child INSERT then SELECT ... FOR UPDATE on the parent: deadlock 1213, flagged', async (t) => {
    const active = driverFor(t, mariadb);
    if (!active) return;
    await expectDeadlockFlagged(t, active, 'child_then_parent_for_update', LOCK_AUTHOR, LOCK_AUTHOR);
  });

  // An upsert that hits the existing parent row X-locks it to update it: same deadlock.
  // https://mariadb.com/kb/en/insert-on-duplicate-key-update/
  it('child INSERT then INSERT ... ON DUPLICATE KEY UPDATE of the parent: deadlock 1213, flagged', async (t) => {
    const active = driverFor(t, mariadb);
    if (!active) return;
    await expectDeadlockFlagged(t, active, 'child_then_parent_upsert', UPSERT_AUTHOR_A, UPSERT_AUTHOR_B);
  });

  // NOWAIT never waits, so there is no cycle: the locking read fails at once instead. The finding
  // must say so, not call it a deadlock.
  it('child INSERT then SELECT ... FOR UPDATE NOWAIT on the parent: 1205 at once, flagged as a lock failure', async (t) => {
    const active = driverFor(t, mariadb);
    if (!active) return;
    const { run, lock } = await runChildInsertThenNowaitLock(active, AUTHOR_BOOK_SCHEMA, 'START TRANSACTION', '1205');
    await verdict(t, 'flags the NOWAIT read as failing at once', async (lint) => {
      const result = await lint({ paths: [run.logFile], dialect: 'mariadb' });
      const finding = assertFlagged(result, CHILD_INSERT_RULE, lock, run.logFile);
      assert.match(finding.message, /fails at once \(ER_LOCK_WAIT_TIMEOUT \(1205\)\)/);
      assert.doesNotMatch(finding.message, /deadlock/);
    });
  });

  // Django's delete() + bulk_create() race (see selectIdsThenDeleteIn): request 2's INSERT fails 1062.
  it('SELECT ids, DELETE ... IN (ids), INSERT under a unique key, two requests: 1062, flagged', async (t) => {
    const active = driverFor(t, mariadb);
    if (!active) return;
    const { run, first, second } = await runSelectIdsThenDeleteIn(active, OWNER_ITEM_SCHEMA, DJANGO_ATOMIC, DUPLICATE_KEY);
    t.diagnostic(`duplicate key: request 2 (thread ${second.session.id}) ${DUPLICATE_KEY} on "${INSERT_ITEMS}"`);

    await verdict(t, "flags the failing request's DELETE ... IN", async (lint) => {
      const result = await lint({ paths: [run.logFile], dialect: 'mariadb' });
      const both = [second, first];
      // No error in the general log tells the failing request apart: a finding counting both names it too.
      assertFlagged(result, SELECT_IDS_RULE, both[0]!, run.logFile, both);
      assertAnchoredOnlyAt(result, SELECT_IDS_RULE, both, run.logFile);
    });
  });

  // Fixed form: one DELETE by the predicate and the INSERT in one transaction. InnoDB's DELETE
  // is a locking read: it waits for request 1's locks, then reads the latest committed rows
  // (not its snapshot), so it deletes request 1's new rows and the INSERT succeeds.
  // https://mariadb.com/kb/en/innodb-lock-modes/ ; https://dev.mysql.com/doc/refman/8.0/en/innodb-consistent-read.html
  it('DELETE by the predicate inside a transaction, then INSERT: no error, not flagged', async (t) => {
    const active = driverFor(t, mariadb);
    if (!active) return;
    const run = await runCase(active, 'delete_by_predicate', OWNER_ITEM_SCHEMA, ['request1', 'request2'], async ({ request1, request2 }) => {
      const first = request1!;
      const second = request2!;
      await first.exec('SET autocommit=0');
      await first.exec(DELETE_ITEMS_BY_OWNER);
      await first.exec(INSERT_ITEMS);
      await second.exec('SET autocommit=0');
      const deleteSecond = second.start(DELETE_ITEMS_BY_OWNER);
      await expectBlocked(active, deleteSecond, "request 2's DELETE waits for request 1's row locks");
      await first.exec('COMMIT');
      await first.exec('SET autocommit=1');
      const deleted = await deleteSecond.done;
      assert.ok(deleted.ok && deleted.rowCount === 2, `request 2 (${second.id}): "${DELETE_ITEMS_BY_OWNER}" should delete request 1's 2 committed rows, got ${JSON.stringify(deleted)}`);
      await second.exec(INSERT_ITEMS);
      await second.exec('COMMIT');
      await second.exec('SET autocommit=1');
    });
    await verdictNoFinding(t, run, 'mariadb');
  });
});
