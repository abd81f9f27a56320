import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { Dialect } from '../src/model/dialect.js';
import type { SessionSetting, Statement, StatementKind, TransactionControl } from '../src/model/statement.js';
import type { Transaction } from '../src/model/transaction.js';
import { TransactionTracker, buildTransactions } from '../src/analyze/transactions.js';
import type { TrackedPosition } from '../src/analyze/transactions.js';

/** A session's statements, built by a tiny factory: each gets the next line number. */
function script(dialect: Dialect) {
  let line = 0;
  const make = (kind: StatementKind, text: string, extra: Partial<Statement> = {}): Statement => ({
    kind,
    text,
    fingerprint: text.toLowerCase(),
    origin: { file: 'test.sql', line: ++line, column: 1, session: null },
    dialect,
    parsedBy: 'classifier',
    table: null,
    tables: [],
    ...extra,
  });
  const control = (kind: StatementKind, text: string, transaction: TransactionControl) => make(kind, text, { transaction });
  const set = (...settings: [string, string][]): Statement =>
    make('set', `SET ${settings.map(([name, value]) => `${name}=${value}`).join(', ')}`, {
      settings: settings.map(([name, value]): SessionSetting => ({ name, value })),
    });
  return {
    select: (table: string) => make('select', `SELECT * FROM ${table}`, { table, tables: [table] }),
    insert: (table: string) => make('insert', `INSERT INTO ${table} VALUES (1)`, { table, tables: [table] }),
    update: (table: string) => make('update', `UPDATE ${table} SET x = 1`, { table, tables: [table] }),
    delete: (table: string) => make('delete', `DELETE FROM ${table}`, { table, tables: [table] }),
    unparsed: () => make('unparsed', 'FROB THE TABLES', { parseError: { message: 'syntax', line, column: 1 } }),
    begin: (text = 'BEGIN') => control('begin', text, { action: 'begin' }),
    commit: (chain = false) => control('commit', chain ? 'COMMIT AND CHAIN' : 'COMMIT', { action: 'commit', chain }),
    rollback: (chain = false) => control('rollback', chain ? 'ROLLBACK AND CHAIN' : 'ROLLBACK', { action: 'rollback', chain }),
    savepoint: (name: string) => control('savepoint', `SAVEPOINT ${name}`, { action: 'savepoint', name }),
    release: (name: string) => control('release-savepoint', `RELEASE SAVEPOINT ${name}`, { action: 'release-savepoint', name }),
    rollbackTo: (name: string) => control('rollback-to-savepoint', `ROLLBACK TO SAVEPOINT ${name}`, { action: 'rollback-to-savepoint', name }),
    set,
    ddl: (table: string) => make('ddl', `ALTER TABLE ${table} ADD COLUMN c INT`, { table, tables: [table], ddl: { action: 'other', table } }),
    lockTables: (text = 'LOCK TABLES book WRITE') => make('lock-tables', text),
    unlockTables: () => make('unlock-tables', 'UNLOCK TABLES'),
  };
}

/** Statement texts of a transaction, for compact assertions. */
const texts = (transaction: Transaction): string[] => transaction.statements.map((entry) => entry.statement.text);

/** Shape of each transaction: mode, end, statement texts. */
const shapes = (transactions: readonly Transaction[]) =>
  transactions.map((transaction) => ({ mode: transaction.mode, end: transaction.end, statements: texts(transaction) }));

/** Push all and record every position. */
function track(tracker: TransactionTracker, statements: readonly Statement[]): { positions: TrackedPosition[]; transactions: Transaction[] } {
  const positions: TrackedPosition[] = [];
  const transactions: Transaction[] = [];
  for (const statement of statements) {
    const { position, completed } = tracker.push(statement);
    positions.push(position);
    transactions.push(...completed);
  }
  return { positions, transactions };
}

const MYSQL_FAMILY: Dialect[] = ['mysql', 'mariadb'];
const PG_LIKE: Dialect[] = ['postgresql', 'sqlite'];

describe('autocommit statements', () => {
  for (const dialect of [...MYSQL_FAMILY, ...PG_LIKE]) {
    it(`${dialect}: each data statement outside a transaction is its own committed transaction`, () => {
      const s = script(dialect);
      const tracker = new TransactionTracker('s1', dialect);
      const select = s.select('book');
      const first = tracker.push(select);
      assert.deepEqual(first.position, { transactionIndex: 0, mode: 'autocommit' });
      assert.equal(first.completed.length, 1);
      const [transaction] = first.completed;
      assert.deepEqual(transaction, {
        session: 's1',
        mode: 'autocommit',
        end: 'commit',
        statements: [{ statement: select, locksHeld: true, rolledBack: false, foreignKeyChecks: true }],
      });
      const second = tracker.push(s.delete('book'));
      assert.deepEqual(second.position, { transactionIndex: 1, mode: 'autocommit' });
      assert.equal(second.completed.length, 1);
      assert.equal(tracker.inTransaction, false);
      assert.deepEqual(tracker.finish('unfinished'), []);
    });
  }

  it('unparsed statements are kept as data so a rule can see something unknown ran', () => {
    const s = script('mysql');
    const transactions = buildTransactions([s.begin(), s.insert('book'), s.unparsed(), s.commit()], 'f', 'mysql');
    assert.deepEqual(shapes(transactions), [
      { mode: 'explicit', end: 'commit', statements: ['INSERT INTO book VALUES (1)', 'FROB THE TABLES'] },
    ]);
  });
});

describe('BEGIN ... COMMIT / ROLLBACK', () => {
  for (const dialect of [...MYSQL_FAMILY, ...PG_LIKE]) {
    it(`${dialect}: data statements between BEGIN and COMMIT form one explicit transaction`, () => {
      const s = script(dialect);
      const begin = s.begin('START TRANSACTION');
      const commit = s.commit();
      const tracker = new TransactionTracker('s1', dialect);
      const { positions, transactions } = track(tracker, [begin, s.insert('book'), s.update('author'), commit, s.select('book')]);
      assert.equal(transactions.length, 2);
      const [explicit, autocommit] = transactions;
      assert.equal(explicit!.mode, 'explicit');
      assert.equal(explicit!.end, 'commit');
      assert.equal(explicit!.opener, begin);
      assert.equal(explicit!.closer, commit);
      assert.deepEqual(texts(explicit!), ['INSERT INTO book VALUES (1)', 'UPDATE author SET x = 1']);
      assert.equal(autocommit!.mode, 'autocommit');
      // BEGIN, both data statements and COMMIT share the explicit transaction's index.
      assert.deepEqual(
        positions.map((position) => position.transactionIndex),
        [0, 0, 0, 0, 1],
      );
      assert.deepEqual(
        positions.map((position) => position.mode),
        ['explicit', 'explicit', 'explicit', 'explicit', 'autocommit'],
      );
    });

    it(`${dialect}: ROLLBACK ends the transaction with 'rollback'`, () => {
      const s = script(dialect);
      const transactions = buildTransactions([s.begin(), s.delete('book'), s.rollback()], 's1', dialect);
      assert.deepEqual(shapes(transactions), [{ mode: 'explicit', end: 'rollback', statements: ['DELETE FROM book'] }]);
    });

    it(`${dialect}: COMMIT or ROLLBACK with no open transaction yields nothing`, () => {
      const s = script(dialect);
      const tracker = new TransactionTracker('s1', dialect);
      const commit = tracker.push(s.commit());
      const rollback = tracker.push(s.rollback());
      assert.deepEqual(commit.completed, []);
      assert.deepEqual(rollback.completed, []);
      assert.equal(commit.position.mode, 'autocommit');
      assert.notEqual(commit.position.transactionIndex, rollback.position.transactionIndex);
      assert.equal(tracker.inTransaction, false);
    });

    it(`${dialect}: an empty BEGIN; COMMIT is still reported as a transaction`, () => {
      const s = script(dialect);
      const transactions = buildTransactions([s.begin(), s.commit()], 's1', dialect);
      assert.deepEqual(shapes(transactions), [{ mode: 'explicit', end: 'commit', statements: [] }]);
    });

    it(`${dialect}: COMMIT AND CHAIN / ROLLBACK AND CHAIN open the next transaction at once`, () => {
      const s = script(dialect);
      const commitChain = s.commit(true);
      const rollbackChain = s.rollback(true);
      const tracker = new TransactionTracker('s1', dialect);
      const { positions, transactions } = track(tracker, [
        s.begin(),
        s.insert('a'),
        commitChain,
        s.insert('b'),
        rollbackChain,
        s.insert('c'),
        s.commit(),
        s.insert('d'),
      ]);
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO a VALUES (1)'] },
        { mode: 'explicit', end: 'rollback', statements: ['INSERT INTO b VALUES (1)'] },
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO c VALUES (1)'] },
        { mode: 'autocommit', end: 'commit', statements: ['INSERT INTO d VALUES (1)'] },
      ]);
      assert.equal(transactions[0]!.closer, commitChain);
      assert.equal(transactions[1]!.opener, commitChain);
      assert.equal(transactions[2]!.opener, rollbackChain);
      // The chaining statement belongs to the transaction it closes.
      assert.deepEqual(
        positions.map((position) => position.transactionIndex),
        [0, 0, 0, 1, 1, 2, 2, 3],
      );
    });
  }
});

describe('BEGIN inside a transaction', () => {
  for (const dialect of MYSQL_FAMILY) {
    it(`${dialect}: commits the open transaction implicitly and opens a new one`, () => {
      const s = script(dialect);
      const firstBegin = s.begin();
      const secondBegin = s.begin();
      const tracker = new TransactionTracker('s1', dialect);
      const { positions, transactions } = track(tracker, [firstBegin, s.insert('a'), secondBegin, s.insert('b'), s.commit()]);
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'implicit-commit', statements: ['INSERT INTO a VALUES (1)'] },
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO b VALUES (1)'] },
      ]);
      assert.equal(transactions[0]!.opener, firstBegin);
      assert.equal(transactions[0]!.closer, secondBegin);
      assert.equal(transactions[1]!.opener, secondBegin);
      assert.deepEqual(
        positions.map((position) => position.transactionIndex),
        [0, 0, 1, 1, 1],
      );
    });
  }

  for (const dialect of PG_LIKE) {
    it(`${dialect}: is only a warning and leaves the transaction alone`, () => {
      const s = script(dialect);
      const firstBegin = s.begin();
      const tracker = new TransactionTracker('s1', dialect);
      const { positions, transactions } = track(tracker, [firstBegin, s.insert('a'), s.begin(), s.insert('b'), s.commit()]);
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO a VALUES (1)', 'INSERT INTO b VALUES (1)'] },
      ]);
      assert.equal(transactions[0]!.opener, firstBegin);
      assert.deepEqual(
        positions.map((position) => position.transactionIndex),
        [0, 0, 0, 0, 0],
      );
    });
  }
});

describe('MySQL SET autocommit', () => {
  for (const dialect of MYSQL_FAMILY) {
    it(`${dialect}: with autocommit=0 the next data statement opens a transaction that COMMIT ends`, () => {
      const s = script(dialect);
      const firstInsert = s.insert('a');
      const secondInsert = s.insert('c');
      const commit = s.commit();
      const tracker = new TransactionTracker('s1', dialect);
      const { positions, transactions } = track(tracker, [
        s.set(['autocommit', '0']),
        firstInsert,
        s.update('b'),
        commit,
        secondInsert,
        s.rollback(),
      ]);
      assert.equal(tracker.autocommit, false);
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO a VALUES (1)', 'UPDATE b SET x = 1'] },
        { mode: 'explicit', end: 'rollback', statements: ['INSERT INTO c VALUES (1)'] },
      ]);
      assert.equal(transactions[0]!.opener, firstInsert);
      assert.equal(transactions[0]!.closer, commit);
      assert.equal(transactions[1]!.opener, secondInsert);
      assert.deepEqual(
        positions.map((position) => position.transactionIndex),
        [0, 1, 1, 1, 2, 2],
      );
      assert.equal(positions[1]!.mode, 'explicit');
    });

    it(`${dialect}: SET autocommit=1 commits the open transaction`, () => {
      const s = script(dialect);
      const enable = s.set(['autocommit', '1']);
      const tracker = new TransactionTracker('s1', dialect);
      const { transactions } = track(tracker, [s.set(['autocommit', '0']), s.insert('a'), enable, s.insert('b')]);
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'implicit-commit', statements: ['INSERT INTO a VALUES (1)'] },
        { mode: 'autocommit', end: 'commit', statements: ['INSERT INTO b VALUES (1)'] },
      ]);
      assert.equal(transactions[0]!.closer, enable);
      assert.equal(tracker.autocommit, true);
    });

    it(`${dialect}: SET autocommit=1 when it is already 1 does not commit a BEGIN transaction`, () => {
      const s = script(dialect);
      const transactions = buildTransactions(
        [s.begin(), s.insert('a'), s.set(['autocommit', '1']), s.insert('b'), s.commit()],
        's1',
        dialect,
      );
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO a VALUES (1)', 'INSERT INTO b VALUES (1)'] },
      ]);
    });

    it(`${dialect}: BEGIN inside an autocommit=0 transaction commits it implicitly`, () => {
      const s = script(dialect);
      const transactions = buildTransactions(
        [s.set(['autocommit', '0']), s.insert('a'), s.begin(), s.insert('b'), s.commit(), s.insert('c'), s.commit()],
        's1',
        dialect,
      );
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'implicit-commit', statements: ['INSERT INTO a VALUES (1)'] },
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO b VALUES (1)'] },
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO c VALUES (1)'] },
      ]);
    });

    it(`${dialect}: ON/OFF values are understood as well as 1/0`, () => {
      const s = script(dialect);
      const tracker = new TransactionTracker('s1', dialect);
      tracker.push(s.set(['autocommit', 'OFF']));
      assert.equal(tracker.autocommit, false);
      tracker.push(s.set(['autocommit', 'ON']));
      assert.equal(tracker.autocommit, true);
    });
  }

  it('postgresql: SET autocommit is not a server setting and is ignored', () => {
    const s = script('postgresql');
    const tracker = new TransactionTracker('s1', 'postgresql');
    const { transactions } = track(tracker, [s.set(['autocommit', '0']), s.insert('a'), s.insert('b')]);
    assert.equal(tracker.autocommit, true);
    assert.deepEqual(
      transactions.map((transaction) => transaction.mode),
      ['autocommit', 'autocommit'],
    );
  });
});

describe('DDL and table locks', () => {
  for (const dialect of MYSQL_FAMILY) {
    it(`${dialect}: DDL commits the open transaction before it runs and is in no transaction itself`, () => {
      const s = script(dialect);
      const ddl = s.ddl('book');
      const tracker = new TransactionTracker('s1', dialect);
      const { positions, transactions } = track(tracker, [s.begin(), s.insert('a'), s.update('b'), ddl, s.insert('c'), s.commit()]);
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'implicit-commit', statements: ['INSERT INTO a VALUES (1)', 'UPDATE b SET x = 1'] },
        { mode: 'autocommit', end: 'commit', statements: ['INSERT INTO c VALUES (1)'] },
      ]);
      assert.equal(transactions[0]!.closer, ddl);
      assert.deepEqual(
        positions.map((position) => position.transactionIndex),
        [0, 0, 0, 1, 2, 3],
      );
      assert.equal(positions[3]!.mode, 'autocommit');
    });

    it(`${dialect}: with autocommit=0, the statement after DDL opens a new transaction`, () => {
      const s = script(dialect);
      const transactions = buildTransactions(
        [s.set(['autocommit', '0']), s.insert('a'), s.ddl('book'), s.insert('b'), s.commit()],
        's1',
        dialect,
      );
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'implicit-commit', statements: ['INSERT INTO a VALUES (1)'] },
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO b VALUES (1)'] },
      ]);
    });

    it(`${dialect}: LOCK TABLES commits implicitly; UNLOCK TABLES then commits the autocommit=0 transaction`, () => {
      const s = script(dialect);
      const lock = s.lockTables();
      const unlock = s.unlockTables();
      const transactions = buildTransactions(
        [s.begin(), s.insert('a'), s.set(['autocommit', '0']), lock, s.insert('b'), unlock, s.insert('c')],
        's1',
        dialect,
      );
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'implicit-commit', statements: ['INSERT INTO a VALUES (1)'] },
        { mode: 'explicit', end: 'implicit-commit', statements: ['INSERT INTO b VALUES (1)'] },
        { mode: 'explicit', end: 'unfinished', statements: ['INSERT INTO c VALUES (1)'] },
      ]);
      assert.equal(transactions[0]!.closer, lock);
      assert.equal(transactions[1]!.closer, unlock);
    });

    it(`${dialect}: UNLOCK TABLES after FLUSH TABLES WITH READ LOCK does not commit (mysqldump --single-transaction)`, () => {
      const s = script(dialect);
      const transactions = buildTransactions(
        [s.lockTables('FLUSH TABLES WITH READ LOCK'), s.begin('START TRANSACTION WITH CONSISTENT SNAPSHOT'), s.unlockTables(), s.select('a'), s.select('b')],
        's1',
        dialect,
      );
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'unfinished', statements: ['SELECT * FROM a', 'SELECT * FROM b'] },
      ]);
    });

    it(`${dialect}: UNLOCK TABLES without LOCK TABLES commits nothing`, () => {
      const s = script(dialect);
      const transactions = buildTransactions([s.begin(), s.insert('a'), s.unlockTables(), s.insert('b'), s.commit()], 's1', dialect);
      assert.deepEqual(shapes(transactions), [
        { mode: 'explicit', end: 'commit', statements: ['INSERT INTO a VALUES (1)', 'INSERT INTO b VALUES (1)'] },
      ]);
    });
  }

  for (const dialect of PG_LIKE) {
    it(`${dialect}: DDL is transactional and stays in the same transaction`, () => {
      const s = script(dialect);
      const tracker = new TransactionTracker('s1', dialect);
      const { positions, transactions } = track(tracker, [s.begin(), s.insert('a'), s.ddl('book'), s.insert('c'), s.commit()]);
      assert.deepEqual(shapes(transactions), [
        {
          mode: 'explicit',
          end: 'commit',
          statements: ['INSERT INTO a VALUES (1)', 'ALTER TABLE book ADD COLUMN c INT', 'INSERT INTO c VALUES (1)'],
        },
      ]);
      assert.deepEqual(
        positions.map((position) => position.transactionIndex),
        [0, 0, 0, 0, 0],
      );
    });

    it(`${dialect}: DDL outside a transaction block autocommits on its own`, () => {
      const s = script(dialect);
      const transactions = buildTransactions([s.ddl('book')], 's1', dialect);
      assert.deepEqual(shapes(transactions), [{ mode: 'autocommit', end: 'commit', statements: ['ALTER TABLE book ADD COLUMN c INT'] }]);
    });
  }

  it('postgresql: LOCK TABLE is part of the transaction (its lock lasts until the end)', () => {
    const s = script('postgresql');
    const transactions = buildTransactions(
      [s.begin(), s.lockTables('LOCK TABLE book IN SHARE MODE'), s.insert('a'), s.commit()],
      's1',
      'postgresql',
    );
    assert.deepEqual(shapes(transactions), [
      { mode: 'explicit', end: 'commit', statements: ['LOCK TABLE book IN SHARE MODE', 'INSERT INTO a VALUES (1)'] },
    ]);
  });
});

describe('savepoints', () => {
  const flags = (transaction: Transaction) =>
    transaction.statements.map((entry) => ({ text: entry.statement.text, locksHeld: entry.locksHeld, rolledBack: entry.rolledBack }));

  for (const dialect of MYSQL_FAMILY) {
    it(`${dialect}: ROLLBACK TO SAVEPOINT undoes later statements but InnoDB keeps their row locks`, () => {
      const s = script(dialect);
      const [transaction] = buildTransactions(
        [s.begin(), s.insert('a'), s.savepoint('sp1'), s.insert('b'), s.update('c'), s.rollbackTo('sp1'), s.insert('d'), s.commit()],
        's1',
        dialect,
      );
      assert.equal(transaction!.end, 'commit');
      assert.deepEqual(flags(transaction!), [
        { text: 'INSERT INTO a VALUES (1)', locksHeld: true, rolledBack: false },
        { text: 'INSERT INTO b VALUES (1)', locksHeld: true, rolledBack: true },
        { text: 'UPDATE c SET x = 1', locksHeld: true, rolledBack: true },
        { text: 'INSERT INTO d VALUES (1)', locksHeld: true, rolledBack: false },
      ]);
    });

    it(`${dialect}: a savepoint with the same name replaces the old one`, () => {
      const s = script(dialect);
      const [transaction] = buildTransactions(
        [s.begin(), s.savepoint('x'), s.insert('a'), s.savepoint('x'), s.insert('b'), s.rollbackTo('x'), s.release('x'), s.rollbackTo('x'), s.commit()],
        's1',
        dialect,
      );
      // After RELEASE x there is no older x left to roll back to.
      assert.deepEqual(
        flags(transaction!).map((entry) => entry.rolledBack),
        [false, true],
      );
    });

    it(`${dialect}: with autocommit=0, a SAVEPOINT before any data opens the transaction`, () => {
      const s = script(dialect);
      const savepoint = s.savepoint('s1');
      const [transaction] = buildTransactions(
        [s.set(['autocommit', '0']), savepoint, s.insert('a'), s.rollbackTo('s1'), s.commit()],
        's1',
        dialect,
      );
      assert.equal(transaction!.opener, savepoint);
      assert.deepEqual(flags(transaction!), [{ text: 'INSERT INTO a VALUES (1)', locksHeld: true, rolledBack: true }]);
    });
  }

  it('postgresql: ROLLBACK TO SAVEPOINT releases the locks taken after the savepoint', () => {
    const s = script('postgresql');
    const [transaction] = buildTransactions(
      [s.begin(), s.insert('a'), s.savepoint('sp1'), s.insert('b'), s.rollbackTo('sp1'), s.insert('c'), s.commit()],
      's1',
      'postgresql',
    );
    assert.deepEqual(flags(transaction!), [
      { text: 'INSERT INTO a VALUES (1)', locksHeld: true, rolledBack: false },
      { text: 'INSERT INTO b VALUES (1)', locksHeld: false, rolledBack: true },
      { text: 'INSERT INTO c VALUES (1)', locksHeld: true, rolledBack: false },
    ]);
  });

  it('postgresql: the savepoint stays after ROLLBACK TO and later savepoints are discarded', () => {
    const s = script('postgresql');
    const [transaction] = buildTransactions(
      [
        s.begin(),
        s.savepoint('outer'),
        s.insert('a'),
        s.savepoint('inner'),
        s.insert('b'),
        s.rollbackTo('outer'),
        s.insert('c'),
        s.rollbackTo('inner'), // discarded by the rollback to "outer": no effect
        s.insert('d'),
        s.rollbackTo('outer'), // "outer" is still there
        s.commit(),
      ],
      's1',
      'postgresql',
    );
    assert.deepEqual(
      flags(transaction!).map((entry) => [entry.rolledBack, entry.locksHeld]),
      [
        [true, false],
        [true, false],
        [true, false],
        [true, false],
      ],
    );
  });

  it('postgresql: a duplicate savepoint name keeps the older one, reachable after RELEASE of the newer', () => {
    const s = script('postgresql');
    const [transaction] = buildTransactions(
      [s.begin(), s.savepoint('x'), s.insert('a'), s.savepoint('x'), s.insert('b'), s.release('x'), s.rollbackTo('x'), s.commit()],
      's1',
      'postgresql',
    );
    assert.deepEqual(
      flags(transaction!).map((entry) => entry.rolledBack),
      [true, true],
    );
  });

  for (const dialect of ['mysql', 'postgresql'] as const) {
    it(`${dialect}: RELEASE SAVEPOINT removes it and later ones, releasing no locks`, () => {
      const s = script(dialect);
      const [transaction] = buildTransactions(
        [
          s.begin(),
          s.savepoint('a'),
          s.insert('t1'),
          s.savepoint('b'),
          s.insert('t2'),
          s.release('a'),
          s.rollbackTo('b'), // released together with "a": no-op
          s.rollbackTo('a'), // released: no-op
          s.commit(),
        ],
        's1',
        dialect,
      );
      assert.equal(transaction!.end, 'commit');
      assert.deepEqual(flags(transaction!), [
        { text: 'INSERT INTO t1 VALUES (1)', locksHeld: true, rolledBack: false },
        { text: 'INSERT INTO t2 VALUES (1)', locksHeld: true, rolledBack: false },
      ]);
    });

    it(`${dialect}: an unknown savepoint name is a no-op`, () => {
      const s = script(dialect);
      const [transaction] = buildTransactions([s.begin(), s.insert('a'), s.rollbackTo('nope'), s.release('nope'), s.commit()], 's1', dialect);
      assert.deepEqual(flags(transaction!), [{ text: 'INSERT INTO a VALUES (1)', locksHeld: true, rolledBack: false }]);
      assert.equal(transaction!.end, 'commit');
    });

    it(`${dialect}: savepoint statements are never in a transaction's statements, and names ignore case`, () => {
      const s = script(dialect);
      const [transaction] = buildTransactions([s.begin(), s.savepoint('Sp'), s.insert('a'), s.rollbackTo('SP'), s.commit()], 's1', dialect);
      assert.deepEqual(
        flags(transaction!).map((entry) => [entry.text, entry.rolledBack]),
        [['INSERT INTO a VALUES (1)', true]],
      );
    });

    it(`${dialect}: a savepoint outside a transaction does nothing`, () => {
      const s = script(dialect);
      const tracker = new TransactionTracker('s1', dialect);
      const { transactions } = track(tracker, [s.savepoint('x'), s.insert('a'), s.rollbackTo('x')]);
      assert.equal(tracker.inTransaction, false);
      assert.deepEqual(shapes(transactions), [{ mode: 'autocommit', end: 'commit', statements: ['INSERT INTO a VALUES (1)'] }]);
    });
  }

  it('sqlite: SAVEPOINT outside a transaction starts one, and releasing it commits', () => {
    const s = script('sqlite');
    const savepoint = s.savepoint('outer');
    const release = s.release('outer');
    const transactions = buildTransactions(
      [savepoint, s.insert('a'), s.savepoint('inner'), s.insert('b'), s.rollbackTo('inner'), s.release('inner'), release, s.insert('c')],
      's1',
      'sqlite',
    );
    assert.deepEqual(shapes(transactions), [
      { mode: 'explicit', end: 'commit', statements: ['INSERT INTO a VALUES (1)', 'INSERT INTO b VALUES (1)'] },
      { mode: 'autocommit', end: 'commit', statements: ['INSERT INTO c VALUES (1)'] },
    ]);
    assert.equal(transactions[0]!.opener, savepoint);
    assert.equal(transactions[0]!.closer, release);
    // SQLite's lock is on the database file and outlives ROLLBACK TO.
    assert.deepEqual(
      flags(transactions[0]!).map((entry) => [entry.rolledBack, entry.locksHeld]),
      [
        [false, true],
        [true, true],
      ],
    );
  });
});

describe('foreign_key_checks', () => {
  for (const dialect of MYSQL_FAMILY) {
    it(`${dialect}: a dump's saved value restores the setting (SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS)`, () => {
      const s = script(dialect);
      const tracker = new TransactionTracker('s1', dialect);
      track(tracker, [s.set(['@old_foreign_key_checks', '@@FOREIGN_KEY_CHECKS'], ['foreign_key_checks', '0'])]);
      assert.equal(tracker.foreignKeyChecks, false);
      track(tracker, [s.set(['foreign_key_checks', '@OLD_FOREIGN_KEY_CHECKS'])]);
      assert.equal(tracker.foreignKeyChecks, true);
      track(tracker, [s.set(['foreign_key_checks', '@never_saved'])]);
      assert.equal(tracker.foreignKeyChecks, true, 'an unknown variable leaves the setting as it was');
    });

    it(`${dialect}: is a session setting recorded per statement and carried across transactions`, () => {
      const s = script(dialect);
      const tracker = new TransactionTracker('s1', dialect);
      const { transactions } = track(tracker, [
        s.begin(),
        s.insert('a'),
        s.set(['foreign_key_checks', '0']),
        s.insert('b'),
        s.commit(),
        s.insert('c'),
        s.begin(),
        s.insert('d'),
        s.set(['foreign_key_checks', '1']),
        s.insert('e'),
        s.rollback(),
      ]);
      assert.equal(tracker.foreignKeyChecks, true);
      assert.deepEqual(
        transactions.map((transaction) => transaction.statements.map((entry) => [entry.statement.text, entry.foreignKeyChecks])),
        [
          [
            ['INSERT INTO a VALUES (1)', true],
            ['INSERT INTO b VALUES (1)', false],
          ],
          [['INSERT INTO c VALUES (1)', false]],
          [
            ['INSERT INTO d VALUES (1)', false],
            ['INSERT INTO e VALUES (1)', true],
          ],
        ],
      );
    });

    it(`${dialect}: one SET may change autocommit and foreign_key_checks together`, () => {
      const s = script(dialect);
      const tracker = new TransactionTracker('s1', dialect);
      track(tracker, [s.set(['autocommit', '0'], ['foreign_key_checks', '0'])]);
      assert.equal(tracker.autocommit, false);
      assert.equal(tracker.foreignKeyChecks, false);
      // A SET is not a data statement and opens nothing.
      assert.equal(tracker.inTransaction, false);
    });
  }

  it('postgresql: there is no foreign_key_checks variable; checks stay on', () => {
    const s = script('postgresql');
    const tracker = new TransactionTracker('s1', 'postgresql');
    const { transactions } = track(tracker, [s.set(['foreign_key_checks', '0']), s.insert('a')]);
    assert.equal(tracker.foreignKeyChecks, true);
    assert.equal(transactions[0]!.statements[0]!.foreignKeyChecks, true);
  });
});

describe('finish', () => {
  for (const dialect of ['mysql', 'postgresql'] as const) {
    it(`${dialect}: disconnect ends an open transaction with 'disconnect'`, () => {
      const s = script(dialect);
      const begin = s.begin();
      const tracker = new TransactionTracker('s1', dialect);
      track(tracker, [begin, s.insert('a')]);
      assert.equal(tracker.inTransaction, true);
      const finished = tracker.finish('disconnect');
      assert.equal(finished.length, 1);
      assert.equal(finished[0]!.end, 'disconnect');
      assert.equal(finished[0]!.opener, begin);
      assert.equal('closer' in finished[0]!, false);
      assert.equal(tracker.inTransaction, false);
    });

    it(`${dialect}: end of input ends an open transaction as 'unfinished'`, () => {
      const s = script(dialect);
      const transactions = buildTransactions([s.begin(), s.insert('a')], 's1', dialect);
      assert.deepEqual(shapes(transactions), [{ mode: 'explicit', end: 'unfinished', statements: ['INSERT INTO a VALUES (1)'] }]);
    });
  }

  it('mysql: an autocommit=0 transaction open at disconnect ends with it; a new connection starts from defaults', () => {
    const s = script('mysql');
    const tracker = new TransactionTracker('s1', 'mysql');
    track(tracker, [s.set(['autocommit', '0'], ['foreign_key_checks', '0']), s.insert('a')]);
    assert.deepEqual(shapes(tracker.finish('disconnect')), [{ mode: 'explicit', end: 'disconnect', statements: ['INSERT INTO a VALUES (1)'] }]);
    assert.equal(tracker.autocommit, true);
    assert.equal(tracker.foreignKeyChecks, true);
    assert.deepEqual(tracker.finish('disconnect'), []);
  });
});

describe('boundariesKnown = false', () => {
  it('consecutive data statements form one assumed transaction, completed at the end', () => {
    const s = script('postgresql');
    const tracker = new TransactionTracker('django-1', 'postgresql', { boundariesKnown: false });
    const { positions, transactions } = track(tracker, [s.select('a'), s.insert('b'), s.update('c')]);
    assert.deepEqual(transactions, []);
    assert.equal(tracker.inTransaction, true);
    assert.deepEqual(positions, [
      { transactionIndex: 0, mode: 'assumed' },
      { transactionIndex: 0, mode: 'assumed' },
      { transactionIndex: 0, mode: 'assumed' },
    ]);
    const finished = tracker.finish('disconnect');
    assert.deepEqual(shapes(finished), [
      { mode: 'assumed', end: 'unfinished', statements: ['SELECT * FROM a', 'INSERT INTO b VALUES (1)', 'UPDATE c SET x = 1'] },
    ]);
    assert.equal(finished[0]!.session, 'django-1');
    assert.equal('opener' in finished[0]!, false);
  });

  it('an assumed transaction is cut after maxAssumedStatements and a new one starts', () => {
    const s = script('mysql');
    const tracker = new TransactionTracker('s1', 'mysql', { boundariesKnown: false, maxAssumedStatements: 2 });
    const { positions, transactions } = track(tracker, [s.insert('a'), s.insert('b'), s.insert('c'), s.insert('d'), s.insert('e')]);
    assert.deepEqual(shapes(transactions), [
      { mode: 'assumed', end: 'unfinished', statements: ['INSERT INTO a VALUES (1)', 'INSERT INTO b VALUES (1)'] },
      { mode: 'assumed', end: 'unfinished', statements: ['INSERT INTO c VALUES (1)', 'INSERT INTO d VALUES (1)'] },
    ]);
    assert.deepEqual(
      positions.map((position) => position.transactionIndex),
      [0, 0, 1, 1, 2],
    );
    assert.deepEqual(shapes(tracker.finish('unfinished')), [{ mode: 'assumed', end: 'unfinished', statements: ['INSERT INTO e VALUES (1)'] }]);
  });

  it('a boundary statement completes the assumed transaction and switches to known boundaries for good', () => {
    const s = script('postgresql');
    const tracker = new TransactionTracker('s1', 'postgresql', { boundariesKnown: false });
    const begin = s.begin();
    const { positions, transactions } = track(tracker, [s.insert('a'), s.insert('b'), begin, s.insert('c'), s.commit(), s.insert('d'), s.insert('e')]);
    assert.deepEqual(shapes(transactions), [
      { mode: 'assumed', end: 'unfinished', statements: ['INSERT INTO a VALUES (1)', 'INSERT INTO b VALUES (1)'] },
      { mode: 'explicit', end: 'commit', statements: ['INSERT INTO c VALUES (1)'] },
      { mode: 'autocommit', end: 'commit', statements: ['INSERT INTO d VALUES (1)'] },
      { mode: 'autocommit', end: 'commit', statements: ['INSERT INTO e VALUES (1)'] },
    ]);
    assert.equal(transactions[1]!.opener, begin);
    assert.deepEqual(
      positions.map((position) => `${position.transactionIndex}:${position.mode}`),
      ['0:assumed', '0:assumed', '1:explicit', '1:explicit', '1:explicit', '2:autocommit', '3:autocommit'],
    );
  });

  it('a COMMIT alone counts as a boundary', () => {
    const s = script('mysql');
    const tracker = new TransactionTracker('s1', 'mysql', { boundariesKnown: false });
    const { transactions } = track(tracker, [s.insert('a'), s.commit(), s.insert('b')]);
    assert.deepEqual(shapes(transactions), [
      { mode: 'assumed', end: 'unfinished', statements: ['INSERT INTO a VALUES (1)'] },
      { mode: 'autocommit', end: 'commit', statements: ['INSERT INTO b VALUES (1)'] },
    ]);
  });

  it('mysql: SET autocommit counts as a boundary', () => {
    const s = script('mysql');
    const transactions = buildTransactions([s.insert('a'), s.set(['autocommit', '0']), s.insert('b'), s.commit()], 's1', 'mysql', {
      boundariesKnown: false,
    });
    assert.deepEqual(shapes(transactions), [
      { mode: 'assumed', end: 'unfinished', statements: ['INSERT INTO a VALUES (1)'] },
      { mode: 'explicit', end: 'commit', statements: ['INSERT INTO b VALUES (1)'] },
    ]);
  });

  it('mysql: DDL still commits implicitly, and assuming resumes after it', () => {
    const s = script('mysql');
    const tracker = new TransactionTracker('s1', 'mysql', { boundariesKnown: false });
    const { positions, transactions } = track(tracker, [s.insert('a'), s.ddl('book'), s.insert('b'), s.insert('c')]);
    assert.deepEqual(shapes(transactions), [{ mode: 'assumed', end: 'implicit-commit', statements: ['INSERT INTO a VALUES (1)'] }]);
    assert.deepEqual(
      positions.map((position) => `${position.transactionIndex}:${position.mode}`),
      ['0:assumed', '1:autocommit', '2:assumed', '2:assumed'],
    );
    assert.deepEqual(shapes(tracker.finish('unfinished')), [
      { mode: 'assumed', end: 'unfinished', statements: ['INSERT INTO b VALUES (1)', 'INSERT INTO c VALUES (1)'] },
    ]);
  });

  it('mysql: foreign_key_checks is tracked while assuming', () => {
    const s = script('mysql');
    const [transaction] = buildTransactions([s.set(['foreign_key_checks', '0']), s.insert('a')], 's1', 'mysql', { boundariesKnown: false });
    assert.equal(transaction!.mode, 'assumed');
    assert.equal(transaction!.statements[0]!.foreignKeyChecks, false);
  });
});

describe('transactionIndex', () => {
  it('increases per transaction; statements share it only inside one transaction', () => {
    const s = script('mysql');
    const tracker = new TransactionTracker('s1', 'mysql');
    const { positions } = track(tracker, [
      s.select('a'), // 0 autocommit
      s.set(['foreign_key_checks', '1']), // 1 outside any transaction
      s.begin(), // 2
      s.select('a'),
      s.delete('a'),
      s.commit(),
      s.insert('a'), // 3 autocommit
      s.insert('a'), // 4 autocommit
    ]);
    assert.deepEqual(
      positions.map((position) => position.transactionIndex),
      [0, 1, 2, 2, 2, 2, 3, 4],
    );
    assert.deepEqual(
      positions.map((position) => position.mode),
      ['autocommit', 'autocommit', 'explicit', 'explicit', 'explicit', 'explicit', 'autocommit', 'autocommit'],
    );
  });

  it('is per tracker (per session)', () => {
    const s = script('postgresql');
    const one = new TransactionTracker('one', 'postgresql');
    const two = new TransactionTracker('two', 'postgresql');
    one.push(s.insert('a'));
    one.push(s.insert('a'));
    assert.equal(two.push(s.insert('a')).position.transactionIndex, 0);
  });
});

describe('buildTransactions', () => {
  it('returns every transaction in completion order, including the unfinished one', () => {
    const s = script('mariadb');
    const transactions = buildTransactions(
      [s.insert('a'), s.begin(), s.update('b'), s.commit(), s.set(['autocommit', '0']), s.delete('c')],
      'conn-7',
      'mariadb',
    );
    assert.deepEqual(shapes(transactions), [
      { mode: 'autocommit', end: 'commit', statements: ['INSERT INTO a VALUES (1)'] },
      { mode: 'explicit', end: 'commit', statements: ['UPDATE b SET x = 1'] },
      { mode: 'explicit', end: 'unfinished', statements: ['DELETE FROM c'] },
    ]);
    assert.ok(transactions.every((transaction) => transaction.session === 'conn-7'));
  });
});
