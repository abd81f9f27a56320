/**
 * Tells what kind of input a file is from its name and first lines: SQL by extension or by
 * content, a log by the first reader whose sniffer recognises it.
 */
import type { InputFormat } from '../model/input.js';
import { LOG_READERS } from './logs/index.js';

export const INPUT_FORMATS: readonly InputFormat[] = ['sql', 'mysql-general', 'mysql-slow', 'postgres-stderr', 'postgres-csv', 'postgres-json', 'django', 'rails'];

const SQL_EXTENSION = /\.(sql|ddl|psql|mysql)(\.gz)?$/i;
const LOG_HEAD_LINES = 200;
/** First word of a SQL script (after comments): what a migration or dump starts with. */
const SQL_START = /^\s*(--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*|#[^\n]*\n\s*)*(select|insert|update|delete|replace|with|create|alter|drop|truncate|begin|start|commit|rollback|savepoint|release|set|lock|unlock|use|grant|revoke|comment|do|call|delimiter|show|explain|prepare|execute|copy|vacuum|analyze|\\)\b/i;

export function detectFormat(fileName: string, head: string): InputFormat | undefined {
  if (SQL_EXTENSION.test(fileName)) return 'sql';
  const lines = head.split('\n', LOG_HEAD_LINES + 1).slice(0, LOG_HEAD_LINES).map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (head.length > 0 && !head.endsWith('\n') && lines.length > 1) lines.pop(); // a cut last line would mislead sniffers
  for (const reader of LOG_READERS) if (reader.sniff(lines)) return reader.format;
  if (SQL_START.test(head)) return 'sql';
  return undefined;
}
