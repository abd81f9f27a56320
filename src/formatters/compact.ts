/** One line per finding: `file:line:col: severity message [rule]`, for editors and grep. */
import type { Formatter } from './types.js';

export const formatCompact: Formatter = (result) =>
  result.findings
    .map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.message}${f.session === null ? '' : ` (session ${f.session})`} [${f.ruleId}]\n`)
    .join('');
