/**
 * The one surface rules see: the normalised model plus read-only analysis facts.
 * A rule never parses text, never touches the file system and never prints.
 */
import type { Dialect } from './model/dialect.js';
import type { Confidence, Severity } from './model/finding.js';
import type { Statement } from './model/statement.js';
import type { Transaction, TransactionMode } from './model/transaction.js';
import type { SchemaView } from './analyze/catalog.js';

export type { SchemaView, ResolvedForeignKey, KeyInfo } from './analyze/catalog.js';
export * from './analyze/locks.js';
export type * from './model/index.js';
export { isMySqlFamily } from './model/dialect.js';

export const DOCS_BASE_URL = 'https://github.com/locklint/locklint/blob/main/rules/';

export type RuleScope = 'transaction' | 'session';

/** Where a statement stands in its session when a session-scope rule sees it. */
export interface ServerErrorRecord {
  readonly code?: string;
  readonly message: string;
  readonly line: number;
}

export interface StatementPosition {
  /** Ordinal of the transaction within the session; autocommit statements each get their own. */
  readonly transactionIndex: number;
  readonly mode: TransactionMode;
}

export interface RelatedInput {
  readonly at: Statement;
  readonly message: string;
}

export interface ReportInput<MessageId extends string> {
  /** The statement that completes the hazard: the finding is anchored here. */
  readonly at: Statement;
  readonly messageId: MessageId;
  /** Values for `{name}` placeholders in the message template. */
  readonly data?: Readonly<Record<string, string | number>>;
  readonly related?: readonly RelatedInput[];
  readonly lockEdges?: readonly string[];
  readonly fix?: string;
  readonly confidence?: Confidence;
  readonly notes?: readonly string[];
  /** Server errors logged in this session that show the hazard happened. */
  readonly evidence?: readonly string[];
}

export interface RuleContext<MessageId extends string> {
  readonly dialect: Dialect;
  readonly schema: SchemaView;
  /** Session key (for SQL files, the file). */
  readonly session: string;
  /** True when the input cannot show transaction boundaries (client logs before Django 4.2). */
  readonly boundariesAssumed: boolean;
  /** Errors the server logged in this session so far ("deadlock detected", 1062...). */
  serverErrors(): readonly ServerErrorRecord[];
  report(input: ReportInput<MessageId>): void;
}

/** A session-scope rule keeps its own per-session state; the engine drops it when the session ends. */
export interface SessionListener {
  statement(statement: Statement, position: StatementPosition): void;
  /** Called when the session ends (disconnect record or end of input). */
  end?(): void;
}

interface RuleBase<Messages extends Record<string, string>> {
  /** Equals the file name, the docs page name and the fixture folder name. */
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  readonly dialects: readonly Dialect[];
  readonly messages: Messages;
}

export interface TransactionRule<Messages extends Record<string, string>> extends RuleBase<Messages> {
  readonly scope: 'transaction';
  check(transaction: Transaction, ctx: RuleContext<keyof Messages & string>): void;
}

export interface SessionRule<Messages extends Record<string, string>> extends RuleBase<Messages> {
  readonly scope: 'session';
  create(ctx: RuleContext<keyof Messages & string>): SessionListener;
}

export type RuleDefinition<Messages extends Record<string, string> = Record<string, string>> =
  | TransactionRule<Messages>
  | SessionRule<Messages>;

export type Rule = RuleDefinition & { readonly docsUrl: string };

export function defineRule<Messages extends Record<string, string>>(definition: TransactionRule<Messages>): TransactionRule<Messages> & { readonly docsUrl: string };
export function defineRule<Messages extends Record<string, string>>(definition: SessionRule<Messages>): SessionRule<Messages> & { readonly docsUrl: string };
export function defineRule<Messages extends Record<string, string>>(definition: RuleDefinition<Messages>): RuleDefinition<Messages> & { readonly docsUrl: string } {
  return { ...definition, docsUrl: `${DOCS_BASE_URL}${definition.id}.md` };
}

/** Fill `{name}` placeholders; an unknown name is left visible rather than silently blank. */
export function formatMessage(template: string, data: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in data ? String(data[name]) : whole));
}
export * from './analyze/values.js';

const CONFIDENCE_ORDER: readonly Confidence[] = ['low', 'medium', 'high'];

export function confidenceRank(confidence: Confidence): number {
  return CONFIDENCE_ORDER.indexOf(confidence);
}

/** One step per caveat (an inferred key, assumed transaction boundaries...), never below low. */
export function lowerConfidence(confidence: Confidence, steps = 1): Confidence {
  return CONFIDENCE_ORDER[Math.max(0, confidenceRank(confidence) - steps)]!;
}
