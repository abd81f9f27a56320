/**
 * Command-line wiring only: parse flags, load config, call lint(), format, write, and return
 * the exit code. bin/locklint.js sets process.exitCode from it.
 */
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { join } from 'node:path';
import { CONFIG_FILE_NAMES, loadConfig, parseSeverity, ruleIdProblem, type LocklintConfig } from '../config/load.js';
import { DIAGNOSTICS, DIAGNOSTICS_DOCS_URL } from '../engine/diagnostics.js';
import { FORMATTERS, formatterNames, type RuleDescriptor } from '../formatters/index.js';
import { INPUT_FORMATS } from '../input/detect.js';
import { allRules, lint, UsageError, type LintResult } from '../index.js';
import { DIALECTS, type Dialect } from '../model/dialect.js';
import type { Finding, SeverityOrOff } from '../model/finding.js';
import { applyBaseline, writeBaseline } from './baseline.js';
import { changedFilesSince } from './changed-files.js';
import type { InputFormat } from '../model/input.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly cwd: string;
  readonly stdin?: () => Promise<Buffer>;
}

interface CliOptions {
  dialect?: Dialect;
  format?: string;
  schema: string[];
  rule: string[];
  inputFormat?: InputFormat;
  logLinePrefix?: string;
  config?: string;
  color: boolean;
  quiet?: boolean;
  maxWarnings?: string;
  outputFile?: string;
  listRules?: boolean;
  baseline?: string;
  baselineWrite?: string;
  since?: string;
  printConfig?: boolean;
  init?: boolean;
}

/** Inputs larger than this get a progress line on a terminal. */
const PROGRESS_THRESHOLD_BYTES = 50 * 1024 * 1024;

const version = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    }
    return reportFailure(error, io);
  }
  return exitCode;
}

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('locklint')
    .description('Find lock-safety hazards (races, deadlocks) in SQL files and database query logs.')
    .version(version, '-v, --version')
    .argument('[paths...]', 'SQL files, directories (searched for *.sql), globs, query logs, or - for standard input', ['.'])
    .addOption(new Option('-d, --dialect <dialect>', 'database dialect where the input does not say (default: mysql)').choices(DIALECTS))
    .addOption(new Option('-f, --format <format>', 'output format').choices(formatterNames()))
    .option('--schema <file>', 'DDL file that only feeds the schema (keys, foreign keys); repeatable', collect, [])
    .option('--rule <id=severity>', 'set a rule\'s severity: off | info | warning | error; repeatable', collect, [])
    .addOption(new Option('--input-format <format>', 'treat every input as this format instead of detecting it').choices(INPUT_FORMATS))
    .option('--log-line-prefix <prefix>', 'PostgreSQL log_line_prefix of stderr logs (default: detected)')
    .option('-c, --config <file>', 'use this config file instead of searching for one')
    .option('--no-color', 'no ANSI colour (also: NO_COLOR=1)')
    .option('-q, --quiet', 'report errors only')
    .option('--max-warnings <n>', 'exit 1 when there are more than n warnings')
    .option('-o, --output-file <file>', 'write the report to a file instead of standard output')
    .option('--baseline <file>', 'report only findings not recorded in this baseline file')
    .option('--baseline-write <file>', 'record the current findings as the baseline and exit 0')
    .option('--since <git-ref>', 'lint only the SQL files changed since this git ref')
    .option('--list-rules', 'list rules and diagnostics with their default severities')
    .option('--print-config', 'print the configuration in effect and exit')
    .option('--init', 'write a starter .locklintrc.json in the current directory')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(`locklint: ${text.replace(/^error: /, '')}`) })
    .action(async (paths: string[], options: CliOptions) => {
      setExitCode(await run(paths, options, io));
    });
  return program;
}

async function run(paths: string[], options: CliOptions, io: CliIo): Promise<number> {
  const knownIds = [...allRules().map((rule) => rule.id), ...DIAGNOSTICS.map((d) => d.id)];
  if (options.listRules) {
    io.stdout(listRules());
    return EXIT_OK;
  }
  if (options.init) return writeStarterConfig(io);
  const maxWarnings = parseMaxWarnings(options.maxWarnings);
  const config = await loadConfig(io.cwd, knownIds, options.config);
  const rules: Record<string, SeverityOrOff> = { ...config.rules, ...parseRuleFlags(options.rule, knownIds) };
  if (options.printConfig) {
    io.stdout(printConfig(config, rules, options));
    return EXIT_OK;
  }
  if (options.since) {
    paths = changedSqlFiles(options.since, paths, io.cwd);
    if (paths.length === 0) {
      io.stderr(`locklint: no SQL files changed since ${options.since}\n`);
      return EXIT_OK;
    }
  }
  const progress = io.stderrIsTTY && !options.quiet && !io.env['CI'] ? progressPrinter(io) : undefined;
  let result: LintResult;
  try {
    result = await lint({
      paths,
      cwd: io.cwd,
      rules,
      schemaFiles: [...config.schema, ...options.schema],
      ignorePatterns: config.ignorePatterns,
      ignoreFingerprints: config.ignoreFingerprints,
      ...(options.dialect ?? config.dialect ? { dialect: (options.dialect ?? config.dialect)! } : {}),
      ...(options.inputFormat ? { inputFormat: options.inputFormat } : {}),
      ...(options.logLinePrefix ? { logLinePrefix: options.logLinePrefix } : {}),
      ...(io.stdin ? { stdin: io.stdin } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    });
  } finally {
    progress?.clear();
  }
  if (options.baselineWrite) {
    const entries = await writeBaseline(options.baselineWrite, result.findings);
    io.stderr(`locklint: wrote ${entries} baseline entr${entries === 1 ? 'y' : 'ies'} (${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}) to ${options.baselineWrite}\n`);
    return EXIT_OK;
  }
  if (options.baseline) {
    const outcome = await applyBaseline(options.baseline, result.findings);
    if (outcome.stale > 0) {
      io.stderr(`locklint: ${outcome.stale} baseline entr${outcome.stale === 1 ? 'y no longer occurs' : 'ies no longer occur'} (fixed or moved): refresh it with --baseline-write ${options.baseline}\n`);
    }
    result = withFindings(result, outcome.findings);
  }
  const shown = options.quiet ? withFindings(result, result.findings.filter((finding) => finding.severity === 'error')) : result;
  const color = options.color && !options.outputFile && !io.env['NO_COLOR'] && io.stdoutIsTTY;
  const format = options.format ?? (io.env['GITHUB_ACTIONS'] === 'true' && FORMATTERS['github'] ? 'github' : 'stylish');
  const report = FORMATTERS[format]!(shown, { color, toolVersion: version, rules: ruleDescriptors(rules) });
  if (options.outputFile) await writeReport(options.outputFile, report);
  else io.stdout(report);
  if (result.summary.errors > 0) return EXIT_FINDINGS;
  if (maxWarnings !== undefined && result.summary.warnings > maxWarnings) {
    io.stderr(`locklint: ${result.summary.warnings} warnings exceed --max-warnings ${maxWarnings}\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseRuleFlags(flags: readonly string[], knownIds: readonly string[]): Record<string, SeverityOrOff> {
  const out: Record<string, SeverityOrOff> = {};
  for (const flag of flags) {
    const [id, word, ...rest] = flag.split('=');
    if (!id || word === undefined || rest.length > 0) throw new UsageError(`--rule ${flag}: expected <rule-id>=<off|info|warning|error>`);
    const problem = ruleIdProblem(id, knownIds);
    if (problem) throw new UsageError(`--rule ${flag}: "${id}" ${problem}`);
    const severity = parseSeverity(word);
    if (!severity) throw new UsageError(`--rule ${flag}: severity must be off, info, warning or error`);
    out[id] = severity;
  }
  return out;
}

function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--max-warnings ${value}: expected a whole number`);
  return Number(value);
}

/** The result with other findings, its summary counts recomputed. */
function withFindings(result: LintResult, findings: readonly Finding[]): LintResult {
  const count = (severity: Finding['severity']): number => findings.filter((finding) => finding.severity === severity).length;
  return { findings, summary: { ...result.summary, errors: count('error'), warnings: count('warning'), infos: count('info') } };
}

/** Changed files that are SQL and lie under the given paths (all of the repository for `.`). */
function changedSqlFiles(ref: string, paths: readonly string[], cwd: string): string[] {
  const roots = paths.filter((path) => path !== '.' && path !== '-').map((path) => path.replace(/\/+$/, ''));
  return changedFilesSince(ref, cwd).filter(
    (file) => /\.sql(\.gz)?$/i.test(file) && (roots.length === 0 || roots.some((root) => file === root || file.startsWith(`${root}/`))),
  );
}

function printConfig(config: LocklintConfig, rules: Readonly<Record<string, SeverityOrOff>>, options: CliOptions): string {
  const effective: Record<string, SeverityOrOff> = {};
  for (const rule of allRules()) effective[rule.id] = rules[rule.id] ?? rule.severity;
  for (const diagnostic of DIAGNOSTICS) effective[diagnostic.id] = rules[diagnostic.id] ?? diagnostic.severity;
  const shown = {
    configFile: config.path ?? null,
    dialect: options.dialect ?? config.dialect ?? 'mysql',
    rules: effective,
    schema: [...config.schema, ...options.schema],
    ignore: [...config.ignorePatterns, ...config.ignoreFingerprints],
  };
  return JSON.stringify(shown, null, 2) + '\n';
}

async function writeStarterConfig(io: CliIo): Promise<number> {
  const path = join(io.cwd, CONFIG_FILE_NAMES[0]);
  const rules: Record<string, string> = {};
  for (const rule of allRules()) rules[rule.id] = rule.severity;
  const starter = { dialect: 'mysql', schema: [], rules, ignore: [] };
  try {
    await writeFile(path, JSON.stringify(starter, null, 2) + '\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${CONFIG_FILE_NAMES[0]} already exists here; edit it, or remove it first`);
    throw new UsageError(`cannot write ${CONFIG_FILE_NAMES[0]}: ${(error as Error).message}`);
  }
  io.stdout(`wrote ${CONFIG_FILE_NAMES[0]}: set "dialect" and "schema" for your project\n`);
  return EXIT_OK;
}

/** Every rule and diagnostic with its effective severity, for formats that list them (SARIF). */
function ruleDescriptors(rules: Readonly<Record<string, SeverityOrOff>>): RuleDescriptor[] {
  return [
    ...allRules().map((rule) => ({ id: rule.id, description: rule.description, docsUrl: rule.docsUrl, severity: rules[rule.id] ?? rule.severity })),
    ...DIAGNOSTICS.map((d) => ({ id: d.id, description: d.description, docsUrl: DIAGNOSTICS_DOCS_URL, severity: rules[d.id] ?? d.severity })),
  ];
}

function listRules(): string {
  const lines = ['Rules:'];
  for (const rule of allRules()) lines.push(`  ${rule.id.padEnd(36)} ${rule.severity.padEnd(8)} ${rule.dialects.join(', ')}\n      ${rule.description}`);
  lines.push('', 'Diagnostics (input locklint could not read fully):');
  for (const d of DIAGNOSTICS) lines.push(`  ${d.id.padEnd(36)} ${d.severity.padEnd(8)} ${d.description}`);
  return lines.join('\n') + '\n';
}

async function writeReport(path: string, report: string): Promise<void> {
  try {
    await writeFile(path, report);
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

function progressPrinter(io: CliIo): { update: (file: string, bytes: number, total: number) => void; clear: () => void } {
  let last = 0;
  let shown = false;
  return {
    update(file, bytes, total) {
      if (total < PROGRESS_THRESHOLD_BYTES) return;
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      shown = true;
      const percent = Math.min(100, Math.floor((bytes / total) * 100));
      io.stderr(`\r\x1b[Kreading ${file}: ${percent}% (${mb(bytes)} of ${mb(total)} MB)`);
    },
    clear() {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`locklint: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const err = error as Error;
  io.stderr(`locklint: internal error: ${err?.message ?? String(error)}\n(this is a bug in locklint; set LOCKLINT_DEBUG=1 for the stack trace and please report it)\n`);
  if (io.env['LOCKLINT_DEBUG']) io.stderr(`${err?.stack ?? ''}\n`);
  return EXIT_USAGE;
}
