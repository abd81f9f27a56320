/** Log readers by format, in the order auto-detection tries them (most specific first). */
import type { InputFormat } from '../../model/input.js';
import { djangoLogReader } from './django.js';
import { mysqlGeneralLogReader } from './mysql-general.js';
import { mysqlSlowLogReader } from './mysql-slow.js';
import { postgresCsvLogReader } from './postgres-csv.js';
import { postgresJsonLogReader } from './postgres-json.js';
import { postgresStderrLogReader } from './postgres-stderr.js';
import { railsLogReader } from './rails.js';
import type { LogReader } from './types.js';

export const LOG_READERS: readonly LogReader[] = [
  mysqlSlowLogReader,
  mysqlGeneralLogReader,
  postgresCsvLogReader,
  postgresJsonLogReader,
  postgresStderrLogReader,
  railsLogReader,
  djangoLogReader,
];

export function logReaderFor(format: InputFormat): LogReader | undefined {
  return LOG_READERS.find((reader) => reader.format === format);
}

export { readLogEventBatches, readLogEvents } from './read.js';
export type { LogReader, LogReaderOptions } from './types.js';
