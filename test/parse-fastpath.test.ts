/**
 * The hot path of StatementParser (a statement whose shape is cached: found by hash, no tokens,
 * pieces or key strings built) must agree with the straightforward path (a fresh parser that
 * materialises the shape and parses it), and both with the piece objects they are made from.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dialect } from '../src/model/dialect.js';
import type { Statement } from '../src/model/statement.js';
import { fingerprintSql, initParsers, StatementParser } from '../src/parse/index.js';
import { renderForParser, ShapeScan, shapeSql, type Piece } from '../src/parse/fingerprint.js';

await initParsers();

const origin = { file: 'app.log', line: 7, column: 3, session: null };
const DIALECTS: readonly Dialect[] = ['mysql', 'mariadb', 'postgresql', 'sqlite'];

/** Deterministic pseudo-random numbers (Park-Miller). */
function generator(seed: number): { random: () => number; pick: <T>(items: readonly T[]) => T } {
  let state = seed;
  const random = (): number => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  return { random, pick: (items) => items[Math.floor(random() * items.length)]! };
}

/** ORM-like statements: few shapes, each written with different values, case, quoting and spacing. */
function ormStatements(count: number, seed: number): string[] {
  const { random, pick } = generator(seed);
  const value = (): string => pick(['1', '42', '-7', '1.5', "'a'", "'it''s'", 'NULL', 'TRUE', 'false', '?', '$1', '%s', ':id', "x'0A'", '12345678901234567890', "E'x'"]);
  const name = (plain: string): string => pick([plain, plain, '`' + plain + '`', '"' + plain + '"', plain.toUpperCase()]);
  const list = (): string => Array.from({ length: 1 + Math.floor(random() * 4) }, value).join(', ');
  const shapes: (() => string)[] = [
    () => `SELECT ${name('id')}, ${name('title')} FROM ${name('book')} WHERE ${name('author_id')} = ${value()} AND ${name('id')} IN (${list()}) LIMIT ${value()}`,
    () => `INSERT INTO ${name('book')} (${name('title')}, ${name('author_id')}) VALUES (${value()}, ${value()})${random() < 0.5 ? `, (${value()}, ${value()})` : ''}`,
    () => `INSERT INTO t VALUES (${value()}, DEFAULT), (${value()}, ${value()})`,
    () => `UPDATE ${name('author')} SET ${name('name')} = ${value()}, n = n + 1 WHERE ${name('id')} = ${value()}`,
    () => `DELETE FROM ${name('item')} WHERE ${name('id')} IN (${list()})`,
    () => `SELECT * FROM t WHERE a = ${value()} FOR UPDATE`,
    () => `SELECT * FROM t WHERE id = ANY(ARRAY[${list()}])`,
    () => `SELECT a-${value()}, -${value()} FROM t WHERE c <= -${value()} AND d IS NOT NULL`,
    () => `(SELECT a FROM t WHERE b = ${value()})`,
    () => `SELECT id FROM t WHERE x = ${value()} AND y = = ${value()}`,
    () => `SELEC id FORM ${name('t')}`,
    () => `SELECT * FROM t WHERE id IN (${value()}`,
    () => `CREATE TABLE ${name('t2')} (id INT PRIMARY KEY, p INT REFERENCES p (id))`,
    () => `SAVEPOINT ${name('s1')}`,
    () => `RELEASE SAVEPOINT ${name(pick(['s1', 's2']))}`,
    () => `ROLLBACK TO SAVEPOINT ${name('s1')}`,
    () => pick(['COMMIT', 'COMMIT;', 'commit work', 'START TRANSACTION READ ONLY', 'BEGIN', 'ROLLBACK AND NO CHAIN']),
    () => `SET ${pick(['autocommit', 'SESSION sql_mode', '@@session.autocommit', 'NAMES'])} ${pick(['=', ''])} ${value()}`,
    () => `LOCK TABLES ${name('a')} READ, ${name('b')} WRITE`,
    () => pick(['SHOW TABLES', 'USE shop', 'EXPLAIN SELECT 1', ';', '']),
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = pick(shapes)();
    // Same shape, written differently: spacing, comments, keyword case.
    if (random() < 0.2) text = text.replace(/ /g, () => pick([' ', '  ', '\n  ', ' /* c */ ']));
    if (random() < 0.2) text = text.replace(/\b(SELECT|FROM|WHERE|IN|INSERT|INTO|VALUES)\b/g, (word) => word.toLowerCase());
    if (random() < 0.1) text += ';';
    out.push(text);
  }
  return out;
}

/** The fingerprint as documented, rendered from piece objects (the straightforward way). */
function referenceFingerprint(pieces: readonly Piece[]): string {
  const spacedBeforeParen = new Set(['in', 'values', 'value', 'exists', 'from', 'join', 'where', 'and', 'or', 'not', 'on', 'using', 'as', 'select', 'into', 'set', 'when', 'then', 'else', 'by', 'having', 'union', 'all', 'any', 'some', 'key', 'index', 'unique', 'check', 'table', 'with', 'over', 'intersect', 'except', 'returning']);
  const needsSpace = (prev: Piece, piece: Piece): boolean => {
    if (prev.kind === 'op' && ['(', '.', '[', '::'].includes(prev.text)) return false;
    if (piece.kind !== 'op') return true;
    if ([')', ',', '.', ';', ']', '::'].includes(piece.text)) return false;
    if (piece.text === '(') return !(prev.kind === 'word' && !piece.spaced && !spacedBeforeParen.has(prev.text));
    return piece.text === '[' ? piece.spaced : true;
  };
  let out = '';
  pieces.forEach((piece, index) => {
    if (index > 0 && needsSpace(pieces[index - 1]!, piece)) out += ' ';
    if (piece.kind === 'slot') out += piece.list ? '?+' : '?';
    else if (piece.kind === 'qident') out += /^[a-z_][a-z0-9_$]*$/.test(piece.text) ? piece.text : `"${piece.text.replace(/"/g, '""')}"`;
    else out += piece.text;
  });
  return out;
}

describe('fast path and straightforward path agree', () => {
  const statements = ormStatements(400, 20240611);

  for (const dialect of DIALECTS) {
    it(`renders the same fingerprint and parse key from buffers as from pieces (${dialect})`, () => {
      for (const text of statements) {
        const shape = shapeSql(text, dialect);
        assert.equal(shape.fingerprint, referenceFingerprint(shape.pieces), text);
        assert.equal(fingerprintSql(text, dialect).fingerprint, shape.fingerprint, text);
        assert.equal(shape.key, renderForParser(shape.pieces, text).sql, text);
        const literals = shape.values.flatMap((value) => (value.kind === 'literal' ? [value.value] : []));
        assert.deepEqual(fingerprintSql(text, dialect).literals, literals, text);
      }
    });

    it(`gives a cached shape's statements what a fresh parse gives them (${dialect})`, () => {
      const cached = new StatementParser();
      let checked = 0;
      for (const text of statements) {
        const fast: Statement = cached.parse(text, origin, dialect);
        // A fresh parser has nothing cached: it materialises the shape and parses it.
        const fresh: Statement = new StatementParser().parse(text, origin, dialect);
        assert.deepStrictEqual(fast, fresh, text);
        checked++;
      }
      assert.equal(checked, statements.length);
      // The generator repeats shapes: many statements above took the cached path.
      assert.ok(cached.stats.cacheHits >= 100, JSON.stringify(cached.stats));
    });
  }
});

describe('shape cache', () => {
  it('shares a template between statements written with other spacing, comments and keyword case', () => {
    const parser = new StatementParser();
    const a = parser.parse('SELECT id FROM book WHERE author_id = 1', origin, 'mysql');
    const b = parser.parse('select   id\n FROM /* x */ book where author_id=2;', origin, 'mysql');
    assert.deepEqual(parser.stats, { parsed: 1, cacheHits: 1, failures: 0 });
    assert.equal(a.fingerprint, b.fingerprint);
    assert.deepEqual(b.where?.predicates[0]?.values, [{ kind: 'literal', value: 2 }]);
  });

  it('tells apart shapes that differ only in a name, in quoting or in a value kind', () => {
    const parser = new StatementParser();
    parser.parse('SELECT a FROM t WHERE id = 1', origin, 'mysql');
    parser.parse('SELECT b FROM t WHERE id = 1', origin, 'mysql');
    parser.parse('SELECT `a` FROM t WHERE id = 1', origin, 'mysql');
    parser.parse("SELECT a FROM t WHERE id = '1'", origin, 'mysql');
    parser.parse('SELECT a FROM t WHERE id IN (1)', origin, 'mysql');
    assert.deepEqual(parser.stats, { parsed: 5, cacheHits: 0, failures: 0 });
  });

  it('never takes a template for a statement whose shape only hashes alike', () => {
    // Find two different shapes with the same 32-bit hash (deterministic: the hash is fixed).
    const scan = new ShapeScan();
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; i < 1_000_000 && pair === undefined; i++) {
      const text = `SELECT c${i} FROM t WHERE id = 1`;
      const hash = scan.scan(text, 'mysql').hash;
      const other = seen.get(hash);
      if (other !== undefined) pair = [other, text];
      else seen.set(hash, text);
    }
    assert.ok(pair !== undefined, 'no colliding pair found');
    const parser = new StatementParser();
    const first = parser.parse(pair[0], origin, 'mysql');
    const second = parser.parse(pair[1], origin, 'mysql');
    assert.deepEqual(parser.stats, { parsed: 2, cacheHits: 0, failures: 0 });
    assert.notDeepEqual(first.selectColumns, second.selectColumns);
    assert.notEqual(first.fingerprint, second.fingerprint);
    // Both stay findable in the same bucket.
    assert.deepEqual(parser.parse(pair[1], origin, 'mysql').selectColumns, second.selectColumns);
    assert.deepEqual(parser.parse(pair[0], origin, 'mysql').selectColumns, first.selectColumns);
    assert.deepEqual(parser.stats, { parsed: 2, cacheHits: 2, failures: 0 });
  });

  it('reads each control statement for itself where its shape does not fix the result', () => {
    const parser = new StatementParser();
    assert.deepEqual(parser.parse('SAVEPOINT a', origin, 'mysql').transaction, { action: 'savepoint', name: 'a' });
    assert.deepEqual(parser.parse('SAVEPOINT b', origin, 'mysql').transaction, { action: 'savepoint', name: 'b' });
    assert.deepEqual(parser.parse('SET autocommit = 0', origin, 'mysql').settings, [{ name: 'autocommit', value: '0' }]);
    assert.deepEqual(parser.parse('SET autocommit = 1', origin, 'mysql').settings, [{ name: 'autocommit', value: '1' }]);
    assert.deepEqual(parser.parse('SET NAMES utf8mb4', origin, 'mysql').settings, [{ name: 'names', value: 'utf8mb4' }]);
    assert.deepEqual(parser.parse('SET NAMES latin1', origin, 'mysql').settings, [{ name: 'names', value: 'latin1' }]);
    assert.equal(parser.parse('COMMIT;', origin, 'mysql').kind, 'commit');
    assert.equal(parser.parse('COMMIT', origin, 'mysql').kind, 'commit');
    assert.equal(parser.parse('START SLAVE', origin, 'mysql').kind, 'other');
    // The classifier's statements are neither parsed nor cache hits.
    assert.deepEqual(parser.stats, { parsed: 0, cacheHits: 0, failures: 0 });
  });

  it('reads a statement after a huge one correctly (buffers are reused, then released)', () => {
    const parser = new StatementParser();
    const rows = Array.from({ length: 40_000 }, (_, i) => `(${i}, 'v${i}')`).join(', ');
    const huge = parser.parse(`INSERT INTO t (a, b) VALUES ${rows}`, origin, 'mysql');
    assert.equal(huge.insertRows?.length, 40_000);
    assert.deepEqual(Object.fromEntries(huge.insertRows![39_999]!), { a: { kind: 'literal', value: 39_999 }, b: { kind: 'literal', value: 'v39999' } });
    const small = parser.parse("INSERT INTO t (a, b) VALUES (7, 'x')", origin, 'mysql');
    assert.deepEqual(small.insertRows?.map((row) => Object.fromEntries(row)), [{ a: { kind: 'literal', value: 7 }, b: { kind: 'literal', value: 'x' } }]);
    assert.equal(parser.stats.parsed, 1);
  });
});

describe('truncated statements', () => {
  it('fingerprints and reports an IN list cut short instead of failing inside the parser', () => {
    for (const text of ['SELECT * FROM t WHERE a IN (', 'SELECT * FROM t WHERE a IN (1,', 'SELECT ARRAY[']) {
      assert.doesNotThrow(() => fingerprintSql(text, 'mysql'));
      const statement = new StatementParser().parse(text, origin, 'mysql');
      assert.equal(statement.kind, 'unparsed');
      assert.doesNotMatch(statement.parseError!.message, /internal parser error/, text);
    }
    assert.equal(fingerprintSql('SELECT * FROM t WHERE a IN (1,', 'mysql').fingerprint, 'select * from t where a in (?,');
  });
});
