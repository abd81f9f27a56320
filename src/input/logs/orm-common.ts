/**
 * What the ORM log readers (Django, Rails) share. Unlike a server's log, an application's log
 * does not name the database it talks to, so records are held back until their SQL shows the
 * dialect; and one record may carry several statements.
 */
import type { Dialect } from '../../model/dialect.js';
import type { InputEvent } from '../../model/input.js';
import type { Origin } from '../../model/origin.js';
import { splitSql } from '../split-sql.js';
import type { LogReaderContext } from './types.js';
import { UnrecognisedLines } from './unrecognised-lines.js';

const DIALECT_WINDOW_RECORDS = 200;
const DIALECT_WINDOW_CHARS = 1 << 20;

/** The dialect the log only hints at, and the line of the first hint. */
export interface WeakDialectEvidence {
  readonly dialect: Dialect;
  readonly line: number;
}

/**
 * Holds the first records back until the log shows its dialect, so the `dialect` event comes
 * before any statement (the engine gives a session the dialect known when it opens). Bounded:
 * after DIALECT_WINDOW_RECORDS records or DIALECT_WINDOW_CHARS characters it decides on the weak
 * evidence it has. With the user's `--dialect` nothing is held and no event is emitted.
 */
export class DialectGate {
  private held: ((dialect: Dialect | undefined) => void)[] | undefined = [];
  private heldRecords = 0;
  private heldChars = 0;
  private dialect: Dialect | undefined;

  constructor(
    private readonly context: LogReaderContext,
    private readonly weakEvidence: () => WeakDialectEvidence | undefined,
  ) {
    if (context.options.dialect) {
      this.dialect = context.options.dialect;
      this.held = undefined;
    }
  }

  get collecting(): boolean {
    return this.held !== undefined;
  }

  /** Runs `action` now if the dialect is settled, else once it is; `chars` 0 is no record (a notice). */
  run(action: (dialect: Dialect | undefined) => void, chars: number): void {
    if (!this.held) return action(this.dialect);
    this.held.push(action);
    if (chars > 0) this.heldRecords++;
    this.heldChars += chars;
    if (this.heldRecords >= DIALECT_WINDOW_RECORDS || this.heldChars >= DIALECT_WINDOW_CHARS) this.close();
  }

  decide(dialect: Dialect, line: number): void {
    if (!this.held) return;
    const held = this.held;
    this.held = undefined;
    this.dialect = dialect;
    this.context.emit({ kind: 'dialect', dialect, origin: { file: this.context.file, line, column: 1, session: null } });
    for (const action of held) action(dialect);
  }

  /** No strong evidence came: decide on the weak evidence, if any. */
  close(): void {
    if (!this.held) return;
    const weak = this.weakEvidence();
    if (weak) return this.decide(weak.dialect, weak.line);
    const held = this.held;
    this.held = undefined;
    for (const action of held) action(undefined);
  }
}

/**
 * Counts the lines that are no record. An application's log mixes in other output freely, so
 * they get one `info` notice for the file (close it at end of file only), not a warning per run.
 */
export function skippedLineCounter(context: LogReaderContext, lines: string, source: string): UnrecognisedLines {
  return new UnrecognisedLines(context.file, context.emit, {
    severity: 'info',
    message: (count, firstLine) => `${count} line${count === 1 ? '' : 's'} ${lines} were skipped (${source}, first at line ${firstLine})`,
  });
}

/**
 * One record's text as statement events: a record may hold several (Rails' `Fixtures Load`, a
 * raw query). The first keeps the record's origin; the others get their own line (`lineOffset`:
 * blank lines before the SQL's first line, which the trimmed text lost). Split here, with the
 * dialect the gate decided, rather than left to the driver: the reader's statement count and the
 * origins of the later statements depend on it.
 */
export function statementsOf(text: string, origin: Origin, lineOffset: number, dialect: Dialect | undefined): InputEvent[] {
  const sql = withoutTrailingSemicolons(text);
  if (!sql.includes(';')) return [{ kind: 'statement', text: sql, origin }];
  const parts = splitSql(sql, dialect ? { dialect } : {}).statements;
  if (parts.length <= 1) return [{ kind: 'statement', text: parts[0]?.text ?? sql, origin }];
  return parts.map((part, index) => ({
    kind: 'statement',
    text: part.text,
    origin: index === 0 ? origin : { ...origin, line: origin.line + lineOffset + part.line - 1, column: part.column },
  }));
}

/** How many of a record's lines come before its first non-blank one. */
export function leadingBlankLines(lines: readonly string[]): number {
  let count = 0;
  while (count < lines.length && lines[count]!.trim() === '') count++;
  return count;
}

function withoutTrailingSemicolons(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ';' || text[end - 1] === ' ' || text[end - 1] === '\n' || text[end - 1] === '\t')) end--;
  return end === text.length ? text : text.slice(0, end);
}
