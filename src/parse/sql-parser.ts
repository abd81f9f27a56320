/**
 * The only importer of node-sql-parser. Per-dialect builds are loaded lazily (each is a large
 * module) and errors come back as values: an offset into the parsed text, never a throw.
 */
import { createRequire } from 'node:module';

export type NodeSqlParserDatabase = 'mysql' | 'mariadb' | 'postgresql' | 'sqlite';

/** What node-sql-parser returns; the AST is walked defensively by the normaliser. */
export interface NodeSqlParserOutput {
  readonly ast: unknown;
  readonly tableList: readonly string[];
}

export type ParseOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      /** Offset into the parsed text; null when the parser ran off the end of the input. */
      readonly offset: number | null;
      /** A syntax error (rephrased per statement as `syntax error at or near ...`) or something else. */
      readonly syntax: boolean;
      readonly message: string;
    };

interface ParserInstance {
  parse(sql: string, options: { database: string }): { ast: unknown; tableList: string[] };
}

interface ParserBuild {
  Parser: new () => ParserInstance;
}

const loadCommonJs = createRequire(import.meta.url);
const parsers = new Map<NodeSqlParserDatabase, ParserInstance>();

function parserFor(database: NodeSqlParserDatabase): ParserInstance {
  let parser = parsers.get(database);
  if (parser === undefined) {
    const build = loadCommonJs(`node-sql-parser/build/${database}.js`) as ParserBuild;
    parser = new build.Parser();
    parsers.set(database, parser);
  }
  return parser;
}

interface PegSyntaxError {
  readonly name?: string;
  readonly message?: string;
  readonly found?: string | null;
  readonly location?: { readonly start?: { readonly offset?: number } };
}

export function parseWithNodeSqlParser(sql: string, database: NodeSqlParserDatabase): ParseOutcome<NodeSqlParserOutput> {
  try {
    const { ast, tableList } = parserFor(database).parse(sql, { database });
    return { ok: true, value: { ast, tableList } };
  } catch (error) {
    if (error instanceof RangeError) {
      // Deep nesting overflows the generated recursive-descent parser.
      return { ok: false, offset: 0, syntax: false, message: 'statement is nested too deeply to parse' };
    }
    const peg = error as PegSyntaxError;
    if (peg !== null && typeof peg === 'object' && peg.name === 'SyntaxError' && peg.location?.start?.offset !== undefined) {
      const atEnd = peg.found === null || peg.found === undefined;
      return { ok: false, offset: atEnd ? null : peg.location.start.offset, syntax: true, message: 'syntax error at end of input' };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, offset: 0, syntax: false, message: `node-sql-parser: ${message.slice(0, 160)}` };
  }
}
