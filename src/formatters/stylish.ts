/**
 * The default terminal report: grouped by file, each finding followed by its lock edges, the
 * fix and the related statements, so a reader sees who holds what and who waits.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, LintResult, Severity } from '../model/finding.js';
import type { Formatter } from './types.js';

export const formatStylish: Formatter = (result, options) => {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  let currentFile: string | undefined;
  for (const finding of result.findings) {
    if (finding.file !== currentFile) {
      if (currentFile !== undefined) out.push('');
      currentFile = finding.file;
      out.push(c.underline(finding.file));
    }
    out.push(...findingLines(finding, c));
  }
  out.push(...summaryLines(result, c));
  return out.join('\n') + '\n';
};

function findingLines(f: Finding, c: ChalkInstance): string[] {
  const where = `${f.line}:${f.column}`;
  const session = f.session === null ? '' : c.dim(` session ${f.session}${f.time ? ` @ ${f.time}` : ''}`);
  const lines = [`  ${c.dim(where.padEnd(7))} ${severityLabel(f.severity, c)}  ${f.message}  ${c.dim(f.ruleId)}${session}`];
  const indent = '           ';
  if (f.occurrences && f.occurrences > 1) {
    lines.push(`${indent}${c.bold(`seen ${f.occurrences.toLocaleString('en-US')} times`)} in ${f.sessionsAffected ?? 0} session${f.sessionsAffected === 1 ? '' : 's'} (the first occurrence is shown)`);
  }
  if (f.lockEdges.length > 0) {
    lines.push(`${indent}${c.bold('lock edges')}`);
    for (const edge of f.lockEdges) lines.push(`${indent}  ${edge}`);
  }
  for (const related of f.related) {
    const at = related.file === f.file ? `line ${related.line}` : `${related.file}:${related.line}`;
    lines.push(`${indent}${c.dim('related')} ${at}: ${related.message}`);
  }
  for (const item of f.evidence ?? []) lines.push(`${indent}${c.red('evidence')} ${item}`);
  if (f.fix) lines.push(`${indent}${c.green('fix')} ${f.fix}`);
  if (f.confidence !== 'high' || f.notes.length > 0) {
    lines.push(`${indent}${c.dim(`confidence ${f.confidence}`)}`);
    for (const note of f.notes) lines.push(`${indent}  ${c.dim(`- ${note}`)}`);
  }
  if (f.lockEdges.length > 0) lines.push(`${indent}${c.dim(f.docsUrl)}`);
  return lines;
}

function severityLabel(severity: Severity, c: ChalkInstance): string {
  const label = severity.padEnd(7);
  return severity === 'error' ? c.red(label) : severity === 'warning' ? c.yellow(label) : c.blue(label);
}

function summaryLines(result: LintResult, c: ChalkInstance): string[] {
  const { errors, warnings, infos, statements, filesLinted } = result.summary;
  const scanned = `${statements} statement${statements === 1 ? '' : 's'} in ${filesLinted} input${filesLinted === 1 ? '' : 's'}`;
  if (result.findings.length === 0) return [c.green(`✔ no lock hazards found (${scanned})`)];
  const total = result.findings.length;
  const text = `✖ ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${infos ? `, ${infos} info` : ''}) in ${scanned}`;
  return ['', errors > 0 ? c.red.bold(text) : c.yellow.bold(text)];
}
