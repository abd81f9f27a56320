/** Feeding log readers in tests, and picking out the events they emit. */
import { readFileSync } from 'node:fs';
import type { InputEvent, InputNoticeEvent, ServerErrorEvent, SessionEndEvent, StatementEvent } from '../../src/model/input.js';
import { readLogEvents } from '../../src/input/logs/read.js';
import type { LineParser, LogReadStats, LogReader, LogReaderOptions } from '../../src/input/logs/types.js';

/**
 * Runs a reader's line parser over inline lines, numbering them from 1. No driver: what the
 * parser emits is what comes back (the driver's own statement splitting does not run).
 */
export function feedLines<Parser extends LineParser = LineParser>(
  reader: LogReader,
  lines: readonly string[],
  file: string,
  options: LogReaderOptions = {},
): { events: InputEvent[]; parser: Parser } {
  const events: InputEvent[] = [];
  const parser = reader.create({ file, options, emit: (event) => events.push(event) }) as Parser;
  lines.forEach((text, index) => parser.line(text, index + 1));
  parser.end();
  return { events, parser };
}

/** Every event of a file, through the real driver (decompression, line endings, batches). */
export async function readLogFile(reader: LogReader, path: string, displayName: string): Promise<InputEvent[]> {
  const events: InputEvent[] = [];
  for await (const event of readLogEvents(reader, { displayName, path })) events.push(event);
  return events;
}

/** As readLogFile, with the reader's own counts for the file kept for assertions. */
export async function readLogFileWithStats<Stats extends LogReadStats = LogReadStats>(
  reader: LogReader,
  path: string,
  displayName: string,
): Promise<{ events: InputEvent[]; stats: Stats }> {
  let parser: LineParser | undefined;
  const counting: LogReader = { ...reader, create: (context) => (parser = reader.create(context)) };
  const events = await readLogFile(counting, path, displayName);
  return { events, stats: parser!.stats as Stats };
}

/** The start of a file as auto-detection sniffs it. */
export function fileHead(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, 200);
}

/** A log fixture as the fixture harness reads it: its `-- ` header lines blanked (line numbers kept). */
export function logFixtureLines(path: string): { lines: string[]; expectedLines: number[] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const expectedLines: number[] = [];
  for (let i = 0; i < lines.length && lines[i]!.startsWith('-- '); i++) {
    const expect = /^-- expect@(\d+): /.exec(lines[i]!);
    if (expect) expectedLines.push(Number(expect[1]));
    lines[i] = '';
  }
  return { lines, expectedLines };
}

export const statements = (events: readonly InputEvent[]): StatementEvent[] => events.filter((e): e is StatementEvent => e.kind === 'statement');
export const texts = (events: readonly InputEvent[]): string[] => statements(events).map((e) => e.text);
export const serverErrors = (events: readonly InputEvent[]): ServerErrorEvent[] => events.filter((e): e is ServerErrorEvent => e.kind === 'server-error');
export const sessionEnds = (events: readonly InputEvent[]): SessionEndEvent[] => events.filter((e): e is SessionEndEvent => e.kind === 'session-end');
export const notices = (events: readonly InputEvent[]): InputNoticeEvent[] => events.filter((e): e is InputNoticeEvent => e.kind === 'notice');
export const noticeCodes = (events: readonly InputEvent[]): string[] => notices(events).map((notice) => notice.code);

/** Lines the unrecognised-lines notices cover (each message starts with its count). */
export function unrecognisedLineCount(events: readonly InputEvent[]): number {
  return notices(events)
    .filter((notice) => notice.code === 'unrecognised-lines')
    .reduce((sum, notice) => sum + Number(notice.message.split(' ')[0]), 0);
}
