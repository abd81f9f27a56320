/** Comparing and printing statement values, for rules that match rows across statements. */
import type { ColumnPredicate, Value, WhereSummary } from '../model/statement.js';

/** Literal values compare by their text, so `1` (number) and `'1'` (string) match as MySQL/PostgreSQL would. */
export function literalKey(value: Value): string | undefined {
  if (value.kind !== 'literal' || value.value === null) return undefined;
  return String(value.value);
}

export function formatValue(value: Value): string {
  if (value.kind === 'placeholder') return value.name.startsWith('$') || value.name === '?' ? value.name : `:${value.name}`;
  if (value.kind === 'expression') return '<expression>';
  if (value.value === null) return 'NULL';
  return typeof value.value === 'string' ? `'${value.value}'` : String(value.value);
}

/**
 * How a set of rows named by `column IN/= values` on one side relates to the other side.
 * `same`: a known value is on both sides; `different`: all values known and disjoint;
 * `unknown`: placeholders or expressions make it impossible to tell.
 */
export type RowMatch = { readonly kind: 'same'; readonly value: string } | { readonly kind: 'different' } | { readonly kind: 'unknown' };

export function matchValues(left: readonly Value[], right: readonly Value[]): RowMatch {
  const rightKeys = new Set<string>();
  let unknown = false;
  for (const value of right) {
    const key = literalKey(value);
    if (key === undefined) {
      if (value.kind !== 'literal') unknown = true;
    } else rightKeys.add(key);
  }
  for (const value of left) {
    const key = literalKey(value);
    if (key === undefined) {
      if (value.kind !== 'literal') unknown = true;
      continue;
    }
    if (rightKeys.has(key)) return { kind: 'same', value: formatValue(value) };
  }
  return unknown ? { kind: 'unknown' } : { kind: 'different' };
}

export function predicateOn(where: WhereSummary | undefined, column: string): ColumnPredicate | undefined {
  return where?.predicates.find((predicate) => predicate.column === column);
}
