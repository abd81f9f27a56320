import type { LintResult } from '../model/finding.js';

/** A rule as the CLI describes it to formatters that list every rule (SARIF's tool.driver.rules). */
export interface RuleDescriptor {
  readonly id: string;
  readonly description: string;
  readonly docsUrl: string;
  /** The severity the rule reports at: `error`, `warning`, `info`, or `off`. */
  readonly severity: string;
}

export interface FormatOptions {
  /** ANSI colour; the CLI decides (TTY, NO_COLOR, --no-color). */
  readonly color: boolean;
  /** locklint's version, for reports that name the tool (SARIF). */
  readonly toolVersion?: string;
  /** Every known rule and diagnostic, so reports can list rules that found nothing. */
  readonly rules?: readonly RuleDescriptor[];
}

export type Formatter = (result: LintResult, options: FormatOptions) => string;
