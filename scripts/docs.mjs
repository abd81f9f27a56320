#!/usr/bin/env node
// Regenerates the README's rules table from rule metadata (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { allRules } from '../dist/src/index.js';
import { withRulesTable } from '../dist/src/docs/rules-table.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withRulesTable(before, allRules());
if (after === before) console.log('README rules table is up to date');
else {
  writeFileSync(path, after);
  console.log('README rules table regenerated');
}
