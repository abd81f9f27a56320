/**
 * Built-in diagnostics that are not lock rules: they report input locklint could not read fully,
 * so that nothing is lost silently. Config can change their severity like any rule's.
 */
import type { InputNoticeEvent } from '../model/input.js';
import type { Severity } from '../model/finding.js';

export interface DiagnosticInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly description: string;
}

export const DIAGNOSTICS_DOCS_URL = 'https://github.com/locklint/locklint#diagnostics';

export const DIAGNOSTICS: readonly DiagnosticInfo[] = [
  { id: 'parse-error', severity: 'warning', description: 'A statement no parser could read; it is left out of the analysis.' },
  { id: 'unrecognised-lines', severity: 'warning', description: 'Log lines that match no record of the format, reported once per run of lines.' },
  { id: 'approximate-order', severity: 'warning', description: 'The log lists statements in completion order (slow log): transaction grouping is approximate.' },
  { id: 'binary-input', severity: 'warning', description: 'The input looks binary, not SQL or a text log.' },
  { id: 'truncated-input', severity: 'warning', description: 'The input ends inside a string, comment or record.' },
  { id: 'failed-statement', severity: 'warning', description: 'The client logged a statement that failed without its text.' },
  { id: 'no-transaction-boundaries', severity: 'info', description: 'The log cannot show transaction boundaries; statements of a session are assumed to be one transaction.' },
  { id: 'unknown-sessions', severity: 'warning', description: 'The log does not say which session ran a statement: all of them are treated as one session.' },
  { id: 'dialect-mismatch', severity: 'warning', description: 'A SQL file plainly written for another dialect than the one it is linted as.' },
  { id: 'bad-directive', severity: 'warning', description: 'A `-- locklint:` directive locklint does not understand.' },
  { id: 'invalid-suppression', severity: 'error', description: 'A `-- locklint-disable...` comment that names no rule or an unknown one.' },
  { id: 'unused-suppression', severity: 'warning', description: 'A `-- locklint-disable...` comment that suppresses nothing.' },
];

const NOTICE_DIAGNOSTIC: Readonly<Record<string, string>> = {
  'unrecognised-lines': 'unrecognised-lines',
  'approximate-order': 'approximate-order',
  binary: 'binary-input',
  truncated: 'truncated-input',
  'failed-statement': 'failed-statement',
  'no-transaction-boundaries': 'no-transaction-boundaries',
  'unknown-sessions': 'unknown-sessions',
  'dialect-mismatch': 'dialect-mismatch',
};

export function diagnosticForNotice(code: InputNoticeEvent['code']): string {
  return NOTICE_DIAGNOSTIC[code] ?? 'bad-directive';
}
