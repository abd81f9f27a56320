/** Small helpers shared by the per-parser normalisers. */
import type { DdlChange, ForeignKey, Statement } from '../model/statement.js';
import type { PredicateTemplate, StatementTemplate, WhereTemplate } from './template.js';

export type AstNode = Readonly<Record<string, unknown>>;

export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asNode(value: unknown): AstNode | undefined {
  return isNode(value) ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Keeps first occurrences, drops empties. */
export function unique(names: Iterable<string | null | undefined>): string[] {
  const seen = new Set<string>();
  for (const name of names) if (name !== null && name !== undefined && name !== '') seen.add(name);
  return [...seen];
}

/** Accumulates the top-level conjuncts of a WHERE clause. */
export class WhereBuilder {
  private readonly predicates: PredicateTemplate[] = [];
  private readonly otherColumns: string[] = [];
  private onlyPredicates = true;

  addPredicate(predicate: PredicateTemplate): void {
    this.predicates.push(predicate);
  }

  addOther(columns: Iterable<string>): void {
    this.onlyPredicates = false;
    this.otherColumns.push(...columns);
  }

  build(): WhereTemplate {
    return { predicates: this.predicates, otherColumns: unique(this.otherColumns), onlyPredicates: this.onlyPredicates };
  }
}

export interface TableShapeBuilder {
  columns: string[];
  primaryKey?: string[];
  uniqueKeys: string[][];
  foreignKeys: ForeignKey[];
}

export function deferrableOf(deferrable: boolean, initiallyDeferred: boolean): ForeignKey['deferrable'] {
  if (!deferrable) return 'not-deferrable';
  return initiallyDeferred ? 'initially-deferred' : 'initially-immediate';
}

/** A DDL statement's template: `table` is the table changed (the first one dropped / the old name). */
export function ddlTemplate(ddl: DdlChange, parsedBy: Statement['parsedBy']): StatementTemplate {
  let tables: string[];
  switch (ddl.action) {
    case 'drop-table':
      tables = [...ddl.tables];
      break;
    case 'rename-table':
      tables = [ddl.from, ddl.to];
      break;
    case 'other':
      tables = ddl.table === undefined ? [] : [ddl.table];
      break;
    case 'create-table':
      tables = [ddl.table, ...ddl.foreignKeys.map((fk) => fk.refTable)];
      break;
    case 'alter-table':
      tables = [ddl.table, ...ddl.addForeignKeys.map((fk) => fk.refTable)];
      break;
    default:
      tables = [ddl.table];
  }
  return { kind: 'ddl', parsedBy, table: tables[0] ?? null, tables: unique(tables), ddl };
}

