/**
 * PostgreSQL `log_destination = stderr` logs (also what syslog and Heroku's logplex drain carry):
 * each record is `<log_line_prefix><SEVERITY>:  <message>`; lines of a multi-line message
 * continue on lines starting with a TAB; DETAIL/HINT/CONTEXT/STATEMENT lines of the same
 * session right after a record belong to it.
 *
 * The prefix is the user's `--log-line-prefix` when given, else guessed from the first lines
 * (see log-line-prefix.ts). Syslog (`host postgres[pid]: [N-M] ...`, TABs as `#011`) and logplex
 * (`app[postgres.pid]: [COLOR] [N-M] ...`) lines are unwrapped first: chunk `[N-1]` starts a
 * record, `[N-M]` either starts a secondary line (it has the prefix again) or continues the text.
 * A continuation chunk becomes a new line of the text, whether PostgreSQL split there at a
 * newline (the chunk starts with TAB) or, for a line over ~900 bytes, at a space: a newline where
 * a space was keeps the SQL's meaning, while gluing chunks could pull a line into a `--` comment.
 *
 * Memory: the record being assembled, per-session state in the event builder, and the first
 * 200 lines (at most 1 MB) held once per file until the prefix is decided.
 */
import type { LogLinePrefix, PrefixedLine } from './log-line-prefix.js';
import { HEURISTIC_PREFIX, compileLogLinePrefix, guessLogLinePrefix } from './log-line-prefix.js';
import { PostgresEventBuilder, type PostgresLogRecord } from './postgres-common.js';
import type { LineParser, LogReadStats, LogReader, LogReaderContext } from './types.js';

const CHAR_TAB = 9;
const CHAR_SPACE = 32;

/** Lines (not blank, not continuations) looked at before the prefix is decided, and a size cap for them. */
const DETECTION_LINES = 200;
const DETECTION_CHARS = 1 << 20;

/** An outer wrapper around PostgreSQL's own line: syslog or Heroku logplex. */
interface Envelope {
  readonly name: 'syslog' | 'logplex';
  /** Groups: 1 time, 2 pid, 3 sequence number, 4 chunk number. */
  readonly regex: RegExp;
}

const SYSLOG: Envelope = {
  name: 'syslog',
  regex:
    /^((?:\d{4} +)?[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) \S+ [^\s[]+\[(\d+)\]: \[(\d+)-(\d+)\] ?/,
};

const LOGPLEX: Envelope = {
  name: 'logplex',
  regex: /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (?:\S+ )?app\[postgres(?:\.(\d+))?\]:? (?:\[[A-Z0-9_]+\] )?\[(\d+)-(\d+)\] ?/,
};

/** Severities that add to the record before them rather than start one. */
const SECONDARY = new Set(['DETAIL', 'HINT', 'CONTEXT', 'STATEMENT', 'QUERY', 'LOCATION']);

type Field = 'message' | 'detail' | 'context' | 'statement' | 'ignored';

/** The record being assembled: the only record-sized thing held in memory. */
interface OpenRecord {
  line: number;
  time: string | undefined;
  session: string | null;
  /** pid from a syslog/logplex envelope: its continuation chunks carry only that. */
  envelopePid: string | undefined;
  severity: string;
  sqlState: string | undefined;
  message: string;
  detail: string | undefined;
  context: string | undefined;
  statement: string | undefined;
  /** Where continuation lines go. */
  field: Field;
  /** May lines indented with spaces continue it? Only SQL text, where a TAB may have been expanded. */
  indentedContinues: boolean;
}

/** `#011` (TAB) and friends: syslog daemons escape control characters as `#` + three octal digits. */
function decodeSyslogEscapes(text: string): string {
  if (!text.includes('#0')) return text;
  return text.replace(/#0([0-3][0-7])/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== CHAR_SPACE && code !== CHAR_TAB) return false;
  }
  return true;
}

/** Which envelope, if any, most of the sample's lines wear. */
function detectEnvelope(sample: readonly string[]): Envelope | undefined {
  let syslog = 0;
  let logplex = 0;
  let counted = 0;
  for (const line of sample) {
    if (line.length === 0 || line.charCodeAt(0) === CHAR_TAB || isBlank(line)) continue;
    counted++;
    if (SYSLOG.regex.test(line)) syslog++;
    else if (LOGPLEX.regex.test(line)) logplex++;
  }
  if (counted === 0) return undefined;
  if (syslog * 2 >= counted) return SYSLOG;
  if (logplex * 2 >= counted) return LOGPLEX;
  return undefined;
}

/** The part of each line after its envelope (what log_line_prefix describes). */
function unwrap(sample: readonly string[], envelope: Envelope | undefined): string[] {
  if (envelope === undefined) return sample.slice();
  const inner: string[] = [];
  for (const line of sample) {
    const found = envelope.regex.exec(line);
    if (found !== null) inner.push(decodeSyslogEscapes(line.slice(found[0].length)));
  }
  return inner;
}

export interface StderrLayout {
  readonly envelope: 'syslog' | 'logplex' | undefined;
  readonly prefix: LogLinePrefix;
  /** Lines of the sample the prefix placed, and lines it could have placed. */
  readonly matched: number;
  readonly sampled: number;
}

/** Envelope and prefix of a stderr log, from its first lines (the prefix may be given). */
export function detectStderrLayout(sample: readonly string[], logLinePrefix?: string): StderrLayout {
  const envelope = detectEnvelope(sample);
  const inner = unwrap(sample, envelope);
  if (logLinePrefix !== undefined) {
    const prefix = compileLogLinePrefix(logLinePrefix);
    let matched = 0;
    let sampled = 0;
    for (const line of inner) {
      if (line.length === 0 || line.charCodeAt(0) === CHAR_TAB || isBlank(line)) continue;
      sampled++;
      if (prefix.match(line) !== undefined) matched++;
    }
    return { envelope: envelope?.name, prefix, matched, sampled };
  }
  const guess = guessLogLinePrefix(inner);
  return { envelope: envelope?.name, prefix: guess.prefix, matched: guess.matched, sampled: guess.sampled };
}

class StderrLogParser implements LineParser {
  private readonly builder: PostgresEventBuilder;
  private decided = false;
  private held: { text: string; lineNumber: number }[] = [];
  private heldLines = 0;
  private heldChars = 0;
  private envelope: Envelope | undefined;
  private prefix: LogLinePrefix = HEURISTIC_PREFIX;
  private open: OpenRecord | undefined;

  constructor(private readonly context: LogReaderContext) {
    this.builder = new PostgresEventBuilder(context);
  }

  /** Records read and lines not placed, for summaries and tests. */
  get stats(): LogReadStats {
    return this.builder.stats;
  }

  line(text: string, lineNumber: number): void {
    if (this.decided) {
      this.take(text, lineNumber);
      return;
    }
    this.held.push({ text, lineNumber });
    if (text.length > 0 && text.charCodeAt(0) !== CHAR_TAB) this.heldLines++;
    this.heldChars += text.length;
    if (this.heldLines >= DETECTION_LINES || this.heldChars >= DETECTION_CHARS) this.decide();
  }

  end(): void {
    if (!this.decided) this.decide();
    this.finishRecord();
    this.builder.end();
  }

  /** Settles envelope and prefix from the held lines (once per file), then replays them. */
  private decide(): void {
    const held = this.held;
    this.held = [];
    const layout = detectStderrLayout(
      held.map((entry) => entry.text),
      this.context.options.logLinePrefix,
    );
    this.envelope = layout.envelope === 'syslog' ? SYSLOG : layout.envelope === 'logplex' ? LOGPLEX : undefined;
    this.prefix = layout.prefix;
    this.decided = true;
    for (const entry of held) this.take(entry.text, entry.lineNumber);
  }

  private take(text: string, lineNumber: number): void {
    if (text.length === 0) return;
    if (this.envelope !== undefined) {
      this.takeEnveloped(text, lineNumber, this.envelope);
      return;
    }
    const first = text.charCodeAt(0);
    if (first === CHAR_TAB) {
      if (this.open !== undefined) this.append(text.slice(1));
      else this.builder.unrecognised.add(text, lineNumber);
      return;
    }
    const parsed = this.prefix.match(text);
    if (parsed !== undefined) {
      this.startLine(parsed, lineNumber, undefined, undefined);
      return;
    }
    if (first === CHAR_SPACE) {
      if (isBlank(text)) return;
      // Some copies of logs have the continuation TAB expanded to spaces.
      if (this.open?.indentedContinues) {
        this.append(text);
        return;
      }
    }
    this.unrecognisedLine(text, lineNumber);
  }

  private takeEnveloped(text: string, lineNumber: number, envelope: Envelope): void {
    const found = envelope.regex.exec(text);
    if (found === null) {
      if (!isBlank(text)) this.unrecognisedLine(text, lineNumber);
      return;
    }
    const content = decodeSyslogEscapes(text.slice(found[0].length));
    const pid = found[2];
    const firstChunk = found[4] === '1';
    const open = this.open;
    // A TAB-led chunk is always a continuation: a new message line starts with its prefix.
    if (!firstChunk && content.charCodeAt(0) === CHAR_TAB) {
      if (open !== undefined && open.envelopePid === pid) this.append(content.slice(1));
      else this.unrecognisedLine(text, lineNumber);
      return;
    }
    const parsed = this.prefix.match(content);
    if (parsed !== undefined) {
      this.startLine(parsed, lineNumber, pid, found[1]);
      return;
    }
    if (!firstChunk && open !== undefined && open.envelopePid === pid) {
      // A long line split by PostgreSQL's syslog writer, or a line of a message without TABs.
      this.append(content);
      return;
    }
    this.unrecognisedLine(text, lineNumber);
  }

  private unrecognisedLine(text: string, lineNumber: number): void {
    this.finishRecord();
    this.builder.unrecognised.add(text, lineNumber);
  }

  /** A line with a prefix: a new record, or a DETAIL/STATEMENT/... line of the open one. */
  private startLine(parsed: PrefixedLine, lineNumber: number, envelopePid: string | undefined, envelopeTime: string | undefined): void {
    const session = parsed.sessionId ?? parsed.pid ?? envelopePid ?? null;
    const severity = parsed.severity;
    const open = this.open;
    if (open !== undefined && SECONDARY.has(severity) && open.session === session) {
      const field = fieldFor(severity);
      open.field = field;
      open.indentedContinues = field === 'statement' || field === 'detail';
      if (field !== 'ignored') open[field] = open[field] === undefined ? parsed.message : `${open[field]}\n${parsed.message}`;
      return;
    }
    this.finishRecord();
    const message = parsed.message;
    this.open = {
      line: lineNumber,
      time: parsed.time ?? envelopeTime,
      session,
      envelopePid,
      severity,
      sqlState: parsed.sqlState,
      message,
      detail: undefined,
      context: undefined,
      statement: undefined,
      field: 'message',
      indentedContinues: carriesSql(message),
    };
    // A secondary line without its record (interleaved output) is kept as its own record; the
    // builder ignores it, but its continuation lines are still placed.
    if (SECONDARY.has(severity)) this.open.field = 'ignored';
  }

  private append(piece: string): void {
    const open = this.open!;
    const field = open.field;
    if (field === 'ignored') return;
    open[field] = `${open[field] ?? ''}\n${piece}`;
  }

  private finishRecord(): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    const record: PostgresLogRecord = open;
    this.builder.record(record);
  }
}

function fieldFor(severity: string): Field {
  switch (severity) {
    case 'DETAIL':
      return 'detail';
    case 'CONTEXT':
      return 'context';
    case 'STATEMENT':
      return 'statement';
    default:
      return 'ignored';
  }
}

/** Messages whose text goes on with SQL (so an indented line after them is more of it). */
function carriesSql(message: string): boolean {
  return (
    message.startsWith('statement:') ||
    message.startsWith('duration:') ||
    message.startsWith('execute ') ||
    message.startsWith('parse ') ||
    message.startsWith('bind ')
  );
}

/** Weak layouts (no prefix, or the heuristic) must place three lines in four before we call a file ours. */
function isWeak(prefix: LogLinePrefix): boolean {
  return prefix === HEURISTIC_PREFIX || prefix.source === '';
}

export const postgresStderrLogReader: LogReader = {
  format: 'postgres-stderr',
  sniff(head: readonly string[]): boolean {
    const layout = detectStderrLayout(head);
    if (layout.matched === 0) return false;
    if (layout.envelope !== undefined) return true;
    return !isWeak(layout.prefix) || layout.matched * 4 >= layout.sampled * 3;
  },
  create(context: LogReaderContext): LineParser {
    return new StderrLogParser(context);
  },
};
