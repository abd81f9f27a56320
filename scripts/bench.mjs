#!/usr/bin/env node
// Benchmark: generate a MySQL general query log (and a PostgreSQL stderr log) of the given size
// with many interleaved sessions, lint it through the public API, and print throughput and
// peak memory. Figures, not assertions: run it by hand (`npm run bench -- 200` for 200 MB).
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { lint } from '../dist/src/index.js';

const megabytes = Number(process.argv[2] ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'locklint-bench-'));
const SESSIONS = 200;

async function generate(path, targetBytes, line) {
  const out = createWriteStream(path);
  let written = 0;
  let n = 0;
  while (written < targetBytes) {
    const text = line(n++);
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return n;
}

// Each session runs: BEGIN; INSERT child; UPDATE parent (hazard, every 10th session); COMMIT;
// plus Django-style select/delete pairs, with ids varying so fingerprints repeat but values do not.
function mysqlLine(n) {
  const thread = 1 + (n % SESSIONS);
  const step = Math.floor(n / SESSIONS) % 6;
  const id = Math.floor(n / SESSIONS);
  const head = `\t\t${String(thread).padStart(6)} Query\t`;
  switch (step) {
    case 0: return `${head}START TRANSACTION\n`;
    case 1: return `${head}INSERT INTO book (title, author_id) VALUES ('title ${id}', ${thread})\n`;
    case 2: return `${head}${thread % 10 === 0 ? `UPDATE author SET book_count = book_count + 1 WHERE id = ${thread}` : `SELECT id, title FROM book WHERE author_id = ${thread} AND id > ${id}`}\n`;
    case 3: return `${head}COMMIT\n`;
    case 4: return `${head}SELECT id FROM item WHERE owner_id = ${thread}\n`;
    default: return `${head}DELETE FROM item WHERE id IN (${id}, ${id + 1}, ${id + 2})\n`;
  }
}

function postgresLine(n) {
  const pid = 1000 + (n % SESSIONS);
  const step = Math.floor(n / SESSIONS) % 4;
  const id = Math.floor(n / SESSIONS);
  const head = `2025-11-22 10:00:00.000 UTC [${pid}] LOG:  statement: `;
  switch (step) {
    case 0: return `${head}BEGIN\n`;
    case 1: return `${head}INSERT INTO book (title, author_id) VALUES ('t${id}', ${pid})\n`;
    case 2: return `${head}SELECT * FROM author WHERE id = ${pid} FOR UPDATE\n`;
    default: return `${head}COMMIT\n`;
  }
}

async function measure(name, path, lines) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const result = await lint({ paths: [path] });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const size = statSync(path).size / 1024 / 1024;
  console.log(
    `${name}: ${size.toFixed(0)} MB, ${lines} lines, ${result.summary.statements} statements, ${result.findings.length} findings ` +
      `in ${seconds.toFixed(1)} s = ${(size / seconds).toFixed(1)} MB/s, ${Math.round(result.summary.statements / seconds)} statements/s; peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB`,
  );
}

try {
  const mysqlPath = join(dir, 'general.log');
  const mysqlLines = await generate(mysqlPath, megabytes * 1024 * 1024, mysqlLine);
  await measure('mysql general log', mysqlPath, mysqlLines);
  rmSync(mysqlPath);
  const pgPath = join(dir, 'postgresql.log');
  const pgLines = await generate(pgPath, megabytes * 1024 * 1024, postgresLine);
  await measure('postgresql stderr log', pgPath, pgLines);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
