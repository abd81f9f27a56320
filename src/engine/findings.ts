/** Turns rule reports, parse errors and input notices into Findings: severity, dedupe, order. */
import type { SchemaView } from '../analyze/catalog.js';
import type { Dialect } from '../model/dialect.js';
import type { Finding, RelatedLocation, Severity, SeverityOrOff } from '../model/finding.js';
import type { InputNoticeEvent } from '../model/input.js';
import type { Statement } from '../model/statement.js';
import { confidenceRank, formatMessage, type ReportInput, type Rule, type RuleContext } from '../rule-api.js';
import { DIAGNOSTICS, DIAGNOSTICS_DOCS_URL, diagnosticForNotice } from './diagnostics.js';

interface SessionFacts {
  readonly key: string;
  readonly dialect: Dialect;
  readonly serverErrors: readonly { code?: string; message: string; line: number }[];
}

const DIAGNOSTIC_SEVERITY = new Map(DIAGNOSTICS.map((d) => [d.id, d.severity]));

/** Distinct sessions counted per grouped finding; past this the count says "at least". */
const SESSIONS_COUNTED = 10_000;

const ANY_RULE = '*';

interface Group {
  finding: Finding;
  occurrences: number;
  readonly sessions: Set<string>;
}

function showRank(finding: Finding): number {
  return (finding.evidence?.length ? 10 : 0) + confidenceRank(finding.confidence);
}

export class FindingCollector {
  private readonly findings = new Map<string, Group>();

  constructor(
    private readonly severities: ReadonlyMap<string, SeverityOrOff> = new Map(),
    ignoredStatements: readonly { readonly fingerprint: string; readonly rule?: string }[] = [],
  ) {
    for (const entry of ignoredStatements) {
      const rules = this.ignored.get(entry.fingerprint) ?? new Set<string>();
      rules.add(entry.rule ?? ANY_RULE);
      this.ignored.set(entry.fingerprint, rules);
    }
  }

  /** Fingerprint -> the rules ignored for it (ANY_RULE for all). */
  private readonly ignored = new Map<string, Set<string>>();

  severityOf(id: string, fallback: Severity): SeverityOrOff {
    return this.severities.get(id) ?? fallback;
  }

  /**
   * `groupByShape`: for logs, a finding whose anchoring statement has the same fingerprint as an
   * earlier one of the same rule is the same code path running again: it is counted into the
   * first finding (occurrences, sessions) instead of being reported once per run.
   */
  context(rule: Rule, session: SessionFacts, schema: SchemaView, boundariesAssumed: boolean, groupByShape: boolean): RuleContext<string> {
    const severity = this.severityOf(rule.id, rule.severity);
    return {
      dialect: session.dialect,
      schema,
      session: session.key,
      boundariesAssumed,
      serverErrors: () => session.serverErrors,
      report: (input) => {
        if (severity !== 'off') this.add(this.fromReport(rule, severity, input), groupByShape);
      },
    };
  }

  parseError(statement: Statement, groupByShape = false): void {
    const error = statement.parseError;
    const location = error ?? statement.origin;
    this.addDiagnostic(
      'parse-error',
      `Could not parse this statement, so it is left out of the analysis: ${error?.message ?? 'unknown error'}`,
      {
        file: statement.origin.file,
        line: location.line,
        column: location.column,
        session: statement.origin.session,
        ...(statement.origin.time === undefined ? {} : { time: statement.origin.time }),
      },
      undefined,
      groupByShape ? statement.fingerprint : undefined,
    );
  }

  /** Keeps only the findings `keep` accepts (suppressions). */
  retain(keep: (finding: Finding) => boolean): void {
    for (const [key, group] of this.findings) if (!keep(group.finding)) this.findings.delete(key);
  }

  diagnostic(id: string, message: string, at: { file: string; line: number; column: number; session: string | null }, severity: Severity): void {
    this.addDiagnostic(id, message, at, severity);
  }

  notice(notice: InputNoticeEvent): void {
    const id = diagnosticForNotice(notice.code);
    this.addDiagnostic(id, notice.message, notice.origin, notice.severity);
  }

  /** Findings in input order, then line, column and rule. */
  sorted(fileOrder: readonly string[]): Finding[] {
    const rank = new Map(fileOrder.map((file, index) => [file, index]));
    const findings = [...this.findings.values()].map((group): Finding =>
      group.occurrences === 1
        ? group.finding
        : { ...group.finding, occurrences: group.occurrences, sessionsAffected: group.sessions.size },
    );
    return findings.sort(
      (a, b) =>
        (rank.get(a.file) ?? -1) - (rank.get(b.file) ?? -1) ||
        a.line - b.line ||
        a.column - b.column ||
        a.ruleId.localeCompare(b.ruleId),
    );
  }

  private addDiagnostic(
    id: string,
    message: string,
    at: { file: string; line: number; column: number; session: string | null; time?: string },
    noticeSeverity?: Severity,
    fingerprint?: string,
  ): void {
    const severity = this.severityOf(id, noticeSeverity ?? DIAGNOSTIC_SEVERITY.get(id) ?? 'warning');
    if (severity === 'off') return;
    this.add({
      ruleId: id,
      severity,
      message,
      file: at.file,
      line: at.line,
      column: at.column,
      session: at.session,
      ...(at.time === undefined ? {} : { time: at.time }),
      related: [],
      lockEdges: [],
      confidence: 'high',
      notes: [],
      docsUrl: DIAGNOSTICS_DOCS_URL,
      ...(fingerprint === undefined ? {} : { statementFingerprint: fingerprint }),
    }, fingerprint !== undefined);
  }

  private fromReport(rule: Rule, severity: Severity, input: ReportInput<string>): Finding {
    const at = input.at.origin;
    const template = rule.messages[input.messageId] ?? input.messageId;
    return {
      ruleId: rule.id,
      severity,
      message: formatMessage(template, input.data),
      file: at.file,
      line: at.line,
      column: at.column,
      session: at.session,
      ...(at.time === undefined ? {} : { time: at.time }),
      related: (input.related ?? []).map(
        (related): RelatedLocation => ({
          file: related.at.origin.file,
          line: related.at.origin.line,
          column: related.at.origin.column,
          session: related.at.origin.session,
          ...(related.at.origin.time === undefined ? {} : { time: related.at.origin.time }),
          message: related.message,
        }),
      ),
      lockEdges: input.lockEdges ?? [],
      ...(input.fix === undefined ? {} : { fix: input.fix }),
      confidence: input.confidence ?? 'high',
      notes: input.notes ?? [],
      ...(input.evidence && input.evidence.length > 0 ? { evidence: input.evidence } : {}),
      docsUrl: rule.docsUrl,
      statementFingerprint: input.at.fingerprint,
    };
  }

  private add(finding: Finding, groupByShape = false): void {
    const ignoredRules = finding.statementFingerprint === undefined ? undefined : this.ignored.get(finding.statementFingerprint);
    if (ignoredRules && (ignoredRules.has(ANY_RULE) || ignoredRules.has(finding.ruleId))) return;
    const key =
      groupByShape && finding.statementFingerprint
        ? `${finding.ruleId}\0${finding.file}\0${finding.statementFingerprint}`
        : `${finding.ruleId}\0${finding.file}\0${finding.line}\0${finding.column}\0${finding.session ?? ''}`;
    const group = this.findings.get(key);
    if (!group) {
      this.findings.set(key, { finding, occurrences: 1, sessions: new Set(finding.session === null ? [] : [finding.session]) });
      return;
    }
    if (finding.line === group.finding.line && finding.session === group.finding.session) return;
    group.occurrences++;
    if (finding.session !== null && group.sessions.size < SESSIONS_COUNTED) group.sessions.add(finding.session);
    // Show the occurrence the server's own log confirms, else the most confident one.
    if (showRank(finding) > showRank(group.finding)) group.finding = finding;
  }
}
