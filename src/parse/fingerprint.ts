/**
 * Fingerprints: a statement's shape with its values taken out. Literals and placeholders become
 * `?`, `IN (...)` lists of values collapse to `(?+)`, the rows of a multi-row INSERT collapse to
 * the first row, comments go, whitespace and keyword case are folded, and simple quoted
 * identifiers lose their quotes: `delete from app_book where app_book.id in (?+)`.
 *
 * The same pass yields the statement's values in order and a parse key: the shape with each
 * value slot replaced by a unique marker literal. The key is what gets parsed (once per distinct
 * key), and the markers let the normalised template point back at the values of each statement.
 *
 * `ShapeScan` does this on every statement without building objects: the pieces, slots and
 * values are indices into its `TokenBuffer`, and a hash of the pieces finds the statement's
 * cached template (`sameShape` confirms it). Only a statement whose shape is new is turned into
 * a `Shape` (`materialize`), with `Token` and `Piece` objects for the parsers and classifiers.
 */
import type { Dialect } from '../model/dialect.js';
import type { LiteralValue, Value } from '../model/statement.js';
import { HASH_SEED, Kw, SPACED_BEFORE_PAREN } from './keywords.js';
import { Ch, INITIAL_CAPACITY, literalValue, lex, materializeTokens, MAX_KEPT_CAPACITY, OpCode, Reading, Tk, TokenBuffer, tokenText, type Token } from './tokenize.js';

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
  return slotMarker(piece.slot, piece.stringMarker);
}

function slotMarker(slot: number, stringMarker: boolean): string {
  return stringMarker ? `'${STRING_MARKER_PREFIX}${slot}'` : String(MARKER_BASE + slot);
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

/** Statement routes, by leading word (see classify.ts). */
export type Route =
  /** SELECT / INSERT / UPDATE / DELETE / REPLACE / WITH ...: parsed, cached per shape. */
  | 'dml'
  /** CREATE / ALTER / DROP ...: parsed, with a clause-level fallback; never 'unparsed'. */
  | 'ddl'
  /** BEGIN / COMMIT / SAVEPOINT / SET / LOCK ...: the classifier alone. */
  | 'control'
  /** Known statements that matter to nobody here (SHOW, EXPLAIN, USE...). */
  | 'other'
  /** Unknown leading word: a parser may still know it. */
  | 'unknown';

/** Values shared by every statement that has them (statements are read-only). */
const LITERAL_NULL: Value = Object.freeze({ kind: 'literal', value: null });
const LITERAL_TRUE: Value = Object.freeze({ kind: 'literal', value: true });
const LITERAL_FALSE: Value = Object.freeze({ kind: 'literal', value: false });
const QUESTION_MARK: Value = Object.freeze({ kind: 'placeholder', name: '?' });

/** The type of a piece, in the low bits of `ShapeScan.header`. */
const enum PieceType {
  Word,
  QIdent,
  Op,
  Slot,
  StringSlot,
  ListSlot,
  StringListSlot,
}

/** `ShapeScan.header` bit layout: type in bits 0-2, space-before in bit 3, text length above. */
const HEADER_SPACE = 1 << 3;
const HEADER_LENGTH_SHIFT = 4;

const DIALECT_CODE: Record<Dialect, number> = { mysql: 1, mariadb: 2, postgresql: 3, sqlite: 4 };

function grow(from: Int32Array, minimum: number): Int32Array {
  const to = new Int32Array(Math.max(from.length * 2, minimum));
  to.set(from);
  return to;
}

/**
 * One statement's shape as indices into its tokens: reused from statement to statement, so
 * shaping a statement allocates nothing but the occasional larger buffer.
 */
export class ShapeScan {
  readonly tokens = new TokenBuffer();
  /** Pieces: a token index, or `-1 - slot` for a value slot (trailing `;` removed). */
  piece!: Int32Array;
  pieceCount = 0;
  /** Per piece: its `PieceType`, a space before it (fingerprint and key), its text length. */
  header!: Int32Array;
  /** Per slot: the token it starts at, where it ends, whether it is a collapsed list. */
  slotToken!: Int32Array;
  slotEnd!: Int32Array;
  slotList!: Int32Array;
  /** Per slot: its values in `valueToken`, `slotValueCount` of them, `slotStride` apart. */
  slotStart!: Int32Array;
  slotValueCount!: Int32Array;
  slotStride!: Int32Array;
  slotCount = 0;
  /** The token of every literal and placeholder, in text order. */
  valueToken!: Int32Array;
  valueCount = 0;
  /** Rows of the collapsed INSERT VALUES list (0 when there is none). */
  valuesRows = 0;
  /** A hash of the dialect and the pieces (type, space, text): what `sameShape` compares. */
  hash = 0;
  private rowOpen!: Int32Array;
  private rowClose!: Int32Array;
  private rowCount = 0;

  constructor() {
    this.allocate();
  }

  private allocate(): void {
    this.piece = new Int32Array(INITIAL_CAPACITY);
    this.header = new Int32Array(INITIAL_CAPACITY);
    this.slotToken = new Int32Array(INITIAL_CAPACITY);
    this.slotEnd = new Int32Array(INITIAL_CAPACITY);
    this.slotList = new Int32Array(INITIAL_CAPACITY);
    this.slotStart = new Int32Array(INITIAL_CAPACITY);
    this.slotValueCount = new Int32Array(INITIAL_CAPACITY);
    this.slotStride = new Int32Array(INITIAL_CAPACITY);
    this.valueToken = new Int32Array(INITIAL_CAPACITY);
    this.rowOpen = new Int32Array(INITIAL_CAPACITY);
    this.rowClose = new Int32Array(INITIAL_CAPACITY);
  }

  get text(): string {
    return this.tokens.text;
  }

  get dialect(): Dialect {
    return this.tokens.dialect;
  }

  /** Tokenises and shapes one statement. Never throws. */
  scan(text: string, dialect: Dialect): this {
    // One huge statement must not pin its buffers for the rest of the run (see TokenBuffer).
    if (this.piece.length > MAX_KEPT_CAPACITY || this.valueToken.length > MAX_KEPT_CAPACITY || this.rowOpen.length > MAX_KEPT_CAPACITY) this.allocate();
    lex(text, dialect, this.tokens);
    this.shape();
    this.finish();
    return this;
  }

  private shape(): void {
    const tokens = this.tokens;
    const count = tokens.count;
    this.pieceCount = 0;
    this.slotCount = 0;
    this.valueCount = 0;
    this.valuesRows = 0;
    let depth = 0;
    let firstWord = 0;
    while (tokens.isOp(firstWord, Ch.OpenParen)) firstWord++;
    const isInsert = tokens.isWord(firstWord, Kw.Insert);
    let insertValuesSeen = false;

    for (let i = 0; i < count; i++) {
      const kind = tokens.kind[i];
      if (kind === Tk.Op) {
        const code = tokens.code[i];
        if (code === Ch.OpenParen) depth++;
        else if (code === Ch.CloseParen) depth--;
        this.pushPiece(i);
        continue;
      }
      if (kind === Tk.Word) {
        const flags = tokens.code[i]!;
        // `IN (1, 2, 3)` and PostgreSQL `ARRAY[1, 2, 3]`: one slot for the whole list.
        const listClose = (flags & Kw.In) !== 0 && tokens.isOp(i + 1, Ch.OpenParen) ? Ch.CloseParen : (flags & Kw.ArrayWord) !== 0 && tokens.isOp(i + 1, Ch.OpenBracket) ? Ch.CloseBracket : 0;
        if (listClose !== 0) {
          const collapsedEnd = this.collapseList(i + 1, listClose);
          if (collapsedEnd > 0) {
            this.pushPiece(i);
            this.pushPiece(i + 1);
            const start = this.valueCount;
            for (let j = i + 2; j < collapsedEnd; j += 2) this.pushValue(j);
            this.addSlot(i + 2, start, this.valueCount - start, 1, true, tokens.end[collapsedEnd - 1]!);
            this.pushPiece(collapsedEnd);
            i = collapsedEnd;
            continue;
          }
        }
        if (isInsert && !insertValuesSeen && depth === 0 && (flags & Kw.Values) !== 0 && tokens.isOp(i + 1, Ch.OpenParen)) {
          insertValuesSeen = true;
          if (this.readValuesRows(i + 1) && this.rowsShareShape()) {
            this.pushPiece(i);
            const open = this.rowOpen[0]!;
            const close = this.rowClose[0]!;
            const rows = this.rowCount;
            let perRow = 0;
            for (let j = open; j <= close; j++) if (this.isSlotToken(j)) perRow++;
            const base = this.valueCount;
            let column = 0;
            for (let j = open; j <= close; j++) {
              if (this.isSlotToken(j)) this.addSlot(j, base + column++, rows, perRow, false, tokens.end[j]!);
              else this.pushPiece(j);
            }
            for (let row = 0; row < rows; row++) {
              const rowEnd = this.rowClose[row]!;
              for (let j = this.rowOpen[row]!; j <= rowEnd; j++) if (this.isSlotToken(j)) this.pushValue(j);
            }
            this.valuesRows = rows;
            i = this.rowClose[rows - 1]!;
            continue;
          }
        }
      }
      if (this.isSlotToken(i)) {
        this.addSlot(i, this.valueCount, 1, 1, false, tokens.end[i]!);
        this.pushValue(i);
        continue;
      }
      this.pushPiece(i);
    }
    while (this.pieceCount > 0 && this.isPieceOp(this.pieceCount - 1, Ch.Semicolon)) this.pieceCount--;
  }

  private pushPiece(token: number): void {
    if (this.pieceCount === this.piece.length) this.piece = grow(this.piece, 0);
    this.piece[this.pieceCount++] = token;
  }

  private pushValue(token: number): void {
    if (this.valueCount === this.valueToken.length) this.valueToken = grow(this.valueToken, 0);
    this.valueToken[this.valueCount++] = token;
  }

  private addSlot(token: number, start: number, count: number, stride: number, list: boolean, end: number): void {
    const slot = this.slotCount;
    if (slot === this.slotToken.length) {
      this.slotToken = grow(this.slotToken, 0);
      this.slotEnd = grow(this.slotEnd, 0);
      this.slotList = grow(this.slotList, 0);
      this.slotStart = grow(this.slotStart, 0);
      this.slotValueCount = grow(this.slotValueCount, 0);
      this.slotStride = grow(this.slotStride, 0);
    }
    this.slotToken[slot] = token;
    this.slotEnd[slot] = end;
    this.slotList[slot] = list ? 1 : 0;
    this.slotStart[slot] = start;
    this.slotValueCount[slot] = count;
    this.slotStride[slot] = stride;
    this.slotCount = slot + 1;
    this.pushPiece(-1 - slot);
  }

  private isPieceOp(index: number, code: number): boolean {
    const token = this.piece[index]!;
    return token >= 0 && this.tokens.isOp(token, code);
  }

  /** NULL / TRUE / FALSE where they are values (elsewhere: `IS NULL`, `NOT NULL`, a column's `NULL`). */
  private isValueWord(index: number): boolean {
    const tokens = this.tokens;
    if (!tokens.isWord(index, Kw.ValueWord)) return false;
    const prev = index - 1;
    if (prev < 0) return false;
    if (tokens.kind[prev] === Tk.Op) {
      const code = tokens.code[prev];
      return code !== Ch.CloseParen && code !== Ch.Dot && code !== Ch.CloseBracket;
    }
    return tokens.isWord(prev, Kw.BeforeValue);
  }

  /** A literal, a placeholder or a value word; false past the last token. */
  private isSlotToken(index: number): boolean {
    if (index >= this.tokens.count) return false;
    const kind = this.tokens.kind[index];
    return kind === Tk.String || kind === Tk.Number || kind === Tk.Param || this.isValueWord(index);
  }

  /** When the `(` / `[` at `open` holds values only, the index of its closing bracket; else -1. */
  private collapseList(open: number, close: number): number {
    let j = open + 1;
    for (;;) {
      if (!this.isSlotToken(j)) return -1;
      if (this.tokens.isOp(j + 1, close)) return j + 1;
      if (!this.tokens.isOp(j + 1, Ch.Comma)) return -1;
      j += 2;
    }
  }

  /** Index of the `)` matching the `(` at `open`, or -1. */
  private matchParen(open: number): number {
    const tokens = this.tokens;
    let depth = 0;
    for (let i = open; i < tokens.count; i++) {
      if (tokens.kind[i] !== Tk.Op) continue;
      const code = tokens.code[i];
      if (code === Ch.OpenParen) depth++;
      else if (code === Ch.CloseParen && --depth === 0) return i;
    }
    return -1;
  }

  /** Reads the `(...)` rows of a VALUES list starting at `open` into `rowOpen`/`rowClose`; false when one is unclosed. */
  private readValuesRows(open: number): boolean {
    this.rowCount = 0;
    let j = open;
    for (;;) {
      const close = this.matchParen(j);
      if (close < 0) return false;
      if (this.rowCount === this.rowOpen.length) {
        this.rowOpen = grow(this.rowOpen, 0);
        this.rowClose = grow(this.rowClose, 0);
      }
      this.rowOpen[this.rowCount] = j;
      this.rowClose[this.rowCount] = close;
      this.rowCount++;
      if (this.tokens.isOp(close + 1, Ch.Comma) && this.tokens.isOp(close + 2, Ch.OpenParen)) {
        j = close + 2;
        continue;
      }
      return true;
    }
  }

  /** Every row has the first row's shape: the same tokens, values where it has values (strings where strings). */
  private rowsShareShape(): boolean {
    const tokens = this.tokens;
    const first = this.rowOpen[0]!;
    const length = this.rowClose[0]! - first;
    for (let row = 1; row < this.rowCount; row++) {
      const other = this.rowOpen[row]!;
      if (this.rowClose[row]! - other !== length) return false;
      for (let k = 0; k <= length; k++) {
        const a = first + k;
        const b = other + k;
        const slotA = this.isSlotToken(a);
        if (slotA !== this.isSlotToken(b)) return false;
        if (slotA) {
          if ((tokens.kind[a] === Tk.String) !== (tokens.kind[b] === Tk.String)) return false;
        } else if (tokens.kind[a] !== tokens.kind[b] || !this.sameTokenText(a, b)) {
          return false;
        }
      }
    }
    return true;
  }

  /** `Token.text` of two tokens of one kind is equal. */
  private sameTokenText(a: number, b: number): boolean {
    const tokens = this.tokens;
    const kind = tokens.kind[a];
    if (kind === Tk.Op || (kind === Tk.Word && tokens.reading[a] === Reading.Plain && tokens.reading[b] === Reading.Plain)) {
      if (tokens.hash[a] !== tokens.hash[b]) return false;
      const length = tokens.end[a]! - tokens.start[a]!;
      if (tokens.end[b]! - tokens.start[b]! !== length) return false;
      const text = tokens.text;
      const fold = kind === Tk.Word;
      for (let k = 0; k < length; k++) {
        const ca = text.charCodeAt(tokens.start[a]! + k);
        const cb = text.charCodeAt(tokens.start[b]! + k);
        if (ca !== cb && (!fold || lowerAscii(ca) !== lowerAscii(cb))) return false;
      }
      return true;
    }
    return tokenText(tokens, a) === tokenText(tokens, b);
  }

  /** Computes each piece's header (with the space the fingerprint puts before it) and the shape hash. */
  private finish(): void {
    const tokens = this.tokens;
    if (this.header.length < this.pieceCount) this.header = grow(this.header, this.pieceCount);
    let hash = mix(HASH_SEED, DIALECT_CODE[tokens.dialect]);
    for (let p = 0; p < this.pieceCount; p++) {
      const token = this.piece[p]!;
      const space = p > 0 && this.needsSpace(p - 1, p) ? HEADER_SPACE : 0;
      let header: number;
      let textHash = 0;
      if (token < 0) {
        const slot = -1 - token;
        const stringMarker = tokens.kind[this.slotToken[slot]!] === Tk.String;
        const type = this.slotList[slot] === 1 ? (stringMarker ? PieceType.StringListSlot : PieceType.ListSlot) : stringMarker ? PieceType.StringSlot : PieceType.Slot;
        header = type | space;
      } else {
        const kind = tokens.kind[token];
        const type = kind === Tk.Word ? PieceType.Word : kind === Tk.QIdent ? PieceType.QIdent : PieceType.Op;
        const length = tokens.reading[token] === Reading.NonAsciiWord ? tokenText(tokens, token).length : tokens.end[token]! - tokens.start[token]!;
        header = type | space | (length << HEADER_LENGTH_SHIFT);
        textHash = tokens.hash[token]!;
      }
      this.header[p] = header;
      hash = mix(mix(hash, header), textHash);
    }
    this.hash = hash;
  }

  /** Whether the fingerprint and the key put a space between piece `prev` and piece `index`. */
  private needsSpace(prev: number, index: number): boolean {
    const tokens = this.tokens;
    const before = this.piece[prev]!;
    const token = this.piece[index]!;
    if (before >= 0 && tokens.kind[before] === Tk.Op) {
      const p = tokens.code[before];
      if (p === Ch.OpenParen || p === Ch.Dot || p === Ch.OpenBracket || p === OpCode.Cast) return false;
    }
    if (token >= 0 && tokens.kind[token] === Tk.Op) {
      const c = tokens.code[token];
      if (c === Ch.CloseParen || c === Ch.Comma || c === Ch.Dot || c === Ch.Semicolon || c === Ch.CloseBracket || c === OpCode.Cast) return false;
      if (c === Ch.OpenParen) return !(before >= 0 && tokens.kind[before] === Tk.Word && tokens.spaced[token] === 0 && (tokens.code[before]! & Kw.SpacedBeforeParen) === 0);
      if (c === Ch.OpenBracket) return tokens.spaced[token] === 1;
    }
    return true;
  }

  /** The route of a shape with at least one piece: by its leading word. */
  route(): Route {
    const tokens = this.tokens;
    const first = this.piece[0]!;
    if (first < 0 || tokens.kind[first] !== Tk.Word) return first >= 0 && tokens.isOp(first, Ch.OpenParen) ? 'dml' : 'unknown';
    const flags = tokens.code[first]!;
    if ((flags & Kw.RouteDml) !== 0) return 'dml';
    if ((flags & Kw.RouteDdl) !== 0) {
      const second = this.pieceCount > 1 ? this.piece[1]! : -1;
      return (flags & Kw.Comment) !== 0 && !(second >= 0 && tokens.isWord(second, Kw.On)) ? 'unknown' : 'ddl';
    }
    if ((flags & Kw.RouteControl) !== 0) return 'control';
    if ((flags & Kw.RouteOther) !== 0) return 'other';
    return 'unknown';
  }

  /** Value `index` (in text order) as a model `Value`. */
  value(index: number): Value {
    const tokens = this.tokens;
    const token = this.valueToken[index]!;
    const kind = tokens.kind[token];
    if (kind === Tk.Param) {
      const start = tokens.start[token]!;
      const end = tokens.end[token]!;
      return end - start === 1 && tokens.text.charCodeAt(start) === 63 /* ? */ ? QUESTION_MARK : { kind: 'placeholder', name: tokens.text.slice(start, end) };
    }
    if (kind === Tk.Word) {
      // A value word is NULL, TRUE or FALSE.
      const first = lowerAscii(tokens.text.charCodeAt(tokens.start[token]!));
      return first === Ch.LowerN ? LITERAL_NULL : first === Ch.LowerT ? LITERAL_TRUE : LITERAL_FALSE;
    }
    return { kind: 'literal', value: literalValue(tokens, token) };
  }

  /** Where piece `index` starts and ends in the statement text. */
  pieceStart(index: number): number {
    const token = this.piece[index]!;
    return this.tokens.start[token < 0 ? this.slotToken[-1 - token]! : token]!;
  }

  pieceEnd(index: number): number {
    const token = this.piece[index]!;
    return token < 0 ? this.slotEnd[-1 - token]! : this.tokens.end[token]!;
  }

  /** The readable fingerprint. */
  fingerprint(): string {
    return this.render(false);
  }

  /** The parse text: marker literals in the slots, quoted names as written. */
  parseKey(): string {
    return this.render(true);
  }

  private render(parseKey: boolean): string {
    const tokens = this.tokens;
    const text = tokens.text;
    let out = '';
    for (let p = 0; p < this.pieceCount; p++) {
      const piece = this.piece[p]!;
      let part: string;
      if (piece < 0) {
        const slot = -1 - piece;
        if (parseKey) part = slotMarker(slot, tokens.kind[this.slotToken[slot]!] === Tk.String);
        else part = this.slotList[slot] === 1 ? '?+' : '?';
      } else if (tokens.kind[piece] === Tk.Word) {
        part = tokenText(tokens, piece);
      } else if (tokens.kind[piece] === Tk.QIdent && !parseKey) {
        const name = tokenText(tokens, piece);
        part = isSimpleIdentifier(name) ? name : `"${name.replace(/"/g, '""')}"`;
      } else {
        part = text.slice(tokens.start[piece]!, tokens.end[piece]!);
      }
      out += (this.header[p]! & HEADER_SPACE) !== 0 ? ' ' + part : part;
    }
    return out;
  }

  /** The texts of the pieces run together, as `sameShape` compares them (spaces are in the headers). */
  shapeText(): string {
    const tokens = this.tokens;
    let out = '';
    for (let p = 0; p < this.pieceCount; p++) {
      const piece = this.piece[p]!;
      if (piece < 0) continue;
      out += tokens.kind[piece] === Tk.Word ? tokenText(tokens, piece) : tokens.text.slice(tokens.start[piece]!, tokens.end[piece]!);
    }
    return out;
  }

  /** Copy of the piece headers, as `sameShape` compares them. */
  shapeHeaders(): Int32Array {
    return this.header.slice(0, this.pieceCount);
  }

  /** True when this statement has the shape recorded by `shapeHeaders`/`shapeText` in `dialect`. */
  sameShape(dialect: Dialect, headers: Int32Array, shapeText: string): boolean {
    if (dialect !== this.tokens.dialect || headers.length !== this.pieceCount) return false;
    const tokens = this.tokens;
    const text = tokens.text;
    let at = 0;
    for (let p = 0; p < this.pieceCount; p++) {
      const header = headers[p]!;
      if (this.header[p] !== header) return false;
      const piece = this.piece[p]!;
      if (piece < 0) continue;
      const start = tokens.start[piece]!;
      const end = tokens.end[piece]!;
      // The length in the header, checked again in case a giant piece overflowed it.
      const length = header >>> HEADER_LENGTH_SHIFT;
      if (tokens.kind[piece] !== Tk.Word) {
        if (end - start !== length) return false;
        for (let k = start; k < end; k++) if (text.charCodeAt(k) !== shapeText.charCodeAt(at++)) return false;
      } else if (tokens.reading[piece] === Reading.Plain) {
        if (end - start !== length) return false;
        for (let k = start; k < end; k++) if (lowerAscii(text.charCodeAt(k)) !== shapeText.charCodeAt(at++)) return false;
      } else {
        const lower = tokenText(tokens, piece);
        if (lower.length !== length || !shapeText.startsWith(lower, at)) return false;
        at += length;
      }
    }
    return at === shapeText.length;
  }

  /** The shape as objects: tokens, pieces, values, slot runs, fingerprint and parse key. */
  materialize(): Shape {
    const tokens = this.tokens;
    const tokenObjects = materializeTokens(tokens);
    const pieces: Piece[] = new Array<Piece>(this.pieceCount);
    for (let p = 0; p < this.pieceCount; p++) {
      const piece = this.piece[p]!;
      if (piece >= 0) {
        pieces[p] = tokenObjects[piece]!;
        continue;
      }
      const slot = -1 - piece;
      const first = this.slotToken[slot]!;
      pieces[p] = {
        kind: 'slot',
        slot,
        start: tokens.start[first]!,
        end: this.slotEnd[slot]!,
        spaced: tokens.spaced[first] === 1,
        stringMarker: tokens.kind[first] === Tk.String,
        list: this.slotList[slot] === 1,
      };
    }
    const values: Value[] = new Array<Value>(this.valueCount);
    for (let i = 0; i < this.valueCount; i++) values[i] = this.value(i);
    const slots: SlotRun[] = new Array<SlotRun>(this.slotCount);
    for (let s = 0; s < this.slotCount; s++) slots[s] = { start: this.slotStart[s]!, count: this.slotValueCount[s]!, stride: this.slotStride[s]! };
    return {
      text: tokens.text,
      dialect: tokens.dialect,
      tokens: tokenObjects,
      pieces,
      values,
      slots,
      valuesRows: this.valuesRows,
      fingerprint: this.fingerprint(),
      key: this.parseKey(),
    };
  }
}

function mix(hash: number, value: number): number {
  const h = Math.imul(hash ^ value, 0x01000193);
  return h ^ (h >>> 13);
}

function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** For `shapeSql` and `fingerprintSql`; a `StatementParser` has its own. */
const scratch = new ShapeScan();

/** Tokenises and shapes one statement. Never throws. */
export function shapeSql(text: string, dialect: Dialect): Shape {
  return scratch.scan(text, dialect).materialize();
}

/**
 * The public fingerprint: `{ fingerprint, literals }` (placeholders are not literals). The
 * dialect decides what `"x"` is (a MySQL string, elsewhere a name), backslash escapes and `#`
 * comments; without one the text is read with PostgreSQL's (standard SQL) rules.
 */
export function fingerprintSql(text: string, dialect: Dialect = 'postgresql'): { fingerprint: string; literals: LiteralValue[] } {
  const scan = scratch.scan(text, dialect);
  const literals: LiteralValue[] = [];
  for (let i = 0; i < scan.valueCount; i++) {
    const value = scan.value(i);
    if (value.kind === 'literal') literals.push(value.value);
  }
  return { fingerprint: scan.fingerprint(), literals };
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

const SPACED_BEFORE_PAREN_WORDS: ReadonlySet<string> = new Set(SPACED_BEFORE_PAREN);

/** `ShapeScan.needsSpace` for piece objects (the parsers read rewritten piece lists). */
function needsSpace(prev: Piece, piece: Piece): boolean {
  if (prev.kind === 'op') {
    const p = prev.text;
    if (p === '(' || p === '.' || p === '[' || p === '::') return false;
  }
  if (piece.kind === 'op') {
    const c = piece.text;
    if (c === ')' || c === ',' || c === '.' || c === ';' || c === ']' || c === '::') return false;
    if (c === '(') return !(prev.kind === 'word' && !piece.spaced && !SPACED_BEFORE_PAREN_WORDS.has(prev.text));
    if (c === '[') return piece.spaced;
  }
  return true;
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
