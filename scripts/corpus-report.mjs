#!/usr/bin/env node
// Per-folder figures for the log corpus beside the repository (../shared/corpus): files,
// records, statements and unrecognised lines as the readers counted them, then findings by
// rule from the whole pipeline. Run after `npm run build`.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../dist/src/index.js';
import { detectFormat } from '../dist/src/input/detect.js';
import { logReaderFor, readLogEvents } from '../dist/src/input/logs/index.js';
import { readHead } from '../dist/src/input/lines.js';

const corpus = new URL('../../shared/corpus/', import.meta.url).pathname;
if (!existsSync(corpus)) {
  console.error('no corpus at ../shared/corpus');
  process.exit(2);
}

/** The reader's own counts for one file, through the real driver (batches, statement splitting). */
async function readerFigures(path, name) {
  const format = detectFormat(name, (await readHead(path)).toString('utf8'));
  const reader = format && format !== 'sql' ? logReaderFor(format) : undefined;
  if (!reader) return undefined;
  let parser;
  const counting = { ...reader, create: (context) => (parser = reader.create(context)) };
  let statements = 0;
  for await (const event of readLogEvents(counting, { displayName: name, path })) if (event.kind === 'statement') statements++;
  return { format, records: parser.stats.records, statements, unrecognised: parser.stats.unrecognisedLines };
}

for (const folder of readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
  const totals = { files: 0, records: 0, statements: 0, unrecognised: 0, refused: 0 };
  const formats = new Map();
  const byRule = new Map();
  for (const name of readdirSync(join(corpus, folder)).sort()) {
    const path = join(corpus, folder, name);
    totals.files++;
    const figures = await readerFigures(path, name);
    if (figures) {
      totals.records += figures.records;
      totals.statements += figures.statements;
      totals.unrecognised += figures.unrecognised;
      formats.set(figures.format, (formats.get(figures.format) ?? 0) + 1);
    }
    try {
      const result = await lint({ paths: [path] });
      for (const f of result.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + (f.occurrences ?? 1));
    } catch {
      totals.refused++;
    }
  }
  const list = (map) => [...map].map(([key, n]) => `${key} ${n}`).join(', ') || 'none';
  console.log(
    `${folder}: ${totals.files} files (${list(formats)}), ${totals.records} records, ${totals.statements} statements, ` +
      `${totals.unrecognised} unrecognised lines, ${totals.refused} refused; findings: ${list(byRule)}`,
  );
}
