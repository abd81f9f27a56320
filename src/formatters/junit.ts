/**
 * JUnit XML, for CI services that show test reports (GitLab, Jenkins, Azure Pipelines...).
 * One testsuite per file with findings, one testcase per finding. Errors and warnings are
 * failures; an info finding is a passing testcase whose details go to its system-out, since
 * it does not fail a run either. LintResult does not list the files that were clean, so a run
 * without findings is a single passing `locklint` testcase.
 */
import type { Finding, LintResult } from '../model/finding.js';
import { logContext, portablePath } from './report-common.js';
import type { Formatter } from './types.js';

export const formatJunit: Formatter = (result) => {
  const suites = findingsByFile(result);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  if (suites.size === 0) {
    lines.push(
      `<testsuites ${attributes({ name: 'locklint', tests: 1, failures: 0, errors: 0 })}>`,
      `  <testsuite ${attributes({ name: 'locklint', tests: 1, failures: 0, errors: 0 })}>`,
      `    <testcase ${attributes({ name: 'no lock hazards found', classname: 'locklint' })}/>`,
      '  </testsuite>',
      '</testsuites>',
    );
    return lines.join('\n') + '\n';
  }
  const failures = result.findings.filter(isFailure).length;
  lines.push(`<testsuites ${attributes({ name: 'locklint', tests: result.findings.length, failures, errors: 0 })}>`);
  for (const [file, findings] of suites) {
    const suiteFailures = findings.filter(isFailure).length;
    lines.push(`  <testsuite ${attributes({ name: file, tests: findings.length, failures: suiteFailures, errors: 0 })}>`);
    for (const finding of findings) lines.push(...testcase(file, finding));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
};

/** In the order the findings come (input order), keyed by the portable path. */
function findingsByFile(result: LintResult): Map<string, Finding[]> {
  const byFile = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const file = portablePath(finding.file);
    const list = byFile.get(file);
    if (list) list.push(finding);
    else byFile.set(file, [finding]);
  }
  return byFile;
}

function isFailure(finding: Finding): boolean {
  return finding.severity !== 'info';
}

function testcase(file: string, finding: Finding): string[] {
  const open = `    <testcase ${attributes({ name: `${finding.ruleId} at ${finding.line}:${finding.column}`, classname: file, file })}>`;
  const details = escapeText(detailText(file, finding));
  const body = isFailure(finding)
    ? `      <failure ${attributes({ message: finding.message, type: finding.severity })}>${details}</failure>`
    : `      <system-out>${details}</system-out>`;
  return [open, body, '    </testcase>'];
}

/** Everything the stylish report says about the finding, as plain lines. */
function detailText(file: string, finding: Finding): string {
  const lines = [`${finding.severity} ${finding.ruleId} at ${file}:${finding.line}:${finding.column}`, finding.message];
  const context = logContext(finding);
  if (context) lines.push(context);
  if (finding.lockEdges.length > 0) lines.push('lock edges:', ...finding.lockEdges.map((edge) => `  ${edge}`));
  for (const related of finding.related) {
    const session = related.session === null ? '' : ` (session ${related.session}${related.time ? ` at ${related.time}` : ''})`;
    lines.push(`related ${portablePath(related.file)}:${related.line}:${related.column}: ${related.message}${session}`);
  }
  for (const item of finding.evidence ?? []) lines.push(`evidence: ${item}`);
  if (finding.fix) lines.push(`fix: ${finding.fix}`);
  if (finding.confidence !== 'high' || finding.notes.length > 0) {
    lines.push(`confidence: ${finding.confidence}`, ...finding.notes.map((note) => `  - ${note}`));
  }
  lines.push(`docs: ${finding.docsUrl}`);
  return lines.join('\n');
}

function attributes(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${escapeAttribute(String(value))}"`)
    .join(' ');
}

/**
 * XML 1.0 cannot carry most C0 control characters, lone surrogates, U+FFFE or U+FFFF at all,
 * not even as character references: controls become a visible `\xNN`, the rest U+FFFD.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : '\uFFFD';
  });
}

function escapeText(text: string): string {
  // `>` too: XML does not allow a literal `]]>` in text.
  return xmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  // Parsers turn raw tabs and line breaks in attributes into spaces; references keep them.
  return escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
