/**
 * Text -> Statement. Every statement is fingerprinted; each distinct parse key (dialect + shape)
 * is parsed once and kept as a template; each statement then takes its own values by position.
 * Control statements skip the parsers altogether (the classifier reads them directly).
 */
import type { Dialect } from '../model/dialect.js';
import type { Origin } from '../model/origin.js';
import type { Statement } from '../model/statement.js';
import { classifyControl, otherTemplate, routeOf, scanDmlTable, type Route } from './classify.js';
import { ddlFromTokens } from './ddl-text.js';
import { renderForParser, shapeSql, type Piece, type Shape } from './fingerprint.js';
import { ddlTemplate } from './normalize-common.js';
import { ddlFromNodeSqlParser, normalizeNodeSqlParser } from './normalize-nsp.js';
import { normalizePg, pgDdlTemplate } from './normalize-pg.js';
import { isPgParserLoaded, loadPgParser, parseWithPg } from './pg-parser.js';
import { NO_LOCK, rewriteForNodeSqlParser } from './rewrite.js';
import { parseWithNodeSqlParser, type NodeSqlParserDatabase, type NodeSqlParserOutput, type ParseOutcome } from './sql-parser.js';
import { instantiate, type ErrorTemplate, type StatementTemplate } from './template.js';

/** Loads libpg-query's WebAssembly once; must be awaited before parsing PostgreSQL text. */
export function initParsers(): Promise<void> {
  return loadPgParser();
}

export interface StatementParserOptions {
  /** Distinct parse keys kept (least recently used dropped first). Default 10 000. */
  readonly cacheSize?: number;
}

export interface StatementParserStats {
  /** Templates built by running a parser (cache misses), however many parsers were tried. */
  readonly parsed: number;
  /** Statements served from a cached template. */
  readonly cacheHits: number;
  /** Statements returned as `kind: 'unparsed'`. */
  readonly failures: number;
}

const DEFAULT_CACHE_SIZE = 10_000;
const MAX_CACHED_KEY_LENGTH = 256 * 1024;

/** node-sql-parser builds to try, in order, per dialect (design §7: MySQL mode reads MariaDB best). */
const NODE_SQL_PARSER_CHAIN: Record<Exclude<Dialect, 'postgresql'>, readonly NodeSqlParserDatabase[]> = {
  mysql: ['mysql', 'mariadb'],
  mariadb: ['mysql', 'mariadb'],
  sqlite: ['sqlite', 'mysql'],
};

export class StatementParser {
  private readonly cache = new Map<string, StatementTemplate>();
  private readonly cacheSize: number;
  private readonly counters = { parsed: 0, cacheHits: 0, failures: 0 };

  constructor(options: StatementParserOptions = {}) {
    this.cacheSize = Math.max(1, Math.floor(options.cacheSize ?? DEFAULT_CACHE_SIZE));
  }

  get stats(): StatementParserStats {
    return { ...this.counters };
  }

  /** Never throws for bad SQL: an unreadable statement comes back as `kind: 'unparsed'`. */
  parse(text: string, origin: Origin, dialect: Dialect): Statement {
    if (dialect === 'postgresql' && !isPgParserLoaded()) {
      throw new Error('StatementParser: await initParsers() before parsing PostgreSQL statements');
    }
    let shape: Shape | undefined;
    try {
      shape = shapeSql(text, dialect);
      const statement = instantiate(this.templateFor(shape, dialect), shape, origin, dialect);
      if (statement.kind === 'unparsed') this.counters.failures++;
      return statement;
    } catch (error) {
      // A bug here must not stop a whole lint run: report the statement as unparsed.
      this.counters.failures++;
      const message = `internal parser error: ${error instanceof Error ? error.message : String(error)}`;
      return {
        kind: 'unparsed',
        text,
        fingerprint: shape?.fingerprint ?? text.trim().replace(/\s+/g, ' ').toLowerCase(),
        origin,
        dialect,
        parsedBy: 'classifier',
        table: null,
        tables: [],
        parseError: { message: message.slice(0, 200), line: origin.line, column: origin.column },
      };
    }
  }

  private templateFor(shape: Shape, dialect: Dialect): StatementTemplate {
    if (shape.pieces.length === 0) return otherTemplate();
    const route = routeOf(shape.pieces);
    if (route === 'control') return classifyControl(shape.tokens, dialect, shape.text) ?? otherTemplate();
    if (route === 'other') return otherTemplate();
    const key = dialect + '\n' + shape.key;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      // Re-insert to mark it recently used (Map keeps insertion order).
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    this.counters.parsed++;
    const template = dialect === 'postgresql' ? buildWithPg(shape, route) : buildWithNodeSqlParser(shape, route, dialect);
    // A shape this long is effectively unique; keeping it would only pin memory.
    if (key.length > MAX_CACHED_KEY_LENGTH) return template;
    this.cache.set(key, template);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return template;
  }
}

/** Index in `shape.pieces` of the piece at `offset` of the parsed text (pieces may have been rewritten). */
function pieceIndexAt(shape: Shape, parsedPieces: readonly Piece[], offsets: readonly number[], offset: number | null): number {
  if (offset === null) return -1;
  let index = 0;
  while (index + 1 < offsets.length && offsets[index + 1]! <= offset) index++;
  const piece = parsedPieces[index];
  if (piece === undefined) return -1;
  const original = shape.pieces.findIndex((candidate) => candidate.start === piece.start);
  return original === -1 ? -1 : original;
}

function errorTemplate(shape: Shape, route: Route, failure: Extract<ParseOutcome<unknown>, { ok: false }>, parsedPieces: readonly Piece[], offsets: readonly number[]): StatementTemplate {
  // A statement whose first word nobody knows is wrong at that word, wherever a parser gave up.
  const unknownStart = route === 'unknown' && failure.syntax;
  const error: ErrorTemplate = {
    message: failure.message,
    pieceIndex: failure.message.startsWith('statement is nested too deeply') ? -2 : unknownStart ? 0 : pieceIndexAt(shape, parsedPieces, offsets, failure.offset),
    nearToken: unknownStart || (failure.syntax && failure.offset !== null),
  };
  // Never guess the rest of an unparseable DML statement; its table is safe to read from the leading clause.
  const table = route === 'dml' ? scanDmlTable(shape.pieces, shape.dialect) : null;
  return { kind: 'unparsed', parsedBy: 'classifier', table, tables: table === null ? [] : [table], error };
}

function textDdlTemplate(shape: Shape): StatementTemplate {
  return ddlTemplate(ddlFromTokens(shape.tokens, shape.dialect), 'classifier');
}

function buildWithPg(shape: Shape, route: Route): StatementTemplate {
  const { sql, offsets } = renderForParser(shape.pieces, shape.text);
  const result = parseWithPg(sql);
  if (!result.ok) return route === 'ddl' ? textDdlTemplate(shape) : errorTemplate(shape, route, result, shape.pieces, offsets);
  if (route === 'ddl') return pgDdlTemplate(result.value) ?? textDdlTemplate(shape);
  return normalizePg(result.value, shape.slots.length);
}

function buildWithNodeSqlParser(shape: Shape, route: Route, dialect: Exclude<Dialect, 'postgresql'>): StatementTemplate {
  const rewrite = route === 'dml' ? rewriteForNodeSqlParser(shape.pieces, dialect) : { pieces: shape.pieces as Piece[], lock: NO_LOCK };
  const { sql, offsets } = renderForParser(rewrite.pieces, shape.text);
  let firstFailure: Extract<ParseOutcome<NodeSqlParserOutput>, { ok: false }> | undefined;
  for (const database of NODE_SQL_PARSER_CHAIN[dialect]) {
    const result = parseWithNodeSqlParser(sql, database);
    if (!result.ok) {
      firstFailure ??= result;
      continue;
    }
    if (route !== 'ddl') return normalizeNodeSqlParser(result.value, shape.slots.length, rewrite.lock);
    const ast = Array.isArray(result.value.ast) ? result.value.ast[0] : result.value.ast;
    const ddl = typeof ast === 'object' && ast !== null ? ddlFromNodeSqlParser(ast as Record<string, unknown>) : null;
    // node-sql-parser may read vendor DDL only in part: the clause reader knows the keys as well.
    if (ddl === null || ddl.action === 'other') return textDdlTemplate(shape);
    return ddlTemplate(ddl, 'node-sql-parser');
  }
  if (route === 'ddl') return textDdlTemplate(shape);
  return errorTemplate(shape, route, firstFailure!, rewrite.pieces, offsets);
}
