/**
 * GitHub Actions workflow commands: one `::error|warning|notice` line per finding, which the
 * runner turns into an annotation on the file and line. Other lines print as plain log text.
 */
import type { Finding, LintResult, Severity } from '../model/finding.js';
import { logContext, portablePath } from './report-common.js';
import type { Formatter } from './types.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

export const formatGithub: Formatter = (result) => [...result.findings.map(annotation), summaryLine(result)].join('\n') + '\n';

function annotation(finding: Finding): string {
  const properties: [string, string][] = [
    ['file', portablePath(finding.file)],
    ['line', String(finding.line)],
    ['col', String(finding.column)],
  ];
  if (finding.endLine !== undefined && finding.endLine > finding.line) properties.push(['endLine', String(finding.endLine)]);
  properties.push(['title', finding.ruleId]);
  const list = properties.map(([name, value]) => `${name}=${escapeProperty(value)}`).join(',');
  return `::${COMMAND[finding.severity]} ${list}::${escapeData(annotationText(finding))}`;
}

/** The message, then on lines of their own: the session (logs), the lock edges and the fix. */
function annotationText(finding: Finding): string {
  const lines = [finding.message];
  const context = logContext(finding);
  if (context) lines.push(context);
  if (finding.lockEdges.length > 0) lines.push('Lock edges:', ...finding.lockEdges.map((edge) => `  ${edge}`));
  if (finding.fix) lines.push(`Fix: ${finding.fix}`);
  return lines.join('\n');
}

/** A plain line, so the step log says what was checked even when nothing was found. */
function summaryLine(result: LintResult): string {
  const { errors, warnings, infos, statements, filesLinted } = result.summary;
  const scanned = `${statements} statement${statements === 1 ? '' : 's'} in ${filesLinted} input${filesLinted === 1 ? '' : 's'}`;
  if (result.findings.length === 0) return `locklint: no lock hazards found (${scanned})`;
  const total = result.findings.length;
  return `locklint: ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info) in ${scanned}`;
}

/** The runner reads a command up to the end of the line, so `%` and line breaks are encoded. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also end at `,` (next property) and `:` (start of the message). */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
