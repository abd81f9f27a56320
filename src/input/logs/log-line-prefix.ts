/**
 * PostgreSQL `log_line_prefix`: compiles a prefix into one anchored regex (once per file) that
 * also takes the severity after it, and guesses the prefix of a log from its first lines when
 * the user did not state it.
 */

/** Severities PostgreSQL writes after the prefix (`LOG:  `, `DETAIL:  `, ...), untranslated. */
const SEVERITY_PATTERN = '(LOG|ERROR|WARNING|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION|NOTICE|INFO|DEBUG[1-5]?)';
/** PostgreSQL writes two spaces after `LOG:`; some copies (RDS samples) have one. */
const AFTER_SEVERITY = ': {1,2}';

/** What the prefix and severity of one line say. */
export interface PrefixedLine {
  readonly time: string | undefined;
  readonly pid: string | undefined;
  /** `%c`, when the prefix has it and the process printed it. */
  readonly sessionId: string | undefined;
  /** `%e`, when the prefix has it. */
  readonly sqlState: string | undefined;
  readonly severity: string;
  readonly message: string;
}

export interface LogLinePrefix {
  /** The `log_line_prefix` text, or a description of a heuristic. */
  readonly source: string;
  /** How specific the prefix is (literal characters outside `%q`): breaks ties between candidates. */
  readonly specificity: number;
  /** The line's prefix fields, severity and message; undefined when the line does not start so. */
  match(text: string): PrefixedLine | undefined;
}

const SECONDS_TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d';
const ZONE = '(?: [A-Za-z]{1,6}| [+-]\\d\\d(?::?\\d\\d)?)?';

/** Capturing patterns for the escapes whose values we use; the rest only need to be skipped. */
const ESCAPE_PATTERNS: Readonly<Record<string, string>> = {
  // Free text: application name and command tag may hold spaces; the literal after them anchors the match.
  a: '.*?',
  i: '.*?',
  b: '.*?',
  // Names and hosts hold no spaces in practice; keeping them to one word stops a lazy match from
  // running into the message when an optional (%q) part is absent.
  u: '\\S*?',
  d: '\\S*?',
  r: '\\S*?',
  h: '\\S*?',
  p: '(\\d+)',
  P: '\\d*',
  t: `(${SECONDS_TIME}${ZONE})`,
  m: `(${SECONDS_TIME}\\.\\d{3}${ZONE})`,
  n: '(\\d+(?:\\.\\d+)?)',
  s: `${SECONDS_TIME}${ZONE}`,
  e: '([0-9A-Z]{5})',
  c: '([0-9a-f]+\\.[0-9a-f]+)',
  l: '\\d+',
  v: '[\\d/]*',
  x: '\\d+',
  Q: '-?\\d+',
};

/** Which captured escape feeds which field; the first occurrence wins. */
const CAPTURED: Readonly<Record<string, 'time' | 'pid' | 'sessionId' | 'sqlState'>> = {
  t: 'time',
  m: 'time',
  n: 'time',
  p: 'pid',
  c: 'sessionId',
  e: 'sqlState',
};

class CompiledPrefix implements LogLinePrefix {
  constructor(
    readonly source: string,
    readonly specificity: number,
    private readonly regex: RegExp,
    private readonly groups: { time: number; pid: number; sessionId: number; sqlState: number; severity: number },
  ) {}

  match(text: string): PrefixedLine | undefined {
    const found = this.regex.exec(text);
    if (found === null) return undefined;
    const { groups } = this;
    return {
      time: groups.time ? found[groups.time] : undefined,
      pid: groups.pid ? found[groups.pid] : undefined,
      sessionId: groups.sessionId ? found[groups.sessionId] : undefined,
      sqlState: groups.sqlState ? found[groups.sqlState] : undefined,
      severity: found[groups.severity]!,
      message: text.slice(found[0].length),
    };
  }
}

/**
 * Compiles a `log_line_prefix` (escapes `%a %u %d %r %h %b %p %P %t %m %n %i %e %c %l %s %v
 * %x %q %Q %%`, with optional padding such as `%-10u`) into a matcher for whole log lines.
 * `%q` makes the rest of the prefix optional: PostgreSQL stops there for non-session processes.
 */
export function compileLogLinePrefix(prefix: string): LogLinePrefix {
  let pattern = '^';
  let groupCount = 0;
  let literals = 0;
  let optionalOpen = false;
  const groups = { time: 0, pid: 0, sessionId: 0, sqlState: 0, severity: 0 };
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i]!;
    if (ch !== '%' || i + 1 >= prefix.length) {
      pattern += escapeRegex(ch);
      if (!optionalOpen) literals++; // an optional part says nothing when it is absent
      continue;
    }
    let j = i + 1;
    let padded = false;
    if (prefix[j] === '-') j++;
    while (j < prefix.length && prefix.charCodeAt(j) >= 48 && prefix.charCodeAt(j) <= 57) {
      j++;
      padded = true;
    }
    const escape = prefix[j];
    i = j;
    if (escape === undefined) break;
    if (escape === '%') {
      pattern += '%';
      if (!optionalOpen) literals++;
      continue;
    }
    if (escape === 'q') {
      if (!optionalOpen) {
        pattern += '(?:';
        optionalOpen = true;
      }
      continue;
    }
    const escapePattern = ESCAPE_PATTERNS[escape];
    if (escapePattern === undefined) continue; // PostgreSQL prints nothing for an unknown escape
    const field = CAPTURED[escape];
    if (field !== undefined) {
      groupCount++;
      if (groups[field] === 0) groups[field] = groupCount;
    }
    pattern += padded ? ` *${escapePattern} *` : escapePattern;
  }
  if (optionalOpen) pattern += ')?';
  pattern += SEVERITY_PATTERN + AFTER_SEVERITY;
  groups.severity = groupCount + 1;
  return new CompiledPrefix(prefix, literals, new RegExp(pattern), groups);
}

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * Prefixes seen in the wild, tried when the user does not state one. More specific prefixes win
 * ties (see `specificity`), so their order here matters little.
 */
export const COMMON_LOG_LINE_PREFIXES: readonly string[] = [
  '%m [%p] ', // PostgreSQL 10+ default
  '%m [%p] %q%u@%d ', // Debian/Ubuntu default
  '%m [%p] %u@%d ',
  '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ', // pgBadger's recommendation
  '%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: db=%d,user=%u,app=%a,client=%h ',
  '%t [%p]: [%l-1] user=%u,db=%d ',
  '%t [%p]: [%l-1] db=%d,user=%u ',
  '%t [%p]: [%l-1] ',
  '%m [%p] [queryid=%Q] %u@%d ',
  '%m [%p] user=%u,db=%d ',
  '%m [%p] user=%u,db=%d,app=%a,client=%h ',
  '%t:%r:%u@%d:[%p]:', // Amazon RDS
  '%m:%r:%u@%d:[%p]:',
  '%m|%u|%d|%c|', // pgreplay
  '%t [%p]: [%l-1] [%x] usr=%u,db=%d,appli=%a ',
  '%t [%p-%l] ',
  '%m [%p-%l] ',
  '%m %c ',
  '%t %c ',
  '%m [%c] ',
  '%t-%c-', // Azure
  '[%p]: [%l-1] db=%d,user=%u ', // Cloud SQL
  '< %m >',
  '%t ',
  '%m ',
  // Inside a syslog envelope the time and pid usually come from syslog itself.
  'db=%d,user=%u,app=%a,client=%h ',
  'user=%u,db=%d,app=%a,client=%h ',
  'user=%u,db=%d ',
  ' sql_error_code = %e ', // Heroku (inside the logplex envelope)
  'sql_error_code = %e ',
  '', // PostgreSQL 9.x default: no prefix at all
];

/** Extracts what it can from any prefix: a leading timestamp, `[pid]`, a `%c`-shaped session id. */
class HeuristicPrefix implements LogLinePrefix {
  readonly source = 'heuristic';
  readonly specificity = -1;
  private static readonly LINE = new RegExp(`^(.{0,300}?)\\b${SEVERITY_PATTERN}${AFTER_SEVERITY}`);
  private static readonly TIME = new RegExp(`^[<[(]?(\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d(?::?\\d\\d)?| [A-Za-z]{1,6}(?![\\w]))?)`);
  private static readonly PID = /\[(\d+)(?:[\]\-:])/;
  private static readonly SESSION = /(?:^|[^0-9a-f])([0-9a-f]{6,}\.[0-9a-f]{1,8})(?![0-9a-f.])/;

  match(text: string): PrefixedLine | undefined {
    const found = HeuristicPrefix.LINE.exec(text);
    if (found === null) return undefined;
    const prefix = found[1]!;
    const time = HeuristicPrefix.TIME.exec(prefix)?.[1];
    return {
      time,
      pid: HeuristicPrefix.PID.exec(prefix)?.[1],
      sessionId: HeuristicPrefix.SESSION.exec(prefix)?.[1],
      sqlState: undefined,
      severity: found[2]!,
      message: text.slice(found[0].length),
    };
  }
}

export const HEURISTIC_PREFIX: LogLinePrefix = new HeuristicPrefix();

export interface PrefixGuess {
  readonly prefix: LogLinePrefix;
  /** Lines of the sample it matched. */
  readonly matched: number;
  /** Lines of the sample that could have matched (not blank, not continuations). */
  readonly sampled: number;
}

let compiledCandidates: readonly LogLinePrefix[] | undefined;

/**
 * Picks the common prefix that matches most of the sample's lines (ties: the more specific).
 * Falls back to the heuristic when it matches clearly more, or nothing else matches.
 * `lines` are the parts of lines after any syslog envelope.
 */
export function guessLogLinePrefix(lines: readonly string[]): PrefixGuess {
  compiledCandidates ??= COMMON_LOG_LINE_PREFIXES.map(compileLogLinePrefix);
  const sample = lines.filter((line) => line.length > 0 && line.charCodeAt(0) !== 9 && line.trim().length > 0);
  let best: LogLinePrefix = HEURISTIC_PREFIX;
  let bestCount = 0;
  for (const candidate of compiledCandidates) {
    let count = 0;
    for (const line of sample) if (candidate.match(line) !== undefined) count++;
    if (count > bestCount || (count === bestCount && count > 0 && candidate.specificity > best.specificity)) {
      best = candidate;
      bestCount = count;
    }
  }
  let heuristicCount = 0;
  for (const line of sample) if (HEURISTIC_PREFIX.match(line) !== undefined) heuristicCount++;
  // The heuristic knows less than a real prefix: take it only when it places clearly more lines.
  if (heuristicCount > bestCount + Math.max(1, bestCount / 10)) return { prefix: HEURISTIC_PREFIX, matched: heuristicCount, sampled: sample.length };
  if (bestCount === 0) return { prefix: HEURISTIC_PREFIX, matched: heuristicCount, sampled: sample.length };
  return { prefix: best, matched: bestCount, sampled: sample.length };
}
