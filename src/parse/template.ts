/**
 * A statement template: the normalised form of one parse key, shared by every statement of that
 * shape. Values are slot references; `instantiate` fills them from each statement's own values,
 * read from its `ShapeScan` (only the values a template refers to become `Value` objects).
 */
import type { Dialect } from '../model/dialect.js';
import type { Origin } from '../model/origin.js';
import type {
  ColumnPredicate,
  DdlChange,
  LockClause,
  SessionSetting,
  Statement,
  StatementKind,
  TransactionControl,
  Value,
} from '../model/statement.js';
import type { ShapeScan } from './fingerprint.js';

export interface SlotRef {
  readonly kind: 'slot';
  readonly index: number;
}

export type ValueRef = Value | SlotRef;

export interface PredicateTemplate {
  readonly column: string;
  readonly op: '=' | 'in';
  readonly values: readonly ValueRef[];
  readonly subquery?: boolean;
}

export interface WhereTemplate {
  readonly predicates: readonly PredicateTemplate[];
  readonly otherColumns: readonly string[];
  readonly onlyPredicates: boolean;
}

/** A parse failure, located by piece so each statement reports its own position and token. */
export interface ErrorTemplate {
  /** Message when there is no token to name (`syntax error at end of input`, nesting...). */
  readonly message: string;
  /** Index into the shape's pieces of the offending token; -1 for the end of the statement, -2 for its start. */
  readonly pieceIndex: number;
  /** Phrase the message as `syntax error at or near "<the statement's own token>"`. */
  readonly nearToken: boolean;
}

export interface StatementTemplate {
  readonly kind: StatementKind;
  readonly parsedBy: Statement['parsedBy'];
  readonly table: string | null;
  readonly tables: readonly string[];
  readonly selectColumns?: readonly string[];
  readonly where?: WhereTemplate;
  readonly lock?: LockClause;
  readonly complexSelect?: boolean;
  readonly insertColumns?: readonly string[];
  /** One entry per row as written in the parsed text (a collapsed VALUES list has one). */
  readonly insertRows?: readonly (readonly ValueRef[])[];
  readonly insertFromSelect?: boolean;
  readonly conflict?: Statement['conflict'];
  readonly assignments?: readonly (readonly [string, ValueRef])[];
  readonly transaction?: TransactionControl;
  readonly settings?: readonly SessionSetting[];
  readonly ddl?: DdlChange;
  readonly error?: ErrorTemplate;
}

export const EXPRESSION: Value = Object.freeze({ kind: 'expression' });

export function slotRef(index: number): SlotRef {
  return { kind: 'slot', index };
}

/** The value of a slot in VALUES row `row` (the last row when the slot has fewer). */
function resolveOne(ref: ValueRef, scan: ShapeScan, row: number): Value {
  if (ref.kind !== 'slot') return ref;
  const slot = ref.index;
  if (slot < 0 || slot >= scan.slotCount) return EXPRESSION;
  const index = scan.slotStart[slot]! + Math.min(row, scan.slotValueCount[slot]! - 1) * scan.slotStride[slot]!;
  return index >= 0 && index < scan.valueCount ? scan.value(index) : EXPRESSION;
}

/** Every value a slot stands for (a collapsed IN list stands for many). */
function resolveAll(refs: readonly ValueRef[], scan: ShapeScan): Value[] {
  const out: Value[] = [];
  for (const ref of refs) {
    if (ref.kind !== 'slot') {
      out.push(ref);
      continue;
    }
    const slot = ref.index;
    if (slot < 0 || slot >= scan.slotCount) {
      out.push(EXPRESSION);
      continue;
    }
    const start = scan.slotStart[slot]!;
    const stride = scan.slotStride[slot]!;
    const count = scan.slotValueCount[slot]!;
    for (let k = 0; k < count; k++) {
      const index = start + k * stride;
      out.push(index < scan.valueCount ? scan.value(index) : EXPRESSION);
    }
  }
  return out;
}

/** 1-based file position of an offset inside a statement that starts at `origin`. */
export function positionOf(text: string, offset: number, origin: Origin): { line: number; column: number } {
  let line = origin.line;
  let lineStart = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i;
  }
  const column = lineStart === -1 ? origin.column + offset : offset - lineStart;
  return { line, column };
}

function errorOf(error: ErrorTemplate, scan: ShapeScan, origin: Origin): NonNullable<Statement['parseError']> {
  const { text, pieceCount } = scan;
  let offset: number;
  let message = error.message;
  if (error.pieceIndex === -2 || pieceCount === 0) {
    offset = firstNonSpace(text);
  } else if (error.pieceIndex < 0 || error.pieceIndex >= pieceCount) {
    offset = scan.pieceEnd(pieceCount - 1);
  } else {
    offset = scan.pieceStart(error.pieceIndex);
    if (error.nearToken) message = `syntax error at or near "${clip(text.slice(offset, scan.pieceEnd(error.pieceIndex)))}"`;
  }
  return { message, ...positionOf(text, offset, origin) };
}

function firstNonSpace(text: string): number {
  const match = /\S/.exec(text);
  return match === null ? 0 : match.index;
}

function clip(token: string): string {
  return token.length > 40 ? `${token.slice(0, 37)}...` : token;
}

function resolvePredicate(predicate: PredicateTemplate, scan: ShapeScan): ColumnPredicate {
  let values: Value[];
  if (predicate.op === 'in') {
    values = resolveAll(predicate.values, scan);
  } else {
    values = new Array<Value>(predicate.values.length);
    for (let i = 0; i < values.length; i++) values[i] = resolveOne(predicate.values[i]!, scan, 0);
  }
  return predicate.subquery ? { column: predicate.column, op: predicate.op, values, subquery: true } : { column: predicate.column, op: predicate.op, values };
}

/** A statement from a template and one statement's scan (its own values and text), fingerprint and origin. */
export function instantiate(template: StatementTemplate, scan: ShapeScan, fingerprint: string, origin: Origin, dialect: Dialect): Statement {
  const statement: {
    -readonly [K in keyof Statement]: Statement[K];
  } = {
    kind: template.kind,
    text: scan.text,
    fingerprint,
    origin,
    dialect,
    parsedBy: template.parsedBy,
    table: template.table,
    tables: template.tables,
  };
  if (template.selectColumns !== undefined) statement.selectColumns = template.selectColumns;
  if (template.where !== undefined) {
    const where = template.where;
    const predicates = new Array<ColumnPredicate>(where.predicates.length);
    for (let i = 0; i < predicates.length; i++) predicates[i] = resolvePredicate(where.predicates[i]!, scan);
    statement.where = { predicates, otherColumns: where.otherColumns, onlyPredicates: where.onlyPredicates };
  }
  if (template.lock !== undefined) statement.lock = template.lock;
  if (template.complexSelect !== undefined) statement.complexSelect = template.complexSelect;
  if (template.insertColumns !== undefined) statement.insertColumns = template.insertColumns;
  if (template.insertRows !== undefined) statement.insertRows = instantiateRows(template, scan);
  if (template.insertFromSelect !== undefined) statement.insertFromSelect = template.insertFromSelect;
  if (template.conflict !== undefined) statement.conflict = template.conflict;
  if (template.assignments !== undefined) {
    const assignments = new Map<string, Value>();
    for (const [column, ref] of template.assignments) assignments.set(column, resolveOne(ref, scan, 0));
    statement.assignments = assignments;
  }
  if (template.transaction !== undefined) statement.transaction = template.transaction;
  if (template.settings !== undefined) statement.settings = template.settings;
  if (template.ddl !== undefined) statement.ddl = template.ddl;
  if (template.error !== undefined) statement.parseError = errorOf(template.error, scan, origin);
  return statement;
}

function instantiateRows(template: StatementTemplate, scan: ShapeScan): ReadonlyMap<string, Value>[] {
  const rows = template.insertRows ?? [];
  const columns = template.insertColumns ?? [];
  // A collapsed VALUES list was parsed as its first row: expand it to every row of this statement.
  const expand = rows.length === 1 && scan.valuesRows > 1;
  const count = expand ? scan.valuesRows : rows.length;
  const out = new Array<ReadonlyMap<string, Value>>(count);
  for (let row = 0; row < count; row++) {
    const refs = rows[expand ? 0 : row]!;
    const map = new Map<string, Value>();
    for (let index = 0; index < refs.length; index++) map.set(columns[index] ?? `#${index + 1}`, resolveOne(refs[index]!, scan, expand ? row : 0));
    out[row] = map;
  }
  return out;
}
