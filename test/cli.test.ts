/** The command line as a user meets it: exit codes, messages, formats, config errors. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO_ROOT } from './support/paths.js';
import { assertNoStackTrace, HAZARD_SQL as HAZARD, runLocklint, scratchDir } from './support/cli.js';

const scratch = scratchDir('locklint-cli-');
const work = scratch.dir;
const write = scratch.write;
after(scratch.cleanup);
const CLEAN = 'SELECT 1;\n';

function run(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  return runLocklint(args, { ...options, cwd: options.cwd ?? work });
}

describe('exit codes', () => {
  test('1 when a finding has error severity, with the rule named in the report', () => {
    const file = write('hazard.sql', HAZARD);
    const out = run([file]);
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stdout, /child-insert-before-parent-update/);
    assert.match(out.stdout, /5:1/);
  });

  test('0 on a clean file', () => {
    const out = run([write('clean.sql', CLEAN)]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /no lock hazards found/);
  });

  test('0 when the rule is turned off with --rule', () => {
    const out = run([write('hazard2.sql', HAZARD), '--rule', 'child-insert-before-parent-update=off']);
    assert.equal(out.code, 0, out.stdout + out.stderr);
  });

  test('0 for parse errors alone (a warning), which still name their location', () => {
    const out = run([write('broken.sql', 'SELECT 1;\nSELEC id FORM t;\n'), '--format', 'compact']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /broken\.sql:2:\d+: warning .*\[parse-error\]/);
  });

  test('--max-warnings turns too many warnings into exit 1', () => {
    const out = run([write('broken2.sql', 'SELEC 1;\n'), '--max-warnings', '0']);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /exceed --max-warnings 0/);
  });
});

describe('bad input exits 2 with a message and no stack trace', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a missing path', () => ['no-such-file.sql'], /no such file.*no-such-file\.sql/],
    ['an unknown flag', () => ['--frobnicate'], /unknown option '--frobnicate'/],
    ['a bad dialect', () => ['--dialect', 'oracle', write('x.sql', CLEAN)], /oracle.*Allowed choices are mysql, mariadb, postgresql, sqlite/],
    ['a bad format', () => ['--format', 'xml', write('y.sql', CLEAN)], /Allowed choices are/],
    ['a bad --rule', () => ['--rule', 'no-such-rule=error', write('z.sql', CLEAN)], /"no-such-rule" is not a known rule/],
    ['a bad --rule severity', () => ['--rule', 'parse-error=loud', write('z2.sql', CLEAN)], /severity must be off, info, warning or error/],
    ['a file of unknown kind', () => [write('notes.txt', 'hello there\nthis is not sql\n')], /cannot tell what kind of input .*notes\.txt.*--input-format/],
    ['a missing --schema file', () => ['--schema', 'nope.sql', write('w.sql', CLEAN)], /cannot read nope\.sql: no such file/],
    ['a glob matching nothing', () => ['db/**/*.nothing.sql'], /db\/\*\*\/\*\.nothing\.sql/],
  ];
  for (const [name, args, message] of cases) {
    test(name, () => {
      const out = run(args());
      assert.equal(out.code, 2, `exit ${out.code}\n${out.stdout}\n${out.stderr}`);
      assert.match(out.stderr, message);
      assertNoStackTrace(out.stderr);
    });
  }
});

describe('config', () => {
  test('invalid JSON names the file', () => {
    const dir = join(work, 'cfg-json');
    mkdirSync(dir);
    writeFileSync(join(dir, '.locklintrc.json'), '{ "rules": ');
    writeFileSync(join(dir, 'a.sql'), CLEAN);
    const out = run(['a.sql'], { cwd: dir });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /\.locklintrc\.json: invalid JSON/);
    assertNoStackTrace(out.stderr);
  });

  test('a bad severity names the file and the key', () => {
    const dir = join(work, 'cfg-sev');
    mkdirSync(dir);
    writeFileSync(join(dir, 'locklint.config.json'), JSON.stringify({ rules: { 'select-ids-then-delete-in': 'loud' } }));
    writeFileSync(join(dir, 'a.sql'), CLEAN);
    const out = run(['a.sql'], { cwd: dir });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /locklint\.config\.json: "rules\.select-ids-then-delete-in" must be one of off, info, warning, error/);
  });

  test('an unknown key is rejected with the file named', () => {
    const dir = join(work, 'cfg-key');
    mkdirSync(dir);
    writeFileSync(join(dir, '.locklintrc.json'), JSON.stringify({ dialekt: 'mysql' }));
    writeFileSync(join(dir, 'a.sql'), CLEAN);
    const out = run(['a.sql'], { cwd: dir });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /\.locklintrc\.json: "dialekt" is not a locklint setting/);
  });

  test('a "locklint" key in package.json sets severities and dialect', () => {
    const dir = join(work, 'cfg-pkg');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', locklint: { dialect: 'mysql', rules: { 'child-insert-before-parent-update': 'warning' } } }));
    writeFileSync(join(dir, 'a.sql'), HAZARD);
    const out = run(['a.sql', '--format', 'compact'], { cwd: dir });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /a\.sql:5:1: warning .*\[child-insert-before-parent-update\]/);
  });

  test('config ignore entries drop findings by statement fingerprint, for the named rule only', () => {
    const dir = join(work, 'cfg-ignore');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.sql'), HAZARD);
    const fingerprint = JSON.parse(run(['a.sql', '-f', 'json'], { cwd: dir }).stdout).findings[0].statementFingerprint;
    const withIgnore = (rule: string) => {
      writeFileSync(join(dir, '.locklintrc.json'), JSON.stringify({ ignore: [{ fingerprint, rule, reason: 'counter row is sharded' }] }));
      return run(['a.sql', '-f', 'compact'], { cwd: dir });
    };
    assert.equal(withIgnore('child-insert-before-parent-update').code, 0);
    assert.match(withIgnore('select-ids-then-delete-in').stdout, /child-insert-before-parent-update/);
    writeFileSync(join(dir, '.locklintrc.json'), JSON.stringify({ ignore: [{ fingerprint }] }));
    const noReason = run(['a.sql'], { cwd: dir });
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /"ignore\[0\]\.reason" is required/);
  });

  test('config schema files and ignore globs are used', () => {
    const dir = join(work, 'cfg-schema');
    mkdirSync(join(dir, 'db'), { recursive: true });
    mkdirSync(join(dir, 'legacy'), { recursive: true });
    writeFileSync(join(dir, 'db', 'schema.sql'), 'CREATE TABLE customer (id INT PRIMARY KEY, n INT);\nCREATE TABLE purchase (id INT PRIMARY KEY, buyer INT, FOREIGN KEY (buyer) REFERENCES customer (id));\n');
    writeFileSync(join(dir, '.locklintrc.json'), JSON.stringify({ schema: ['db/schema.sql'], ignore: ['legacy/**'] }));
    writeFileSync(join(dir, 'q.sql'), 'BEGIN;\nINSERT INTO purchase (id, buyer) VALUES (1, 9);\nUPDATE customer SET n = n + 1 WHERE id = 9;\nCOMMIT;\n');
    writeFileSync(join(dir, 'legacy', 'old.sql'), HAZARD);
    const out = run(['q.sql', 'legacy', '--format', 'compact'], { cwd: dir });
    assert.match(out.stdout, /q\.sql:3:1: error/);
    assert.doesNotMatch(out.stdout, /old\.sql/);
  });
});

describe('output', () => {
  test('json is the documented contract', () => {
    const out = run([write('j.sql', HAZARD), '--format', 'json']);
    assert.equal(out.code, 1);
    const report = JSON.parse(out.stdout);
    assert.equal(report.schemaVersion, 1);
    const [finding] = report.findings;
    for (const key of ['ruleId', 'severity', 'message', 'file', 'line', 'column', 'session', 'related', 'docsUrl']) assert.ok(key in finding, key);
    assert.equal(finding.ruleId, 'child-insert-before-parent-update');
    assert.equal(finding.severity, 'error');
    assert.equal(finding.line, 5);
    assert.equal(finding.session, null);
    assert.deepEqual(finding.related.map((r: { line: number }) => r.line), [4, 3]);
    assert.match(finding.fix, /lock the author row first/);
  });

  test('on GitHub Actions, with no --format, the report is workflow-command annotations', () => {
    const out = run([write('gh.sql', HAZARD)], { env: { GITHUB_ACTIONS: 'true' } });
    assert.equal(out.code, 1);
    assert.match(out.stdout, /^::error file=gh\.sql,line=5,col=1,title=child-insert-before-parent-update::/m);
    const explicit = run([write('gh2.sql', HAZARD), '-f', 'compact'], { env: { GITHUB_ACTIONS: 'true' } });
    assert.match(explicit.stdout, /^gh2\.sql:5:1: error/m);
  });

  test('sarif lists every rule and diagnostic with the tool version', () => {
    const out = run([write('s.sql', HAZARD), '-f', 'sarif']);
    const driver = JSON.parse(out.stdout).runs[0].tool.driver;
    assert.match(driver.version, /^\d+\.\d+\.\d+/);
    assert.ok(driver.rules.some((rule: { id: string }) => rule.id === 'select-ids-then-delete-in'));
    assert.ok(driver.rules.some((rule: { id: string }) => rule.id === 'parse-error'));
  });

  test('no colour when piped or with NO_COLOR', () => {
    const piped = run([write('c.sql', HAZARD)]);
    assert.doesNotMatch(piped.stdout, /\x1b\[/);
    const noColor = run([write('c2.sql', HAZARD)], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    assert.doesNotMatch(noColor.stdout, /\x1b\[/);
  });

  test('reads standard input with -', () => {
    const out = run(['-', '--format', 'compact'], { input: HAZARD });
    assert.equal(out.code, 1);
    assert.match(out.stdout, /^<stdin>:5:1: error/m);
  });

  test('a UTF-16 SQL file with a BOM (as Windows tools export) is read, not called binary', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HAZARD, 'utf16le')]);
    const out = run([write('windows.sql', utf16), '--format', 'compact']);
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.match(out.stdout, /windows\.sql:5:1: error/);
  });

  test('a PostgreSQL file linted under the default dialect is warned about, not silently misread', () => {
    const pg = write('pg.sql', 'CREATE TABLE a (id bigserial PRIMARY KEY);\nSELECT id::text FROM a;\n');
    const out = run([pg, '--format', 'compact']);
    assert.match(out.stdout, /pg\.sql:1:1: warning this file looks like postgresql \(::type casts, SERIAL columns\).*--dialect postgresql.*\[dialect-mismatch\]/);
    assert.doesNotMatch(run([pg, '--dialect', 'postgresql', '--format', 'compact']).stdout, /dialect-mismatch/);
  });

  test('a binary file is reported, not crashed on', () => {
    const out = run([write('blob.sql', Buffer.from([0x53, 0x00, 0x01, 0x02, 0xff]))]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /looks binary/);
  });

  test('a directory is searched for *.sql, skipping node_modules', () => {
    const dir = join(work, 'tree');
    mkdirSync(join(dir, 'migrations'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'migrations', '0001.sql'), HAZARD);
    writeFileSync(join(dir, 'node_modules', 'pkg', 'x.sql'), HAZARD);
    const out = run(['--format', 'compact'], { cwd: dir });
    assert.equal(out.code, 1);
    assert.match(out.stdout, /migrations\/0001\.sql:5:1/);
    assert.doesNotMatch(out.stdout, /node_modules/);
  });

  test('-o writes the report to a file', () => {
    const target = join(work, 'report.json');
    const out = run([write('o.sql', HAZARD), '-f', 'json', '-o', target]);
    assert.equal(out.code, 1);
    assert.equal(out.stdout, '');
  });

  test('the bundled examples report both founding rules and exit 1', () => {
    const out = run(['fixtures/examples', '--format', 'compact'], { cwd: REPO_ROOT });
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stdout, /checkout\.sql:\d+:1: error .*\[child-insert-before-parent-update\]/);
    assert.match(out.stdout, /replace-tags\.sql:\d+:1: error .*\[select-ids-then-delete-in\]/);
    assert.doesNotMatch(out.stdout, /safe-transfer\.sql/);
  });
});
