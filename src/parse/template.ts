/**
 * A statement template: the normalised form of one parse key, shared by every statement of that
 * shape. Values are slot references; `instantiate` fills them from each statement's own values.
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
import type { Shape } from './fingerprint.js';

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
  /** Index into `Shape.pieces` of the offending token; -1 for the end of the statement, -2 for its start. */
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

function resolveOne(ref: ValueRef, shape: Shape, row: number): Value {
  if (ref.kind !== 'slot') return ref;
  const run = shape.slots[ref.index];
  if (run === undefined) return EXPRESSION;
  return shape.values[run.start + Math.min(row, run.count - 1) * run.stride] ?? EXPRESSION;
}

/** Every value a slot stands for (a collapsed IN list stands for many). */
function resolveAll(refs: readonly ValueRef[], shape: Shape): Value[] {
  const out: Value[] = [];
  for (const ref of refs) {
    if (ref.kind !== 'slot') {
      out.push(ref);
      continue;
    }
    const run = shape.slots[ref.index];
    if (run === undefined) {
      out.push(EXPRESSION);
      continue;
    }
    for (let k = 0; k < run.count; k++) out.push(shape.values[run.start + k * run.stride] ?? EXPRESSION);
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

function errorOf(error: ErrorTemplate, shape: Shape, origin: Origin): NonNullable<Statement['parseError']> {
  const { text, pieces } = shape;
  let offset: number;
  let message = error.message;
  if (error.pieceIndex === -2 || pieces.length === 0) {
    offset = firstNonSpace(text);
  } else if (error.pieceIndex < 0 || error.pieceIndex >= pieces.length) {
    offset = pieces[pieces.length - 1]!.end;
  } else {
    const piece = pieces[error.pieceIndex]!;
    offset = piece.start;
    if (error.nearToken) message = `syntax error at or near "${clip(text.slice(piece.start, piece.end))}"`;
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

function resolvePredicate(predicate: PredicateTemplate, shape: Shape): ColumnPredicate {
  const values = predicate.op === 'in' ? resolveAll(predicate.values, shape) : predicate.values.map((ref) => resolveOne(ref, shape, 0));
  return predicate.subquery ? { column: predicate.column, op: predicate.op, values, subquery: true } : { column: predicate.column, op: predicate.op, values };
}

/** A statement from a template and one statement's shape (its own values, text and origin). */
export function instantiate(template: StatementTemplate, shape: Shape, origin: Origin, dialect: Dialect): Statement {
  const statement: {
    -readonly [K in keyof Statement]: Statement[K];
  } = {
    kind: template.kind,
    text: shape.text,
    fingerprint: shape.fingerprint,
    origin,
    dialect,
    parsedBy: template.parsedBy,
    table: template.table,
    tables: template.tables,
  };
  if (template.selectColumns !== undefined) statement.selectColumns = template.selectColumns;
  if (template.where !== undefined) {
    const where = template.where;
    statement.where = {
      predicates: where.predicates.map((predicate) => resolvePredicate(predicate, shape)),
      otherColumns: where.otherColumns,
      onlyPredicates: where.onlyPredicates,
    };
  }
  if (template.lock !== undefined) statement.lock = template.lock;
  if (template.complexSelect !== undefined) statement.complexSelect = template.complexSelect;
  if (template.insertColumns !== undefined) statement.insertColumns = template.insertColumns;
  if (template.insertRows !== undefined) statement.insertRows = instantiateRows(template, shape);
  if (template.insertFromSelect !== undefined) statement.insertFromSelect = template.insertFromSelect;
  if (template.conflict !== undefined) statement.conflict = template.conflict;
  if (template.assignments !== undefined) {
    statement.assignments = new Map(template.assignments.map(([column, ref]) => [column, resolveOne(ref, shape, 0)]));
  }
  if (template.transaction !== undefined) statement.transaction = template.transaction;
  if (template.settings !== undefined) statement.settings = template.settings;
  if (template.ddl !== undefined) statement.ddl = template.ddl;
  if (template.error !== undefined) statement.parseError = errorOf(template.error, shape, origin);
  return statement;
}

function instantiateRows(template: StatementTemplate, shape: Shape): ReadonlyMap<string, Value>[] {
  const rows = template.insertRows ?? [];
  const columns = template.insertColumns ?? [];
  const keyOf = (index: number): string => columns[index] ?? `#${index + 1}`;
  // A collapsed VALUES list was parsed as its first row: expand it to every row of this statement.
  if (rows.length === 1 && shape.valuesRows > 1) {
    const out: ReadonlyMap<string, Value>[] = [];
    for (let row = 0; row < shape.valuesRows; row++) {
      out.push(new Map(rows[0]!.map((ref, index) => [keyOf(index), resolveOne(ref, shape, row)])));
    }
    return out;
  }
  return rows.map((row) => new Map(row.map((ref, index) => [keyOf(index), resolveOne(ref, shape, 0)])));
}
