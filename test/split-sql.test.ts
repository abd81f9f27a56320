import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitSql } from '../src/input/split-sql.js';
import type { Dialect } from '../src/model/dialect.js';

function texts(source: string, dialect?: Dialect): string[] {
  return splitSql(source, dialect ? { dialect } : {}).statements.map((statement) => statement.text);
}

function positions(source: string, dialect?: Dialect): [number, number, number][] {
  return splitSql(source, dialect ? { dialect } : {}).statements.map((s) => [s.line, s.column, s.endLine]);
}

describe('splitSql: positions', () => {
  it('gives the 1-based line and column of the first significant character and the last line', () => {
    const source = [
      '', //                                          1
      '  -- header', //                               2
      '  SELECT 1;', //                               3
      '', //                                          4
      '/* c */ UPDATE t', //                          5
      '   SET a = 1', //                              6
      ' WHERE id = 2;  INSERT INTO t VALUES (1)', //  7
      '',
    ].join('\n');
    assert.deepEqual(texts(source), ['SELECT 1', 'UPDATE t\n   SET a = 1\n WHERE id = 2', 'INSERT INTO t VALUES (1)']);
    assert.deepEqual(positions(source), [
      [3, 3, 3],
      [5, 9, 7],
      [7, 17, 7],
    ]);
  });

  it('counts lines inside strings, comments and dollar bodies', () => {
    const source = "SELECT 'a\nb';\n/* x\ny */\nSELECT $$\n;\n$$;\nSELECT `c\nd`;\nSELECT 4;";
    assert.deepEqual(positions(source, 'postgresql').map(([line]) => line), [1, 5, 8, 10]);
    assert.deepEqual(positions(source, 'mysql').map(([line]) => line), [1, 5, 7, 8, 10]);
  });

  it('handles CRLF line endings: columns as shown, no carriage return in texts or comments', () => {
    const { statements, comments } = splitSql('SELECT 1;\r\n  -- note\r\n  SELECT\r\n  2;\r\n');
    assert.deepEqual(
      statements.map((s) => [s.text, s.line, s.column, s.endLine]),
      [
        ['SELECT 1', 1, 1, 1],
        ['SELECT\r\n  2', 3, 3, 4],
      ],
    );
    assert.deepEqual(comments, [{ text: 'note', line: 2, column: 3, endLine: 2, style: 'line' }]);
  });

  it('drops the terminator, leading comments and trailing whitespace/comments, keeps inner comments', () => {
    assert.deepEqual(texts('/* lead */ -- lead\nSELECT /* inner */ 1 -- tail\n ;'), ['SELECT /* inner */ 1']);
    assert.deepEqual(positions('/* lead */ -- lead\nSELECT /* inner */ 1 -- tail\n ;'), [[2, 1, 2]]);
  });

  it('skips empty statements and statements made only of comments', () => {
    assert.deepEqual(texts(';;  ;\nSELECT 1;;\n/* only a comment */;\n-- and this\n;'), ['SELECT 1']);
    assert.deepEqual(texts(''), []);
    assert.deepEqual(texts('  \n\t\n'), []);
  });

  it('yields a last statement that has no terminator', () => {
    assert.deepEqual(texts('SELECT 1; SELECT 2'), ['SELECT 1', 'SELECT 2']);
    assert.deepEqual(texts('SELECT 1;\nSELECT 2\n-- trailing comment\n'), ['SELECT 1', 'SELECT 2']);
    assert.equal(splitSql('SELECT 2').statements[0]!.unterminated, undefined);
  });

  it('is linear: a large input splits into the right number of statements', () => {
    const statement = "INSERT INTO t VALUES (1, 'a;b', \"c;d\"); -- n\n";
    const { statements, comments } = splitSql(statement.repeat(20_000));
    assert.equal(statements.length, 20_000);
    assert.equal(comments.length, 20_000);
    assert.equal(statements[19_999]!.line, 20_000);
  });
});

describe('splitSql: quotes', () => {
  it('ignores semicolons inside strings, quoted identifiers and comments', () => {
    const source = "SELECT ';', \";\", `a;b`, 1 /* ; */ -- ;\n FROM t; SELECT 2";
    assert.deepEqual(texts(source), ["SELECT ';', \";\", `a;b`, 1 /* ; */ -- ;\n FROM t", 'SELECT 2']);
    assert.deepEqual(texts(source, 'postgresql'), texts(source));
  });

  it('reads doubled quotes as part of the quoted text', () => {
    const source = "SELECT 'it''s; ok', \"a\"\"b;c\", `x``;y`; SELECT 2";
    for (const dialect of ['mysql', 'postgresql', 'sqlite'] as const) {
      assert.deepEqual(texts(source, dialect), ["SELECT 'it''s; ok', \"a\"\"b;c\", `x``;y`", 'SELECT 2'], dialect);
    }
  });

  it('applies backslash escapes in MySQL and MariaDB strings, single and double quoted', () => {
    assert.deepEqual(texts("SELECT 'it\\'s; fine'; SELECT 2"), ["SELECT 'it\\'s; fine'", 'SELECT 2']);
    assert.deepEqual(texts('SELECT "say \\"hi; there\\""; SELECT 2', 'mariadb'), ['SELECT "say \\"hi; there\\""', 'SELECT 2']);
    assert.deepEqual(texts("SELECT 'C:\\\\'; SELECT 2"), ["SELECT 'C:\\\\'", 'SELECT 2']);
  });

  it('takes a backslash literally in standard PostgreSQL and SQLite strings', () => {
    assert.deepEqual(texts("SELECT 'a\\'; SELECT 'b';", 'postgresql'), ["SELECT 'a\\'", "SELECT 'b'"]);
    assert.deepEqual(texts("SELECT 'a\\'; SELECT 'b';", 'sqlite'), ["SELECT 'a\\'", "SELECT 'b'"]);
    // Under MySQL rules `\'` escapes the quote, so the text ends inside the string `';`.
    const [mysql] = splitSql("SELECT 'a\\'; SELECT 'b';").statements;
    assert.equal(mysql!.text, "SELECT 'a\\'; SELECT 'b';");
    assert.equal(mysql!.unterminated, 'quote');
    assert.deepEqual(mysql!.unterminatedAt, { line: 1, column: 23, opener: "'" });
  });

  it('applies backslash escapes in PostgreSQL E strings only', () => {
    assert.deepEqual(texts("SELECT E'it\\'s; fine'; SELECT 2", 'postgresql'), ["SELECT E'it\\'s; fine'", 'SELECT 2']);
    assert.deepEqual(texts("SELECT e'x\\\\'; SELECT 3", 'postgresql'), ["SELECT e'x\\\\'", 'SELECT 3']);
    // `type'...'` is an identifier followed by a standard string, not an E string.
    assert.deepEqual(texts("SELECT type'a\\'; SELECT 4", 'postgresql'), ["SELECT type'a\\'", 'SELECT 4']);
  });

  it('reads SQLite bracket identifiers', () => {
    assert.deepEqual(texts('SELECT [a;b] FROM t; SELECT 2', 'sqlite'), ['SELECT [a;b] FROM t', 'SELECT 2']);
    assert.deepEqual(texts('SELECT a[1]; SELECT 2', 'postgresql'), ['SELECT a[1]', 'SELECT 2']);
  });
});

describe('splitSql: comments', () => {
  it('collects line and block comments with positions, inside statements too', () => {
    const source = [
      '-- expect: some-rule', //                 1
      'SELECT 1; -- trailing', //                2
      '# hash comment', //                       3
      'UPDATE t /* inside',
      '   still inside */ SET a = 1;', //        5
      '/**/',
    ].join('\n');
    assert.deepEqual(splitSql(source).comments, [
      { text: 'expect: some-rule', line: 1, column: 1, endLine: 1, style: 'line' },
      { text: 'trailing', line: 2, column: 11, endLine: 2, style: 'line' },
      { text: 'hash comment', line: 3, column: 1, endLine: 3, style: 'line' },
      { text: 'inside\n   still inside', line: 4, column: 10, endLine: 5, style: 'block' },
      { text: '', line: 6, column: 1, endLine: 6, style: 'block' },
    ]);
  });

  it('needs whitespace after -- in MySQL, not in PostgreSQL or SQLite', () => {
    assert.deepEqual(texts('SELECT 5--1;\nSELECT 2;'), ['SELECT 5--1', 'SELECT 2']);
    assert.deepEqual(texts('SELECT 5--1;\nSELECT 2;', 'postgresql'), ['SELECT 5--1;\nSELECT 2']);
    assert.deepEqual(texts('SELECT 5--1;\nSELECT 2;', 'sqlite'), ['SELECT 5--1;\nSELECT 2']);
    // A tab, a line end or the end of the input after the dashes makes a comment in MySQL too.
    assert.deepEqual(texts('SELECT 1 --\t;\n;SELECT 2 --\n;SELECT 3 --'), ['SELECT 1', 'SELECT 2', 'SELECT 3']);
    assert.deepEqual(
      splitSql('SELECT 1 --\t;\n;').comments.map((c) => c.text),
      [';'],
    );
  });

  it('reads # as a comment in MySQL and MariaDB only', () => {
    assert.deepEqual(texts('SELECT 1 # x;\nFROM t; SELECT 2'), ['SELECT 1 # x;\nFROM t', 'SELECT 2']);
    assert.deepEqual(texts('SELECT 1 # x;\nFROM t; SELECT 2', 'mariadb'), ['SELECT 1 # x;\nFROM t', 'SELECT 2']);
    assert.deepEqual(texts('SELECT 1 # 2;\nSELECT 3', 'postgresql'), ['SELECT 1 # 2', 'SELECT 3']);
    assert.deepEqual(splitSql('SELECT 1 # 2;', { dialect: 'postgresql' }).comments, []);
  });

  it('nests block comments in PostgreSQL only', () => {
    const source = 'SELECT /* a /* b */ 1; */ 2;';
    assert.deepEqual(texts(source, 'postgresql'), ['SELECT /* a /* b */ 1; */ 2']);
    assert.deepEqual(splitSql(source, { dialect: 'postgresql' }).comments.map((c) => c.text), ['a /* b */ 1;']);
    assert.deepEqual(texts(source), ['SELECT /* a /* b */ 1', '*/ 2']);
    assert.deepEqual(splitSql(source).comments.map((c) => c.text), ['a /* b']);
  });
});

describe('splitSql: conditional comments', () => {
  it('yields the code of a statement that is wholly a conditional comment, at its own position', () => {
    const { statements, comments } = splitSql('/*!40101 SET NAMES utf8 */;\n  /*!*/;\n/*! SET x = 1 */;');
    assert.deepEqual(
      statements.map((s) => [s.text, s.line, s.column]),
      [
        ['SET NAMES utf8', 1, 10],
        ['SET x = 1', 3, 5],
      ],
    );
    assert.deepEqual(comments, []);
  });

  it('blanks the markers inside a statement so positions are preserved', () => {
    const source = 'SELECT a /*!50000 , b */ FROM t /*!80000 FOR UPDATE */;';
    const [statement] = splitSql(source).statements;
    const expected = 'SELECT a          , b    FROM t          FOR UPDATE';
    assert.equal(statement!.text, expected);
    assert.equal(statement!.text.indexOf('b '), source.indexOf('b '));
    assert.equal(statement!.text.indexOf('FOR UPDATE'), source.indexOf('FOR UPDATE'));
  });

  it('reads MariaDB /*M!...*/ as code under mariadb, as a comment under mysql', () => {
    const source = '/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;\nSELECT 1;';
    assert.deepEqual(texts(source, 'mariadb'), ['SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0', 'SELECT 1']);
    assert.deepEqual(texts(source, 'mysql'), ['SELECT 1']);
    assert.equal(splitSql(source, { dialect: 'mysql' }).comments.length, 1);
  });

  it("treats mariadb-dump's sandbox line as a comment, not code", () => {
    const source = '/*M!999999\\- enable the sandbox mode */\n-- MariaDB dump 10.19\nSELECT 1;';
    assert.deepEqual(texts(source, 'mariadb'), ['SELECT 1']);
    assert.deepEqual(positions(source, 'mariadb'), [[3, 1, 3]]);
  });

  it('reads /*!...*/ as a plain comment in PostgreSQL', () => {
    assert.deepEqual(texts('/*!40101 SET NAMES utf8 */;\nSELECT 1;', 'postgresql'), ['SELECT 1']);
  });

  it('keeps a comment inside conditional code a comment', () => {
    const { statements, comments } = splitSql('/*!50001 CREATE VIEW v AS SELECT 1 -- note\n */;');
    assert.deepEqual(statements.map((s) => s.text), ['CREATE VIEW v AS SELECT 1']);
    assert.deepEqual(comments.map((c) => c.text), ['note']);
  });
});

describe('splitSql: dollar quoting', () => {
  it('reads $$ and $tag$ bodies in PostgreSQL, nested tags included', () => {
    const source = [
      'CREATE FUNCTION f() RETURNS int AS $$ BEGIN; RETURN 1; END $$ LANGUAGE plpgsql;',
      'CREATE FUNCTION g() RETURNS text AS $body$ SELECT $$;$$; $body$ LANGUAGE sql;',
      'DO $x$ BEGIN PERFORM 1; END $x$;',
    ].join('\n');
    assert.deepEqual(texts(source, 'postgresql'), [
      'CREATE FUNCTION f() RETURNS int AS $$ BEGIN; RETURN 1; END $$ LANGUAGE plpgsql',
      'CREATE FUNCTION g() RETURNS text AS $body$ SELECT $$;$$; $body$ LANGUAGE sql',
      'DO $x$ BEGIN PERFORM 1; END $x$',
    ]);
  });

  it('does not take $1 placeholders or $ inside identifiers for dollar quotes', () => {
    assert.deepEqual(texts('SELECT * FROM t WHERE a = $1; SELECT $2;', 'postgresql'), ['SELECT * FROM t WHERE a = $1', 'SELECT $2']);
    assert.deepEqual(texts('SELECT a$b$c; SELECT 2', 'postgresql'), ['SELECT a$b$c', 'SELECT 2']);
    assert.deepEqual(texts('SELECT $$;$$ AS literal; SELECT 2', 'postgresql'), ['SELECT $$;$$ AS literal', 'SELECT 2']);
  });

  it('outside PostgreSQL, recognises dollar quotes only after AS or DO', () => {
    const fn = 'CREATE FUNCTION f() RETURNS int AS $$ BEGIN; RETURN 1; END $$ LANGUAGE plpgsql;\nDO $$ BEGIN PERFORM 1; END $$;';
    assert.deepEqual(texts(fn), ['CREATE FUNCTION f() RETURNS int AS $$ BEGIN; RETURN 1; END $$ LANGUAGE plpgsql', 'DO $$ BEGIN PERFORM 1; END $$']);
    assert.deepEqual(texts('SELECT $$; SELECT $$;'), ['SELECT $$', 'SELECT $$']);
    assert.deepEqual(texts('SELECT $$; SELECT $$;', 'postgresql'), ['SELECT $$; SELECT $$']);
    // `alias` ends in "as" but is not the keyword.
    assert.deepEqual(texts('SELECT alias $$; SELECT 2 $$;'), ['SELECT alias $$', 'SELECT 2 $$']);
  });
});

describe('splitSql: client commands', () => {
  it('follows DELIMITER through a procedure and a trigger body and back to ;', () => {
    const source = [
      'DELIMITER //', //                                                1
      'CREATE PROCEDURE p()', //                                        2
      'BEGIN',
      '  UPDATE t SET a = 1;',
      '  SELECT 1;',
      'END //', //                                                      6
      'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW', //           7
      'BEGIN SET NEW.a = 2; END//',
      'delimiter $$', //                                                9
      'CREATE PROCEDURE q() BEGIN SELECT 2; END$$', //                  10
      'DELIMITER ;', //                                                 11
      'SELECT 3;', //                                                   12
    ].join('\n');
    const { statements } = splitSql(source);
    assert.deepEqual(statements.map((s) => s.text), [
      'CREATE PROCEDURE p()\nBEGIN\n  UPDATE t SET a = 1;\n  SELECT 1;\nEND',
      'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW\nBEGIN SET NEW.a = 2; END',
      'CREATE PROCEDURE q() BEGIN SELECT 2; END',
      'SELECT 3',
    ]);
    assert.deepEqual(
      statements.map((s) => [s.line, s.endLine]),
      [
        [2, 6],
        [7, 8],
        [10, 10],
        [12, 12],
      ],
    );
  });

  it('reads a mysqldump trigger block (DELIMITER ;; and conditional comments)', () => {
    const source = [
      'DELIMITER ;;',
      '/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `book_bi` BEFORE INSERT ON `book` FOR EACH ROW BEGIN',
      '  SET NEW.title = TRIM(NEW.title);',
      'END */;;',
      'DELIMITER ;',
      'SELECT 1;',
    ].join('\n');
    const { statements, comments } = splitSql(source);
    assert.equal(statements.length, 2);
    const trigger = statements[0]!;
    assert.deepEqual([trigger.line, trigger.column, trigger.endLine], [2, 10, 4]);
    const start = source.indexOf('CREATE*/');
    const end = source.indexOf('END */') + 3;
    const blanked = source.slice(start, end).replace(/\*\/|\/\*!\d*/g, (marker) => ' '.repeat(marker.length));
    assert.equal(trigger.text, blanked);
    assert.match(trigger.text, /^CREATE {12}DEFINER=`root`@`localhost` {12}TRIGGER `book_bi`/);
    assert.equal(statements[1]!.text, 'SELECT 1');
    assert.deepEqual(comments, []);
  });

  it('keeps the old delimiter when DELIMITER has no argument', () => {
    assert.deepEqual(texts('DELIMITER\nSELECT 1;'), ['SELECT 1']);
  });

  it('skips psql meta-commands at a statement start', () => {
    const source = '\\connect library\n\\restrict abc123\nSELECT 1;\n  \\set ON_ERROR_STOP on\nSELECT 2;\n\\unrestrict abc123\n';
    assert.deepEqual(texts(source, 'postgresql'), ['SELECT 1', 'SELECT 2']);
    assert.deepEqual(positions(source, 'postgresql'), [
      [3, 1, 3],
      [5, 1, 5],
    ]);
    assert.deepEqual(texts(source), ['SELECT 1', 'SELECT 2']);
  });

  it('ends a statement at mysql \\G and psql \\g commands', () => {
    assert.deepEqual(texts('SELECT 1\\G\nSELECT 2\\g SELECT 3;'), ['SELECT 1', 'SELECT 2', 'SELECT 3']);
    assert.deepEqual(texts("SELECT 'x' AS v \\gset\nSELECT :'v';", 'postgresql'), ["SELECT 'x' AS v", "SELECT :'v'"]);
    // MySQL's \N (NULL) is not a command.
    assert.deepEqual(texts('SELECT \\N; SELECT 2'), ['SELECT \\N', 'SELECT 2']);
  });

  it('skips COPY ... FROM stdin data up to \\.', () => {
    const source = [
      'COPY public.book (id, title) FROM stdin; -- data follows', // 1
      "1\tIt's; a book",
      '2\t/* not a comment',
      '\\.', //                                                      4
      'SELECT 1;', //                                                5
    ].join('\n');
    for (const dialect of ['postgresql', 'mysql'] as const) {
      const { statements, comments } = splitSql(source, { dialect });
      assert.deepEqual(
        statements.map((s) => [s.text, s.line]),
        [
          ['COPY public.book (id, title) FROM stdin', 1],
          ['SELECT 1', 5],
        ],
      );
      assert.deepEqual(comments.map((c) => [c.text, c.line]), [['data follows', 1]]);
    }
    const crlf = source.replaceAll('\n', '\r\n');
    assert.deepEqual(positions(crlf, 'postgresql').map(([line]) => line), [1, 5]);
  });

  it('does not skip anything after COPY ... TO stdout', () => {
    assert.deepEqual(texts('COPY t TO stdout;\nSELECT 1;', 'postgresql'), ['COPY t TO stdout', 'SELECT 1']);
    const query = "COPY (SELECT * FROM t WHERE note = 'from stdin') TO stdout;\nSELECT 1;";
    assert.deepEqual(texts(query, 'postgresql'), ["COPY (SELECT * FROM t WHERE note = 'from stdin') TO stdout", 'SELECT 1']);
  });

  it('marks COPY data that never reaches \\.', () => {
    const { statements } = splitSql('COPY t (a) FROM stdin;\n1\n2\n', { dialect: 'postgresql' });
    assert.equal(statements.length, 1);
    assert.equal(statements[0]!.text, 'COPY t (a) FROM stdin');
    assert.equal(statements[0]!.unterminated, 'copy-data');
    assert.deepEqual(statements[0]!.unterminatedAt, { line: 2, column: 1, opener: 'COPY' });
  });
});

describe('splitSql: unterminated input', () => {
  it('yields the rest of the input after an unterminated quote, pointing at the quote', () => {
    const { statements } = splitSql("SELECT 1;\nSELECT 'abc;\nfoo;\n\n");
    assert.equal(statements.length, 2);
    assert.deepEqual(statements[1], {
      text: "SELECT 'abc;\nfoo;",
      line: 2,
      column: 1,
      endLine: 3,
      unterminated: 'quote',
      unterminatedAt: { line: 2, column: 8, opener: "'" },
    });
  });

  it('points at the E of an unterminated PostgreSQL E string, and at identifiers', () => {
    assert.deepEqual(splitSql("SELECT E'a\\';", { dialect: 'postgresql' }).statements[0]!.unterminatedAt, { line: 1, column: 8, opener: "E'" });
    assert.deepEqual(splitSql('SELECT `a;').statements[0]!.unterminatedAt, { line: 1, column: 8, opener: '`' });
  });

  it('yields an unterminated block comment inside or between statements', () => {
    const inside = splitSql('SELECT 1 /* open;\nmore').statements;
    assert.deepEqual(inside.map((s) => [s.text, s.unterminated, s.unterminatedAt]), [['SELECT 1 /* open;\nmore', 'comment', { line: 1, column: 10, opener: '/*' }]]);
    const between = splitSql('SELECT 1;\n  /* open;\n').statements;
    assert.deepEqual(
      between.map((s) => [s.text, s.line, s.column, s.unterminated]),
      [
        ['SELECT 1', 1, 1, undefined],
        ['/* open;', 2, 3, 'comment'],
      ],
    );
  });

  it('yields an unterminated dollar body', () => {
    const { statements } = splitSql('SELECT 1;\nDO $fn$ BEGIN; END;\n', { dialect: 'postgresql' });
    assert.deepEqual(statements[1], {
      text: 'DO $fn$ BEGIN; END;',
      line: 2,
      column: 1,
      endLine: 2,
      unterminated: 'dollar',
      unterminatedAt: { line: 2, column: 4, opener: '$fn$' },
    });
  });

  it('flags a statement left inside an unclosed conditional comment', () => {
    const [statement] = splitSql('/*!40101 SET x = 1').statements;
    assert.equal(statement!.text, 'SET x = 1');
    assert.equal(statement!.unterminated, 'comment');
    assert.deepEqual(statement!.unterminatedAt, { line: 1, column: 1, opener: '/*!40101' });
  });
});

describe('splitSql: dumps', () => {
  it('splits a mysqldump --no-data file', () => {
    const dump = [
      '-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)', //            1
      '--',
      '-- Host: localhost    Database: library',
      '-- ------------------------------------------------------',
      '-- Server version\t8.0.36', //                                         5
      '',
      '/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;', //  7
      '/*!50503 SET NAMES utf8mb4 */;',
      "/*!40103 SET TIME_ZONE='+00:00' */;",
      '/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;', // 10
      "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;",
      '',
      '--',
      '-- Table structure for table `author`',
      '--', //                                                                  15
      '',
      'DROP TABLE IF EXISTS `author`;', //                                      17
      '/*!40101 SET @saved_cs_client     = @@character_set_client */;',
      '/*!50503 SET character_set_client = utf8mb4 */;',
      'CREATE TABLE `author` (', //                                             20
      '  `id` int NOT NULL AUTO_INCREMENT,',
      '  `name` varchar(100) NOT NULL,',
      '  PRIMARY KEY (`id`)',
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='who; wrote it';", //     24
      '/*!40101 SET character_set_client = @saved_cs_client */;', //           25
      '',
      'DROP TABLE IF EXISTS `book`;', //                                        27
      'CREATE TABLE `book` (', //                                               28
      '  `id` int NOT NULL AUTO_INCREMENT,',
      '  `author_id` int NOT NULL,', //                                         30
      '  PRIMARY KEY (`id`),',
      '  KEY `book_author_id_fk` (`author_id`),',
      '  CONSTRAINT `book_author_id_fk` FOREIGN KEY (`author_id`) REFERENCES `author` (`id`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;', //                             34
      '/*!40101 SET character_set_client = @saved_cs_client */;', //           35
      '/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;',
      '',
      '-- Dump completed on 2024-05-01 10:00:00', //                            38
      '',
    ].join('\n');
    const { statements, comments } = splitSql(dump);
    assert.deepEqual(
      statements.map((s) => s.text.split('\n')[0]),
      [
        'SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT',
        'SET NAMES utf8mb4',
        "SET TIME_ZONE='+00:00'",
        'SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0',
        "SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO'",
        'DROP TABLE IF EXISTS `author`',
        'SET @saved_cs_client     = @@character_set_client',
        'SET character_set_client = utf8mb4',
        'CREATE TABLE `author` (',
        'SET character_set_client = @saved_cs_client',
        'DROP TABLE IF EXISTS `book`',
        'CREATE TABLE `book` (',
        'SET character_set_client = @saved_cs_client',
        'SET SQL_MODE=@OLD_SQL_MODE',
      ],
    );
    assert.deepEqual(statements.map((s) => s.line), [7, 8, 9, 10, 11, 17, 18, 19, 20, 25, 27, 28, 35, 36]);
    assert.deepEqual(statements.map((s) => s.column), [10, 10, 10, 10, 10, 1, 10, 10, 1, 10, 1, 1, 10, 10]);
    const book = statements[11]!;
    assert.equal(book.endLine, 34);
    assert.ok(book.text.endsWith(') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4'));
    assert.match(book.text, /CONSTRAINT `book_author_id_fk` FOREIGN KEY \(`author_id`\) REFERENCES `author` \(`id`\)/);
    assert.equal(statements[8]!.endLine, 24);
    assert.equal(comments.length, 9);
    assert.deepEqual(comments[8], { text: 'Dump completed on 2024-05-01 10:00:00', line: 38, column: 1, endLine: 38, style: 'line' });
  });

  it('splits a pg_dump --schema-only file, with a COPY block, in PostgreSQL and under the default dialect', () => {
    const dump = [
      '--', //                                                                  1
      '-- PostgreSQL database dump',
      '--',
      '',
      '\\restrict abc123', //                                                   5
      '',
      '-- Dumped from database version 17.6',
      '-- Dumped by pg_dump version 17.6',
      '',
      'SET statement_timeout = 0;', //                                          10
      "SET client_encoding = 'UTF8';",
      'SET standard_conforming_strings = on;',
      "SELECT pg_catalog.set_config('search_path', '', false);", //             13
      'SET check_function_bodies = false;',
      '',
      'CREATE FUNCTION public.touch() RETURNS trigger', //                       16
      '    AS $$',
      'BEGIN',
      "  NEW.note := 'C:\\'; -- a backslash; then a comment inside the body",
      '  RETURN NEW;', //                                                       20
      'END;',
      '$$ LANGUAGE plpgsql;', //                                                22
      '',
      'CREATE TABLE public.book (', //                                          24
      '    id integer NOT NULL,',
      '    author_id integer NOT NULL',
      ');', //                                                                  27
      '',
      'COPY public.book (id, author_id) FROM stdin;', //                        29
      "1\tIt's; \\N",
      '\\.',
      '',
      'ALTER TABLE ONLY public.book', //                                        33
      '    ADD CONSTRAINT book_author_id_fk FOREIGN KEY (author_id) REFERENCES public.author(id) DEFERRABLE INITIALLY DEFERRED;',
      '',
      '\\unrestrict abc123',
      '',
    ].join('\n');
    const expected = [
      ['SET statement_timeout = 0', 10],
      ["SET client_encoding = 'UTF8'", 11],
      ['SET standard_conforming_strings = on', 12],
      ["SELECT pg_catalog.set_config('search_path', '', false)", 13],
      ['SET check_function_bodies = false', 14],
      ['CREATE FUNCTION public.touch() RETURNS trigger', 16],
      ['CREATE TABLE public.book (', 24],
      ['COPY public.book (id, author_id) FROM stdin', 29],
      ['ALTER TABLE ONLY public.book', 33],
    ];
    const { statements, comments } = splitSql(dump, { dialect: 'postgresql' });
    assert.deepEqual(
      statements.map((s) => [s.text.split('\n')[0], s.line]),
      expected,
    );
    assert.ok(statements[5]!.text.endsWith('END;\n$$ LANGUAGE plpgsql'));
    assert.equal(statements[5]!.endLine, 22);
    assert.ok(statements[8]!.text.endsWith('DEFERRABLE INITIALLY DEFERRED'));
    // The `--` inside the dollar body is part of the body, not a comment.
    assert.deepEqual(
      comments.map((c) => c.line),
      [1, 2, 3, 7, 8],
    );
    // Read as MySQL (no dialect known), the "C:\'" string would swallow the body, but the body
    // is dollar-quoted after AS, so the split is the same.
    assert.deepEqual(
      splitSql(dump).statements.map((s) => [s.text.split('\n')[0], s.line]),
      expected,
    );
  });
});
