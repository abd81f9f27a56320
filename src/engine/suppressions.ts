/**
 * Inline suppressions in SQL comments, strict like squawk's:
 *   -- locklint-disable-next-line <rule>[, <rule>] -- reason   (the next statement)
 *   stmt; -- locklint-disable-line <rule>                      (this line)
 *   -- locklint-disable <rule> ... -- locklint-enable <rule>    (a range)
 *   -- locklint-disable-file <rule>                            (the whole file)
 * Rules must be named; an unknown id is an error; a suppression that suppresses nothing is a
 * warning, so stale ones do not pile up.
 */
import type { Finding, Severity } from '../model/finding.js';

export interface SuppressionComment {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

type Scope = { kind: 'file' } | { kind: 'lines'; from: number; to: number };

interface Suppression {
  readonly rule: string;
  readonly scope: Scope;
  readonly comment: SuppressionComment;
  used: boolean;
}

export interface SuppressionProblem {
  readonly ruleId: 'invalid-suppression' | 'unused-suppression';
  readonly severity: Severity;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

const DIRECTIVE = /^locklint-(disable-next-line|disable-line|disable-file|disable|enable)\b\s*(.*)$/;

export class FileSuppressions {
  private readonly suppressions: Suppression[] = [];
  readonly problems: SuppressionProblem[] = [];

  /**
   * `statementLines`: first lines of the file's statements, ascending, so a next-line
   * suppression binds to the next statement even across blank lines.
   */
  constructor(comments: readonly SuppressionComment[], statementLines: readonly number[], knownRules: ReadonlySet<string>) {
    const open = new Map<string, Suppression>();
    for (const comment of comments) {
      const match = DIRECTIVE.exec(comment.text.trim());
      if (!match) continue;
      const kind = match[1]!;
      const rules = this.ruleList(match[2]!, comment, knownRules, kind);
      for (const rule of rules) {
        if (kind === 'enable') {
          const started = open.get(rule);
          if (!started) {
            this.problem('unused-suppression', 'warning', `locklint-enable ${rule} has no matching locklint-disable before it`, comment);
            continue;
          }
          open.delete(rule);
          (started.scope as { to: number }).to = comment.line;
          continue;
        }
        let scope: Scope;
        if (kind === 'disable-file') scope = { kind: 'file' };
        else if (kind === 'disable-line') scope = { kind: 'lines', from: comment.line, to: comment.line };
        else if (kind === 'disable-next-line') {
          const next = statementLines.find((line) => line > comment.line) ?? comment.line + 1;
          scope = { kind: 'lines', from: next, to: next };
        } else scope = { kind: 'lines', from: comment.line, to: Number.MAX_SAFE_INTEGER };
        const suppression: Suppression = { rule, scope, comment, used: false };
        this.suppressions.push(suppression);
        if (kind === 'disable') open.set(rule, suppression);
      }
    }
  }

  /** False when a suppression covers the finding (and marks that suppression used). */
  keep(finding: Finding): boolean {
    let suppressed = false;
    for (const suppression of this.suppressions) {
      if (suppression.rule !== finding.ruleId) continue;
      const { scope } = suppression;
      if (scope.kind === 'file' || (finding.line >= scope.from && finding.line <= scope.to)) {
        suppression.used = true;
        suppressed = true;
      }
    }
    return !suppressed;
  }

  /** Suppressions that covered nothing, for rules that were on (an off rule cannot fire). */
  unused(isRuleOn: (rule: string) => boolean): SuppressionProblem[] {
    return this.suppressions
      .filter((s) => !s.used && isRuleOn(s.rule))
      .map((s) => ({
        ruleId: 'unused-suppression' as const,
        severity: 'warning' as const,
        message: `this locklint suppression of ${s.rule} suppresses nothing: remove it`,
        line: s.comment.line,
        column: s.comment.column,
      }));
  }

  private ruleList(text: string, comment: SuppressionComment, knownRules: ReadonlySet<string>, kind: string): string[] {
    // `-- reason` after the ids is free text.
    const ids = text.split(/\s--\s|^--\s?/)[0]!.split(',').map((id) => id.trim()).filter(Boolean);
    if (ids.length === 0) {
      this.problem('invalid-suppression', 'error', `locklint-${kind} must name the rule(s) it disables, e.g. "locklint-${kind} select-ids-then-delete-in -- reason"`, comment);
      return [];
    }
    const known: string[] = [];
    for (const id of ids) {
      if (knownRules.has(id)) known.push(id);
      else this.problem('invalid-suppression', 'error', `unknown rule "${id}" in locklint-${kind} (see locklint --list-rules)`, comment);
    }
    return known;
  }

  private problem(ruleId: SuppressionProblem['ruleId'], severity: Severity, message: string, comment: SuppressionComment): void {
    this.problems.push({ ruleId, severity, message, line: comment.line, column: comment.column });
  }
}
