import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Statement, Value } from '../src/model/statement.js';
import { initParsers, StatementParser } from '../src/parse/index.js';

const origin = { file: 'log.sql', line: 1, column: 1, session: null };

// Before initParsers(): PostgreSQL parsing is a programming error and says so.
let errorBeforeInit: unknown;
try {
  new StatementParser().parse('SELECT 1', origin, 'postgresql');
} catch (error) {
  errorBeforeInit = error;
}
await initParsers();
await initParsers(); // idempotent

function lit(value: string | number | boolean | null): Value {
  return { kind: 'literal', value };
}

function predicateValues(statement: Statement): Value[] {
  return [...(statement.where?.predicates[0]?.values ?? [])];
}

describe('initParsers', () => {
  it('is required before PostgreSQL text is parsed', () => {
    assert.ok(errorBeforeInit instanceof Error);
    assert.match((errorBeforeInit as Error).message, /initParsers/);
  });
});

for (const dialect of ['mysql', 'postgresql'] as const) {
  describe(`parse once per shape (${dialect})`, () => {
    it('parses 1000 same-shape statements once', () => {
      const parser = new StatementParser();
      for (let i = 0; i < 1000; i++) {
        const s = parser.parse(`SELECT id, title FROM book WHERE author_id = ${i} AND title = 'n${i}'`, origin, dialect);
        assert.deepEqual(s.where?.predicates, [
          { column: 'author_id', op: '=', values: [lit(i)] },
          { column: 'title', op: '=', values: [lit(`n${i}`)] },
        ]);
      }
      assert.deepEqual(parser.stats, { parsed: 1, cacheHits: 999, failures: 0 });
    });

    it('gives each statement its own IN-list values, whatever the list length', () => {
      const parser = new StatementParser();
      const a = parser.parse('DELETE FROM book WHERE id IN (1, 2, 3) AND shelf = 9', origin, dialect);
      const b = parser.parse('DELETE FROM book WHERE id IN (42) AND shelf = 10', origin, dialect);
      const c = parser.parse("DELETE FROM book WHERE id IN (7, 'x', NULL, -4, 5) AND shelf = 11", origin, dialect);
      assert.equal(parser.stats.parsed, 1);
      assert.deepEqual(predicateValues(a), [lit(1), lit(2), lit(3)]);
      assert.deepEqual(predicateValues(b), [lit(42)]);
      assert.deepEqual(predicateValues(c), [lit(7), lit('x'), lit(null), lit(-4), lit(5)]);
      assert.deepEqual(a.where?.predicates[1]?.values, [lit(9)]);
      assert.deepEqual(b.where?.predicates[1]?.values, [lit(10)]);
      assert.deepEqual(c.where?.predicates[1]?.values, [lit(11)]);
      assert.equal(a.fingerprint, b.fingerprint);
      assert.equal(b.fingerprint, c.fingerprint);
    });

    it('gives each multi-row INSERT its own rows, whatever the row count', () => {
      const parser = new StatementParser();
      const one = parser.parse("INSERT INTO book (title, author_id) VALUES ('a', 1)", origin, dialect);
      const three = parser.parse("INSERT INTO book (title, author_id) VALUES ('b', 2), ('c', 3), ('d', 4)", origin, dialect);
      assert.equal(parser.stats.parsed, 1);
      assert.deepEqual(one.insertRows?.map((row) => Object.fromEntries(row)), [{ title: lit('a'), author_id: lit(1) }]);
      assert.deepEqual(
        three.insertRows?.map((row) => Object.fromEntries(row)),
        [
          { title: lit('b'), author_id: lit(2) },
          { title: lit('c'), author_id: lit(3) },
          { title: lit('d'), author_id: lit(4) },
        ],
      );
    });

    it('gives each UPDATE its own assignments; placeholders and literals share a template', () => {
      const parser = new StatementParser();
      const marker = dialect === 'postgresql' ? '$1' : '?';
      const a = parser.parse('UPDATE author SET name = 5 WHERE id = 1', origin, dialect);
      const b = parser.parse(`UPDATE author SET name = ${marker} WHERE id = 2`, origin, dialect);
      assert.equal(parser.stats.parsed, 1);
      assert.deepEqual(a.assignments, new Map([['name', lit(5)]]));
      assert.deepEqual(b.assignments, new Map([['name', { kind: 'placeholder', name: marker }]]));
      assert.deepEqual(predicateValues(b), [lit(2)]);
    });

    it('keeps text, origin and fingerprint per statement', () => {
      const parser = new StatementParser();
      const a = parser.parse('SELECT * FROM t WHERE id = 1', { ...origin, line: 3 }, dialect);
      const b = parser.parse('select *   from t where id=2', { ...origin, line: 9 }, dialect);
      assert.equal(parser.stats.parsed, 1);
      assert.equal(b.text, 'select *   from t where id=2');
      assert.equal(b.origin.line, 9);
      assert.equal(a.fingerprint, b.fingerprint);
    });

    it('drops the least recently used template beyond cacheSize', () => {
      const parser = new StatementParser({ cacheSize: 2 });
      parser.parse('SELECT a FROM t WHERE id = 1', origin, dialect);
      parser.parse('SELECT b FROM t WHERE id = 1', origin, dialect);
      parser.parse('SELECT a FROM t WHERE id = 2', origin, dialect); // refreshes a
      parser.parse('SELECT c FROM t WHERE id = 1', origin, dialect); // evicts b
      parser.parse('SELECT a FROM t WHERE id = 3', origin, dialect);
      parser.parse('SELECT b FROM t WHERE id = 3', origin, dialect);
      assert.deepEqual(parser.stats, { parsed: 4, cacheHits: 2, failures: 0 });
    });
  });

  describe(`parse errors (${dialect})`, () => {
    it('reports a short message at the file position of the bad token', () => {
      const parser = new StatementParser();
      const s = parser.parse('SELECT id\nFROM author\nWHERE id = = 1', { ...origin, line: 10, column: 5 }, dialect);
      assert.equal(s.kind, 'unparsed');
      assert.deepEqual(s.parseError, { message: 'syntax error at or near "="', line: 12, column: 12 });
      assert.equal(s.fingerprint, 'select id from author where id = = ?');
    });

    it('offsets the column on the first line by the origin column', () => {
      const parser = new StatementParser();
      const s = parser.parse('SELECT * FROM t WHERE id = 1 2', { ...origin, line: 4, column: 8 }, dialect);
      assert.deepEqual(s.parseError, { message: 'syntax error at or near "2"', line: 4, column: 8 + 29 });
    });

    it('locates a cached failure in each statement’s own text and names its own token', () => {
      const parser = new StatementParser();
      const a = parser.parse('SELECT * FROM t WHERE id = 1 2', origin, dialect);
      const b = parser.parse("SELECT *\n  FROM t\n  WHERE id = 100 'abc'", origin, dialect);
      assert.equal(parser.stats.parsed, 2); // different marker types: a number and a string
      const c = parser.parse('SELECT  *  FROM  t  WHERE  id  =  77  12345', origin, dialect);
      assert.equal(parser.stats.parsed, 2);
      assert.equal(parser.stats.failures, 3);
      assert.deepEqual(a.parseError, { message: 'syntax error at or near "2"', line: 1, column: 30 });
      assert.deepEqual(b.parseError, { message: `syntax error at or near "'abc'"`, line: 3, column: 18 });
      assert.deepEqual(c.parseError, { message: 'syntax error at or near "12345"', line: 1, column: 39 });
    });

    it('reports the end of input', () => {
      const parser = new StatementParser();
      const s = parser.parse('SELECT * FROM t WHERE id IN (1', origin, dialect);
      assert.deepEqual(s.parseError, { message: 'syntax error at end of input', line: 1, column: 31 });
    });

    it('never guesses an unparseable DML statement, but names its table when the leading clause says it', () => {
      const parser = new StatementParser();
      const insert = parser.parse('INSERT INTO `book` (a) VALUES (1) GARBAGE'.replace(/`/g, dialect === 'postgresql' ? '"' : '`'), origin, dialect);
      assert.equal(insert.kind, 'unparsed');
      assert.equal(insert.table, 'book');
      assert.deepEqual(insert.tables, ['book']);
      assert.equal(insert.insertRows, undefined);
      assert.equal(parser.parse('UPDATE author SET = 1', origin, dialect).table, 'author');
      assert.equal(parser.parse('DELETE FROM public.author WHERE', origin, dialect).table, 'author');
      assert.equal(parser.parse('SELECT * FROM book WHERE id = = 1', origin, dialect).table, 'book');
      assert.equal(parser.parse('SELECT FROM WHERE', origin, dialect).table, null);
    });

    it('reports an unknown statement as unparsed', () => {
      const parser = new StatementParser();
      const s = parser.parse('SELEC id FORM author', { ...origin, line: 6, column: 3 }, dialect);
      assert.equal(s.kind, 'unparsed');
      assert.equal(s.table, null);
      assert.deepEqual(s.parseError, { message: 'syntax error at or near "SELEC"', line: 6, column: 3 });
    });

    it('survives absurd nesting', () => {
      const parser = new StatementParser();
      const s = parser.parse(`SELECT ${'('.repeat(30_000)}1${')'.repeat(30_000)}`, origin, dialect);
      assert.equal(s.kind, 'unparsed');
      assert.ok(s.parseError!.message.length < 120);
    });
  });
}

describe('robustness', () => {
  it('never throws on arbitrary input', () => {
    const parser = new StatementParser();
    const samples = ["'", '"', '`', '$$', '/*', '(((', ')))', 'SELECT ?', 'IN (', 'VALUES (', '-- x', ';;;', '\u0000', 'é', 'SET', 'ROLLBACK TO', 'CREATE TABLE (', 'ALTER TABLE', 'DROP'];
    let seed = 7;
    const random = (): number => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 300; i++) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 6) }, () => samples[Math.floor(random() * samples.length)]!);
      const text = parts.join(random() < 0.5 ? ' ' : '');
      for (const dialect of ['mysql', 'mariadb', 'postgresql', 'sqlite'] as const) {
        const s = parser.parse(text, origin, dialect);
        assert.equal(typeof s.kind, 'string');
        assert.equal(s.text, text);
      }
    }
  });
});
