/**
 * Imports go one way (design §1): model <- input, parse, analyze <- rule-api <- engine <- index
 * <- cli; formatters see model only; rules see rule-api and model only. The engine, rules,
 * parse, analyze and formatters touch no file system, console or process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO_ROOT } from './support/paths.js';

/** Layer of a repo-relative source path. */
function layerOf(path: string): string {
  if (path.startsWith('rules/')) return 'rules';
  const match = /^src\/([^/]+)\//.exec(path);
  if (match) return match[1]!;
  return path.replace(/^src\//, '').replace(/\.ts$/, '');
}

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  model: [],
  errors: [],
  input: ['model'],
  parse: ['model'],
  analyze: ['model'],
  'rule-api': ['model', 'analyze'],
  rules: ['rule-api', 'model'],
  engine: ['model', 'parse', 'analyze', 'rule-api'],
  formatters: ['model'],
  docs: ['rule-api', 'model'],
  config: ['model', 'errors'],
  index: ['model', 'input', 'parse', 'analyze', 'rule-api', 'engine', 'rules', 'errors', 'config'],
  cli: ['model', 'input', 'engine', 'formatters', 'config', 'index', 'errors'],
};

const PURE_LAYERS = new Set(['model', 'parse', 'analyze', 'rule-api', 'rules', 'engine', 'formatters', 'docs']);
const IMPURE = [/from 'node:fs/, /from 'node:child_process'/, /\bconsole\./, /\bprocess\./];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const files = [...sourceFiles(join(REPO_ROOT, 'src')), ...sourceFiles(join(REPO_ROOT, 'rules'))];

test('imports go one way between layers', () => {
  const violations: string[] = [];
  for (const file of files) {
    const from = relative(REPO_ROOT, file).replace(/\\/g, '/');
    const fromLayer = layerOf(from);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)[^'";]*?from\s+'(\.[^']+)'/gm)) {
      const target = relative(REPO_ROOT, resolve(dirname(file), match[1]!)).replace(/\\/g, '/').replace(/\.js$/, '.ts');
      const toLayer = layerOf(target);
      if (toLayer === fromLayer) continue;
      if (!(ALLOWED[fromLayer] ?? []).includes(toLayer)) violations.push(`${from} imports ${target} (${fromLayer} -> ${toLayer})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the engine, rules, parser, analysis and formatters touch no file system, console or process', () => {
  const violations: string[] = [];
  for (const file of files) {
    const from = relative(REPO_ROOT, file).replace(/\\/g, '/');
    if (!PURE_LAYERS.has(layerOf(from))) continue;
    const text = readFileSync(file, 'utf8');
    for (const pattern of IMPURE) if (pattern.test(text)) violations.push(`${from} matches ${pattern}`);
  }
  assert.deepEqual(violations, []);
});

test('the layering test sees the real tree', () => {
  assert.ok(files.some((file) => file.endsWith(join('engine', 'lint.ts'))));
  assert.ok(files.some((file) => file.includes(`${join('rules', 'select-ids')}`)));
});
