import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dialect } from '../src/model/dialect.js';
import type { DdlChange, Statement } from '../src/model/statement.js';
import { initParsers, StatementParser } from '../src/parse/index.js';

const origin = { file: 'schema.sql', line: 1, column: 1, session: null };

await initParsers();

/** Splits a dump at `;` line ends (enough for dumps without routines), keeping each start line. */
function splitDump(text: string): { sql: string; line: number }[] {
  const out: { sql: string; line: number }[] = [];
  const lines = text.split('\n');
  let buffer: string[] = [];
  let start = 1;
  lines.forEach((line, index) => {
    if (buffer.length === 0) {
      if (line.trim() === '' || line.startsWith('--')) return;
      start = index + 1;
    }
    buffer.push(line);
    if (/;\s*$/.test(line)) {
      out.push({ sql: buffer.join('\n'), line: start });
      buffer = [];
    }
  });
  return out;
}

function parseDump(text: string, dialect: Dialect): Statement[] {
  const parser = new StatementParser();
  return splitDump(text).map(({ sql, line }) => parser.parse(sql, { ...origin, line }, dialect));
}

function ddlOf(statements: readonly Statement[]): DdlChange[] {
  return statements.filter((s) => s.kind === 'ddl').map((s) => s.ddl!);
}

const MYSQLDUMP = `-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: shop
-- ------------------------------------------------------
-- Server version\t8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table \`author\`
--

DROP TABLE IF EXISTS \`author\`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE \`author\` (
  \`id\` int NOT NULL AUTO_INCREMENT,
  \`name\` varchar(100) COLLATE utf8mb4_unicode_ci NOT NULL,
  \`email\` varchar(254) NOT NULL,
  \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (\`id\`),
  UNIQUE KEY \`author_email_uniq\` (\`email\`)
) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Table structure for table \`book\`
--

DROP TABLE IF EXISTS \`book\`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE \`book\` (
  \`id\` bigint unsigned NOT NULL AUTO_INCREMENT,
  \`title\` varchar(200) NOT NULL,
  \`isbn\` char(13) DEFAULT NULL,
  \`author_id\` int NOT NULL,
  \`status\` enum('draft','published') NOT NULL DEFAULT 'draft',
  \`price\` decimal(10,2) DEFAULT NULL,
  \`updated_at\` timestamp NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`id\`),
  UNIQUE KEY \`book_isbn_uniq\` (\`isbn\`),
  UNIQUE KEY \`book_title_author_uniq\` (\`title\`,\`author_id\`),
  KEY \`book_author_id_fk\` (\`author_id\`),
  KEY \`book_title_prefix\` (\`title\`(20)),
  CONSTRAINT \`book_author_id_fk\` FOREIGN KEY (\`author_id\`) REFERENCES \`author\` (\`id\`) ON DELETE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=1001 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Table structure for table \`audit_log\`
--

DROP TABLE IF EXISTS \`audit_log\`;
CREATE TABLE \`audit_log\` (
  \`id\` bigint NOT NULL AUTO_INCREMENT,
  \`at\` datetime NOT NULL,
  \`message\` text,
  PRIMARY KEY (\`id\`,\`at\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci
/*!50100 PARTITION BY RANGE (year(\`at\`))
(PARTITION p2023 VALUES LESS THAN (2024) ENGINE = InnoDB,
 PARTITION pmax VALUES LESS THAN MAXVALUE ENGINE = InnoDB) */;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2024-05-01 10:00:00
`;

const PG_DUMP = `--
-- PostgreSQL database dump
--

-- Dumped from database version 15.6
-- Dumped by pg_dump version 15.6

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: author; Type: TABLE; Schema: public; Owner: app
--

CREATE TABLE public.author (
    id integer NOT NULL,
    name character varying(100) NOT NULL,
    email character varying(254) NOT NULL
);


ALTER TABLE public.author OWNER TO app;

--
-- Name: author_id_seq; Type: SEQUENCE; Schema: public; Owner: app
--

CREATE SEQUENCE public.author_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.author_id_seq OWNER TO app;

ALTER SEQUENCE public.author_id_seq OWNED BY public.author.id;

--
-- Name: book; Type: TABLE; Schema: public; Owner: app
--

CREATE TABLE public.book (
    id bigint NOT NULL,
    title text NOT NULL,
    author_id integer NOT NULL,
    published_on date,
    CONSTRAINT book_title_check CHECK ((char_length(title) > 0))
);


ALTER TABLE public.book OWNER TO app;

ALTER TABLE public.book ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.book_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY public.author ALTER COLUMN id SET DEFAULT nextval('public.author_id_seq'::regclass);

--
-- Name: author author_email_key; Type: CONSTRAINT; Schema: public; Owner: app
--

ALTER TABLE ONLY public.author
    ADD CONSTRAINT author_email_key UNIQUE (email);

ALTER TABLE ONLY public.author
    ADD CONSTRAINT author_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.book
    ADD CONSTRAINT book_pkey PRIMARY KEY (id);

CREATE INDEX book_author_id_idx ON public.book USING btree (author_id);

CREATE UNIQUE INDEX book_title_author_uniq ON public.book USING btree (title, author_id);

--
-- Name: book book_author_id_fk; Type: FK CONSTRAINT; Schema: public; Owner: app
--

ALTER TABLE ONLY public.book
    ADD CONSTRAINT book_author_id_fk FOREIGN KEY (author_id) REFERENCES public.author(id) DEFERRABLE INITIALLY DEFERRED;

COMMENT ON TABLE public.book IS 'Books on sale';

COMMENT ON COLUMN public.book.title IS 'Title as printed';

--
-- PostgreSQL database dump complete
--
`;

describe('mysqldump --no-data', () => {
  const statements = parseDump(MYSQLDUMP, 'mysql');

  it('reads every statement, none unparsed', () => {
    assert.deepEqual(
      statements.filter((s) => s.kind === 'unparsed').map((s) => s.text),
      [],
    );
    assert.equal(statements.length, 28);
  });

  it('reads the session settings, including foreign_key_checks=0', () => {
    const settings = statements.filter((s) => s.kind === 'set').flatMap((s) => s.settings ?? []);
    assert.ok(settings.some((s) => s.name === 'foreign_key_checks' && s.value === '0'));
    assert.ok(settings.some((s) => s.name === 'names' && s.value === 'utf8mb4'));
    assert.ok(settings.some((s) => s.name === 'time_zone' && s.value === '+00:00'));
    // The restore at the end names the saved variable.
    assert.ok(settings.some((s) => s.name === 'foreign_key_checks' && s.value === '@old_foreign_key_checks'));
  });

  it('reads tables, keys and foreign keys', () => {
    const ddl = ddlOf(statements);
    assert.deepEqual(ddl[0], { action: 'drop-table', tables: ['author'] });
    assert.deepEqual(ddl[1], {
      action: 'create-table',
      table: 'author',
      columns: ['id', 'name', 'email', 'created_at'],
      primaryKey: ['id'],
      uniqueKeys: [['email']],
      foreignKeys: [],
    });
    assert.deepEqual(ddl[3], {
      action: 'create-table',
      table: 'book',
      columns: ['id', 'title', 'isbn', 'author_id', 'status', 'price', 'updated_at'],
      primaryKey: ['id'],
      uniqueKeys: [['isbn'], ['title', 'author_id']],
      foreignKeys: [{ name: 'book_author_id_fk', columns: ['author_id'], refTable: 'author', refColumns: ['id'], deferrable: 'not-deferrable' }],
    });
  });

  it('falls back to the clause reader for a partitioned table and still gets its keys', () => {
    const audit = statements.find((s) => s.kind === 'ddl' && s.ddl?.action === 'create-table' && s.table === 'audit_log')!;
    assert.equal(audit.parsedBy, 'classifier');
    assert.deepEqual(audit.ddl, { action: 'create-table', table: 'audit_log', columns: ['id', 'at', 'message'], primaryKey: ['id', 'at'], uniqueKeys: [], foreignKeys: [] });
    assert.equal(audit.origin.line, 64);
  });
});

describe('pg_dump --schema-only', () => {
  const statements = parseDump(PG_DUMP, 'postgresql');

  it('reads every statement, none unparsed', () => {
    assert.deepEqual(
      statements.filter((s) => s.kind === 'unparsed').map((s) => s.text),
      [],
    );
    assert.equal(statements.length, 29);
    assert.equal(statements.filter((s) => s.kind === 'set').length, 11);
    assert.equal(statements.filter((s) => s.kind === 'select').length, 1);
  });

  it('reads tables, keys, the unique index and the deferrable foreign key', () => {
    const ddl = ddlOf(statements);
    assert.deepEqual(ddl[0], { action: 'create-table', table: 'author', columns: ['id', 'name', 'email'], uniqueKeys: [], foreignKeys: [] });
    const changes = ddl.filter((d) => d.action !== 'other');
    assert.deepEqual(
      changes.filter((d) => d.action === 'alter-table' && (d.addPrimaryKey !== undefined || d.addUniqueKeys.length > 0 || d.addForeignKeys.length > 0)),
      [
        { action: 'alter-table', table: 'author', addColumns: [], addUniqueKeys: [['email']], addForeignKeys: [], dropForeignKeys: [] },
        { action: 'alter-table', table: 'author', addColumns: [], addPrimaryKey: ['id'], addUniqueKeys: [], addForeignKeys: [], dropForeignKeys: [] },
        { action: 'alter-table', table: 'book', addColumns: [], addPrimaryKey: ['id'], addUniqueKeys: [], addForeignKeys: [], dropForeignKeys: [] },
        {
          action: 'alter-table',
          table: 'book',
          addColumns: [],
          addUniqueKeys: [],
          addForeignKeys: [{ name: 'book_author_id_fk', columns: ['author_id'], refTable: 'author', refColumns: ['id'], deferrable: 'initially-deferred' }],
          dropForeignKeys: [],
        },
      ],
    );
    assert.ok(ddl.some((d) => d.action === 'create-unique-index' && d.table === 'book' && d.columns.join() === 'title,author_id'));
    assert.ok(ddl.some((d) => d.action === 'other' && d.table === 'book')); // CREATE INDEX, COMMENT ON
  });

  it('parses every DDL statement with libpg-query', () => {
    assert.deepEqual(
      statements.filter((s) => s.kind === 'ddl' && s.parsedBy !== 'libpg-query').map((s) => s.fingerprint),
      [],
    );
  });
});

describe('DDL statements', () => {
  const parser = new StatementParser();
  const ddl = (sql: string, dialect: Dialect): DdlChange | undefined => {
    const s = parser.parse(sql, origin, dialect);
    assert.equal(s.kind, 'ddl', sql);
    return s.ddl;
  };

  it('CREATE TABLE with inline keys, references and IF NOT EXISTS (PostgreSQL)', () => {
    assert.deepEqual(
      ddl(
        `CREATE TABLE IF NOT EXISTS "app_book" (
          "id" bigserial NOT NULL PRIMARY KEY,
          "isbn" varchar(13) NOT NULL UNIQUE,
          "author_id" integer NOT NULL REFERENCES "app_author" ("id") DEFERRABLE INITIALLY DEFERRED,
          "editor_id" integer REFERENCES "app_editor" ("id") INITIALLY IMMEDIATE,
          "shelf_id" integer,
          "total" integer GENERATED ALWAYS AS (1) STORED,
          CONSTRAINT "book_shelf_fk" FOREIGN KEY ("shelf_id") REFERENCES "shelf" ("id") NOT DEFERRABLE,
          CONSTRAINT "book_isbn_author_uniq" UNIQUE ("isbn", "author_id")
        )`,
        'postgresql',
      ),
      {
        action: 'create-table',
        table: 'app_book',
        columns: ['id', 'isbn', 'author_id', 'editor_id', 'shelf_id', 'total'],
        primaryKey: ['id'],
        uniqueKeys: [['isbn'], ['isbn', 'author_id']],
        foreignKeys: [
          { columns: ['author_id'], refTable: 'app_author', refColumns: ['id'], deferrable: 'initially-deferred' },
          { columns: ['editor_id'], refTable: 'app_editor', refColumns: ['id'], deferrable: 'not-deferrable' },
          { name: 'book_shelf_fk', columns: ['shelf_id'], refTable: 'shelf', refColumns: ['id'], deferrable: 'not-deferrable' },
        ],
      },
    );
  });

  it('CREATE TABLE with MySQL constraint spellings', () => {
    assert.deepEqual(
      ddl(
        'CREATE TABLE IF NOT EXISTS `t` (`id` int PRIMARY KEY AUTO_INCREMENT, `a` int UNIQUE KEY, `b` int, `c` int REFERENCES p (id), UNIQUE INDEX `ub` (`b`), CONSTRAINT `uc` UNIQUE (`b`, `c`), FOREIGN KEY (`b`) REFERENCES `p` (`id`) ON DELETE SET NULL ON UPDATE CASCADE) ENGINE=InnoDB',
        'mysql',
      ),
      {
        action: 'create-table',
        table: 't',
        columns: ['id', 'a', 'b', 'c'],
        primaryKey: ['id'],
        uniqueKeys: [['a'], ['b'], ['b', 'c']],
        foreignKeys: [
          { columns: ['c'], refTable: 'p', refColumns: ['id'], deferrable: 'not-deferrable' },
          { columns: ['b'], refTable: 'p', refColumns: ['id'], deferrable: 'not-deferrable' },
        ],
      },
    );
  });

  it('ALTER TABLE ADD / DROP foreign keys, ADD COLUMN with REFERENCES (MySQL)', () => {
    assert.deepEqual(
      ddl('ALTER TABLE `book` ADD CONSTRAINT `fk_a` FOREIGN KEY (`author_id`) REFERENCES `author` (`id`), DROP FOREIGN KEY `fk_old`, ADD COLUMN `editor_id` int REFERENCES editor (id), ADD UNIQUE KEY `u` (`isbn`)', 'mysql'),
      {
        action: 'alter-table',
        table: 'book',
        addColumns: ['editor_id'],
        addUniqueKeys: [['isbn']],
        addForeignKeys: [
          { name: 'fk_a', columns: ['author_id'], refTable: 'author', refColumns: ['id'], deferrable: 'not-deferrable' },
          { columns: ['editor_id'], refTable: 'editor', refColumns: ['id'], deferrable: 'not-deferrable' },
        ],
        dropForeignKeys: ['fk_old'],
      },
    );
    // The MariaDB grammar rejects ADD CONSTRAINT ... FOREIGN KEY: the MySQL build reads it for MariaDB too.
    const mariadb = parser.parse('ALTER TABLE book ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES author (id)', origin, 'mariadb');
    assert.equal(mariadb.parsedBy, 'node-sql-parser');
    assert.equal(mariadb.ddl?.action === 'alter-table' && mariadb.ddl.addForeignKeys[0]?.refTable, 'author');
  });

  it('ALTER TABLE in PostgreSQL: NOT VALID, DROP CONSTRAINT, ALTER CONSTRAINT, ADD COLUMN REFERENCES', () => {
    assert.deepEqual(ddl('ALTER TABLE ONLY public.book ADD CONSTRAINT fk FOREIGN KEY (author_id) REFERENCES public.author(id) NOT VALID', 'postgresql'), {
      action: 'alter-table',
      table: 'book',
      addColumns: [],
      addUniqueKeys: [],
      addForeignKeys: [{ name: 'fk', columns: ['author_id'], refTable: 'author', refColumns: ['id'], deferrable: 'not-deferrable' }],
      dropForeignKeys: [],
    });
    assert.deepEqual(ddl('ALTER TABLE book DROP CONSTRAINT IF EXISTS fk_old, ALTER CONSTRAINT fk DEFERRABLE INITIALLY DEFERRED', 'postgresql'), {
      action: 'alter-table',
      table: 'book',
      addColumns: [],
      addUniqueKeys: [],
      addForeignKeys: [],
      dropForeignKeys: ['fk_old'],
      alterConstraints: [{ name: 'fk', deferrable: 'initially-deferred' }],
    });
    assert.deepEqual(ddl('ALTER TABLE book ADD COLUMN editor_id integer REFERENCES editor (id) DEFERRABLE', 'postgresql'), {
      action: 'alter-table',
      table: 'book',
      addColumns: ['editor_id'],
      addUniqueKeys: [],
      addForeignKeys: [{ columns: ['editor_id'], refTable: 'editor', refColumns: ['id'], deferrable: 'initially-immediate' }],
      dropForeignKeys: [],
    });
  });

  it('renames, drops and unique indexes', () => {
    for (const dialect of ['mysql', 'postgresql'] as const) {
      assert.deepEqual(ddl('ALTER TABLE book RENAME TO volume', dialect), { action: 'rename-table', from: 'book', to: 'volume' });
      assert.deepEqual(ddl('DROP TABLE IF EXISTS a, b', dialect), { action: 'drop-table', tables: ['a', 'b'] });
      assert.deepEqual(ddl('CREATE UNIQUE INDEX ux ON book (isbn, author_id)', dialect), { action: 'create-unique-index', table: 'book', columns: ['isbn', 'author_id'] });
      assert.deepEqual(ddl('CREATE INDEX ix ON book (isbn)', dialect), { action: 'other', table: 'book' });
      assert.deepEqual(ddl('TRUNCATE TABLE book', dialect), { action: 'other', table: 'book' });
    }
    assert.deepEqual(ddl('RENAME TABLE book TO volume', 'mysql'), { action: 'rename-table', from: 'book', to: 'volume' });
    assert.deepEqual(ddl('CREATE UNIQUE INDEX ux ON public.book USING btree (lower(title))', 'postgresql'), { action: 'other', table: 'book' });
  });

  it('always recognises DDL, even when nothing can read it', () => {
    const s = parser.parse('CREATE SPATIAL REFERENCE SYSTEM 4120 NAME "Greek"', origin, 'mysql');
    assert.equal(s.kind, 'ddl');
    assert.deepEqual(s.ddl, { action: 'other' });
    const grant = parser.parse('GRANT SELECT ON shop.* TO app@localhost', origin, 'mysql');
    assert.equal(grant.kind, 'ddl');
    const broken = parser.parse('ALTER TABLE book ADD CONSTRAINT fk FOREIGN KEY (author_id) REFERENCES author (id) FROBNICATE', origin, 'postgresql');
    assert.equal(broken.kind, 'ddl');
    assert.equal(broken.parsedBy, 'classifier');
    assert.deepEqual(broken.ddl, {
      action: 'alter-table',
      table: 'book',
      addColumns: [],
      addUniqueKeys: [],
      addForeignKeys: [{ name: 'fk', columns: ['author_id'], refTable: 'author', refColumns: ['id'], deferrable: 'not-deferrable' }],
      dropForeignKeys: [],
    });
  });

  it('lists the referenced tables of a DDL statement in tables', () => {
    const s = parser.parse('ALTER TABLE book ADD FOREIGN KEY (author_id) REFERENCES author (id)', origin, 'postgresql');
    assert.equal(s.table, 'book');
    assert.deepEqual(s.tables, ['book', 'author']);
  });
});

describe('tables whose structure comes from elsewhere', () => {
  const parser = new StatementParser();
  for (const [sql, dialect] of [
    ['CREATE TABLE copy LIKE book', 'mysql'],
    ['CREATE TABLE copy AS SELECT * FROM book', 'mysql'],
    ['CREATE TABLE copy (LIKE book INCLUDING ALL)', 'postgresql'],
    ['CREATE TABLE copy AS SELECT * FROM book', 'postgresql'],
    ['CREATE TABLE book_2024 PARTITION OF book FOR VALUES FROM (1) TO (2)', 'postgresql'],
  ] as const) {
    it(`${dialect}: ${sql}`, () => {
      const s = parser.parse(sql, origin, dialect);
      assert.equal(s.kind, 'ddl');
      assert.deepEqual(s.ddl, { action: 'other', table: sql.includes('book_2024') ? 'book_2024' : 'copy' });
    });
  }

  it('reads DROP TEMPORARY TABLE', () => {
    assert.deepEqual(parser.parse('DROP TEMPORARY TABLE IF EXISTS tmp_ids', origin, 'mysql').ddl, { action: 'drop-table', tables: ['tmp_ids'] });
  });
});
