/** Turns rule reports, parse errors and input notices into Findings: severity, dedupe, order. */
import type { SchemaView } from '../analyze/catalog.js';
import type { Dialect } from '../model/dialect.js';
import type { Finding, RelatedLocation, Severity, SeverityOrOff } from '../model/finding.js';
import type { InputNoticeEvent } from '../model/input.js';
import type { Statement } from '../model/statement.js';
import { formatMessage, type ReportInput, type Rule, type RuleContext } from '../rule-api.js';
import { DIAGNOSTICS, DIAGNOSTICS_DOCS_URL, diagnosticForNotice } from './diagnostics.js';

interface SessionFacts {
  readonly key: string;
  readonly dialect: Dialect;
  readonly serverErrors: readonly { code?: string; message: string; line: number }[];
}

const DIAGNOSTIC_SEVERITY = new Map(DIAGNOSTICS.map((d) => [d.id, d.severity]));

export class FindingCollector {
  private readonly findings = new Map<string, Finding>();

  constructor(
    private readonly severities: ReadonlyMap<string, SeverityOrOff> = new Map(),
    private readonly ignoredFingerprints: ReadonlySet<string> = new Set(),
  ) {}

  severityOf(id: string, fallback: Severity): SeverityOrOff {
    return this.severities.get(id) ?? fallback;
  }

  context(rule: Rule, session: SessionFacts, schema: SchemaView, boundariesAssumed: boolean): RuleContext<string> {
    const severity = this.severityOf(rule.id, rule.severity);
    return {
      dialect: session.dialect,
      schema,
      session: session.key,
      boundariesAssumed,
      serverErrors: () => session.serverErrors,
      report: (input) => {
        if (severity !== 'off') this.add(this.fromReport(rule, severity, input));
      },
    };
  }

  parseError(statement: Statement): void {
    const error = statement.parseError;
    const location = error ?? statement.origin;
    this.addDiagnostic('parse-error', `Could not parse this statement, so it is left out of the analysis: ${error?.message ?? 'unknown error'}`, {
      file: statement.origin.file,
      line: location.line,
      column: location.column,
      session: statement.origin.session,
      ...(statement.origin.time === undefined ? {} : { time: statement.origin.time }),
    });
  }

  notice(notice: InputNoticeEvent): void {
    const id = diagnosticForNotice(notice.code);
    this.addDiagnostic(id, notice.message, notice.origin, notice.severity);
  }

  /** Findings in input order, then line, column and rule. */
  sorted(fileOrder: readonly string[]): Finding[] {
    const rank = new Map(fileOrder.map((file, index) => [file, index]));
    return [...this.findings.values()].sort(
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
    });
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
      docsUrl: rule.docsUrl,
      statementFingerprint: input.at.fingerprint,
    };
  }

  private add(finding: Finding): void {
    if (finding.statementFingerprint && this.ignoredFingerprints.has(finding.statementFingerprint)) return;
    const key = `${finding.ruleId}\0${finding.file}\0${finding.line}\0${finding.column}\0${finding.session ?? ''}`;
    if (!this.findings.has(key)) this.findings.set(key, finding);
  }
}
