/**
 * The CI report formats (sarif, github, gitlab, junit) on a small LintResult built by hand: an
 * error from a SQL file with related statements and lock edges, a parse warning, and an info
 * from a query log with session, time and occurrences. SARIF is checked against the SARIF
 * 2.1.0 schema, JUnit is parsed back with a strict XML parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { SaxesParser } from 'saxes';
import { FORMATTERS, formatterNames, type FormatOptions, type RuleDescriptor } from '../src/formatters/index.js';
import { formatGithub } from '../src/formatters/github.js';
import { formatGitlab } from '../src/formatters/gitlab.js';
import { formatJunit } from '../src/formatters/junit.js';
import { formatSarif } from '../src/formatters/sarif.js';
import { lint } from '../src/index.js';
import type { Finding, LintResult } from '../src/model/finding.js';
import { REPO_ROOT } from './support/paths.js';

const DOCS = 'https://github.com/locklint/locklint/blob/main/rules/';

const deadlock: Finding = {
  ruleId: 'child-insert-before-parent-update',
  severity: 'error',
  message: 'UPDATE of author row id=1 after inserting a row into book that references it, in the same transaction: two transactions doing this deadlock (1213)',
  file: 'sql/books.sql',
  line: 5,
  column: 1,
  session: null,
  related: [
    { file: 'sql/books.sql', line: 4, column: 1, session: null, message: 'INSERT INTO book: its foreign-key check takes a shared lock on author row id=1' },
    { file: 'sql/books.sql', line: 3, column: 1, session: null, message: 'the transaction starts here' },
  ],
  lockEdges: ['T1 holds S author(id=1) [FK check]', 'T2 holds S author(id=1) [FK check]', 'T1 waits X author(id=1) for T2', 'T2 waits X author(id=1) for T1'],
  fix: 'lock the parent first: SELECT id FROM author WHERE id = 1 FOR UPDATE',
  confidence: 'high',
  notes: [],
  docsUrl: `${DOCS}child-insert-before-parent-update.md`,
  statementFingerprint: "update author set country = ? where id = ?",
};

const parseWarning: Finding = {
  ruleId: 'parse-error',
  severity: 'warning',
  message: 'no parser could read this statement (line 2): SELEC id FORM t',
  file: '.\\sql\\legacy dump.sql',
  line: 2,
  column: 3,
  session: null,
  related: [],
  lockEdges: [],
  confidence: 'high',
  notes: [],
  docsUrl: 'https://github.com/locklint/locklint#diagnostics',
};

const fromLog: Finding = {
  ruleId: 'select-ids-then-delete-in',
  severity: 'info',
  message: 'DELETE from job by a list of ids read earlier by a plain SELECT (line 118): rows committed in between survive the delete',
  file: 'logs/general.log',
  line: 120,
  column: 1,
  session: '42',
  time: '2024-05-01T10:00:00.123456Z',
  related: [{ file: 'logs/general.log', line: 118, column: 1, session: '42', time: '2024-05-01T09:59:59.000001Z', message: 'plain SELECT of id from job by state: takes no row locks' }],
  lockEdges: [],
  fix: 'DELETE FROM job WHERE state = 1 directly',
  confidence: 'medium',
  notes: ['no BEGIN records in this log: the session is assumed to be one transaction'],
  evidence: ['1213 Deadlock found when trying to get lock'],
  docsUrl: `${DOCS}select-ids-then-delete-in.md`,
  statementFingerprint: 'delete from job where id in (...)',
  occurrences: 17,
  sessionsAffected: 5,
};

const RESULT: LintResult = {
  findings: [deadlock, parseWarning, fromLog],
  summary: { filesLinted: 3, statements: 250, errors: 1, warnings: 1, infos: 1 },
};
const EMPTY: LintResult = { findings: [], summary: { filesLinted: 1, statements: 4, errors: 0, warnings: 0, infos: 0 } };

const RULES: RuleDescriptor[] = [
  { id: 'child-insert-before-parent-update', description: 'Inserting a child row then updating its parent deadlocks.', docsUrl: `${DOCS}child-insert-before-parent-update.md`, severity: 'error' },
  { id: 'select-ids-then-delete-in', description: 'Deleting ids read by a plain SELECT misses rows.', docsUrl: `${DOCS}select-ids-then-delete-in.md`, severity: 'warning' },
  { id: 'quiet-rule', description: 'A rule that found nothing this run.', docsUrl: `${DOCS}quiet-rule.md`, severity: 'info' },
  { id: 'disabled-rule', description: 'A rule the config turned off.', docsUrl: `${DOCS}disabled-rule.md`, severity: 'off' },
];

const OPTIONS: FormatOptions = { color: false, toolVersion: '1.2.3', rules: RULES };

function withFindings(...findings: Finding[]): LintResult {
  return { findings, summary: RESULT.summary };
}

describe('every CI format', () => {
  const names = ['sarif', 'github', 'gitlab', 'junit'];

  test('is registered by name', () => {
    for (const name of names) assert.ok(formatterNames().includes(name), `${name} is not registered`);
    assert.equal(FORMATTERS['sarif'], formatSarif);
    assert.equal(FORMATTERS['github'], formatGithub);
    assert.equal(FORMATTERS['gitlab'], formatGitlab);
    assert.equal(FORMATTERS['junit'], formatJunit);
  });

  for (const name of names) {
    test(`${name}: deterministic, one trailing newline, with and without findings`, () => {
      const format = FORMATTERS[name]!;
      for (const result of [RESULT, EMPTY]) {
        const first = format(result, OPTIONS);
        assert.equal(format(result, OPTIONS), first);
        assert.ok(first.endsWith('\n') && !first.endsWith('\n\n'), `${name} output must end in exactly one newline`);
      }
    });
  }
});

describe('sarif', () => {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);

  function assertValid(text: string): void {
    const valid = validate(JSON.parse(text));
    assert.ok(valid, `not valid SARIF 2.1.0:\n${JSON.stringify(validate.errors, null, 2)}`);
  }

  type Json = any;
  const log: Json = JSON.parse(formatSarif(RESULT, OPTIONS));
  const run: Json = log.runs[0];

  test('the vendored schema is the draft-07 SARIF 2.1.0 schema and rejects a broken log', () => {
    assert.equal(schema['$schema'], 'http://json-schema.org/draft-07/schema#');
    assert.match(String(schema['title']), /SARIF\) Version 2\.1\.0/);
    assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false, 'a run without a tool must fail');
    const broken = JSON.parse(formatSarif(RESULT, OPTIONS));
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    assert.equal(validate(broken), false, 'startLine 0 must fail');
  });

  test('validates against the SARIF 2.1.0 schema: findings, no findings, no rule list, odd paths', () => {
    assertValid(formatSarif(RESULT, OPTIONS));
    assertValid(formatSarif(RESULT, { color: false }));
    assertValid(formatSarif(EMPTY, OPTIONS));
    assertValid(formatSarif(EMPTY, { color: false }));
    const odd = withFindings(
      { ...deadlock, file: '/srv/app/sql/a b.sql', endLine: 9 },
      { ...deadlock, file: 'C:\\projects\\app.sql' },
      { ...deadlock, file: '<stdin>', line: 0, column: 0 },
      { ...deadlock, file: 'odd:name,[1]#%.sql' },
    );
    assertValid(formatSarif(odd, OPTIONS));
    const uris = (JSON.parse(formatSarif(odd, OPTIONS)) as Json).runs[0].results.map((r: Json) => r.locations[0].physicalLocation.artifactLocation.uri);
    assert.deepEqual(uris, ['file:///srv/app/sql/a%20b.sql', 'file:///C:/projects/app.sql', '%3Cstdin%3E', 'odd%3Aname%2C%5B1%5D%23%25.sql']);
  });

  test('one run; the driver is locklint at the given version and lists every rule, even rules with no result', () => {
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    assert.equal(run.tool.driver.name, 'locklint');
    assert.equal(run.tool.driver.version, '1.2.3');
    assert.deepEqual(run.tool.driver.rules, [
      {
        id: 'child-insert-before-parent-update',
        shortDescription: { text: 'Inserting a child row then updating its parent deadlocks.' },
        helpUri: `${DOCS}child-insert-before-parent-update.md`,
        defaultConfiguration: { level: 'error' },
      },
      {
        id: 'select-ids-then-delete-in',
        shortDescription: { text: 'Deleting ids read by a plain SELECT misses rows.' },
        helpUri: `${DOCS}select-ids-then-delete-in.md`,
        defaultConfiguration: { level: 'warning' },
      },
      { id: 'quiet-rule', shortDescription: { text: 'A rule that found nothing this run.' }, helpUri: `${DOCS}quiet-rule.md`, defaultConfiguration: { level: 'note' } },
      { id: 'disabled-rule', shortDescription: { text: 'A rule the config turned off.' }, helpUri: `${DOCS}disabled-rule.md`, defaultConfiguration: { enabled: false } },
      // Not in the list the CLI gave: added from the finding so its ruleIndex has a target.
      { id: 'parse-error', helpUri: 'https://github.com/locklint/locklint#diagnostics', defaultConfiguration: { level: 'warning' } },
    ]);
    for (const result of run.results) assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
  });

  test('without a rule list the driver lists the rules the findings name, in order', () => {
    const driver = (JSON.parse(formatSarif(RESULT, { color: false })) as Json).runs[0].tool.driver;
    assert.equal(driver.version, undefined);
    assert.deepEqual(
      driver.rules.map((rule: Json) => [rule.id, rule.defaultConfiguration.level]),
      [
        ['child-insert-before-parent-update', 'error'],
        ['parse-error', 'warning'],
        ['select-ids-then-delete-in', 'note'],
      ],
    );
    const empty = (JSON.parse(formatSarif(EMPTY, { color: false })) as Json).runs[0];
    assert.deepEqual(empty.tool.driver.rules, []);
    assert.deepEqual(empty.results, [], 'an empty results array says the run happened and found nothing');
  });

  test('an error from a SQL file: level, message with the fix, lock edges, location, related locations', () => {
    const result = run.results[0];
    assert.equal(result.ruleId, 'child-insert-before-parent-update');
    assert.equal(result.ruleIndex, 0);
    assert.equal(result.level, 'error');
    assert.equal(result.message.text, `${deadlock.message}\nFix: ${deadlock.fix}`);
    assert.equal(
      result.message.markdown,
      [
        'UPDATE of author row id=1 after inserting a row into book that references it, in the same transaction: two transactions doing this deadlock (1213)',
        '',
        '**Lock edges**',
        '',
        '```text',
        ...deadlock.lockEdges,
        '```',
        '',
        '**Fix:** lock the parent first: SELECT id FROM author WHERE id = 1 FOR UPDATE',
      ].join('\n'),
    );
    assert.deepEqual(result.locations, [{ physicalLocation: { artifactLocation: { uri: 'sql/books.sql' }, region: { startLine: 5, startColumn: 1 } } }]);
    assert.deepEqual(result.relatedLocations, [
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'sql/books.sql' }, region: { startLine: 4, startColumn: 1 } },
        message: { text: 'INSERT INTO book: its foreign-key check takes a shared lock on author row id=1' },
      },
      { id: 2, physicalLocation: { artifactLocation: { uri: 'sql/books.sql' }, region: { startLine: 3, startColumn: 1 } }, message: { text: 'the transaction starts here' } },
    ]);
    assert.deepEqual(result.properties, {
      confidence: 'high',
      occurrences: 1,
      lockEdges: deadlock.lockEdges,
      statementFingerprint: deadlock.statementFingerprint,
    });
    assert.match(result.partialFingerprints['locklint/v1'], /^[0-9a-f]{32}$/);
  });

  test('a warning on a Windows-style path: forward slashes, no ./, spaces encoded; no fix, no related', () => {
    const result = run.results[1];
    assert.equal(result.level, 'warning');
    assert.equal(result.ruleIndex, 4);
    assert.equal(result.message.text, parseWarning.message);
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'sql/legacy%20dump.sql');
    assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 2, startColumn: 3 });
    assert.equal(result.relatedLocations, undefined);
  });

  test('an info from a log: note level, session, time and occurrences as properties, sessions on related locations', () => {
    const result = run.results[2];
    assert.equal(result.level, 'note');
    assert.deepEqual(result.properties, {
      confidence: 'medium',
      occurrences: 17,
      session: '42',
      sessionsAffected: 5,
      time: '2024-05-01T10:00:00.123456Z',
      notes: fromLog.notes,
      evidence: fromLog.evidence,
      statementFingerprint: fromLog.statementFingerprint,
    });
    assert.equal(result.relatedLocations[0].message.text, 'plain SELECT of id from job by state: takes no row locks (session 42 at 2024-05-01T09:59:59.000001Z)');
    assert.match(result.message.markdown, /\*\*Evidence in the server log\*\*\n\n- 1213 Deadlock found when trying to get lock/);
    assert.match(result.message.markdown, /\(line 118\)/);
  });

  test('markdown escapes markup in messages; the lock-edge fence outgrows backticks inside', () => {
    const tricky = { ...deadlock, message: 'row *id* <b> [x](y) & `t`', lockEdges: ['T1 holds ```odd``` lock'], fix: '# not a heading' };
    const markdown = (JSON.parse(formatSarif(withFindings(tricky), OPTIONS)) as Json).runs[0].results[0].message.markdown as string;
    assert.equal(markdown, ['row \\*id\\* \\<b\\> \\[x\\](y) \\& \\`t\\`', '', '**Lock edges**', '', '````text', 'T1 holds ```odd``` lock', '````', '', '**Fix:** \\# not a heading'].join('\n'));
  });

  test('partial fingerprints survive a line move and tell different statements apart', () => {
    const fingerprint = (finding: Finding) => (JSON.parse(formatSarif(withFindings(finding), OPTIONS)) as Json).runs[0].results[0].partialFingerprints['locklint/v1'];
    assert.equal(fingerprint({ ...deadlock, line: 50, column: 7 }), fingerprint(deadlock));
    assert.notEqual(fingerprint({ ...deadlock, statementFingerprint: 'update author set name = ? where id = ?' }), fingerprint(deadlock));
  });

  test('the findings of a real lint run validate too', async () => {
    const sql = `CREATE TABLE author (id INT PRIMARY KEY, country VARCHAR(10)) ENGINE=InnoDB;
CREATE TABLE book (id INT PRIMARY KEY, author_id INT, FOREIGN KEY (author_id) REFERENCES author (id)) ENGINE=InnoDB;
START TRANSACTION;
INSERT INTO book (id, author_id) VALUES (1, 1);
UPDATE author SET country = 'NL' WHERE id = 1;
COMMIT;
SELEC broken;
`;
    const result = await lint({ paths: ['-'], stdin: async () => Buffer.from(sql) });
    assert.ok(result.findings.some((finding) => finding.ruleId === 'child-insert-before-parent-update'));
    const text = formatSarif(result, { color: false });
    assertValid(text);
    const first = (JSON.parse(text) as Json).runs[0].results[0];
    assert.equal(first.locations[0].physicalLocation.artifactLocation.uri, '%3Cstdin%3E');
    assert.ok(first.relatedLocations.length > 0);
  });
});

describe('github', () => {
  test('one workflow command per finding, then a plain summary line', () => {
    assert.equal(
      formatGithub(RESULT, OPTIONS),
      [
        '::error file=sql/books.sql,line=5,col=1,title=child-insert-before-parent-update::' +
          'UPDATE of author row id=1 after inserting a row into book that references it, in the same transaction: two transactions doing this deadlock (1213)' +
          '%0ALock edges:%0A  T1 holds S author(id=1) [FK check]%0A  T2 holds S author(id=1) [FK check]%0A  T1 waits X author(id=1) for T2%0A  T2 waits X author(id=1) for T1' +
          '%0AFix: lock the parent first: SELECT id FROM author WHERE id = 1 FOR UPDATE',
        '::warning file=sql/legacy dump.sql,line=2,col=3,title=parse-error::no parser could read this statement (line 2): SELEC id FORM t',
        '::notice file=logs/general.log,line=120,col=1,title=select-ids-then-delete-in::' +
          'DELETE from job by a list of ids read earlier by a plain SELECT (line 118): rows committed in between survive the delete' +
          '%0Asession 42 at 2024-05-01T10:00:00.123456Z, seen 17 times in 5 sessions' +
          '%0AFix: DELETE FROM job WHERE state = 1 directly',
        'locklint: 3 problems (1 error, 1 warning, 1 info) in 250 statements in 3 inputs',
        '',
      ].join('\n'),
    );
  });

  test('escapes % and line breaks in the message, and also : and , in properties', () => {
    const odd = withFindings({ ...parseWarning, file: 'C:\\a,b\\100%.sql', message: '50% of rows\r\nare gone: %0A stays text', endLine: 4 });
    assert.equal(
      formatGithub(odd, OPTIONS).split('\n')[0],
      '::warning file=C%3A/a%2Cb/100%25.sql,line=2,col=3,endLine=4,title=parse-error::50%25 of rows%0D%0Aare gone: %250A stays text',
    );
  });

  test('a message cannot start a second command', () => {
    const sneaky = withFindings({ ...deadlock, message: 'first\n::error file=x.sql,line=1::injected', fix: 'x\r::warning::y' });
    const lines = formatGithub(sneaky, OPTIONS).split('\n');
    assert.equal(lines.filter((line) => line.startsWith('::')).length, 1);
  });

  test('no findings: only the summary line', () => {
    assert.equal(formatGithub(EMPTY, OPTIONS), 'locklint: no lock hazards found (4 statements in 1 input)\n');
  });
});

describe('gitlab', () => {
  type Issue = any;
  const issues = (result: LintResult): Issue[] => JSON.parse(formatGitlab(result, OPTIONS)) as Issue[];

  test('a Code Quality issue per finding; error major, warning minor, info info', () => {
    const [error, warning, info] = issues(RESULT);
    assert.deepEqual(error, {
      description: `${deadlock.message} Fix: ${deadlock.fix}`,
      check_name: 'child-insert-before-parent-update',
      fingerprint: error.fingerprint,
      severity: 'major',
      location: { path: 'sql/books.sql', lines: { begin: 5 } },
    });
    assert.deepEqual(warning, {
      description: parseWarning.message,
      check_name: 'parse-error',
      fingerprint: warning.fingerprint,
      severity: 'minor',
      location: { path: 'sql/legacy dump.sql', lines: { begin: 2 } },
    });
    assert.deepEqual(info, {
      description: `${fromLog.message} (session 42 at 2024-05-01T10:00:00.123456Z, seen 17 times in 5 sessions) Fix: ${fromLog.fix}`,
      check_name: 'select-ids-then-delete-in',
      fingerprint: info.fingerprint,
      severity: 'info',
      location: { path: 'logs/general.log', lines: { begin: 120 } },
    });
    for (const issue of [error, warning, info]) assert.match(issue.fingerprint, /^[0-9a-f]{32}$/);
    assert.equal(new Set([error, warning, info].map((issue) => issue.fingerprint)).size, 3);
  });

  test('no findings: an empty array', () => {
    assert.equal(formatGitlab(EMPTY, OPTIONS), '[]\n');
  });

  test('fingerprints stay when only the line moves and differ for other statements, rules and files', () => {
    const fingerprintOf = (finding: Finding): string => issues(withFindings(finding))[0].fingerprint;
    const base = fingerprintOf(deadlock);
    assert.equal(fingerprintOf({ ...deadlock, line: 42, column: 9, endLine: 44 }), base);
    assert.equal(fingerprintOf({ ...fromLog, line: 9000, time: '2024-06-01T00:00:00Z', session: '7' }), fingerprintOf(fromLog));
    assert.notEqual(fingerprintOf({ ...deadlock, statementFingerprint: 'update author set name = ? where id = ?' }), base);
    assert.notEqual(fingerprintOf({ ...deadlock, ruleId: 'another-rule' }), base);
    assert.notEqual(fingerprintOf({ ...deadlock, file: 'sql/other.sql' }), base);
    assert.equal(fingerprintOf({ ...deadlock, file: './sql/books.sql' }), base, './ and backslashes do not change the path');
  });

  test('without a statement text the message stands in, its line numbers masked', () => {
    const fingerprintOf = (finding: Finding): string => issues(withFindings(finding))[0].fingerprint;
    const moved = { ...parseWarning, line: 30, message: 'no parser could read this statement (line 30): SELEC id FORM t' };
    assert.equal(fingerprintOf(moved), fingerprintOf(parseWarning));
    assert.notEqual(fingerprintOf({ ...parseWarning, message: 'no parser could read this statement (line 2): DELET x' }), fingerprintOf(parseWarning));
  });

  test('the same statement twice in a file gets two fingerprints, each stable when both move', () => {
    const twice = issues(withFindings(deadlock, { ...deadlock, line: 15 }));
    assert.notEqual(twice[0].fingerprint, twice[1].fingerprint);
    const moved = issues(withFindings({ ...deadlock, line: 25 }, { ...deadlock, line: 35 }));
    assert.deepEqual(moved.map((issue) => issue.fingerprint), twice.map((issue) => issue.fingerprint));
  });
});

describe('junit', () => {
  interface XmlElement {
    readonly name: string;
    readonly attributes: Readonly<Record<string, string>>;
    readonly children: XmlElement[];
    text: string;
  }

  /** Parses with saxes, which rejects anything not well-formed XML 1.0 (including bad characters). */
  function parseXml(xml: string): XmlElement {
    const parser = new SaxesParser();
    const stack: XmlElement[] = [];
    let root: XmlElement | undefined;
    parser.on('error', (error) => {
      throw error;
    });
    parser.on('opentag', (tag) => {
      const element: XmlElement = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
      else root = element;
      stack.push(element);
    });
    parser.on('closetag', () => {
      stack.pop();
    });
    parser.on('text', (text) => {
      if (stack.length > 0) stack[stack.length - 1]!.text += text;
    });
    parser.write(xml).close();
    assert.ok(root, 'no root element');
    return root;
  }

  const xml = formatJunit(RESULT, OPTIONS);
  const root = parseXml(xml);

  test('testsuites with totals; one testsuite per file in input order', () => {
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites '));
    assert.equal(root.name, 'testsuites');
    assert.deepEqual(root.attributes, { name: 'locklint', tests: '3', failures: '2', errors: '0' });
    assert.deepEqual(
      root.children.map((suite) => [suite.name, suite.attributes]),
      [
        ['testsuite', { name: 'sql/books.sql', tests: '1', failures: '1', errors: '0' }],
        ['testsuite', { name: 'sql/legacy dump.sql', tests: '1', failures: '1', errors: '0' }],
        ['testsuite', { name: 'logs/general.log', tests: '1', failures: '0', errors: '0' }],
      ],
    );
  });

  test('an error is a failed testcase named by rule and position, its details in the failure body', () => {
    const testcase = root.children[0]!.children[0]!;
    assert.deepEqual(testcase.attributes, { name: 'child-insert-before-parent-update at 5:1', classname: 'sql/books.sql', file: 'sql/books.sql' });
    const failure = testcase.children[0]!;
    assert.equal(failure.name, 'failure');
    assert.deepEqual(failure.attributes, { message: deadlock.message, type: 'error' });
    assert.equal(
      failure.text,
      [
        'error child-insert-before-parent-update at sql/books.sql:5:1',
        deadlock.message,
        'lock edges:',
        ...deadlock.lockEdges.map((edge) => `  ${edge}`),
        'related sql/books.sql:4:1: INSERT INTO book: its foreign-key check takes a shared lock on author row id=1',
        'related sql/books.sql:3:1: the transaction starts here',
        `fix: ${deadlock.fix}`,
        `docs: ${deadlock.docsUrl}`,
      ].join('\n'),
    );
  });

  test('a warning fails too; an info passes with its details in system-out', () => {
    const warning = root.children[1]!.children[0]!;
    assert.deepEqual(warning.children[0]!.attributes, { message: parseWarning.message, type: 'warning' });
    const info = root.children[2]!.children[0]!;
    assert.equal(info.attributes['name'], 'select-ids-then-delete-in at 120:1');
    assert.deepEqual(info.children.map((child) => child.name), ['system-out']);
    const lines = info.children[0]!.text.split('\n');
    assert.equal(lines[0], 'info select-ids-then-delete-in at logs/general.log:120:1');
    assert.ok(lines.includes('session 42 at 2024-05-01T10:00:00.123456Z, seen 17 times in 5 sessions'));
    assert.ok(lines.includes('related logs/general.log:118:1: plain SELECT of id from job by state: takes no row locks (session 42 at 2024-05-01T09:59:59.000001Z)'));
    assert.ok(lines.includes('evidence: 1213 Deadlock found when trying to get lock'));
    assert.ok(lines.includes('confidence: medium'));
  });

  test('escapes <&"\' and ]]>, keeps line breaks in attributes, and replaces characters XML 1.0 cannot carry', () => {
    const message = `a <b> & "c" 'd' ]]> e\nnext\tline \u0000\u0007\u001b\u000b\uFFFE \uD800 end \u{1F600}`;
    const nasty = withFindings({ ...deadlock, file: 'sql/<&>.sql', message, fix: 'x ]]> y' });
    const text = formatJunit(nasty, OPTIONS);
    assert.doesNotMatch(text, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    assert.doesNotMatch(text, /]]>/);
    const parsed = parseXml(text);
    const expected = `a <b> & "c" 'd' ]]> e\nnext\tline \\x00\\x07\\x1B\\x0B\uFFFD \uFFFD end \u{1F600}`;
    const suite = parsed.children[0]!;
    assert.equal(suite.attributes['name'], 'sql/<&>.sql');
    const failure = suite.children[0]!.children[0]!;
    assert.equal(failure.attributes['message'], expected);
    assert.ok(failure.text.includes(expected));
    assert.ok(failure.text.includes('fix: x ]]> y'));
  });

  test('no findings: one passing locklint testcase', () => {
    assert.equal(
      formatJunit(EMPTY, OPTIONS),
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="locklint" tests="1" failures="0" errors="0">',
        '  <testsuite name="locklint" tests="1" failures="0" errors="0">',
        '    <testcase name="no lock hazards found" classname="locklint"/>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
    const parsed = parseXml(formatJunit(EMPTY, OPTIONS));
    assert.equal(parsed.children[0]!.children[0]!.children.length, 0);
  });
});
