#!/usr/bin/env node
// Per-folder figures for the log corpus beside the repository (../shared/corpus): files,
// statements, findings by rule, and diagnostics. Run after `npm run build`.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../dist/src/index.js';

const corpus = new URL('../../shared/corpus/', import.meta.url).pathname;
if (!existsSync(corpus)) {
  console.error('no corpus at ../shared/corpus');
  process.exit(2);
}
for (const folder of readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
  let files = 0, statements = 0, refused = 0, unrecognised = 0;
  const byRule = new Map();
  for (const file of readdirSync(join(corpus, folder)).sort()) {
    files++;
    try {
      const result = await lint({ paths: [join(corpus, folder, file)] });
      statements += result.summary.statements;
      for (const f of result.findings) {
        byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + (f.occurrences ?? 1));
        const run = f.ruleId === 'unrecognised-lines' ? /^(\d+) unrecognised line/.exec(f.message) : null;
        if (run) unrecognised += Number(run[1]);
      }
    } catch (error) {
      refused++;
    }
  }
  const rules = [...byRule].map(([id, n]) => `${id} ${n}`).join(', ') || 'none';
  console.log(`${folder}: ${files} files, ${statements} statements, ${unrecognised} unrecognised lines, ${refused} refused; findings: ${rules}`);
}
