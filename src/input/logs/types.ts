import type { Dialect } from '../../model/dialect.js';
import type { InputEvent, InputFormat } from '../../model/input.js';

export interface LogReaderOptions {
  /** PostgreSQL `log_line_prefix` as configured on the server, when the user states it. */
  readonly logLinePrefix?: string;
  /** The user's `--dialect`, when given (Django/Rails logs cannot always tell). */
  readonly dialect?: Dialect;
}

export interface LogReaderContext {
  /** Display name of the file, used in every Origin. */
  readonly file: string;
  readonly options: LogReaderOptions;
  emit(event: InputEvent): void;
}

/** What every reader can say about a file it read: for summaries, reports and tests. */
export interface LogReadStats {
  /** Log records recognised (a record may hold no statement, or several). */
  readonly records: number;
  /** Lines that are no record of the format: counted and reported, never dropped silently. */
  readonly unrecognisedLines: number;
}

/** A synchronous line-by-line state machine: fast, and testable by feeding it an array of lines. */
export interface LineParser {
  line(text: string, lineNumber: number): void;
  /** End of file: flush any record still being assembled. */
  end(): void;
  readonly stats: LogReadStats;
}

export interface LogReader {
  readonly format: InputFormat;
  /** Does the start of a file (up to ~200 lines) look like this format? */
  sniff(head: readonly string[]): boolean;
  create(context: LogReaderContext): LineParser;
}
