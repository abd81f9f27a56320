/**
 * Unmistakable signs of a dialect in SQL text, for warning a user whose file is being linted
 * under the default dialect when it is plainly another. Conservative on purpose: only markers
 * the other dialect rejects outright count.
 */
import type { Dialect } from '../model/dialect.js';

const POSTGRES_MARKERS: readonly [RegExp, string][] = [
  [/^-- PostgreSQL database dump/m, 'a pg_dump header'],
  [/^\\(connect|restrict|c) /m, 'psql meta-commands'],
  [/\w::(int|integer|bigint|text|varchar|numeric|regclass|date|timestamp|jsonb?|uuid|boolean)\b/i, '::type casts'],
  [/\bFOR\s+(NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b/i, 'FOR NO KEY UPDATE / FOR KEY SHARE'],
  [/\bDEFERRABLE\s+INITIALLY\b/i, 'DEFERRABLE constraints'],
  [/\b(BIG)?SERIAL\b/i, 'SERIAL columns'],
];

const MYSQL_MARKERS: readonly [RegExp, string][] = [
  [/\bENGINE\s*=\s*\w+/i, 'ENGINE= table options'],
  [/\bAUTO_INCREMENT\b/i, 'AUTO_INCREMENT'],
  [/\/\*!\d{5}/, 'MySQL conditional comments'],
  [/^-- (MySQL|MariaDB) dump/m, 'a mysqldump header'],
  [/`\w+`\.`\w+`/, 'backtick-quoted names'],
];

/** The other dialect the text plainly is, with the signs seen; undefined when unclear. */
export function contradictingDialect(text: string, assumed: Dialect): { dialect: Dialect; signs: string[] } | undefined {
  const sample = text.length > 256 * 1024 ? text.slice(0, 256 * 1024) : text;
  const postgres = POSTGRES_MARKERS.filter(([pattern]) => pattern.test(sample)).map(([, sign]) => sign);
  const mysql = MYSQL_MARKERS.filter(([pattern]) => pattern.test(sample)).map(([, sign]) => sign);
  if (assumed !== 'postgresql' && postgres.length > 0 && mysql.length === 0) return { dialect: 'postgresql', signs: postgres };
  if (assumed === 'postgresql' && mysql.length > 0 && postgres.length === 0) return { dialect: 'mysql', signs: mysql };
  return undefined;
}
