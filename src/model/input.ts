import type { Dialect } from './dialect.js';
import type { Origin } from './origin.js';

/**
 * What the input layer yields, in the order the statements ran (or were written).
 * Log readers substitute bound parameters into `text` as SQL literals before yielding it.
 */
export type InputEvent =
  | StatementEvent
  | SessionEndEvent
  | ServerErrorEvent
  | InputNoticeEvent
  | DialectHintEvent;

export interface StatementEvent {
  readonly kind: 'statement';
  readonly text: string;
  readonly origin: Origin;
}

/** A session ended (MySQL `Quit`, PostgreSQL `disconnection:`): an open transaction there ends unfinished. */
export interface SessionEndEvent {
  readonly kind: 'session-end';
  readonly session: string;
  readonly origin: Origin;
}

/** An error the server itself recorded for a session (deadlock, duplicate key): evidence for findings. */
export interface ServerErrorEvent {
  readonly kind: 'server-error';
  readonly session: string | null;
  readonly origin: Origin;
  /** MySQL error number ("1213") or PostgreSQL SQLSTATE ("40P01") when the log gives one. */
  readonly code?: string;
  readonly message: string;
  /** The statement text the error belongs to, when the log names it. */
  readonly statement?: string;
}

/**
 * Something about the input the user must hear of (unrecognised lines, approximate ordering,
 * a truncated or binary file). Reported once per run of lines, never silently dropped.
 */
export interface InputNoticeEvent {
  readonly kind: 'notice';
  readonly origin: Origin;
  readonly code: 'unrecognised-lines' | 'approximate-order' | 'truncated' | 'binary' | 'failed-statement' | 'no-transaction-boundaries'
    | 'unknown-sessions'
    | 'dialect-mismatch' | 'bad-directive';
  readonly severity: 'warning' | 'info';
  readonly message: string;
}

/** The reader learned the dialect from the input itself (a MariaDB version header, a PostgreSQL log). */
export interface DialectHintEvent {
  readonly kind: 'dialect';
  readonly dialect: Dialect;
  readonly origin: Origin;
}

/** The kinds of input locklint reads. */
export type InputFormat =
  | 'sql'
  | 'mysql-general'
  | 'mysql-slow'
  | 'postgres-stderr'
  | 'postgres-csv'
  | 'postgres-json'
  | 'django'
  | 'rails';
