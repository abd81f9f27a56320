/**
 * SARIF 2.1.0 (the OASIS standard GitHub code scanning and most CI dashboards read): one run
 * whose driver lists the rules, and one result per finding with its location, the related
 * statements, and a fingerprint that survives line moves.
 */
import type { Finding, RelatedLocation, Severity } from '../model/finding.js';
import { findingFingerprints, portablePath } from './report-common.js';
import type { Formatter, RuleDescriptor } from './types.js';

const SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';
/** Versioned, so a change to how fingerprints are made can move to `/v2` without clashing. */
const FINGERPRINT_KEY = 'locklint/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

interface DriverRule {
  readonly id: string;
  readonly description?: string;
  readonly docsUrl: string;
  readonly severity: string;
}

export const formatSarif: Formatter = (result, options) => {
  const rules = driverRules(result.findings, options.rules ?? []);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const fingerprints = findingFingerprints(result.findings);
  const driver = {
    name: 'locklint',
    ...(options.toolVersion ? { version: options.toolVersion } : {}),
    rules: rules.map(reportingDescriptor),
  };
  const log = {
    $schema: SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        results: result.findings.map((finding, index) => sarifResult(finding, ruleIndex.get(finding.ruleId)!, fingerprints[index]!)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
};

/** The rules the CLI knows, then any rule only the findings name (ruleIndex must point somewhere). */
function driverRules(findings: readonly Finding[], known: readonly RuleDescriptor[]): DriverRule[] {
  const rules = new Map<string, DriverRule>();
  for (const rule of known) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  for (const finding of findings) {
    if (!rules.has(finding.ruleId)) rules.set(finding.ruleId, { id: finding.ruleId, docsUrl: finding.docsUrl, severity: finding.severity });
  }
  return [...rules.values()];
}

function reportingDescriptor(rule: DriverRule): Record<string, unknown> {
  const configuration = defaultConfiguration(rule.severity);
  return {
    id: rule.id,
    ...(rule.description ? { shortDescription: { text: rule.description } } : {}),
    ...(isAbsoluteUri(rule.docsUrl) ? { helpUri: rule.docsUrl } : {}),
    ...(configuration ? { defaultConfiguration: configuration } : {}),
  };
}

function defaultConfiguration(severity: string): Record<string, unknown> | undefined {
  if (severity === 'off') return { enabled: false };
  if (severity === 'error' || severity === 'warning' || severity === 'info') return { level: LEVEL[severity] };
  return undefined;
}

function sarifResult(finding: Finding, ruleIndex: number, fingerprint: string): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: messageText(finding), markdown: messageMarkdown(finding) },
    locations: [{ physicalLocation: physicalLocation(finding.file, finding.line, finding.column, finding.endLine) }],
    ...(finding.related.length > 0 ? { relatedLocations: finding.related.map((related, index) => relatedLocation(related, index + 1)) } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
    properties: resultProperties(finding),
  };
}

function messageText(finding: Finding): string {
  return finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message;
}

/** The text plus what a rendered view has room for: the lock edges and the server's evidence. */
function messageMarkdown(finding: Finding): string {
  const blocks = [escapeMarkdown(finding.message)];
  if (finding.lockEdges.length > 0) blocks.push('**Lock edges**', codeBlock(finding.lockEdges));
  if (finding.evidence && finding.evidence.length > 0) {
    blocks.push('**Evidence in the server log**', finding.evidence.map((item) => `- ${escapeMarkdown(item)}`).join('\n'));
  }
  if (finding.fix) blocks.push(`**Fix:** ${escapeMarkdown(finding.fix)}`);
  return blocks.join('\n\n');
}

function relatedLocation(related: RelatedLocation, id: number): Record<string, unknown> {
  // Across sessions (a deadlock in a log) the session is what tells the two statements apart.
  const where = related.session === null ? '' : ` (session ${related.session}${related.time ? ` at ${related.time}` : ''})`;
  return {
    id,
    physicalLocation: physicalLocation(related.file, related.line, related.column),
    message: { text: `${related.message}${where}` },
  };
}

function physicalLocation(file: string, line: number, column: number, endLine?: number): Record<string, unknown> {
  // SARIF lines and columns start at 1; clamp rather than emit a location the schema rejects.
  const startLine = Math.max(1, line);
  return {
    artifactLocation: { uri: artifactUri(file) },
    region: {
      startLine,
      startColumn: Math.max(1, column),
      ...(endLine !== undefined && endLine > startLine ? { endLine } : {}),
    },
  };
}

function resultProperties(finding: Finding): Record<string, unknown> {
  return {
    confidence: finding.confidence,
    occurrences: finding.occurrences ?? 1,
    ...(finding.session === null ? {} : { session: finding.session, sessionsAffected: finding.sessionsAffected ?? 1 }),
    ...(finding.time ? { time: finding.time } : {}),
    ...(finding.lockEdges.length > 0 ? { lockEdges: finding.lockEdges } : {}),
    ...(finding.notes.length > 0 ? { notes: finding.notes } : {}),
    ...(finding.evidence && finding.evidence.length > 0 ? { evidence: finding.evidence } : {}),
    ...(finding.statementFingerprint ? { statementFingerprint: finding.statementFingerprint } : {}),
  };
}

/**
 * Relative paths stay relative (consumers resolve them against the checkout); absolute ones
 * become file URIs. Each segment is percent-encoded, so spaces or `<stdin>` still make a URI.
 */
function artifactUri(file: string): string {
  const path = portablePath(file);
  const drive = /^([A-Za-z]:)\//.exec(path);
  if (drive) return `file:///${drive[1]}/${encodeSegments(path.slice(3))}`;
  if (path.startsWith('/')) return `file://${encodeSegments(path)}`;
  return encodeSegments(path);
}

function encodeSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function isAbsoluteUri(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(text);
}

/** Backslash-escapes what CommonMark would read as markup inside a line or at its start. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>&|~]/g, '\\$&')
    .replace(/^(\s*)([#+=-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

/** A fence longer than any run of backticks inside, so edges print verbatim. */
function codeBlock(lines: readonly string[]): string {
  const longestRun = Math.max(2, ...lines.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)));
  const fence = '`'.repeat(longestRun + 1);
  return [`${fence}text`, ...lines, fence].join('\n');
}
