/**
 * The parse layer: statement text -> normalised `Statement` (rules never see an AST).
 *
 *   await initParsers();                       // once, before PostgreSQL text
 *   const parser = new StatementParser();
 *   const statement = parser.parse(text, origin, dialect);
 *
 * How statements are read:
 * - Every statement is fingerprinted by a hand-written lexer (`fingerprintSql`). Control
 *   statements (BEGIN, COMMIT, SAVEPOINT, SET, LOCK TABLES...) are read from the tokens alone.
 * - Everything else is parsed once per parse key (dialect + shape with marker literals) and kept
 *   as a template in an LRU cache; each statement takes its own values by position, so IN lists
 *   and multi-row VALUES of any length share one parse.
 * - A statement of a known shape costs one pass of the lexer into reusable buffers: its shape is
 *   found by hash (and compared in full), its fingerprint is the cached one, and only the values
 *   its template uses become objects (`ShapeScan`, `ShapeCache`).
 * - MySQL / MariaDB: node-sql-parser's MySQL build, then its MariaDB build. Locking tails, index
 *   hints, statement modifiers, `PARTITION (...)`, `RETURNING`, the `AS new` row alias are cut
 *   first and `<=>` is read as `=`. SQLite: the SQLite build, then MySQL. PostgreSQL: libpg-query.
 * - DDL is always `kind: 'ddl'`: parsed when a parser can, else read clause by clause.
 *
 * Normalisation choices where the model leaves room:
 * - `selectColumns` lists real columns (aliases ignored: `id AS pk` -> `id`) and `*` for `*` /
 *   `t.*`; expressions and aggregates are left out, so an alias never poses as a key column.
 * - `complexSelect`: joins or several FROM items, a derived table or function in FROM, GROUP BY,
 *   HAVING, UNION/INTERSECT/EXCEPT, or a WITH clause. DISTINCT and WHERE sub-queries are not.
 * - `table` of a SELECT is null when FROM starts with a derived table (or there is no FROM);
 *   `tables` includes tables read by sub-queries, never CTE names.
 * - `where.otherColumns` does not look inside sub-queries. `col = col` is not a predicate.
 *   `col = ANY(ARRAY[...])` (PostgreSQL) is an `in` predicate. Casts keep their literal.
 * - INSERT without a column list: `insertColumns` is `[]` and rows are keyed `#1`, `#2`, ...
 * - Placeholders are named as written: `?`, `%s`, `$1`, `%(name)s`, `:name`.
 * - Integer literals beyond 2^53 stay exact as digit strings; hex/bit literals are `0x..`/`0b..` strings.
 * - MySQL-family and SQLite names are lower-cased; PostgreSQL quoted names keep their case.
 * - SET: `@@session.`/`SESSION` dropped, `GLOBAL`/`PERSIST` kept as a `global.` prefix; ON/OFF/
 *   TRUE/FALSE -> '1'/'0'; `SET NAMES x`, `SET TRANSACTION ...`, `SET CONSTRAINTS ...` keep their
 *   text under the names `names`, `transaction`, `constraints`.
 * - An unparseable INSERT/REPLACE/UPDATE/DELETE/SELECT stays `unparsed`; its `table` is read from
 *   the leading clause only (`INSERT INTO t`, `UPDATE t`, `DELETE FROM t`, a SELECT's first FROM).
 */
export { initParsers, StatementParser } from './statement-parser.js';
export type { StatementParserOptions, StatementParserStats } from './statement-parser.js';
export { fingerprintSql } from './fingerprint.js';
