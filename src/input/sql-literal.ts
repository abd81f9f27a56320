/**
 * Logs often show a statement and its bound parameters apart (PostgreSQL `DETAIL: parameters:`,
 * Django `args=`, Rails binds). Readers put the values back as SQL literals, so the rest of the
 * pipeline sees one statement text with known values.
 */
import type { Dialect } from '../model/dialect.js';

export type BoundValue = string | number | bigint | boolean | null;

export function toSqlLiteral(value: BoundValue, dialect: Dialect): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return dialect === 'postgresql' ? (value ? 'TRUE' : 'FALSE') : value ? '1' : '0';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const escaped = value.replace(/'/g, "''");
  // MySQL treats backslash as an escape inside '...'; PostgreSQL (standard_conforming_strings) does not.
  return dialect === 'postgresql' ? `'${escaped}'` : `'${escaped.replace(/\\/g, '\\\\')}'`;
}

export type PlaceholderStyle =
  /** `$1`, `$2` (PostgreSQL). */
  | 'dollar'
  /** `?` (MySQL prepared statements, JDBC). */
  | 'question'
  /** `%s` (Python DB-API format). */
  | 'format'
  /** `%(name)s` (Python DB-API pyformat). */
  | 'pyformat';

/**
 * Replaces placeholders outside quotes and comments with literals. Values are looked up by
 * 1-based position (`dollar`: `$n`; `question`/`format`: order of appearance) or by name
 * (`pyformat`). A placeholder without a value, or whose value is `undefined` (the log shows it
 * in a form that cannot be written as a literal), is left as written.
 */
export function substituteParameters(
  sql: string,
  values: readonly (BoundValue | undefined)[] | Readonly<Record<string, BoundValue | undefined>>,
  style: PlaceholderStyle,
  dialect: Dialect,
): string {
  const byIndex = Array.isArray(values) ? (values as readonly (BoundValue | undefined)[]) : undefined;
  const byName = Array.isArray(values) ? undefined : (values as Readonly<Record<string, BoundValue | undefined>>);
  let out = '';
  let sequential = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = skipQuoted(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (style === 'dollar' && ch === '$' && isDigit(sql.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < n && isDigit(sql.charCodeAt(j))) j++;
      const index = Number(sql.slice(i + 1, j)) - 1;
      out += literalAt(byIndex, index) ?? sql.slice(i, j);
      i = j;
      continue;
    }
    if (style === 'question' && ch === '?') {
      out += literalAt(byIndex, sequential++) ?? '?';
      i++;
      continue;
    }
    if (style === 'format' && ch === '%' && sql[i + 1] === 's') {
      out += literalAt(byIndex, sequential++) ?? '%s';
      i += 2;
      continue;
    }
    if (style === 'pyformat' && ch === '%' && sql[i + 1] === '(') {
      const close = sql.indexOf(')s', i + 2);
      if (close !== -1) {
        const name = sql.slice(i + 2, close);
        const value = byName && Object.hasOwn(byName, name) ? byName[name] : undefined;
        out += value === undefined ? sql.slice(i, close + 2) : toSqlLiteral(value, dialect);
        i = close + 2;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;

  function literalAt(list: readonly (BoundValue | undefined)[] | undefined, index: number): string | undefined {
    const value = list && index >= 0 ? list[index] : undefined;
    return value === undefined ? undefined : toSqlLiteral(value, dialect);
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Index just past the closing quote; doubled quotes and backslash escapes stay inside. */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '\\' && quote !== '`') {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}
