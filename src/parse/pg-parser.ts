/**
 * The only importer of libpg-query: the real PostgreSQL 17 grammar compiled to WebAssembly.
 * The module must be loaded once (`loadPgParser`) before `parseWithPg` is called.
 */
import { loadModule, parseSync } from 'libpg-query';
import type { ParseOutcome } from './sql-parser.js';

let loaded = false;
let loading: Promise<void> | undefined;

/** Loads the WebAssembly module; safe to call many times. */
export function loadPgParser(): Promise<void> {
  if (loaded) return Promise.resolve();
  loading ??= loadModule().then(() => {
    loaded = true;
  });
  return loading;
}

export function isPgParserLoaded(): boolean {
  return loaded;
}

/** The first raw statement node, e.g. `{ SelectStmt: {...} }`. */
export type PgStatementNode = Readonly<Record<string, unknown>>;

interface PgSqlError {
  readonly message?: string;
  readonly sqlDetails?: { readonly cursorPosition?: number; readonly message?: string };
}

export function parseWithPg(sql: string): ParseOutcome<PgStatementNode | null> {
  try {
    const result = parseSync(sql) as { stmts?: { stmt?: PgStatementNode }[] };
    return { ok: true, value: result.stmts?.[0]?.stmt ?? null };
  } catch (error) {
    if (error instanceof RangeError) {
      return { ok: false, offset: 0, syntax: false, message: 'statement is nested too deeply to parse' };
    }
    const details = (error as PgSqlError).sqlDetails;
    const message = (error as PgSqlError).message ?? String(error);
    const cursor = details?.cursorPosition;
    if (message.startsWith('syntax error at end of input')) return { ok: false, offset: null, syntax: true, message };
    const syntax = message.startsWith('syntax error at or near');
    return { ok: false, offset: typeof cursor === 'number' && cursor >= 0 ? cursor : 0, syntax, message: message.slice(0, 200) };
  }
}
