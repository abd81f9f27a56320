/** What teams need to adopt a linter in an existing codebase: baseline, --since, config helpers. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAZARD_SQL, runLocklint, scratchDir } from './support/cli.js';

const scratch = scratchDir('locklint-adopt-');
after(scratch.cleanup);

describe('baseline', () => {
  test('records findings by statement, survives edits above them, reports only new ones and stale entries', () => {
    const file = scratch.write('base/app.sql', HAZARD_SQL);
    const cwd = join(scratch.dir, 'base');
    const write = runLocklint(['app.sql', '--baseline-write', 'locklint-baseline.json'], { cwd });
    assert.equal(write.code, 0, write.stderr);
    assert.match(write.stderr, /wrote 1 baseline entry/);
    const baseline = JSON.parse(readFileSync(join(cwd, 'locklint-baseline.json'), 'utf8'));
    assert.equal(baseline.entries[0].rule, 'child-insert-before-parent-update');
    assert.doesNotMatch(JSON.stringify(baseline), /"line"/);

    // Lines added above the known finding move it; it stays accepted.
    writeFileSync(file, `-- a comment\n\nSELECT 1;\n${HAZARD_SQL}`);
    const same = runLocklint(['app.sql', '--baseline', 'locklint-baseline.json', '-f', 'compact'], { cwd });
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.equal(same.stdout, '');

    // A new hazard of another shape is reported.
    writeFileSync(file, `${HAZARD_SQL}START TRANSACTION;\nINSERT INTO book (id, author_id) VALUES (2, 2);\nSELECT * FROM author WHERE id = 2 FOR UPDATE;\nCOMMIT;\n`);
    const added = runLocklint(['app.sql', '--baseline', 'locklint-baseline.json', '-f', 'compact'], { cwd });
    assert.equal(added.code, 1);
    assert.match(added.stdout, /app\.sql:9:1: error .*child-insert-before-parent-update/);
    assert.doesNotMatch(added.stdout, /app\.sql:5:1/);

    // The old hazard fixed: its entry no longer occurs and the user is told.
    writeFileSync(file, 'SELECT 1;\n');
    const fixed = runLocklint(['app.sql', '--baseline', 'locklint-baseline.json'], { cwd });
    assert.equal(fixed.code, 0);
    assert.match(fixed.stderr, /1 baseline entry no longer occurs/);
  });

  test('a missing or malformed baseline is a usage error', () => {
    scratch.write('base2/a.sql', 'SELECT 1;\n');
    const cwd = join(scratch.dir, 'base2');
    assert.equal(runLocklint(['a.sql', '--baseline', 'none.json'], { cwd }).code, 2);
    scratch.write('base2/bad.json', '{"entries": 3}');
    const bad = runLocklint(['a.sql', '--baseline', 'bad.json'], { cwd });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a locklint baseline/);
  });
});

describe('--since', () => {
  test('lints only SQL files changed since the ref, including new files', () => {
    const cwd = join(scratch.dir, 'repo');
    scratch.write('repo/old.sql', HAZARD_SQL);
    scratch.write('repo/changed.sql', 'SELECT 1;\n');
    const git = (...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'root');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'base');
    writeFileSync(join(cwd, 'changed.sql'), HAZARD_SQL);
    scratch.write('repo/new.sql', 'SELECT 2;\n');
    const out = runLocklint(['--since', 'HEAD', '-f', 'compact'], { cwd });
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stdout, /^changed\.sql:5:1: error/m);
    assert.doesNotMatch(out.stdout, /old\.sql/);
    const none = runLocklint(['--since', 'HEAD', 'nothing-here'], { cwd });
    assert.equal(none.code, 0);
    assert.match(none.stderr, /no SQL files changed since HEAD/);
    const badRef = runLocklint(['--since', 'no-such-ref'], { cwd });
    assert.equal(badRef.code, 2);
    assert.match(badRef.stderr, /--since no-such-ref: git failed/);
  });
});

describe('config helpers', () => {
  test('--init writes a starter config once; --print-config shows what is in effect', () => {
    const cwd = join(scratch.dir, 'init');
    scratch.write('init/.keep', '');
    const init = runLocklint(['--init'], { cwd });
    assert.equal(init.code, 0, init.stderr);
    const config = JSON.parse(readFileSync(join(cwd, '.locklintrc.json'), 'utf8'));
    assert.equal(config.rules['select-ids-then-delete-in'], 'error');
    assert.equal(runLocklint(['--init'], { cwd }).code, 2);
    const printed = runLocklint(['--print-config', '--rule', 'parse-error=off', '--dialect', 'postgresql'], { cwd });
    assert.equal(printed.code, 0, printed.stderr);
    const shown = JSON.parse(printed.stdout);
    assert.equal(shown.configFile, '.locklintrc.json');
    assert.equal(shown.dialect, 'postgresql');
    assert.equal(shown.rules['parse-error'], 'off');
    assert.equal(shown.rules['child-insert-before-parent-update'], 'error');
  });
});
