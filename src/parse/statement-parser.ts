/**
 * Text -> Statement. Every statement is fingerprinted; each distinct parse key (dialect + shape)
 * is parsed once and kept as a template; each statement then takes its own values by position.
 * Control statements skip the parsers altogether (the classifier reads them directly).
 *
 * The hot path, a statement whose shape was seen before, builds no tokens, pieces or key strings:
 * the `ShapeScan` finds the shape's cache entry by hash, and the statement gets the entry's
 * fingerprint and template and its own values, read from the scan.
 */
import type { Dialect } from '../model/dialect.js';
import type { Origin } from '../model/origin.js';
import type { Statement } from '../model/statement.js';
import { classifyControl, defaultRowsInsertTemplate, otherTemplate, scanDmlTable } from './classify.js';
import { ddlFromTokens } from './ddl-text.js';
import { renderForParser, ShapeScan, type Piece, type Route, type Shape } from './fingerprint.js';
import { ddlTemplate } from './normalize-common.js';
import { ddlFromNodeSqlParser, normalizeNodeSqlParser } from './normalize-nsp.js';
import { normalizePg, pgDdlTemplate } from './normalize-pg.js';
import { isPgParserLoaded, loadPgParser, parseWithPg } from './pg-parser.js';
import { NO_LOCK, rewriteForNodeSqlParser } from './rewrite.js';
import { parseWithNodeSqlParser, type NodeSqlParserDatabase, type NodeSqlParserOutput, type ParseOutcome } from './sql-parser.js';
import { ShapeCache, type ShapeEntry } from './shape-cache.js';
import { instantiate, type ErrorTemplate, type StatementTemplate } from './template.js';
import { materializeTokens } from './tokenize.js';

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

/** A shape's fingerprint and the template of one statement of it. */
interface KnownShape {
  readonly fingerprint: string;
  readonly template: StatementTemplate;
}

export class StatementParser {
  /** Templates of parsed shapes (DML, DDL, unknown leading words): what `cacheSize` and `stats` are about. */
  private readonly parsedShapes: ShapeCache<StatementTemplate>;
  /** Fingerprints of control and other statements, and their templates where a shape shares one (else null). */
  private readonly classifiedShapes: ShapeCache<StatementTemplate | null>;
  private readonly scan = new ShapeScan();
  private readonly counters = { parsed: 0, cacheHits: 0, failures: 0 };

  constructor(options: StatementParserOptions = {}) {
    const cacheSize = Math.max(1, Math.floor(options.cacheSize ?? DEFAULT_CACHE_SIZE));
    this.parsedShapes = new ShapeCache<StatementTemplate>(cacheSize);
    this.classifiedShapes = new ShapeCache<StatementTemplate | null>(cacheSize);
  }

  get stats(): StatementParserStats {
    return { ...this.counters };
  }

  /** Never throws for bad SQL: an unreadable statement comes back as `kind: 'unparsed'`. */
  parse(text: string, origin: Origin, dialect: Dialect): Statement {
    if (dialect === 'postgresql' && !isPgParserLoaded()) {
      throw new Error('StatementParser: await initParsers() before parsing PostgreSQL statements');
    }
    let scanned = false;
    try {
      const scan = this.scan.scan(text, dialect);
      scanned = true;
      const known = this.knownShape(scan, dialect);
      const statement = instantiate(known.template, scan, known.fingerprint, origin, dialect);
      if (statement.kind === 'unparsed') this.counters.failures++;
      return statement;
    } catch (error) {
      // A bug here must not stop a whole lint run: report the statement as unparsed.
      this.counters.failures++;
      const message = `internal parser error: ${error instanceof Error ? error.message : String(error)}`;
      return {
        kind: 'unparsed',
        text,
        fingerprint: this.fallbackFingerprint(text, scanned),
        origin,
        dialect,
        parsedBy: 'classifier',
        table: null,
        tables: [],
        parseError: { message: message.slice(0, 200), line: origin.line, column: origin.column },
      };
    }
  }

  private fallbackFingerprint(text: string, scanned: boolean): string {
    try {
      if (scanned) return this.scan.fingerprint();
    } catch {
      // fall through to the plain text
    }
    return text.trim().replace(/\s+/g, ' ').toLowerCase();
  }

  private knownShape(scan: ShapeScan, dialect: Dialect): KnownShape {
    const route: Route = scan.pieceCount === 0 ? 'other' : scan.route();
    if (route === 'control' || route === 'other') return this.classifiedShape(scan, route, dialect);
    const cached = this.parsedShapes.find(scan);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return cached;
    }
    this.counters.parsed++;
    const shape = scan.materialize();
    const template = dialect === 'postgresql' ? buildWithPg(shape, route) : buildWithNodeSqlParser(shape, route, dialect);
    // A shape this long is effectively unique; keeping it would only pin memory.
    if (dialect.length + 1 + shape.key.length > MAX_CACHED_KEY_LENGTH) return { fingerprint: shape.fingerprint, template };
    return this.parsedShapes.add(scan, shape.fingerprint, template);
  }

  /**
   * Control and other statements: read by the classifier, never parsed. The classifier reads a
   * control statement's tokens (a SET also its text), so its template is shared by its shape
   * only when the shape fixes those: no values, no SET, and no `;` the shape dropped.
   */
  private classifiedShape(scan: ShapeScan, route: 'control' | 'other', dialect: Dialect): KnownShape {
    const cached = this.classifiedShapes.find(scan);
    const tokensArePieces = scan.tokens.count === scan.pieceCount;
    if (cached !== undefined && hasTemplate(cached) && (route === 'other' || tokensArePieces)) return cached;
    const template = route === 'other' ? otherTemplate() : (classifyControl(materializeTokens(scan.tokens), dialect, scan.text) ?? otherTemplate());
    if (cached !== undefined) return { fingerprint: cached.fingerprint, template };
    const fingerprint = scan.fingerprint();
    if (fingerprint.length > MAX_CACHED_KEY_LENGTH) return { fingerprint, template };
    const shared = route === 'other' || (tokensArePieces && scan.slotCount === 0 && template.kind !== 'set');
    this.classifiedShapes.add(scan, fingerprint, shared ? template : null);
    return { fingerprint, template };
  }
}

function hasTemplate(entry: ShapeEntry<StatementTemplate | null>): entry is ShapeEntry<StatementTemplate> {
  return entry.template !== null;
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
  const allDefaults = route === 'dml' ? defaultRowsInsertTemplate(shape.pieces, dialect) : null;
  if (allDefaults !== null) return allDefaults;
  // node-sql-parser's SQLite build rejects every `ON CONFLICT` upsert; SQLite took that clause,
  // `RETURNING` and its quoting from PostgreSQL, whose grammar reads them.
  if (dialect === 'sqlite' && isPgParserLoaded()) {
    const pg = renderForParser(shape.pieces, shape.text);
    const result = parseWithPg(pg.sql);
    if (result.ok) return normalizePg(result.value, shape.slots.length);
  }
  return errorTemplate(shape, route, firstFailure!, rewrite.pieces, offsets);
}
