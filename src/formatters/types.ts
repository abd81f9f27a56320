import type { LintResult } from '../model/finding.js';

export interface FormatOptions {
  /** ANSI colour; the CLI decides (TTY, NO_COLOR, --no-color). */
  readonly color: boolean;
}

export type Formatter = (result: LintResult, options: FormatOptions) => string;
