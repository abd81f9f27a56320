/** The README's rules table is generated from rule metadata: fail when it is stale. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRulesTable } from '../src/docs/rules-table.js';
import { allRules } from '../src/index.js';
import { REPO_ROOT } from './support/paths.js';

test('README rules table matches the rules (run `npm run docs` to regenerate)', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  assert.equal(withRulesTable(readme, allRules()), readme);
});

test('README gives the two set-up commands that .ci/run runs', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
  assert.match(readme, /^npm install && npx locklint fixtures\/examples$/m);
  assert.match(readme, /^npm test$/m);
  assert.match(ci, /^npm install /m);
  assert.match(ci, /^npx locklint fixtures\/examples$/m);
  assert.match(ci, /^npm test$/m);
});
