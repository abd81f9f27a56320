/**
 * Fingerprints: a statement's shape with its values taken out. Literals and placeholders become
 * `?`, `IN (...)` lists of values collapse to `(?+)`, the rows of a multi-row INSERT collapse to
 * the first row, comments go, whitespace and keyword case are folded, and simple quoted
 * identifiers lose their quotes: `delete from app_book where app_book.id in (?+)`.
 *
 * The same pass yields the statement's values in order and a parse key: the shape with each
 * value slot replaced by a unique marker literal. The key is what gets parsed (once per distinct
 * key), and the markers let the normalised template point back at the values of each statement.
 */
import type { Dialect } from '../model/dialect.js';
import type { LiteralValue, Value } from '../model/statement.js';
import { tokenize, type Token } from './tokenize.js';

/** A value slot in the shape: one literal/placeholder, a collapsed IN list, or a column of collapsed VALUES rows. */
export interface SlotPiece {
  readonly kind: 'slot';
  readonly slot: number;
  readonly start: number;
  readonly end: number;
  readonly spaced: boolean;
  /** Rendered as a string marker (the value was a quoted string), which keeps `DATE '...'` parseable. */
  readonly stringMarker: boolean;
  /** A collapsed `IN (...)` list: fingerprint `?+`. */
  readonly list: boolean;
}

export type Piece = Token | SlotPiece;

/** Where a slot's values sit in `Shape.values`: `count` values, `stride` apart. */
export interface SlotRun {
  readonly start: number;
  readonly count: number;
  readonly stride: number;
}

export interface Shape {
  readonly text: string;
  readonly dialect: Dialect;
  readonly tokens: readonly Token[];
  /** The shape's tokens, with slots in place of values (trailing `;` removed). */
  readonly pieces: readonly Piece[];
  /** Every literal and placeholder, in text order. */
  readonly values: readonly Value[];
  readonly slots: readonly SlotRun[];
  /** Rows of the collapsed INSERT VALUES list (0 when there is none). */
  readonly valuesRows: number;
  readonly fingerprint: string;
  /** The parse text: the shape with marker literals, identifiers quoted as written. */
  readonly key: string;
}

/** Numeric markers start here: far from real values, inside PostgreSQL's int4 range. */
export const MARKER_BASE = 1_000_000_000;
/** String markers look like `'~12'`. */
export const STRING_MARKER_PREFIX = '~';

export function markerText(piece: SlotPiece): string {
  return piece.stringMarker ? `'${STRING_MARKER_PREFIX}${piece.slot}'` : String(MARKER_BASE + piece.slot);
}

/** The slot a parsed literal stands for, or -1 when it is not a marker. */
export function slotOfNumber(value: number, slotCount: number): number {
  const slot = value - MARKER_BASE;
  return Number.isInteger(slot) && slot >= 0 && slot < slotCount ? slot : -1;
}

export function slotOfString(value: string, slotCount: number): number {
  if (value.charCodeAt(0) !== 126 /* ~ */) return -1;
  const slot = Number(value.slice(1));
  return Number.isInteger(slot) && slot >= 0 && slot < slotCount ? slot : -1;
}

/** Words that read as keywords before `(`: a space is kept there (`in (?+)`, `values (?, ?)`). */
const SPACED_BEFORE_PAREN = new Set([
  'in', 'values', 'value', 'exists', 'from', 'join', 'where', 'and', 'or', 'not', 'on', 'using', 'as',
  'select', 'into', 'set', 'when', 'then', 'else', 'by', 'having', 'union', 'all', 'any', 'some',
  'key', 'index', 'unique', 'check', 'table', 'with', 'over', 'intersect', 'except', 'returning',
]);

/** Words after which NULL / TRUE / FALSE are values (elsewhere: `IS NULL`, `NOT NULL`, a column's `NULL`). */
const VALUE_KEYWORDS = new Set(['select', 'then', 'else', 'when', 'and', 'or', 'return', 'returning']);

/**
 * The public fingerprint: `{ fingerprint, literals }` (placeholders are not literals). The
 * dialect decides what `"x"` is (a MySQL string, elsewhere a name), backslash escapes and `#`
 * comments; without one the text is read with PostgreSQL's (standard SQL) rules.
 */
export function fingerprintSql(text: string, dialect: Dialect = 'postgresql'): { fingerprint: string; literals: LiteralValue[] } {
  const shape = shapeSql(text, dialect);
  const literals: LiteralValue[] = [];
  for (const value of shape.values) if (value.kind === 'literal') literals.push(value.value);
  return { fingerprint: shape.fingerprint, literals };
}

function isValueWord(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index]!;
  if (token.kind !== 'word' || (token.text !== 'null' && token.text !== 'true' && token.text !== 'false')) return false;
  const prev = tokens[index - 1];
  if (prev === undefined) return false;
  if (prev.kind === 'op') return prev.text !== ')' && prev.text !== '.' && prev.text !== ']';
  return prev.kind === 'word' && VALUE_KEYWORDS.has(prev.text);
}

function isSlotToken(tokens: readonly Token[], index: number): boolean {
  const kind = tokens[index]!.kind;
  return kind === 'string' || kind === 'number' || kind === 'param' || isValueWord(tokens, index);
}

function valueOf(token: Token): Value {
  if (token.kind === 'param') return { kind: 'placeholder', name: token.text };
  if (token.kind === 'word') return { kind: 'literal', value: token.text === 'null' ? null : token.text === 'true' };
  return { kind: 'literal', value: token.value ?? null };
}

function isOp(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'op' && token.text === text;
}

/** Index of the `)` matching the `(` at `open`, or -1. */
function matchParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'op') continue;
    if (token.text === '(') depth++;
    else if (token.text === ')' && --depth === 0) return i;
  }
  return -1;
}

function sameRowShape(tokens: readonly Token[], first: readonly [number, number], other: readonly [number, number]): boolean {
  if (first[1] - first[0] !== other[1] - other[0]) return false;
  for (let a = first[0], b = other[0]; a <= first[1]; a++, b++) {
    const slotA = isSlotToken(tokens, a);
    if (slotA !== isSlotToken(tokens, b)) return false;
    const ta = tokens[a]!;
    const tb = tokens[b]!;
    if (slotA) {
      if ((ta.kind === 'string') !== (tb.kind === 'string')) return false;
    } else if (ta.kind !== tb.kind || ta.text !== tb.text) {
      return false;
    }
  }
  return true;
}

/** Tokenises and shapes one statement. Never throws. */
export function shapeSql(text: string, dialect: Dialect): Shape {
  const tokens = tokenize(text, dialect);
  const pieces: Piece[] = [];
  const values: Value[] = [];
  const slots: SlotRun[] = [];
  let valuesRows = 0;
  let depth = 0;
  let firstWord = 0;
  while (isOp(tokens[firstWord], '(')) firstWord++;
  const first = tokens[firstWord];
  const isInsert = first !== undefined && first.kind === 'word' && (first.text === 'insert' || first.text === 'replace');
  let insertValuesSeen = false;

  const addSlot = (token: Token, start: number, count: number, stride: number, list: boolean, end = token.end): void => {
    pieces.push({ kind: 'slot', slot: slots.length, start: token.start, end, spaced: token.spaced, stringMarker: token.kind === 'string', list });
    slots.push({ start, count, stride });
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'op') {
      if (token.text === '(') depth++;
      else if (token.text === ')') depth--;
      pieces.push(token);
      continue;
    }
    // `IN (1, 2, 3)` and PostgreSQL `ARRAY[1, 2, 3]`: one slot for the whole list.
    const listClose = token.kind === 'word' ? (token.text === 'in' && isOp(tokens[i + 1], '(') ? ')' : token.text === 'array' && isOp(tokens[i + 1], '[') ? ']' : '') : '';
    if (listClose !== '') {
      const collapsedEnd = collapseList(tokens, i + 1, listClose);
      if (collapsedEnd > 0) {
        pieces.push(token, tokens[i + 1]!);
        const start = values.length;
        for (let j = i + 2; j < collapsedEnd; j += 2) values.push(valueOf(tokens[j]!));
        addSlot(tokens[i + 2]!, start, values.length - start, 1, true, tokens[collapsedEnd - 1]!.end);
        pieces.push(tokens[collapsedEnd]!);
        i = collapsedEnd;
        continue;
      }
    }
    if (isInsert && !insertValuesSeen && depth === 0 && token.kind === 'word' && (token.text === 'values' || token.text === 'value') && isOp(tokens[i + 1], '(')) {
      insertValuesSeen = true;
      const rows = valuesRowRanges(tokens, i + 1);
      if (rows.length > 0 && rows.every((row) => sameRowShape(tokens, rows[0]!, row))) {
        pieces.push(token);
        const [open, close] = rows[0]!;
        let perRow = 0;
        for (let j = open; j <= close; j++) if (isSlotToken(tokens, j)) perRow++;
        const base = values.length;
        let column = 0;
        for (let j = open; j <= close; j++) {
          if (isSlotToken(tokens, j)) addSlot(tokens[j]!, base + column++, rows.length, perRow, false);
          else pieces.push(tokens[j]!);
        }
        for (const [rowOpen, rowClose] of rows) {
          for (let j = rowOpen; j <= rowClose; j++) if (isSlotToken(tokens, j)) values.push(valueOf(tokens[j]!));
        }
        valuesRows = rows.length;
        i = rows[rows.length - 1]![1];
        continue;
      }
    }
    if (isSlotToken(tokens, i)) {
      addSlot(token, values.length, 1, 1, false);
      values.push(valueOf(token));
      continue;
    }
    pieces.push(token);
  }
  while (pieces.length > 0 && isOp(pieces[pieces.length - 1] as Token, ';')) pieces.pop();

  const { fingerprint, key } = render(pieces, text);
  return { text, dialect, tokens, pieces, values, slots, valuesRows, fingerprint, key };
}

/** When the `(` / `[` at `open` holds values only, the index of its closing bracket; else -1. */
function collapseList(tokens: readonly Token[], open: number, close = ')'): number {
  let j = open + 1;
  for (;;) {
    if (!isSlotToken(tokens, j)) return -1;
    const next = tokens[j + 1];
    if (isOp(next, close)) return j + 1;
    if (!isOp(next, ',')) return -1;
    j += 2;
  }
}

/** The `(...)` rows of a VALUES list starting at `open`. */
function valuesRowRanges(tokens: readonly Token[], open: number): [number, number][] {
  const rows: [number, number][] = [];
  let j = open;
  for (;;) {
    const close = matchParen(tokens, j);
    if (close < 0) return [];
    rows.push([j, close]);
    if (isOp(tokens[close + 1], ',') && isOp(tokens[close + 2], '(')) {
      j = close + 2;
      continue;
    }
    return rows;
  }
}

/** `[a-z_][a-z0-9_$]*`: a name that reads the same without quotes (a loop: this runs per identifier). */
function isSimpleIdentifier(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || c === 95 || (i > 0 && ((c >= 48 && c <= 57) || c === 36));
    if (!ok) return false;
  }
  return true;
}

function needsSpace(prev: Piece, piece: Piece): boolean {
  if (prev.kind === 'op') {
    const p = prev.text;
    if (p === '(' || p === '.' || p === '[' || p === '::') return false;
  }
  if (piece.kind === 'op') {
    const c = piece.text;
    if (c === ')' || c === ',' || c === '.' || c === ';' || c === ']' || c === '::') return false;
    if (c === '(') return !(prev.kind === 'word' && !piece.spaced && !SPACED_BEFORE_PAREN.has(prev.text));
    if (c === '[') return piece.spaced;
  }
  return true;
}

/** Renders the fingerprint and the parse key of a piece list. */
export function render(pieces: readonly Piece[], text: string): { fingerprint: string; key: string } {
  let fingerprint = '';
  let key = '';
  let prev: Piece | undefined;
  for (const piece of pieces) {
    if (prev !== undefined && needsSpace(prev, piece)) {
      fingerprint += ' ';
      key += ' ';
    }
    switch (piece.kind) {
      case 'slot':
        fingerprint += piece.list ? '?+' : '?';
        key += markerText(piece);
        break;
      case 'qident':
        fingerprint += isSimpleIdentifier(piece.text) ? piece.text : `"${piece.text.replace(/"/g, '""')}"`;
        key += text.slice(piece.start, piece.end);
        break;
      default:
        fingerprint += piece.text;
        key += piece.text;
    }
    prev = piece;
  }
  return { fingerprint, key };
}

/** Renders parse text and records where each piece starts in it (for mapping parser errors back). */
export function renderForParser(pieces: readonly Piece[], text: string): { sql: string; offsets: number[] } {
  let sql = '';
  const offsets: number[] = [];
  let prev: Piece | undefined;
  for (const piece of pieces) {
    if (prev !== undefined && needsSpace(prev, piece)) sql += ' ';
    offsets.push(sql.length);
    if (piece.kind === 'slot') sql += markerText(piece);
    else if (piece.kind === 'qident') sql += text.slice(piece.start, piece.end);
    else sql += piece.text;
    prev = piece;
  }
  return { sql, offsets };
}
