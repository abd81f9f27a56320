/**
 * What the MariaDB and PostgreSQL cases have in common: the statements they run (the tables are
 * created per dialect in each test file) and the interleaving that is the same on both servers.
 */
import assert from 'node:assert/strict';
import { describeOutcome, expectBlocked, expectError, findStatementLine, runCase, type CaseRun, type Driver, type Occurrence, type Session } from './scenarios.js';

// Parent `author` (id 1 exists), child `book` with a foreign key to it.
export const INSERT_BOOK_A = "INSERT INTO book (title, author_id) VALUES ('Carrie', 1)";
export const INSERT_BOOK_B = "INSERT INTO book (title, author_id) VALUES ('Misery', 1)";
export const UPDATE_AUTHOR_A = "UPDATE author SET country = 'USA' WHERE id = 1";
export const UPDATE_AUTHOR_B = "UPDATE author SET country = 'United States' WHERE id = 1";
export const LOCK_AUTHOR = 'SELECT id, country FROM author WHERE id = 1 FOR UPDATE';

// `item` rows replaced per owner (delete, then re-insert) under UNIQUE (owner_id, code).
export const SELECT_ITEM_IDS = 'SELECT id FROM item WHERE owner_id = 1';
export const DELETE_ITEMS_BY_OWNER = 'DELETE FROM item WHERE owner_id = 1';
export const INSERT_ITEMS = "INSERT INTO item (owner_id, code) VALUES (1, 'a'), (1, 'b')";

/** The statements Django sends around an atomic block on this server. */
export interface AtomicBlock {
  readonly begin: readonly string[];
  readonly commit: readonly string[];
  readonly rollback: readonly string[];
}

async function execAll(session: Session, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await session.exec(sql);
}

/**
 * Two requests replace owner 1's items the way Django's QuerySet.delete() + bulk_create() do by
 * default (no ATOMIC_REQUESTS): the collector's SELECT of ids runs in autocommit, the
 * DELETE ... IN and the INSERT each in their own atomic block. Request 2 reads ids [1, 2] before
 * request 1 replaces them, so its DELETE ... IN (1, 2) deletes nothing and its INSERT collides
 * with request 1's new rows: `duplicateKeyCode`. Returns the case and where the log shows each
 * request's DELETE ... IN.
 */
export async function runSelectIdsThenDeleteIn(
  driver: Driver,
  ownerItemSchema: readonly string[],
  atomic: AtomicBlock,
  duplicateKeyCode: string,
): Promise<{ run: CaseRun<unknown>; first: Occurrence; second: Occurrence }> {
  const run = await runCase(driver, 'select_ids_then_delete_in', ownerItemSchema, ['request1', 'request2'], ({ request1, request2 }) =>
    selectIdsThenDeleteIn(request1!, request2!, atomic, duplicateKeyCode),
  );
  const first = run.sessions.request1!;
  const second = run.sessions.request2!;
  const secondDelete = findStatementLine(driver.dialect, run.logText, second, run.result.deleteSecond);
  const firstDelete = findStatementLine(driver.dialect, run.logText, first, run.result.deleteFirst);
  return { run, first: { session: first, at: firstDelete }, second: { session: second, at: secondDelete } };
}

async function selectIdsThenDeleteIn(
  first: Session,
  second: Session,
  atomic: AtomicBlock,
  duplicateKeyCode: string,
): Promise<{ deleteFirst: string; deleteSecond: string }> {
  const idsSeenByFirst = (await first.exec(SELECT_ITEM_IDS)).rows.map((row) => Number(row.id));
  const idsSeenBySecond = (await second.exec(SELECT_ITEM_IDS)).rows.map((row) => Number(row.id));
  assert.deepEqual(idsSeenBySecond, idsSeenByFirst);

  const deleteFirst = `DELETE FROM item WHERE id IN (${idsSeenByFirst.join(', ')})`;
  await execAll(first, atomic.begin);
  await first.exec(deleteFirst);
  await execAll(first, atomic.commit);
  await execAll(first, atomic.begin);
  await first.exec(INSERT_ITEMS);
  await execAll(first, atomic.commit);

  const deleteSecond = `DELETE FROM item WHERE id IN (${idsSeenBySecond.join(', ')})`;
  await execAll(second, atomic.begin);
  const deleted = await second.exec(deleteSecond);
  assert.equal(deleted.rowCount, 0, `request 2 (${second.id}): "${deleteSecond}" should find its ids already gone`);
  await execAll(second, atomic.commit);
  await execAll(second, atomic.begin);
  expectError(await second.attempt(INSERT_ITEMS), duplicateKeyCode, `request 2 (${second.id}): "${INSERT_ITEMS}"`);
  await execAll(second, atomic.rollback);
  return { deleteFirst, deleteSecond };
}

export const LOCK_AUTHOR_NOWAIT = 'SELECT id, country FROM author WHERE id = 1 FOR UPDATE NOWAIT';

/**
 * Two transactions insert a book for author 1, then A locks the author FOR UPDATE NOWAIT: B's
 * foreign-key check lock is in the way, so A fails at once with `lockNotAvailableCode` rather
 * than waiting (no deadlock). Returns the case and where the log shows A's locking read.
 */
export async function runChildInsertThenNowaitLock(
  driver: Driver,
  authorBookSchema: readonly string[],
  begin: string,
  lockNotAvailableCode: string,
): Promise<{ run: CaseRun<unknown>; lock: Occurrence }> {
  const run = await runCase(driver, 'child_then_parent_nowait', authorBookSchema, ['A', 'B'], async ({ A, B }) => {
    await A!.exec(begin);
    await A!.exec(INSERT_BOOK_A);
    await B!.exec(begin);
    await B!.exec(INSERT_BOOK_B);
    expectError(await A!.attempt(LOCK_AUTHOR_NOWAIT), lockNotAvailableCode, `session A (${A!.id}): "${LOCK_AUTHOR_NOWAIT}"`);
    await A!.exec('ROLLBACK');
    await B!.exec('COMMIT');
  });
  const session = run.sessions.A!;
  return { run, lock: { session, at: findStatementLine(driver.dialect, run.logText, session, LOCK_AUTHOR_NOWAIT) } };
}

/** What each transaction runs when the second must queue behind the first's parent lock. */
export interface QueuedPlan {
  /** A runs these, the first of which locks the parent row. */
  readonly aFirst: readonly string[];
  /** B's first statement: it must wait for A's lock. */
  readonly bFirst: string;
  /** A runs these once B is waiting, then commits. */
  readonly aThen: readonly string[];
  /** B runs these once its first statement has gone through, then commits. */
  readonly bThen: readonly string[];
}

/**
 * The remedy's interleaving: A locks the parent row first, B's first statement waits for it,
 * A finishes and commits, then B goes through. Nobody fails; returns the case for a verdict.
 */
export async function runQueuedOnParentLock(driver: Driver, name: string, schema: readonly string[], begin: string, plan: QueuedPlan): Promise<CaseRun<unknown>> {
  return runCase(driver, name, schema, ['A', 'B'], async ({ A, B }) => {
    await A!.exec(begin);
    await execAll(A!, plan.aFirst);
    await B!.exec(begin);
    const waiting = B!.start(plan.bFirst);
    await expectBlocked(driver, waiting, `B's "${plan.bFirst}" waits for A's lock on the parent row`);
    await execAll(A!, plan.aThen);
    await A!.exec('COMMIT');
    const outcome = await waiting.done;
    assert.ok(outcome.ok, `session B (${B!.id}): "${plan.bFirst}" should succeed once A commits, got ${describeOutcome(outcome)}`);
    await execAll(B!, plan.bThen);
    await B!.exec('COMMIT');
  });
}
