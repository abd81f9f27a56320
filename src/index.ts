/** Public programmatic API. (Engine wiring lands with the v1 core.) */
import type { Dialect } from './model/dialect.js';
import type { InputFormat } from './model/input.js';
import type { LintResult, SeverityOrOff } from './model/finding.js';

export interface LintOptions {
  /** Files, directories (searched for *.sql), globs, or '-' for standard input. */
  readonly paths: readonly string[];
  readonly dialect?: Dialect;
  /** Extra DDL files that only feed the schema catalog. */
  readonly schemaFiles?: readonly string[];
  /** Overrides auto-detection for every path. */
  readonly inputFormat?: InputFormat;
  readonly rules?: Readonly<Record<string, SeverityOrOff>>;
  readonly cwd?: string;
}

export type { LintResult } from './model/finding.js';
export declare function lint(options: LintOptions): Promise<LintResult>;
