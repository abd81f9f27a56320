/**
 * Every fixture, with every rule on: the findings' `line:rule` set must equal the fixture's
 * expectations exactly (a fixture without expectations must produce no finding at all).
 */
import { readdirSync, readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { lint, type Dialect, type InputFormat } from '../src/index.js';
import { compareKeys, describeDifference, parseFixture } from './support/expectations.js';
import { FIXTURES_DIR } from './support/paths.js';

const LOG_FIXTURE_DIR = 'logs';
const NOT_FIXTURES = new Set(['examples']);

function fixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_FIXTURES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...fixtureFiles(path));
    else if (!entry.name.endsWith('.md')) out.push(path);
  }
  return out.sort();
}

const scratch = mkdtempSync(join(tmpdir(), 'locklint-fixtures-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

for (const path of fixtureFiles(FIXTURES_DIR)) {
  const name = relative(FIXTURES_DIR, path);
  const isLog = name.startsWith(`${LOG_FIXTURE_DIR}/`);
  test(`fixture ${name}`, async () => {
    const fixture = parseFixture(readFileSync(path, 'utf8'), isLog);
    let target = path;
    if (isLog) {
      target = join(scratch, name.replace(/\//g, '__'));
      writeFileSync(target, fixture.body);
    }
    const result = await lint({
      paths: [target],
      ...(fixture.header.dialect ? { dialect: fixture.header.dialect as Dialect } : {}),
      ...(fixture.header.format ? { inputFormat: fixture.header.format as InputFormat } : {}),
    });
    const actual = [...new Set(result.findings.map((f) => `${f.line}:${f.ruleId}`))].sort(compareKeys);
    assert.deepEqual(actual, fixture.expected, `${name}: findings differ from expectations\n${describeDifference(fixture.expected, actual)}\n${result.findings.map((f) => `    ${f.line}:${f.column} ${f.ruleId}: ${f.message}`).join('\n')}`);
  });
}
