export type Severity = 'error' | 'warning' | 'info';
export type SeverityOrOff = Severity | 'off';

export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** How sure the finding is, given what the input could show (logs have no result sets). */
export type Confidence = 'high' | 'medium' | 'low';

export interface RelatedLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly session: string | null;
  readonly time?: string;
  /** What this statement contributes, e.g. "holds S lock on author row id=1 (FK check)". */
  readonly message: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** One-line summary. */
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly session: string | null;
  readonly time?: string;
  readonly related: readonly RelatedLocation[];
  /** Lock edges one per line, Elle-style: who holds which lock on which row, who waits. */
  readonly lockEdges: readonly string[];
  /** The dialect's safe rewrite. */
  readonly fix?: string;
  readonly confidence: Confidence;
  /** Caveats that lower confidence, e.g. "foreign key inferred from the column name author_id". */
  readonly notes: readonly string[];
  /** What the server itself logged that shows the hazard happened (a 1213 deadlock, a 23505). */
  readonly evidence?: readonly string[];
  readonly docsUrl: string;
  /** Normalised text of the anchoring statement (fingerprint), for baselines and suppressions. */
  readonly statementFingerprint?: string;
  /**
   * Logs only: how many times this rule fired on a statement of this shape in this input (the
   * finding shown is the first, or the most confident, occurrence), and in how many sessions.
   */
  readonly occurrences?: number;
  readonly sessionsAffected?: number;
}

export interface LintSummary {
  readonly filesLinted: number;
  readonly statements: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

export interface LintResult {
  readonly findings: readonly Finding[];
  readonly summary: LintSummary;
}
