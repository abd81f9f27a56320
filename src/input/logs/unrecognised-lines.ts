/**
 * Lines a log reader cannot place. They are counted and reported at the first line of their run,
 * so junk is never dropped silently but never floods the output either: one notice per run (the
 * server log readers), or per file for readers that only close the run at end of file.
 */
import type { InputEvent, InputNoticeEvent } from '../../model/input.js';

/** How a run is reported: its notice's severity and message. */
export interface UnrecognisedLinesReport {
  readonly severity: InputNoticeEvent['severity'];
  message(count: number, firstLine: number, firstText: string): string;
}

const EXCERPT_LENGTH = 60;

/** Server logs hold nothing but records: a line that is none is a warning, shown by excerpt. */
const SERVER_LOG_REPORT: UnrecognisedLinesReport = {
  severity: 'warning',
  message(count, _firstLine, firstText) {
    const trimmed = firstText.trim();
    const excerpt = trimmed.length > EXCERPT_LENGTH ? `${trimmed.slice(0, EXCERPT_LENGTH)}...` : trimmed;
    return `${count} unrecognised ${count === 1 ? 'line' : 'lines'} (first: "${excerpt}")`;
  },
};

export class UnrecognisedLines {
  private count = 0;
  private firstLine = 0;
  private firstText = '';
  /** Lines counted over the whole file (for tests and summaries). */
  total = 0;

  constructor(
    private readonly file: string,
    private readonly emit: (event: InputEvent) => void,
    private readonly report: UnrecognisedLinesReport = SERVER_LOG_REPORT,
  ) {}

  add(text: string, lineNumber: number): void {
    this.addLines(text, lineNumber, 1);
  }

  /** Several lines at once (a record spanning lines that turned out not to be one). */
  addLines(firstText: string, firstLine: number, count: number): void {
    if (count <= 0) return;
    if (this.count === 0) {
      this.firstLine = firstLine;
      this.firstText = firstText;
    }
    this.count += count;
    this.total += count;
  }

  /** The run is over (a recognised line, or end of file): report it if there was one. */
  close(): void {
    if (this.count === 0) return;
    this.emit({
      kind: 'notice',
      code: 'unrecognised-lines',
      severity: this.report.severity,
      origin: { file: this.file, line: this.firstLine, column: 1, session: null },
      message: this.report.message(this.count, this.firstLine, this.firstText),
    });
    this.count = 0;
    this.firstText = '';
  }
}
