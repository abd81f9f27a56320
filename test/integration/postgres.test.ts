/**
 * locklint's two founding rules, proven on a real PostgreSQL 15 server: each case drives two
 * sessions in an exact interleaving (READ COMMITTED, the default), checks what the server did
 * (deadlock 40P01, unique violation 23505, or nothing), then lints the server's stderr log
 * (log_statement=all, log_line_prefix '%m [%p] %q%u@%d ') of that very run and checks locklint's
 * verdict names the same backend pid and statement.
 *
 * Row-lock conflicts, from https://www.postgresql.org/docs/15/explicit-locking.html#LOCKING-ROWS :
 * a foreign-key check takes FOR KEY SHARE on the parent row; an UPDATE that changes no key
 * column takes FOR NO KEY UPDATE (no conflict with FOR KEY SHARE); SELECT ... FOR UPDATE, DELETE
 * and an UPDATE of a key column take FOR UPDATE (conflicts with FOR KEY SHARE).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { POSTGRES_LOG_LINE_PREFIX, startPostgres, type PostgresServer } from '../support/servers.js';
import {
  DELETE_ITEMS_BY_OWNER,
  INSERT_BOOK_A,
  INSERT_BOOK_B,
  INSERT_ITEMS,
  LOCK_AUTHOR,
  SELECT_ITEM_IDS,
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
  assertPostgresFixIsNotDeleteByPredicate,
  blockedOrSettled,
  clientSession,
  describeOutcome,
  driverFor,
  expectBlocked,
  expectError,
  expectOneDeadlockVictim,
  findStatementLine,
  runCase,
  serverForCases,
  skipUnlessAvailable,
  verdict,
  verdictNoFinding,
  writeCaseFile,
  type Driver,
  type ClosableDriver,
  type Outcome,
  type Session,
} from './scenarios.js';

const DEADLOCK = '40P01'; // deadlock_detected
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

async function runOn(client: pg.Client, sql: string): Promise<Outcome> {
  try {
    const result = await client.query(sql);
    return { ok: true, rowCount: result.rowCount ?? result.rows.length, rows: result.rows as Record<string, unknown>[] };
  } catch (error) {
    const failure = error as { code?: string; message: string };
    return { ok: false, code: failure.code ?? 'ERROR', message: failure.message };
  }
}

async function postgresDriver(server: PostgresServer): Promise<ClosableDriver> {
  const connectionOptions = { host: server.socketDir, port: server.port, user: server.user, database: server.database };
  // The monitor watches lock waits; log_statement=none (set at connect, superuser) keeps its
  // polling out of the log.
  const monitor = new pg.Client({ ...connectionOptions, options: '-c log_statement=none' });
  await monitor.connect();

  return {
    dialect: 'postgresql',
    workDir: server.tempDir,
    log: server.log,
    async createNamespace(name) {
      await monitor.query(`CREATE SCHEMA ${name}`);
    },
    async connect(label, schema) {
      // Each case's tables live in its own schema; search_path set at connect keeps the logged
      // statements free of schema names.
      const client = new pg.Client({ ...connectionOptions, options: `-c search_path=${schema}` });
      await client.connect();
      const idQuery = 'SELECT pg_backend_pid() AS id';
      const { rows } = await client.query<{ id: number }>(idQuery);
      return clientSession(label, String(rows[0]!.id), idQuery, (sql) => runOn(client, sql), () => client.end());
    },
    lockPollIntervalMs: 10,
    async isWaitingForLock(sessionId) {
      const { rows } = await monitor.query<{ waiting: boolean }>("SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1", [Number(sessionId)]);
      return rows[0]?.waiting === true;
    },
    async sessionsGone(sessionIds) {
      const { rows } = await monitor.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])', [sessionIds.map(Number)]);
      return rows[0]!.n === 0;
    },
    async close() {
      await monitor.end();
    },
  };
}

function authorBookSchema(foreignKeyClauses: string): string[] {
  return [
    'CREATE TABLE author (id integer PRIMARY KEY, name text NOT NULL, country text)',
    `CREATE TABLE book (id serial PRIMARY KEY, author_id integer NOT NULL, title text NOT NULL, CONSTRAINT book_author_fk FOREIGN KEY (author_id) REFERENCES author (id)${foreignKeyClauses})`,
    "INSERT INTO author (id, name, country) VALUES (1, 'Stephen King', 'US')",
  ];
}

// `item` rows are replaced per owner (delete, then re-insert) under UNIQUE (owner_id, code).
const OWNER_ITEM_SCHEMA = [
  'CREATE TABLE owner (id integer PRIMARY KEY, name text NOT NULL)',
  'CREATE TABLE item (id serial PRIMARY KEY, owner_id integer NOT NULL, code text NOT NULL, CONSTRAINT item_owner_code UNIQUE (owner_id, code), CONSTRAINT item_owner_fk FOREIGN KEY (owner_id) REFERENCES owner (id))',
  "INSERT INTO owner (id, name) VALUES (1, 'owner 1')",
  "INSERT INTO item (owner_id, code) VALUES (1, 'a'), (1, 'b')",
];

const UPDATE_AUTHOR_KEY_A = 'UPDATE author SET id = 101 WHERE id = 1';
const UPDATE_AUTHOR_KEY_B = 'UPDATE author SET id = 102 WHERE id = 1';
const UPDATE_AUTHOR_SAME_KEY_A = "UPDATE author SET id = 1, country = 'USA' WHERE id = 1";
const UPDATE_AUTHOR_SAME_KEY_B = "UPDATE author SET id = 1, country = 'United States' WHERE id = 1";

// psycopg opens Django's atomic block with BEGIN.
const DJANGO_ATOMIC: AtomicBlock = { begin: ['BEGIN'], commit: ['COMMIT'], rollback: ['ROLLBACK'] };

describe('PostgreSQL: lock hazards on a real server, judged by locklint from the server log', () => {
  const postgres = serverForCases(startPostgres, postgresDriver);

  it('starts a private server with log_statement=all', (t) => {
    const running = skipUnlessAvailable(t, postgres.server);
    if (!running) return;
    t.diagnostic(`PostgreSQL ${running.version}, postmaster pid ${running.pid}, initdb + ready in ${postgres.startedInMs} ms, log_line_prefix '${POSTGRES_LOG_LINE_PREFIX}'`);
    assert.match(running.version, /^\d+/);
  });

  /**
   * Drives the deadlock-shaped interleaving: both transactions insert a child of author 1, then
   * each takes `lockA` / `lockB` on author 1. Returns both pending statements, settled.
   */
  async function childInsertThenParentLock(active: Driver, A: Session, B: Session, lockA: string, lockB: string) {
    await A.exec('BEGIN');
    await A.exec(INSERT_BOOK_A);
    await B.exec('BEGIN');
    await B.exec(INSERT_BOOK_B);
    const first = A.start(lockA);
    return { first, firstState: await blockedOrSettled(active, first), second: B.start(lockB) };
  }

  // The FK checks hold FOR KEY SHARE; a non-key UPDATE takes FOR NO KEY UPDATE, which does not
  // conflict with it (PostgreSQL 9.3+). A's UPDATE proceeds at once; B's waits for A's row lock
  // like any two writers of one row, and proceeds when A commits.
  it('child INSERT then non-key parent UPDATE in two transactions: no deadlock, not flagged', async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    const run = await runCase(active, 'child_then_parent_update', authorBookSchema(''), ['A', 'B'], async ({ A, B }) => {
      const { first, firstState, second } = await childInsertThenParentLock(active, A!, B!, UPDATE_AUTHOR_A, UPDATE_AUTHOR_B);
      assert.ok(firstState !== 'blocked' && firstState.ok, `session A (${A!.id}): "${UPDATE_AUTHOR_A}" should not wait for B's FOR KEY SHARE lock, got ${describeOutcome(first.outcome)}`);
      await expectBlocked(active, second, "B's UPDATE waits for A's FOR NO KEY UPDATE row lock");
      await A!.exec('COMMIT');
      const outcome = await second.done;
      assert.ok(outcome.ok, `session B (${B!.id}): "${UPDATE_AUTHOR_B}" should succeed once A commits, got ${describeOutcome(outcome)}`);
      await B!.exec('COMMIT');
    });
    await verdictNoFinding(t, run, 'postgresql');
  });

  it('parent UPDATE before the child INSERT: no error, not flagged', async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    const run = await runQueuedOnParentLock(active, 'parent_update_first', authorBookSchema(''), 'BEGIN', { aFirst: [UPDATE_AUTHOR_A], bFirst: UPDATE_AUTHOR_B, aThen: [INSERT_BOOK_A], bThen: [INSERT_BOOK_B] });
    await verdictNoFinding(t, run, 'postgresql');
  });

  // The fix: lock the parent first. An ORM that locks the row again after inserting the child
  // (a reload with select_for_update) waits for nothing, since B queues on the first lock.
  it('parent locked FOR UPDATE, then child INSERT, then the same lock again: no error, not flagged', async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    const run = await runQueuedOnParentLock(active, 'parent_locked_first', authorBookSchema(''), 'BEGIN', {
      aFirst: [LOCK_AUTHOR, INSERT_BOOK_A],
      bFirst: LOCK_AUTHOR,
      aThen: [LOCK_AUTHOR],
      bThen: [INSERT_BOOK_B, LOCK_AUTHOR],
    });
    await verdictNoFinding(t, run, 'postgresql');
  });

  /** Runs a case that must deadlock on `lockA`/`lockB`, then checks locklint flags the victim there. */
  async function expectDeadlockFlagged(t: TestContext, active: Driver, name: string, schema: string[], lockA: string, lockB: string) {
    const run = await runCase(active, name, schema, ['A', 'B'], async ({ A, B }) => {
      const { first, firstState, second } = await childInsertThenParentLock(active, A!, B!, lockA, lockB);
      assert.equal(firstState, 'blocked', `session A (${A!.id}): "${lockA}" should wait for B's FOR KEY SHARE lock, got ${describeOutcome(first.outcome)}`);
      const { victim, survivor } = await expectOneDeadlockVictim(first, second, DEADLOCK);
      await victim.session.exec('ROLLBACK');
      await survivor.session.exec('COMMIT');
      return { victim, survivor };
    });
    const { victim, survivor } = run.result;
    t.diagnostic(`deadlock victim: session ${victim.session.label} (pid ${victim.session.id}), ${DEADLOCK} on "${victim.sql}"`);
    const victimLock = findStatementLine('postgresql', run.logText, victim.session, victim.sql);
    const survivorLock = findStatementLine('postgresql', run.logText, survivor.session, survivor.sql);
    await verdict(t, `flags the victim's "${victim.sql}"`, async (lint) => {
      const result = await lint({ paths: [run.logFile], dialect: 'postgresql' });
      // The log shows the 40P01 in the victim's session: the finding must name that session.
      assertFlagged(result, CHILD_INSERT_RULE, { session: victim.session, at: victimLock }, run.logFile);
      assertAnchoredOnlyAt(result, CHILD_INSERT_RULE, [{ session: victim.session, at: victimLock }, { session: survivor.session, at: survivorLock }], run.logFile);
    });
  }

  // FOR UPDATE conflicts with the other transaction's FOR KEY SHARE: each waits for the other.
  it('child INSERT then SELECT ... FOR UPDATE on the parent: deadlock 40P01, flagged', async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    await expectDeadlockFlagged(t, active, 'child_then_parent_for_update', authorBookSchema(''), LOCK_AUTHOR, LOCK_AUTHOR);
  });

  // Changing the referenced key takes FOR UPDATE, like the locking SELECT. ON UPDATE CASCADE
  // lets the surviving transaction's key change go through (its own new book follows it).
  it("child INSERT then UPDATE of the parent's primary key: deadlock 40P01, flagged", async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    await expectDeadlockFlagged(t, active, 'child_then_parent_key_update', authorBookSchema(' ON UPDATE CASCADE'), UPDATE_AUTHOR_KEY_A, UPDATE_AUTHOR_KEY_B);
  });

  // NOWAIT never waits, so there is no cycle: the locking read fails at once instead. The finding
  // must say so, not call it a deadlock.
  it('child INSERT then SELECT ... FOR UPDATE NOWAIT on the parent: 55P03 at once, flagged as a lock failure', async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    const { run, lock } = await runChildInsertThenNowaitLock(active, authorBookSchema(''), 'BEGIN', '55P03');
    await verdict(t, 'flags the NOWAIT read as failing at once', async (lint) => {
      const result = await lint({ paths: [run.logFile], dialect: 'postgresql' });
      const finding = assertFlagged(result, CHILD_INSERT_RULE, lock, run.logFile);
      assert.match(finding.message, /fails at once \(lock_not_available \(SQLSTATE 55P03\)\)/);
      assert.doesNotMatch(finding.message, /deadlock/);
    });
  });

  // A DEFERRABLE INITIALLY DEFERRED foreign key (Django's default on PostgreSQL) is checked at
  // COMMIT, so the INSERT takes no lock on the parent: A's FOR UPDATE proceeds, B's waits for
  // A's commit, nobody deadlocks. https://www.postgresql.org/docs/15/sql-set-constraints.html
  it('same with a DEFERRABLE INITIALLY DEFERRED foreign key (SELECT ... FOR UPDATE): no deadlock, not flagged', async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    const run = await runCase(active, 'deferred_fk_for_update', authorBookSchema(' DEFERRABLE INITIALLY DEFERRED'), ['A', 'B'], async ({ A, B }) => {
      const { first, firstState, second } = await childInsertThenParentLock(active, A!, B!, LOCK_AUTHOR, LOCK_AUTHOR);
      assert.ok(firstState !== 'blocked' && firstState.ok, `session A (${A!.id}): "${LOCK_AUTHOR}" should not wait (B's INSERT took no parent lock), got ${describeOutcome(first.outcome)}`);
      await expectBlocked(active, second, "B's FOR UPDATE waits for A's");
      await A!.exec('COMMIT');
      const outcome = await second.done;
      assert.ok(outcome.ok, `session B (${B!.id}): "${LOCK_AUTHOR}" should succeed once A commits, got ${describeOutcome(outcome)}`);
      await B!.exec('COMMIT');
    });
    await verdictNoFinding(t, run, 'postgresql');
  });

  // The same key-changing UPDATEs with the deferred key: no lock at INSERT, so no deadlock. B's
  // UPDATE waits for A, then finds author 1 renamed to 101 and updates nothing; B's COMMIT then
  // fails the deferred check (23503): its book points at an author that no longer exists. That
  // is the foreign key doing its job on conflicting data, not a lock hazard.
  it("same with a DEFERRABLE INITIALLY DEFERRED foreign key (UPDATE of the parent's key): no deadlock, not flagged", async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    const run = await runCase(active, 'deferred_fk_key_update', authorBookSchema(' ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED'), ['A', 'B'], async ({ A, B }) => {
      const { first, firstState, second } = await childInsertThenParentLock(active, A!, B!, UPDATE_AUTHOR_KEY_A, UPDATE_AUTHOR_KEY_B);
      assert.ok(firstState !== 'blocked' && firstState.ok, `session A (${A!.id}): "${UPDATE_AUTHOR_KEY_A}" should not wait (B's INSERT took no parent lock), got ${describeOutcome(first.outcome)}`);
      await expectBlocked(active, second, "B's key UPDATE waits for A's");
      await A!.exec('COMMIT');
      const outcome = await second.done;
      assert.ok(outcome.ok && outcome.rowCount === 0, `session B (${B!.id}): "${UPDATE_AUTHOR_KEY_B}" should find author 1 gone once A commits, got ${describeOutcome(outcome)}`);
      expectError(await B!.attempt('COMMIT'), FOREIGN_KEY_VIOLATION, `session B (${B!.id}): deferred FK check at COMMIT`);
    });
    await verdictNoFinding(t, run, 'postgresql');
  });

  // An UPDATE that assigns the key the value it already has (an ORM writing every column) does
  // not change the key, so PostgreSQL takes FOR NO KEY UPDATE: it does not wait for B's FOR KEY
  // SHARE, and nobody deadlocks. https://www.postgresql.org/docs/15/explicit-locking.html#LOCKING-ROWS
  it('child INSERT then an UPDATE assigning the parent key its own value: no deadlock, not flagged', async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    const run = await runCase(active, 'child_then_parent_same_key', authorBookSchema(''), ['A', 'B'], async ({ A, B }) => {
      const { first, firstState, second } = await childInsertThenParentLock(active, A!, B!, UPDATE_AUTHOR_SAME_KEY_A, UPDATE_AUTHOR_SAME_KEY_B);
      assert.ok(firstState !== 'blocked' && firstState.ok, `session A (${A!.id}): "${UPDATE_AUTHOR_SAME_KEY_A}" should not wait (no key change, so no FOR UPDATE), got ${describeOutcome(first.outcome)}`);
      await expectBlocked(active, second, "B's UPDATE waits for A's FOR NO KEY UPDATE");
      await A!.exec('COMMIT');
      const outcome = await second.done;
      assert.ok(outcome.ok, `session B (${B!.id}): "${UPDATE_AUTHOR_SAME_KEY_B}" should succeed once A commits, got ${describeOutcome(outcome)}`);
      await B!.exec('COMMIT');
    });
    await verdictNoFinding(t, run, 'postgresql');
  });

  // Django's delete() + bulk_create() race (see selectIdsThenDeleteIn): request 2's INSERT fails 23505.
  it('SELECT ids, DELETE ... IN (ids), INSERT under a unique key, two requests: 23505, flagged', async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    const { run, first, second } = await runSelectIdsThenDeleteIn(active, OWNER_ITEM_SCHEMA, DJANGO_ATOMIC, UNIQUE_VIOLATION);
    t.diagnostic(`unique violation: request 2 (pid ${second.session.id}) ${UNIQUE_VIOLATION} on "${INSERT_ITEMS}"`);

    await verdict(t, "flags the failing request's DELETE ... IN, with PostgreSQL advice", async (lint) => {
      const result = await lint({ paths: [run.logFile], dialect: 'postgresql' });
      // The log shows the 23505 in request 2's session: the finding must name that session.
      const finding = assertFlagged(result, SELECT_IDS_RULE, second, run.logFile);
      assertAnchoredOnlyAt(result, SELECT_IDS_RULE, [second, first], run.logFile);
      assertPostgresFixIsNotDeleteByPredicate(finding, `${run.logFile}:${finding.line}`);
    });
  });

  // The MySQL/MariaDB fix does not carry over: under READ COMMITTED each statement sees rows
  // committed before it began. Request 2's DELETE by the predicate waits for request 1's row
  // locks; once request 1 commits, the rows it waited on are gone and request 1's new rows were
  // never in its snapshot, so it deletes nothing and the INSERT still fails with 23505.
  // https://www.postgresql.org/docs/15/transaction-iso.html#XACT-READ-COMMITTED
  it('DELETE by the predicate inside a transaction, then INSERT: still 23505; the PostgreSQL advice does not call it safe', async (t) => {
    const active = driverFor(t, postgres);
    if (!active) return;
    const run = await runCase(active, 'delete_by_predicate', OWNER_ITEM_SCHEMA, ['request1', 'request2'], async ({ request1, request2 }) => {
      const first = request1!;
      const second = request2!;
      await first.exec('BEGIN');
      await first.exec(DELETE_ITEMS_BY_OWNER);
      await first.exec(INSERT_ITEMS);
      await second.exec('BEGIN');
      const deleteSecond = second.start(DELETE_ITEMS_BY_OWNER);
      await expectBlocked(active, deleteSecond, "request 2's DELETE waits for request 1's row locks");
      await first.exec('COMMIT');
      const deleted = await deleteSecond.done;
      assert.ok(deleted.ok && deleted.rowCount === 0, `request 2 (${second.id}): "${DELETE_ITEMS_BY_OWNER}" should delete nothing (request 1's rows are not in its snapshot), got ${describeOutcome(deleted)}`);
      expectError(await second.attempt(INSERT_ITEMS), UNIQUE_VIOLATION, `request 2 (${second.id}): "${INSERT_ITEMS}"`);
      await second.exec('ROLLBACK');
    });
    t.diagnostic(`unique violation: request 2 (pid ${run.sessions.request2!.id}) ${UNIQUE_VIOLATION} after DELETE by the predicate`);

    await verdict(t, 'select-ids-then-delete-in advice for PostgreSQL offers ON CONFLICT or a parent lock', async (lint) => {
      const result = await lint({ paths: [run.logFile], dialect: 'postgresql' });
      const findings = result.findings.filter((finding) => finding.ruleId === SELECT_IDS_RULE);
      for (const finding of findings) assertPostgresFixIsNotDeleteByPredicate(finding, `${run.logFile}:${finding.line}`);
      if (findings.length > 0) return;
      // This log has no SELECT of ids, so the rule has nothing to say about it: check the advice
      // it gives for its own hazardous form on PostgreSQL instead.
      const hazardousForm = [
        '-- select-ids-then-delete-in, as one request of the race above runs it',
        ...OWNER_ITEM_SCHEMA.slice(0, 2).map((sql) => `${sql};`),
        `${SELECT_ITEM_IDS};`,
        'BEGIN;',
        'DELETE FROM item WHERE id IN (1, 2);',
        'COMMIT;',
        'BEGIN;',
        `${INSERT_ITEMS};`,
        'COMMIT;',
        '',
      ].join('\n');
      const sqlFile = await writeCaseFile(run.caseDir, 'hazardous-form.sql', hazardousForm);
      const sibling = await lint({ paths: [sqlFile], dialect: 'postgresql' });
      const siblingFindings = sibling.findings.filter((finding) => finding.ruleId === SELECT_IDS_RULE);
      assert.ok(siblingFindings.length > 0, `expected ${SELECT_IDS_RULE} on ${sqlFile} (dialect postgresql) to check its fix text; got none`);
      for (const finding of siblingFindings) assertPostgresFixIsNotDeleteByPredicate(finding, `${sqlFile}:${finding.line}`);
    });
  });
});
