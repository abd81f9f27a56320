#!/usr/bin/env node
// Micro-benchmark of the parse layer: fingerprint cost, cold parse (every statement a new shape)
// and cached parse (same shape, new values), for MySQL and PostgreSQL, and for the short
// statements of a typical application log (with BEGIN / COMMIT).
//   npm run build && node scripts/bench-parse.mjs [--build dist] [--quick]
// --quick skips the cold parses and the raw parsers (most of the run time).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const buildFlag = process.argv.indexOf('--build');
const buildDir = buildFlag > 0 ? process.argv[buildFlag + 1] : 'dist';
const quick = process.argv.includes('--quick');
const parseModule = await import(pathToFileURL(path.resolve(buildDir, 'src/parse/index.js')).href);
const { initParsers, StatementParser, fingerprintSql } = parseModule;
const { parseWithNodeSqlParser } = await import(pathToFileURL(path.resolve(buildDir, 'src/parse/sql-parser.js')).href);
const { parseWithPg } = await import(pathToFileURL(path.resolve(buildDir, 'src/parse/pg-parser.js')).href);
await initParsers();

const origin = { file: 'bench.sql', line: 1, column: 1, session: null };

const shapes = {
  mysql: [
    (n) => `SELECT \`app_book\`.\`id\`, \`app_book\`.\`title\`, \`app_book\`.\`author_id\` FROM \`app_book\` WHERE \`app_book\`.\`author_id\` = ${n} ORDER BY \`app_book\`.\`id\` ASC LIMIT 21`,
    (n) => `INSERT INTO \`app_book\` (\`title\`, \`author_id\`) VALUES ('title ${n}', ${n})`,
    (n) => `UPDATE \`app_author\` SET \`name\` = 'n${n}', \`updated\` = '2024-01-01 00:00:00' WHERE \`app_author\`.\`id\` = ${n}`,
    (n) => `DELETE FROM \`app_book\` WHERE \`app_book\`.\`id\` IN (${n}, ${n + 1}, ${n + 2})`,
  ],
  postgresql: [
    (n) => `SELECT "app_book"."id", "app_book"."title", "app_book"."author_id" FROM "app_book" WHERE "app_book"."author_id" = ${n} ORDER BY "app_book"."id" ASC LIMIT 21`,
    (n) => `INSERT INTO "app_book" ("title", "author_id") VALUES ('title ${n}', ${n}) RETURNING "app_book"."id"`,
    (n) => `UPDATE "app_author" SET "name" = 'n${n}', "updated" = '2024-01-01 00:00:00' WHERE "app_author"."id" = ${n}`,
    (n) => `DELETE FROM "app_book" WHERE "app_book"."id" IN (${n}, ${n + 1}, ${n + 2})`,
  ],
  'mysql log': [
    () => 'START TRANSACTION',
    (n) => `SELECT id FROM item WHERE owner_id = ${n}`,
    (n) => `INSERT INTO book (title, author_id) VALUES ('t${n}', ${n % 97})`,
    (n) => `DELETE FROM item WHERE id IN (${n}, ${n + 1})`,
    (n) => `UPDATE item SET name = 'n${n}' WHERE id = ${n}`,
    () => 'COMMIT',
  ],
};

/**
 * Statements as a log reader hands them over: flat strings. (A template literal makes a rope,
 * whose first character read flattens it: a cost that real input does not have.)
 */
function flat(texts) {
  return JSON.parse(JSON.stringify(texts));
}

/** Best of `rounds` runs: the machine is shared, the minimum is the least disturbed figure. */
function time(label, count, fn, rounds = 5) {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < count; i++) fn(i, round);
    best = Math.min(best, ((performance.now() - start) * 1000) / count);
  }
  console.log(`${label.padEnd(44)} ${best.toFixed(2).padStart(9)} µs/statement`);
}

for (const [name, makers] of Object.entries(shapes)) {
  const dialect = name === 'postgresql' ? 'postgresql' : 'mysql';
  console.log(`\n${name}`);
  const texts = flat(Array.from({ length: 4200 }, (_, i) => makers[i % makers.length](i)));
  for (const text of texts) fingerprintSql(text, dialect);
  // Cheap to repeat: more rounds give a steadier minimum on a busy machine.
  time('fingerprint', texts.length, (i) => fingerprintSql(texts[i], dialect), 25);
  const cached = new StatementParser();
  for (let round = 0; round < 5; round++) for (const text of texts) cached.parse(text, origin, dialect);
  time('cached parse (same shapes, new values)', texts.length, (i) => cached.parse(texts[i], origin, dialect), 25);
  console.log(`  stats ${JSON.stringify(cached.stats)}`);
  if (quick || name === 'mysql log') continue;
  const warm = new StatementParser();
  // Cold: a distinct shape each time (a renamed table defeats the cache), so every statement is parsed.
  const renamed = (i, tag) => makers[i % 4](i).replace(/app_(book|author)/, (table) => `${table}_${tag}${i}`);
  for (let i = 0; i < 1000; i++) warm.parse(renamed(i, 'w'), origin, dialect);
  const cold = new StatementParser();
  time('cold parse (new shape each time)', 500, (i, round) => cold.parse(renamed(i, `c${round}_`), origin, dialect));
  console.log(`  stats ${JSON.stringify(cold.stats)}`);
  const list = new StatementParser();
  const ids = Array.from({ length: 1000 }, (_, k) => k + 1).join(', ');
  time('1000-id IN list, first (parsed)', 1, (i, round) => list.parse(`DELETE FROM app_book_${round} WHERE id IN (${ids})`, origin, dialect));
  time('1000-id IN list, cached', 200, () => list.parse(`DELETE FROM app_book WHERE id IN (${ids})`, origin, dialect));
}

// The raw parsers on the same PostgreSQL text (what a cache miss costs), to choose between them.
if (!quick) {
  console.log('\nraw PostgreSQL parsers (per parse)');
  const pgTexts = shapes.postgresql.map((make) => make(1));
  time('libpg-query', 2000, (i) => parseWithPg(pgTexts[i % 4]));
  time('node-sql-parser postgresql build', 200, (i) => parseWithNodeSqlParser(pgTexts[i % 4].replace(' RETURNING "app_book"."id"', ''), 'postgresql'));
  time('node-sql-parser mysql build (MySQL text)', 200, (i) => parseWithNodeSqlParser(shapes.mysql[i % 4](1), 'mysql'));
}
