import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readSqlText } from '../src/input/sql-file.js';

describe('readSqlText', () => {
  it('turns statements into statement events with file origins', () => {
    const content = readSqlText('SELECT 1;\n  UPDATE t SET a = 1 WHERE id = 2;\n', 'db/a.sql');
    assert.deepEqual(content.statements, [
      { kind: 'statement', text: 'SELECT 1', origin: { file: 'db/a.sql', line: 1, column: 1, session: null } },
      { kind: 'statement', text: 'UPDATE t SET a = 1 WHERE id = 2', origin: { file: 'db/a.sql', line: 2, column: 3, session: null } },
    ]);
    assert.deepEqual(content.notices, []);
    assert.deepEqual(content.directives, {});
  });

  it('returns the comments for -- expect: annotations', () => {
    const content = readSqlText('START TRANSACTION;\n-- expect: some-rule\nUPDATE t SET a = 1; -- expect: other-rule\n', 'f.sql');
    assert.deepEqual(
      content.comments.map((c) => [c.text, c.line, c.column]),
      [
        ['expect: some-rule', 2, 1],
        ['expect: other-rule', 3, 21],
      ],
    );
  });

  it('strips a UTF-8 byte order mark without shifting columns', () => {
    const content = readSqlText('\uFEFFSELECT 1; SELECT 2;', 'bom.sql');
    assert.deepEqual(
      content.statements.map((s) => [s.text, s.origin.line, s.origin.column]),
      [
        ['SELECT 1', 1, 1],
        ['SELECT 2', 1, 11],
      ],
    );
  });

  it('reports a file with a NUL byte near the start as binary and reads no statements', () => {
    const content = readSqlText('SELECT 1;\0\u0001\u0002garbage;', 'dump.bin');
    assert.deepEqual(content.statements, []);
    assert.deepEqual(content.comments, []);
    assert.equal(content.notices.length, 1);
    const [notice] = content.notices;
    assert.equal(notice!.code, 'binary');
    assert.equal(notice!.severity, 'warning');
    assert.deepEqual(notice!.origin, { file: 'dump.bin', line: 1, column: 1, session: null });
    assert.match(notice!.message, /binary/);
    assert.match(notice!.message, /not SQL/);
  });

  it('does not sniff past the first 8 KB for NUL bytes', () => {
    const content = readSqlText(`SELECT '${'x'.repeat(9000)}\0';`, 'late-nul.sql');
    assert.equal(content.statements.length, 1);
    assert.deepEqual(content.notices, []);
  });
});

describe('readSqlText: directives', () => {
  it('reads -- locklint: dialect=... and splits with that dialect', () => {
    const text = "-- locklint: dialect=postgresql\nSELECT 'a\\'; SELECT 1 # 2;";
    const content = readSqlText(text, 'pg.sql');
    assert.deepEqual(content.directives, { dialect: 'postgresql' });
    assert.deepEqual(
      content.statements.map((s) => s.text),
      ["SELECT 'a\\'", 'SELECT 1 # 2'],
    );
    assert.deepEqual(content.notices, []);
  });

  it('reads the fixture form and lets it override the dialect option', () => {
    const text = '/* licence header */\n-- A fixture\n-- fixture: dialect=mysql\nSELECT 1 # not SQL in PostgreSQL;\n;';
    const content = readSqlText(text, 'fixture.sql', { dialect: 'postgresql' });
    assert.deepEqual(content.directives, { dialect: 'mysql' });
    assert.deepEqual(content.statements.map((s) => s.text), ['SELECT 1']);
  });

  it('finds a directive after pg_dump style header lines and psql meta-commands', () => {
    const text = '--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\n\n-- locklint: dialect=postgres\nSELECT $$;$$;\n';
    const content = readSqlText(text, 'dump.sql');
    assert.deepEqual(content.directives, { dialect: 'postgresql' });
    assert.deepEqual(content.statements.map((s) => s.text), ['SELECT $$;$$']);
  });

  it('uses the option when there is no directive, and mysql when there is neither', () => {
    assert.deepEqual(readSqlText("SELECT 'a\\'; SELECT 2;", 'x.sql', { dialect: 'postgresql' }).statements.length, 2);
    assert.deepEqual(readSqlText("SELECT 'a\\'; SELECT 2;", 'x.sql').statements.length, 1);
  });

  it('warns about an unknown dialect and keeps the option', () => {
    const content = readSqlText('-- comment\n-- locklint: dialect=oracle\nSELECT 1;', 'o.sql', { dialect: 'mysql' });
    assert.deepEqual(content.directives, {});
    assert.deepEqual(content.notices, [
      {
        kind: 'notice',
        origin: { file: 'o.sql', line: 2, column: 1, session: null },
        code: 'bad-directive',
        severity: 'warning',
        message: 'unknown dialect "oracle" in directive at line 2; expected mysql, mariadb, postgresql or sqlite',
      },
    ]);
    assert.equal(content.statements.length, 1);
  });

  it('warns about unknown locklint settings, not about other fixture settings', () => {
    const content = readSqlText('-- locklint: dialct=mysql\n-- fixture: dialect=mariadb schema=library.sql\nSELECT 1;', 'f.sql');
    assert.deepEqual(content.directives, { dialect: 'mariadb' });
    assert.deepEqual(
      content.notices.map((n) => [n.code, n.origin.line, n.message]),
      [['bad-directive', 1, 'unknown setting "dialct" in directive at line 1; expected dialect=<name>']],
    );
  });

  it('keeps the first of two conflicting dialect directives and says so', () => {
    const content = readSqlText('-- locklint: dialect=mysql\n-- locklint: dialect=postgresql\nSELECT 1;', 'f.sql');
    assert.deepEqual(content.directives, { dialect: 'mysql' });
    assert.equal(content.notices.length, 1);
    assert.match(content.notices[0]!.message, /line 2 sets dialect "postgresql" but an earlier one set "mysql"/);
  });

  it('warns about a dialect directive after the first statement, which it ignores', () => {
    const content = readSqlText('SELECT 1;\n-- locklint: dialect=postgresql\nSELECT 2;', 'late.sql');
    assert.deepEqual(content.directives, {});
    assert.deepEqual(
      content.notices.map((n) => [n.code, n.origin.line, n.origin.column, n.message]),
      [['bad-directive', 2, 1, 'dialect directive at line 2 is ignored: it must come before the first statement (line 1)']],
    );
  });
});

describe('readSqlText: truncated input', () => {
  it('keeps an unterminated statement and points a notice at the open quote', () => {
    const content = readSqlText("SELECT 1;\n\nUPDATE t SET a = 'x;\n", 'cut.sql');
    assert.deepEqual(
      content.statements.map((s) => [s.text, s.origin.line, s.origin.column]),
      [
        ['SELECT 1', 1, 1],
        ["UPDATE t SET a = 'x;", 3, 1],
      ],
    );
    assert.deepEqual(content.notices, [
      {
        kind: 'notice',
        origin: { file: 'cut.sql', line: 3, column: 18, session: null },
        code: 'truncated',
        severity: 'warning',
        message: 'unterminated string starting at line 3, column 18; the rest of the file is read as one statement',
      },
    ]);
  });

  it('names the unclosed construct: identifier, comment, dollar body, COPY data', () => {
    const messages = (text: string, dialect?: 'postgresql') => readSqlText(text, 'f.sql', dialect ? { dialect } : {}).notices.map((n) => n.message);
    assert.deepEqual(messages('SELECT `a'), ['unterminated quoted identifier starting at line 1, column 8; the rest of the file is read as one statement']);
    assert.deepEqual(messages('SELECT "a', 'postgresql'), ['unterminated quoted identifier starting at line 1, column 8; the rest of the file is read as one statement']);
    assert.deepEqual(messages('SELECT 1 /* a'), ['unterminated comment starting at line 1, column 10; the rest of the file is read as one statement']);
    assert.deepEqual(messages('DO $x$ BEGIN', 'postgresql'), ['unterminated dollar-quoted string ($x$) starting at line 1, column 4; the rest of the file is read as one statement']);
    assert.deepEqual(messages('COPY t FROM stdin;\n1\n', 'postgresql'), ['COPY data starting at line 2 has no closing "\\." line; the file looks truncated']);
  });
});
