/**
 * The JSON contract other tools build on: `{schemaVersion: 1, findings: [...], summary}`.
 * Adding fields is compatible; renaming or removing one needs schemaVersion 2.
 */
import type { Finding, LintResult } from '../model/finding.js';
import type { Formatter } from './types.js';

export const JSON_SCHEMA_VERSION = 1;

export const formatJson: Formatter = (result: LintResult) =>
  JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, findings: result.findings.map(toJson), summary: result.summary }, null, 2) + '\n';

function toJson(finding: Finding): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    session: finding.session,
    time: finding.time ?? null,
    confidence: finding.confidence,
    lockEdges: finding.lockEdges,
    fix: finding.fix ?? null,
    notes: finding.notes,
    evidence: finding.evidence ?? [],
    related: finding.related.map((r) => ({ file: r.file, line: r.line, column: r.column, session: r.session, time: r.time ?? null, message: r.message })),
    docsUrl: finding.docsUrl,
    statementFingerprint: finding.statementFingerprint ?? null,
    occurrences: finding.occurrences ?? 1,
    sessionsAffected: finding.sessionsAffected ?? (finding.session === null ? 0 : 1),
  };
}
