/** Each rule's docs page: its Bad sql blocks must produce the rule, its Good blocks must not. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allRules, lint, type Dialect } from '../src/index.js';
import { REPO_ROOT } from './support/paths.js';

const REQUIRED_SECTIONS = ['Why', 'Bad', 'Good', 'Remedy'];

function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of markdown.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    out.set(part.slice(0, newline).trim(), part.slice(newline + 1));
  }
  return out;
}

function sqlBlocks(section: string): string[] {
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

async function ruleIdsFor(sql: string): Promise<string[]> {
  const dialect = /--\s*fixture:\s*dialect=(\w+)/.exec(sql)?.[1] as Dialect | undefined;
  const result = await lint({ paths: ['-'], stdin: async () => Buffer.from(sql), ...(dialect ? { dialect } : {}) });
  return result.findings.map((finding) => finding.ruleId);
}

for (const rule of allRules()) {
  test(`rules/${rule.id}.md documents the rule and its examples hold`, async () => {
    const path = join(REPO_ROOT, 'rules', `${rule.id}.md`);
    assert.ok(existsSync(path), `rules/${rule.id}.md is missing`);
    const parts = sections(readFileSync(path, 'utf8'));
    for (const name of REQUIRED_SECTIONS) assert.ok(parts.has(name), `rules/${rule.id}.md has no "## ${name}" section`);
    const bad = sqlBlocks(parts.get('Bad')!);
    const good = sqlBlocks(parts.get('Good')!);
    assert.ok(bad.length > 0 && good.length > 0, 'Bad and Good each need at least one sql block');
    for (const [index, sql] of bad.entries()) {
      assert.ok((await ruleIdsFor(sql)).includes(rule.id), `Bad block ${index + 1} does not produce ${rule.id}:\n${sql}`);
    }
    for (const [index, sql] of good.entries()) {
      const ids = await ruleIdsFor(sql);
      assert.deepEqual(ids, [], `Good block ${index + 1} produces findings ${ids.join(', ')}:\n${sql}`);
    }
  });
}
