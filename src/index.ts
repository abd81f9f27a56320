/**
 * Public programmatic API: lint paths (SQL files and query logs) and get findings.
 * This layer opens files and wires input -> engine; the engine itself touches no file system.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RULES } from '../rules/index.js';
import { lintSources, type EngineSource } from './engine/lint.js';
import { UsageError } from './errors.js';
import { detectFormat } from './input/detect.js';
import { contradictingDialect } from './input/dialect-hints.js';
import { isGzip, looksBinary, readHead } from './input/lines.js';
import { logReaderFor, readLogEventBatches } from './input/logs/index.js';
import { expandPaths } from './input/paths.js';
import { readSqlText } from './input/sql-file.js';
import type { Dialect } from './model/dialect.js';
import type { LintResult, SeverityOrOff } from './model/finding.js';
import type { InputEvent, InputFormat } from './model/input.js';
import type { Rule } from './rule-api.js';

export interface LintOptions {
  /** Files, directories (searched for *.sql), globs, or '-' for standard input. */
  readonly paths: readonly string[];
  /** Used where neither a file directive nor a log says; default mysql. */
  readonly dialect?: Dialect;
  /** Extra DDL files that only feed the schema catalog. */
  readonly schemaFiles?: readonly string[];
  /** Overrides auto-detection for every path. */
  readonly inputFormat?: InputFormat;
  /** PostgreSQL `log_line_prefix` of stderr logs, when auto-detection is not enough. */
  readonly logLinePrefix?: string;
  /** Severity per rule or diagnostic id. */
  readonly rules?: Readonly<Record<string, SeverityOrOff>>;
  /** Globs of files not to lint (explicitly named files are still linted). */
  readonly ignorePatterns?: readonly string[];
  /** Statement fingerprints whose findings are dropped (config `ignore` entries), for one rule or all. */
  readonly ignoreFingerprints?: readonly { readonly fingerprint: string; readonly rule?: string }[];
  readonly cwd?: string;
  /** Where '-' reads from; defaults to process.stdin. */
  readonly stdin?: () => Promise<Buffer>;
  /** Called as a log is read: bytes read so far out of the file's size. */
  readonly onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
}

export type { LintResult, Finding, Severity, SeverityOrOff } from './model/finding.js';
export type { Dialect } from './model/dialect.js';
export type { InputFormat } from './model/input.js';
export { UsageError } from './errors.js';

export const STDIN_NAME = '<stdin>';

/** Markers of `SHOW ENGINE INNODB STATUS` output, which users reach for after a deadlock. */
const INNODB_STATUS = /INNODB MONITOR OUTPUT|LATEST DETECTED DEADLOCK|^-{4,}\nTRANSACTIONS\n-{4,}/m;

export function allRules(): readonly Rule[] {
  return RULES;
}

export async function lint(options: LintOptions): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const expanded = await expandPaths(options.paths, { cwd, ...(options.ignorePatterns ? { ignore: options.ignorePatterns } : {}) });
  if (expanded.missing.length > 0) {
    throw new UsageError(expanded.missing.map((path) => `no such file, directory or matching files: ${path}`).join('\n'));
  }
  if (expanded.files.length === 0 && !expanded.stdin) {
    throw new UsageError(`no SQL files or logs found in ${options.paths.join(', ') || '.'} (directories are searched for *.sql; name log files directly)`);
  }
  const sources: EngineSource[] = [];
  for (let i = 0; i < expanded.files.length; i++) {
    sources.push(await openSource(expanded.absolute[i]!, expanded.files[i]!, options));
  }
  if (expanded.stdin) sources.push(await openStdin(options));
  const schemaSources: EngineSource[] = [];
  for (const file of options.schemaFiles ?? []) {
    const text = await readWholeText(resolve(cwd, file), file);
    schemaSources.push(sqlSource(text, file, options.dialect));
  }
  const severities = new Map(Object.entries(options.rules ?? {}));
  return lintSources(sources, {
    rules: RULES,
    severities,
    dialect: options.dialect ?? 'mysql',
    schemaSources,
    ignoredStatements: options.ignoreFingerprints ?? [],
  });
}

async function openSource(path: string, displayName: string, options: LintOptions): Promise<EngineSource> {
  let head: Buffer;
  let size: number;
  try {
    size = (await stat(path)).size;
    head = await readHead(path);
  } catch (error) {
    throw new UsageError(`cannot read ${displayName}: ${describeIoError(error)}`);
  }
  const utf16 = utf16Encoding(head);
  if (!utf16 && looksBinary(head)) return binarySource(displayName);
  const format = options.inputFormat ?? detectFormat(displayName, utf16 ? decode(head) : head.toString('utf8'));
  if (utf16 && format !== 'sql') {
    throw new UsageError(`${displayName} is UTF-16 text: locklint reads logs as UTF-8; convert it first (iconv -f UTF-16 -t UTF-8)`);
  }
  if (!format && INNODB_STATUS.test(head.toString('utf8'))) {
    throw new UsageError(
      `${displayName} is SHOW ENGINE INNODB STATUS output, not a query log: it shows a deadlock's last two statements, not the transactions that led to it. Capture a general query log of the workload instead (see docs/capturing-logs.md) and lint that`,
    );
  }
  if (!format) {
    throw new UsageError(
      `cannot tell what kind of input ${displayName} is (not SQL, and no known log format matched its first lines); name it with --input-format`,
    );
  }
  if (format === 'sql') return sqlSource(await readWholeText(path, displayName), displayName, options.dialect);
  const reader = logReaderFor(format)!;
  const onProgress = options.onProgress;
  return {
    file: displayName,
    format,
    events: readLogEventBatches(
      reader,
      { path, displayName },
      { ...(options.logLinePrefix ? { logLinePrefix: options.logLinePrefix } : {}), ...(options.dialect ? { dialect: options.dialect } : {}) },
      onProgress ? (bytes) => onProgress(displayName, bytes, size) : undefined,
    ),
  };
}

async function openStdin(options: LintOptions): Promise<EngineSource> {
  const bytes = await (options.stdin ?? readProcessStdin)();
  let text: string;
  try {
    text = decode(bytes);
  } catch (error) {
    throw new UsageError(`cannot read standard input: ${describeIoError(error)}`);
  }
  if (!utf16Encoding(bytes) && looksBinary(bytes)) return binarySource(STDIN_NAME);
  const format = options.inputFormat ?? detectFormat(STDIN_NAME, text.slice(0, 64 * 1024)) ?? 'sql';
  if (format === 'sql') return sqlSource(text, STDIN_NAME, options.dialect);
  const { Readable } = await import('node:stream');
  return {
    file: STDIN_NAME,
    format,
    events: readLogEventBatches(logReaderFor(format)!, { displayName: STDIN_NAME, stream: Readable.from([Buffer.from(text)]) }, {
      ...(options.logLinePrefix ? { logLinePrefix: options.logLinePrefix } : {}),
      ...(options.dialect ? { dialect: options.dialect } : {}),
    }),
  };
}

function sqlSource(text: string, displayName: string, dialect: Dialect | undefined): EngineSource {
  const content = readSqlText(text, displayName, dialect ? { dialect } : undefined);
  const events: InputEvent[] = [...content.notices, ...content.statements];
  const assumed = content.directives.dialect ?? dialect;
  const other = assumed === undefined ? contradictingDialect(text, 'mysql') : undefined;
  if (other) {
    events.unshift({
      kind: 'notice',
      code: 'dialect-mismatch',
      severity: 'warning',
      origin: { file: displayName, line: 1, column: 1, session: null },
      message: `this file looks like ${other.dialect} (${other.signs.join(', ')}) but is linted as mysql, the default: pass --dialect ${other.dialect}, set "dialect" in the config, or start the file with -- locklint: dialect=${other.dialect}`,
    });
  }
  return {
    file: displayName,
    format: 'sql',
    ...(content.directives.dialect ? { dialect: content.directives.dialect } : {}),
    events,
    comments: content.comments,
  };
}

function binarySource(displayName: string): EngineSource {
  return {
    file: displayName,
    format: 'sql',
    events: [
      {
        kind: 'notice',
        code: 'binary',
        severity: 'warning',
        origin: { file: displayName, line: 1, column: 1, session: null },
        message: 'this input looks binary (it contains NUL bytes), not SQL or a text log: nothing in it was linted',
      },
    ],
  };
}

async function readWholeText(path: string, displayName: string): Promise<string> {
  try {
    return decode(await readFile(path));
  } catch (error) {
    throw new UsageError(`cannot read ${displayName}: ${describeIoError(error)}`);
  }
}

/** UTF-8 (a BOM is stripped later), or UTF-16 with a BOM as Windows tools export SQL; gzip transparent. */
function decode(bytes: Buffer): string {
  const plain = isGzip(bytes) ? gunzipSync(bytes) : bytes;
  const utf16 = utf16Encoding(plain);
  if (utf16 === 'utf16le') return plain.subarray(2).toString('utf16le');
  if (utf16 === 'utf16be') return Buffer.from(plain.subarray(2)).swap16().toString('utf16le');
  return plain.toString('utf8');
}

function utf16Encoding(bytes: Buffer): 'utf16le' | 'utf16be' | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff && bytes.length % 2 === 0) return 'utf16be';
  return undefined;
}

function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message;
}

async function readProcessStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
