/**
 * Orchestration: events -> statements -> sessions and transactions -> rules -> findings.
 * Pure: no file system, console or process access. Logs stream through; memory holds only the
 * open sessions (their open transaction and each session rule's small state).
 */
import { SchemaCatalog } from '../analyze/catalog.js';
import { TransactionTracker } from '../analyze/transactions.js';
import type { Dialect } from '../model/dialect.js';
import type { LintResult, SeverityOrOff } from '../model/finding.js';
import type { InputEvent, InputFormat } from '../model/input.js';
import type { Statement } from '../model/statement.js';
import type { Transaction } from '../model/transaction.js';
import { initParsers, StatementParser } from '../parse/index.js';
import type { Rule, RuleContext, SessionListener } from '../rule-api.js';
import { DIAGNOSTICS } from './diagnostics.js';
import { FindingCollector } from './findings.js';
import { FileSuppressions, type SuppressionComment } from './suppressions.js';

export interface EngineSource {
  /** Display name, used in every finding. */
  readonly file: string;
  readonly format: InputFormat;
  /** The file's own dialect (a `-- locklint: dialect=` directive). */
  readonly dialect?: Dialect;
  /**
   * An array (SQL files: small, so the schema can be learned from all of them before any rule
   * runs) or a stream of batches (logs: schema learned as it is seen).
   */
  readonly events: readonly InputEvent[] | AsyncIterable<readonly InputEvent[]>;
  /** SQL files: their comments, where `-- locklint-disable...` suppressions live. */
  readonly comments?: readonly SuppressionComment[];
}

export interface EngineOptions {
  readonly rules: readonly Rule[];
  /** Severity per rule or diagnostic id; absent means the default. */
  readonly severities?: ReadonlyMap<string, SeverityOrOff>;
  /** Used where neither the file nor the log says. */
  readonly dialect: Dialect;
  /** DDL-only inputs (`--schema`). */
  readonly schemaSources?: readonly EngineSource[];
  /** Statements whose findings are ignored (config `ignore`, for logs), by fingerprint, for one rule or all. */
  readonly ignoredStatements?: readonly { readonly fingerprint: string; readonly rule?: string }[];
}

/** Formats whose logs cannot show where transactions begin (Django before 4.2). */
const CLIENT_LOGS_WITHOUT_BOUNDARIES: ReadonlySet<InputFormat> = new Set(['django']);

export async function lintSources(sources: readonly EngineSource[], options: EngineOptions): Promise<LintResult> {
  await initParsers();
  const parser = new StatementParser();
  const catalog = new SchemaCatalog();
  const collector = new FindingCollector(options.severities, options.ignoredStatements);
  let statements = 0;

  for (const source of options.schemaSources ?? []) {
    for await (const event of eventsOf(source)) {
      if (event.kind !== 'statement') continue;
      const statement = parser.parse(event.text, event.origin, source.dialect ?? options.dialect);
      if (statement.ddl) catalog.apply(statement.ddl, statement.dialect);
      else if (statement.kind === 'unparsed') collector.parseError(statement);
    }
  }

  const activeRules = options.rules.filter((rule) => collector.severityOf(rule.id, rule.severity) !== 'off');
  const preparsed = new Map<EngineSource, Statement[]>();
  // SQL files: learn every file's DDL first, so file order does not decide what the schema is.
  for (const source of sources) {
    if (!Array.isArray(source.events)) continue;
    const parsed: Statement[] = [];
    for (const event of source.events as readonly InputEvent[]) {
      if (event.kind !== 'statement') continue;
      const statement = parser.parse(event.text, event.origin, source.dialect ?? options.dialect);
      if (statement.ddl) catalog.apply(statement.ddl, statement.dialect);
      parsed.push(statement);
    }
    preparsed.set(source, parsed);
  }

  for (const source of sources) {
    const run = new SourceRun(source, options, activeRules, catalog, collector);
    const parsed = preparsed.get(source);
    if (parsed) {
      let next = 0;
      for (const event of source.events as readonly InputEvent[]) {
        if (event.kind === 'statement') run.statement(parsed[next++]!);
        else run.event(event);
      }
      statements += parsed.length;
    } else {
      for await (const batch of source.events as AsyncIterable<readonly InputEvent[]>) {
        for (const event of batch) {
          if (event.kind !== 'statement') {
            run.event(event);
            continue;
          }
          const statement = parser.parse(event.text, event.origin, run.dialect);
          if (statement.ddl) catalog.apply(statement.ddl, statement.dialect);
          statements++;
          run.statement(statement);
        }
      }
    }
    run.finish();
  }

  applySuppressions(sources, preparsed, options, collector);
  const findings = collector.sorted(sources.map((source) => source.file));
  return {
    findings,
    summary: {
      filesLinted: sources.length,
      statements,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      infos: findings.filter((f) => f.severity === 'info').length,
    },
  };
}

function applySuppressions(
  sources: readonly EngineSource[],
  preparsed: ReadonlyMap<EngineSource, Statement[]>,
  options: EngineOptions,
  collector: FindingCollector,
): void {
  const knownRules = new Set([...options.rules.map((rule) => rule.id), ...DIAGNOSTICS.map((d) => d.id)]);
  const defaults = new Map([...options.rules, ...DIAGNOSTICS].map((r) => [r.id, r.severity] as const));
  const isRuleOn = (id: string): boolean => collector.severityOf(id, defaults.get(id) ?? 'warning') !== 'off';
  const byFile = new Map<string, FileSuppressions>();
  for (const source of sources) {
    const comments = source.comments?.filter((comment) => comment.text.trimStart().startsWith('locklint-'));
    if (!comments || comments.length === 0) continue;
    const statementLines = (preparsed.get(source) ?? []).map((statement) => statement.origin.line);
    byFile.set(source.file, new FileSuppressions(comments, statementLines, knownRules));
  }
  if (byFile.size === 0) return;
  collector.retain((finding) => byFile.get(finding.file)?.keep(finding) ?? true);
  for (const [file, suppressions] of byFile) {
    for (const problem of [...suppressions.problems, ...suppressions.unused(isRuleOn)]) {
      collector.diagnostic(problem.ruleId, problem.message, { file, line: problem.line, column: problem.column, session: null }, problem.severity);
    }
  }
}

async function* eventsOf(source: EngineSource): AsyncGenerator<InputEvent> {
  if (Array.isArray(source.events)) yield* source.events as readonly InputEvent[];
  else for await (const batch of source.events as AsyncIterable<readonly InputEvent[]>) yield* batch;
}

interface SessionState {
  readonly key: string;
  readonly dialect: Dialect;
  readonly tracker: TransactionTracker;
  readonly listeners: SessionListener[];
  readonly contexts: Map<Rule, RuleContext<string>>;
  readonly serverErrors: { code?: string; message: string; line: number }[];
}

/** Kept per session as evidence for findings; older errors are dropped. */
const SERVER_ERRORS_KEPT = 32;

/** One input's sessions, from its first event to its end. */
class SourceRun {
  dialect: Dialect;
  private readonly sessions = new Map<string, SessionState>();
  private readonly boundariesKnown: boolean;
  /** Logs repeat the same code path thousands of times: their findings are grouped by statement shape. */
  private readonly isLog: boolean;

  constructor(
    private readonly source: EngineSource,
    options: EngineOptions,
    private readonly rules: readonly Rule[],
    private readonly catalog: SchemaCatalog,
    private readonly collector: FindingCollector,
  ) {
    this.dialect = source.dialect ?? options.dialect;
    this.boundariesKnown = !CLIENT_LOGS_WITHOUT_BOUNDARIES.has(source.format);
    this.isLog = source.format !== 'sql';
  }

  statement(statement: Statement): void {
    if (statement.kind === 'unparsed') this.collector.parseError(statement, this.isLog);
    const session = this.session(statement.origin.session);
    const { position, completed } = session.tracker.push(statement);
    for (const listener of session.listeners) listener.statement(statement, position);
    this.checkTransactions(session, completed);
  }

  event(event: Exclude<InputEvent, { kind: 'statement' }>): void {
    switch (event.kind) {
      case 'dialect':
        // The file's own directive wins over what a log header suggests.
        if (!this.source.dialect) this.dialect = event.dialect;
        return;
      case 'session-end':
        this.endSession(this.keyOf(event.session), 'disconnect');
        return;
      case 'server-error': {
        const errors = this.session(event.session).serverErrors;
        errors.push({ ...(event.code === undefined ? {} : { code: event.code }), message: event.message, line: event.origin.line });
        if (errors.length > SERVER_ERRORS_KEPT) errors.shift();
        return;
      }
      case 'notice':
        this.collector.notice(event);
        return;
    }
  }

  finish(): void {
    for (const key of [...this.sessions.keys()]) this.endSession(key, 'unfinished');
  }

  private keyOf(session: string | null): string {
    return session ?? this.source.file;
  }

  private session(sessionId: string | null): SessionState {
    const key = this.keyOf(sessionId);
    const existing = this.sessions.get(key);
    if (existing) return existing;
    const dialect = this.dialect;
    const state: SessionState = {
      key,
      dialect,
      tracker: new TransactionTracker(key, dialect, { boundariesKnown: this.boundariesKnown }),
      listeners: [],
      contexts: new Map(),
      serverErrors: [],
    };
    for (const rule of this.rules) {
      if (!rule.dialects.includes(dialect)) continue;
      const context = this.collector.context(rule, state, this.catalog, !this.boundariesKnown, this.isLog);
      state.contexts.set(rule, context);
      if (rule.scope === 'session') state.listeners.push(rule.create(context));
    }
    this.sessions.set(key, state);
    return state;
  }

  private endSession(key: string, reason: 'disconnect' | 'unfinished'): void {
    const session = this.sessions.get(key);
    if (!session) return;
    this.checkTransactions(session, session.tracker.finish(reason));
    for (const listener of session.listeners) listener.end?.();
    this.sessions.delete(key);
  }

  private checkTransactions(session: SessionState, transactions: readonly Transaction[]): void {
    if (transactions.length === 0) return;
    for (const [rule, context] of session.contexts) {
      if (rule.scope !== 'transaction') continue;
      for (const transaction of transactions) rule.check(transaction, context);
    }
  }
}
