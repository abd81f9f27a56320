/**
 * Shared machinery for the real-server tests: two (or more) client sessions driven in an exact
 * interleaving, the server's log of that very run cut into a per-case file, and locklint's
 * verdict on that file. The server-specific parts (connecting, asking the server whether a
 * session waits for a lock) live behind `Driver` in each test file.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, type TestContext } from 'node:test';
import type { Finding, LintResult } from '../../src/model/finding.js';
import type { LintOptions } from '../../src/index.js';
import { serversRequired, type Unavailable } from '../support/servers.js';

export type LogDialect = 'mariadb' | 'postgresql';

/** What a statement came to: rows, or the server's error code (MariaDB errno, PostgreSQL SQLSTATE). */
export type Outcome = { readonly ok: true; readonly rowCount: number; readonly rows: readonly Record<string, unknown>[] } | { readonly ok: false; readonly code: string; readonly message: string };

/** One client connection, named for the reader ("A", "request 1") and by the server ("42"). */
export interface Session {
  readonly label: string;
  /** Thread id (MariaDB CONNECTION_ID()) or backend pid (PostgreSQL pg_backend_pid()), as the log shows it. */
  readonly id: string;
  /** The statement that asked the server for `id`: the harness checks the log files it under `id`. */
  readonly idQuery: string;
  /** Runs a statement that must succeed. */
  exec(sql: string): Promise<Outcome & { ok: true }>;
  /** Runs a statement that may fail; the outcome says how. */
  attempt(sql: string): Promise<Outcome>;
  /** Sends a statement without waiting for it (it may block on a lock). */
  start(sql: string): PendingStatement;
  close(): Promise<void>;
}

export interface PendingStatement {
  readonly session: Session;
  readonly sql: string;
  readonly done: Promise<Outcome>;
  /** Set once `done` settles. */
  readonly outcome: Outcome | undefined;
}

function pendingStatement(session: Session, sql: string, run: Promise<Outcome>): PendingStatement {
  const pending: { session: Session; sql: string; done: Promise<Outcome>; outcome: Outcome | undefined } = { session, sql, done: run, outcome: undefined };
  pending.done = run.then((outcome) => {
    pending.outcome = outcome;
    return outcome;
  });
  return pending;
}

/**
 * A Session over one client connection. `run` sends a statement and reports its outcome (it never
 * throws); `close` ends the connection, told whether a statement is still running on it.
 */
export function clientSession(
  label: string,
  id: string,
  idQuery: string,
  run: (sql: string) => Promise<Outcome>,
  close: (statementRunning: boolean) => Promise<void>,
): Session {
  let inFlight = 0;
  const session: Session = {
    label,
    id,
    idQuery,
    async exec(sql) {
      const outcome = await session.attempt(sql);
      if (!outcome.ok) throw new Error(`session ${label} (${id}): "${sql}" failed: ${outcome.code} ${outcome.message}`);
      return outcome;
    },
    async attempt(sql) {
      inFlight++;
      try {
        return await run(sql);
      } finally {
        inFlight--;
      }
    },
    start(sql) {
      return pendingStatement(session, sql, session.attempt(sql));
    },
    close: () => close(inFlight > 0),
  };
  return session;
}

export interface Driver {
  readonly dialect: LogDialect;
  /** Where per-case files go (inside the server's temp dir). */
  readonly workDir: string;
  /** The server's own log, and slices of it. */
  readonly log: { mark(): Promise<number>; logSince(offset: number, toFile: string): Promise<string> };
  /** Creates an empty namespace (database or schema) for one case, off the record. */
  createNamespace(name: string): Promise<void>;
  connect(label: string, namespace: string): Promise<Session>;
  /** Is this session waiting for a lock right now? (asked over an unlogged monitor connection) */
  isWaitingForLock(sessionId: string): Promise<boolean>;
  /** How often isWaitingForLock may be asked and give a fresh answer. */
  readonly lockPollIntervalMs: number;
  /** Are all these sessions gone from the server (so their disconnect records are logged)? */
  sessionsGone(sessionIds: readonly string[]): Promise<boolean>;
}

/** A driver the test file opened (its monitor connection), so it closes it too. */
export type ClosableDriver = Driver & { close(): Promise<void> };

const WAIT_TIMEOUT_MS = 5_000;
const POLL_MS = 10;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeOutcome(outcome: Outcome | undefined): string {
  if (!outcome) return 'still running';
  return outcome.ok ? `ok (${outcome.rowCount} rows)` : `error ${outcome.code}: ${outcome.message}`;
}

/**
 * Waits until `pending` either finished or is really waiting for a lock (as the server itself
 * reports it), so the next step of the interleaving runs against a known state.
 */
export async function blockedOrSettled(driver: Driver, pending: PendingStatement): Promise<'blocked' | Outcome> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  for (;;) {
    if (pending.outcome) return pending.outcome;
    if (await driver.isWaitingForLock(pending.session.id)) return pending.outcome ?? 'blocked';
    if (Date.now() > deadline) throw new Error(`session ${pending.session.label} (${pending.session.id}): "${pending.sql}" neither finished nor waited for a lock within ${WAIT_TIMEOUT_MS} ms`);
    await sleep(driver.lockPollIntervalMs);
  }
}

/** The statement must be waiting for a lock (the server says so); fails if it finished instead. */
export async function expectBlocked(driver: Driver, pending: PendingStatement, why: string): Promise<void> {
  const state = await blockedOrSettled(driver, pending);
  assert.equal(state, 'blocked', `session ${pending.session.label} (${pending.session.id}): "${pending.sql}" should wait for a lock (${why}) but finished: ${describeOutcome(pending.outcome)}`);
}

/** Exactly one of two racing statements is chosen as the deadlock victim with `code`; the other succeeds. */
export async function expectOneDeadlockVictim(first: PendingStatement, second: PendingStatement, code: string): Promise<{ victim: PendingStatement; survivor: PendingStatement }> {
  const [firstOutcome, secondOutcome] = await Promise.all([first.done, second.done]);
  const report = `${first.session.label} (${first.session.id}) "${first.sql}": ${describeOutcome(firstOutcome)}; ${second.session.label} (${second.session.id}) "${second.sql}": ${describeOutcome(secondOutcome)}`;
  const failed = [first, second].filter((pending) => !pending.outcome?.ok);
  assert.equal(failed.length, 1, `expected exactly one deadlock victim (${code}): ${report}`);
  const victim = failed[0]!;
  const survivor = victim === first ? second : first;
  assert.equal(victim.outcome?.ok === false && victim.outcome.code, code, `expected deadlock ${code} for the victim: ${report}`);
  return { victim, survivor };
}

export function expectError(outcome: Outcome, code: string, what: string): void {
  assert.ok(!outcome.ok && outcome.code === code, `${what}: expected error ${code}, got ${describeOutcome(outcome)}`);
}

/* --------------------------------------- one case --------------------------------------- */

export interface CaseRun<T> {
  /** The per-case slice of the server log, as written to `logFile`. */
  readonly logText: string;
  readonly logFile: string;
  readonly caseDir: string;
  readonly sessions: Record<string, Session>;
  /** What the scenario returned (outcomes it wants asserted). */
  readonly result: T;
}

/**
 * Runs one case in its own namespace: marks the server log, runs the schema statements on a
 * setup session (so the slice carries the DDL the linter's catalog learns from), opens the named
 * sessions, runs the scenario, closes every session even when the scenario throws, waits until
 * the server has let them go (their disconnect records are then in the log), and cuts the slice.
 */
export async function runCase<T>(
  driver: Driver,
  name: string,
  schema: readonly string[],
  sessionLabels: readonly string[],
  scenario: (sessions: Record<string, Session>) => Promise<T>,
): Promise<CaseRun<T>> {
  await driver.createNamespace(name);
  const caseDir = path.join(driver.workDir, name);
  await mkdir(caseDir, { recursive: true });
  const offset = await driver.log.mark();

  const setup = await driver.connect('setup', name);
  try {
    for (const sql of schema) await setup.exec(sql);
  } finally {
    await setup.close();
  }
  const sessions: Record<string, Session> = {};
  const opened: Session[] = [setup];
  let result: T;
  try {
    for (const label of sessionLabels) {
      const session = await driver.connect(label, name);
      sessions[label] = session;
      opened.push(session);
    }
    result = await scenario(sessions);
  } catch (error) {
    // Close what is open, but report the scenario's own failure, not a follow-on one.
    await Promise.allSettled(opened.slice(1).map((session) => session.close()));
    await waitForSessionsGone(driver, opened.map((session) => session.id)).catch(() => undefined);
    throw error;
  }
  await Promise.allSettled(opened.slice(1).map((session) => session.close()));
  await waitForSessionsGone(driver, opened.map((session) => session.id));

  const logFile = path.join(caseDir, driver.dialect === 'mariadb' ? 'general.log' : 'postgresql.log');
  const logText = await driver.log.logSince(offset, logFile);
  // The log must file each session's own id query under that very id: the session keys the
  // assertions below use are the ones the log shows.
  for (const session of opened) findStatementLine(driver.dialect, logText, session, session.idQuery);
  return { logText, logFile, caseDir, sessions, result };
}

async function waitForSessionsGone(driver: Driver, ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while (!(await driver.sessionsGone(ids))) {
    if (Date.now() > deadline) throw new Error(`sessions ${ids.join(', ')} still connected ${WAIT_TIMEOUT_MS} ms after closing`);
    await sleep(POLL_MS);
  }
}

/* ------------------------------------- log lines ---------------------------------------- */

// MariaDB general log: "<yymmdd hh:mm:ss>?\t<spaces><thread id> Query\t<statement>".
const MARIADB_QUERY_LINE = /^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\s+(\d+) Query\t(.*)$/;
// PostgreSQL with log_line_prefix '%m [%p] %q%u@%d ': "<ts> [<pid>] user@db LOG:  statement: <statement>".
const POSTGRES_STATEMENT_LINE = /^\S+ \S+ \S+ \[(\d+)\] \S*@\S* LOG:  statement: (.*)$/;

export interface LogLine {
  /** 1-based, in the slice file. */
  readonly line: number;
  readonly text: string;
}

/** The one line of `logText` where the server logged `sql` for `session`. */
export function findStatementLine(dialect: LogDialect, logText: string, session: Session, sql: string): LogLine {
  const pattern = dialect === 'mariadb' ? MARIADB_QUERY_LINE : POSTGRES_STATEMENT_LINE;
  const lines = logText.split('\n');
  const hits: LogLine[] = [];
  lines.forEach((text, index) => {
    const match = pattern.exec(text);
    if (match && match[1] === session.id && match[2] === sql) hits.push({ line: index + 1, text });
  });
  assert.equal(hits.length, 1, `expected the ${dialect} log to show "${sql}" exactly once for session ${session.label} (${session.id}); found ${hits.length}`);
  return hits[0]!;
}

/* ----------------------------------- locklint verdict ----------------------------------- */

type LintFunction = (options: LintOptions) => Promise<LintResult>;

let lintLoaded: Promise<LintFunction | { todo: string }> | undefined;

/**
 * locklint's public `lint()`, or why it cannot be used yet. While src/index.ts only declares
 * it, the verdict subtests are marked todo instead of passing vacuously.
 */
export function loadLint(): Promise<LintFunction | { todo: string }> {
  lintLoaded ??= import('../../src/index.js').then((module: Record<string, unknown>) => {
    const lint = module.lint;
    return typeof lint === 'function' ? (lint as LintFunction) : { todo: 'src/index.ts does not implement lint() yet (declaration only)' };
  });
  return lintLoaded;
}

/** Runs the verdict subtest: lints with `lint`, or marks the subtest todo while lint() is missing. */
export async function verdict(t: TestContext, name: string, check: (lint: LintFunction) => Promise<void>): Promise<void> {
  await t.test(`locklint: ${name}`, async (subtest) => {
    const lint = await loadLint();
    if (typeof lint !== 'function') {
      subtest.todo(lint.todo);
      return;
    }
    await check(lint);
  });
}

export const CHILD_INSERT_RULE = 'child-insert-before-parent-update';
export const SELECT_IDS_RULE = 'select-ids-then-delete-in';

/** The verdict for a safe interleaving: neither rule fires on the case's log. */
export async function verdictNoFinding(t: TestContext, run: CaseRun<unknown>, dialect: LogDialect): Promise<void> {
  await verdict(t, 'no finding', async (lint) => {
    const result = await lint({ paths: [run.logFile], dialect });
    assertNotFlagged(result, [CHILD_INSERT_RULE, SELECT_IDS_RULE], run.logFile);
  });
}

function summarise(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  return findings
    .map((finding) => {
      const grouped = finding.occurrences === undefined ? '' : ` (occurrences ${finding.occurrences}, sessions ${finding.sessionsAffected ?? '?'})`;
      return `${finding.ruleId} session=${finding.session} line=${finding.line}${grouped}`;
    })
    .join('; ');
}

export interface Occurrence {
  readonly session: Session;
  /** The statement that completes the hazard in that session. */
  readonly at: LogLine;
}

/**
 * `ruleId` flags `target` (the session the server failed) at its anchoring statement.
 *
 * In a log, locklint reports one finding per statement shape: it names one occurrence and counts
 * the others (`occurrences`, `sessionsAffected`). Where the log itself shows which session failed
 * (PostgreSQL logs the ERROR in that session), the finding must name that session. Where the log
 * cannot show it (the MariaDB general log records no errors), pass every session that ran the
 * hazard as `groupedWith`: a finding naming one of them and counting all of them names the
 * target too.
 */
export function assertFlagged(result: LintResult, ruleId: string, target: Occurrence, logFile: string, groupedWith?: readonly Occurrence[]): Finding {
  const ofRule = result.findings.filter((finding) => finding.ruleId === ruleId);
  const named = ofRule.find((candidate) => candidate.session === target.session.id && candidate.line === target.at.line);
  if (named) return named;
  const where = `session ${target.session.label} (${target.session.id}) at ${logFile}:${target.at.line} "${target.at.text.trim()}"`;
  if (groupedWith) {
    const grouped = ofRule.find(
      (candidate) =>
        (candidate.sessionsAffected ?? 1) >= groupedWith.length &&
        groupedWith.some(({ session, at }) => candidate.session === session.id && candidate.line === at.line),
    );
    assert.ok(grouped, `expected ${ruleId} for ${where}, or one finding for all ${groupedWith.length} sessions that ran it (${groupedWith.map(({ session, at }) => `${session.id}@${at.line}`).join(', ')}); got ${summarise(result.findings)}`);
    return grouped;
  }
  assert.fail(`expected ${ruleId} for ${where}, the session the server logged the error for; got ${summarise(result.findings)}`);
}

/** Every finding of `ruleId` sits on one of the hazard's statements (no stray anchors). */
export function assertAnchoredOnlyAt(result: LintResult, ruleId: string, anchors: ReadonlyArray<{ session: Session; at: LogLine }>, logFile: string): void {
  for (const finding of result.findings.filter((candidate) => candidate.ruleId === ruleId)) {
    const known = anchors.some(({ session, at }) => finding.session === session.id && finding.line === at.line);
    const expected = anchors.map(({ session, at }) => `${session.id}@${at.line}`).join(', ');
    assert.ok(known, `${ruleId} reported for session ${finding.session} at ${logFile}:${finding.line}, expected only at ${expected}`);
  }
}

export function assertNotFlagged(result: LintResult, ruleIds: readonly string[], logFile: string): void {
  const unexpected = result.findings.filter((finding) => ruleIds.includes(finding.ruleId));
  assert.equal(unexpected.length, 0, `expected no ${ruleIds.join(' / ')} in ${logFile}; got ${summarise(unexpected)}`);
}

/**
 * PostgreSQL READ COMMITTED: a single DELETE by the predicate still misses rows committed after
 * it began (the delete-then-insert case proves 23505 here), so the PostgreSQL fix for
 * select-ids-then-delete-in must point at INSERT ... ON CONFLICT or a lock on a common parent,
 * and must not present "delete by the predicate" as the cure without saying it is not enough.
 * https://www.postgresql.org/docs/15/transaction-iso.html#XACT-READ-COMMITTED
 */
export function assertPostgresFixIsNotDeleteByPredicate(finding: Finding, where: string): void {
  const fix = finding.fix ?? '';
  assert.match(fix, /ON CONFLICT|FOR (NO KEY )?UPDATE|lock/i, `${finding.ruleId} fix for postgresql at ${where} must offer INSERT ... ON CONFLICT or locking a parent row; got: ${JSON.stringify(fix)}`);
  const recommendsPredicateDelete = /delete[^.]*\b(by|with) (the|its|a) (predicate|filter|condition|WHERE)/i.test(fix);
  const saysItIsNotEnough = /not (enough|sufficient|safe)|still|only sees|READ COMMITTED|snapshot/i.test(fix);
  assert.ok(!recommendsPredicateDelete || saysItIsNotEnough, `${finding.ruleId} fix for postgresql at ${where} presents a DELETE by the predicate as sufficient: ${JSON.stringify(fix)}`);
}

export async function writeCaseFile(caseDir: string, name: string, text: string): Promise<string> {
  const file = path.join(caseDir, name);
  await writeFile(file, text);
  return file;
}

/* -------------------------------------- gating ------------------------------------------ */

/** The server a describe block's cases share, and the driver on it (undefined until started, or when unavailable). */
export interface ServerForCases<S> {
  readonly server: S | Unavailable | undefined;
  readonly driver: ClosableDriver | undefined;
  /** How long the start took, for the first case's diagnostic. */
  readonly startedInMs: number;
}

/**
 * Starts the server before the enclosing describe block's cases and stops it after them (call it
 * inside the describe callback). The returned object fills in once the server is up.
 */
export function serverForCases<S extends { stop(): Promise<void> }>(
  start: () => Promise<S | Unavailable>,
  openDriver: (server: S) => Promise<ClosableDriver>,
): ServerForCases<S> {
  const state: { server: S | Unavailable | undefined; driver: ClosableDriver | undefined; startedInMs: number } = { server: undefined, driver: undefined, startedInMs: 0 };
  before(async () => {
    const started = Date.now();
    const server = await start();
    state.server = server;
    state.startedInMs = Date.now() - started;
    if (!('skip' in server)) state.driver = await openDriver(server);
  });
  after(async () => {
    await state.driver?.close();
    const server = state.server;
    if (server && !('skip' in server)) await server.stop();
  });
  return state;
}

/** The driver for this case, or undefined when the case is skipped (no server; a failure if servers are required). */
export function driverFor<S extends object>(t: TestContext, cases: ServerForCases<S>): ClosableDriver | undefined {
  if (!skipUnlessAvailable(t, cases.server) || !cases.driver) return undefined;
  return cases.driver;
}

/**
 * Turns an unavailable server into a skip for this test (with the reason), or into a failure
 * when LOCKLINT_REQUIRE_SERVERS=1: these tests never pass without a server.
 */
export function skipUnlessAvailable<S extends object>(t: TestContext, server: S | Unavailable | undefined): S | undefined {
  if (server === undefined) throw new Error('server start did not run');
  if ('skip' in server) {
    if (serversRequired()) throw new Error(`LOCKLINT_REQUIRE_SERVERS=1 but ${server.skip}`);
    t.skip(server.skip);
    return undefined;
  }
  return server;
}
