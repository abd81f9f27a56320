/**
 * The words the lexer, the shaper and the router decide on, with what each decides, and a lookup
 * that reads a word straight from the statement text (no lower-cased copy is made on the hot path).
 */

/** Flags of a keyword: which lists it is on. A word on no list has flags 0. */
export const enum Kw {
  /** After it, `-5` is a signed number rather than a subtraction. */
  Sign = 1 << 0,
  /** After it, a PostgreSQL `?` is a placeholder, not the jsonb operator. */
  Placeholder = 1 << 1,
  /** Reads as a keyword before `(`: the fingerprint keeps a space there (`in (?+)`). */
  SpacedBeforeParen = 1 << 2,
  /** After it, NULL / TRUE / FALSE are values. */
  BeforeValue = 1 << 3,
  /** A MySQL character-set introducer (`_utf8mb4'abc'`). */
  CharsetIntroducer = 1 << 4,
  /** The route of a statement with this leading word (`ShapeScan.route`). */
  RouteDml = 1 << 5,
  RouteDdl = 1 << 6,
  RouteControl = 1 << 7,
  RouteOther = 1 << 8,
  /** Words the shaper looks for by name. */
  In = 1 << 9,
  ArrayWord = 1 << 10,
  /** `VALUES` / `VALUE` of an INSERT. */
  Values = 1 << 11,
  /** NULL / TRUE / FALSE. */
  ValueWord = 1 << 12,
  /** INSERT / REPLACE. */
  Insert = 1 << 13,
  Comment = 1 << 14,
  On = 1 << 15,
}

const SIGN_KEYWORDS = [
  'select', 'where', 'and', 'or', 'not', 'then', 'else', 'when', 'case', 'interval', 'between',
  'like', 'default', 'distinct', 'return', 'having', 'on', 'limit', 'offset', 'by', 'values', 'set',
];

const PLACEHOLDER_KEYWORDS = [
  'select', 'where', 'and', 'or', 'not', 'then', 'else', 'when', 'case', 'between', 'like',
  'limit', 'offset', 'values', 'set', 'in', 'is', 'distinct', 'on', 'by', 'returning', 'any', 'all',
];

export const SPACED_BEFORE_PAREN = [
  'in', 'values', 'value', 'exists', 'from', 'join', 'where', 'and', 'or', 'not', 'on', 'using', 'as',
  'select', 'into', 'set', 'when', 'then', 'else', 'by', 'having', 'union', 'all', 'any', 'some',
  'key', 'index', 'unique', 'check', 'table', 'with', 'over', 'intersect', 'except', 'returning',
];

const VALUE_KEYWORDS = ['select', 'then', 'else', 'when', 'and', 'or', 'return', 'returning'];

const CHARSET_INTRODUCERS = ['_binary', '_utf8', '_utf8mb3', '_utf8mb4', '_latin1', '_ascii', '_ucs2', '_utf16', '_utf32'];

const DML_WORDS = ['select', 'insert', 'update', 'delete', 'replace', 'with', 'values', 'table'];
const DDL_WORDS = ['create', 'alter', 'drop', 'truncate', 'rename', 'comment', 'grant', 'revoke'];
const CONTROL_WORDS = ['begin', 'start', 'commit', 'end', 'rollback', 'abort', 'savepoint', 'release', 'set', 'lock', 'unlock'];
const OTHER_WORDS = [
  'use', 'show', 'explain', 'describe', 'desc', 'analyze', 'analyse', 'vacuum', 'call', 'do', 'handler', 'load',
  'flush', 'kill', 'optimize', 'repair', 'check', 'checksum', 'reset', 'discard', 'listen', 'notify', 'unlisten',
  'prepare', 'execute', 'deallocate', 'declare', 'fetch', 'close', 'move', 'copy', 'cluster', 'reindex',
  'checkpoint', 'refresh', 'xa', 'purge', 'change', 'install', 'uninstall', 'help', 'binlog', 'cache', 'import',
  'get', 'signal', 'resignal', 'pragma', 'attach', 'detach', 'security', 'reassign', 'shutdown', 'restart',
  'clone', 'backup', 'stop', 'source', 'delimiter',
];

const FLAGS_BY_WORD = new Map<string, number>();
function mark(words: readonly string[], flag: number): void {
  for (const word of words) FLAGS_BY_WORD.set(word, (FLAGS_BY_WORD.get(word) ?? 0) | flag);
}
mark(SIGN_KEYWORDS, Kw.Sign);
mark(PLACEHOLDER_KEYWORDS, Kw.Placeholder);
mark(SPACED_BEFORE_PAREN, Kw.SpacedBeforeParen);
mark(VALUE_KEYWORDS, Kw.BeforeValue);
mark(CHARSET_INTRODUCERS, Kw.CharsetIntroducer);
mark(DML_WORDS, Kw.RouteDml);
mark(DDL_WORDS, Kw.RouteDdl);
mark(CONTROL_WORDS, Kw.RouteControl);
mark(OTHER_WORDS, Kw.RouteOther);
mark(['in'], Kw.In);
mark(['array'], Kw.ArrayWord);
mark(['values', 'value'], Kw.Values);
mark(['null', 'true', 'false'], Kw.ValueWord);
mark(['insert', 'replace'], Kw.Insert);
mark(['comment'], Kw.Comment);
mark(['on'], Kw.On);

/** Flags of an already lower-cased word. */
export function keywordFlags(lowerWord: string): number {
  return FLAGS_BY_WORD.get(lowerWord) ?? 0;
}

// An open-addressing table over the keywords, probed with a hash of the lower-cased characters
// that the lexer computes as it reads a word, so no lower-cased copy of the word is made.
const TABLE_SIZE = 1024;
const TABLE_MASK = TABLE_SIZE - 1;
const tableWords: (string | undefined)[] = new Array<string | undefined>(TABLE_SIZE).fill(undefined);
const tableFlags = new Int32Array(TABLE_SIZE);
const tableHashes = new Int32Array(TABLE_SIZE);

/** Start value of `hashChar` (FNV-1a). */
export const HASH_SEED = 0x811c9dc5 | 0;

/** One FNV-1a step: the lexer hashes token texts with it, the keyword table is probed with it. */
export function hashChar(hash: number, c: number): number {
  return Math.imul(hash ^ c, 0x01000193);
}

function slotOf(hash: number): number {
  return (hash ^ (hash >>> 15)) & TABLE_MASK;
}

for (const [word, flags] of FLAGS_BY_WORD) {
  let hash = HASH_SEED;
  for (let i = 0; i < word.length; i++) hash = hashChar(hash, word.charCodeAt(i));
  let slot = slotOf(hash);
  while (tableWords[slot] !== undefined) slot = (slot + 1) & TABLE_MASK;
  tableWords[slot] = word;
  tableFlags[slot] = flags;
  tableHashes[slot] = hash;
}

/**
 * Flags of the ASCII word `text[start, end)` read case-insensitively, given `hash`: its lower-cased
 * characters hashed with `hashChar` from `HASH_SEED`. (A non-ASCII word may still lower-case to a
 * keyword: look it up with `keywordFlags`.)
 */
export function lookupKeyword(text: string, start: number, end: number, hash: number): number {
  const length = end - start;
  for (let slot = slotOf(hash); ; slot = (slot + 1) & TABLE_MASK) {
    const word = tableWords[slot];
    if (word === undefined) return 0;
    if (tableHashes[slot] === hash && word.length === length && sameLowerCase(word, text, start)) return tableFlags[slot]!;
  }
}

function sameLowerCase(word: string, text: string, start: number): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = text.charCodeAt(start + i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(i)) return false;
  }
  return true;
}
