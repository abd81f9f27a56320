/**
 * Command-line wiring only: parse flags, load config, call lint(), format, write, and return
 * the exit code. bin/locklint.js sets process.exitCode from it.
 */
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { loadConfig, parseSeverity, ruleIdProblem } from '../config/load.js';
import { DIAGNOSTICS } from '../engine/diagnostics.js';
import { FORMATTERS, formatterNames } from '../formatters/index.js';
import { INPUT_FORMATS } from '../input/detect.js';
import { allRules, lint, UsageError, type LintResult } from '../index.js';
import { DIALECTS, type Dialect } from '../model/dialect.js';
import type { SeverityOrOff } from '../model/finding.js';
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
    .option('--list-rules', 'list rules and diagnostics with their default severities')
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
  const maxWarnings = parseMaxWarnings(options.maxWarnings);
  const config = await loadConfig(io.cwd, knownIds, options.config);
  const rules: Record<string, SeverityOrOff> = { ...config.rules, ...parseRuleFlags(options.rule, knownIds) };
  const progress = io.stderrIsTTY && !options.quiet && !io.env['CI'] ? progressPrinter(io) : undefined;
  let result: LintResult;
  try {
    result = await lint({
      paths,
      cwd: io.cwd,
      rules,
      schemaFiles: [...config.schema, ...options.schema],
      ignorePatterns: config.ignorePatterns,
      ignoreFingerprints: config.ignoreFingerprints.map((entry) => entry.fingerprint),
      ...(options.dialect ?? config.dialect ? { dialect: (options.dialect ?? config.dialect)! } : {}),
      ...(options.inputFormat ? { inputFormat: options.inputFormat } : {}),
      ...(options.logLinePrefix ? { logLinePrefix: options.logLinePrefix } : {}),
      ...(io.stdin ? { stdin: io.stdin } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    });
  } finally {
    progress?.clear();
  }
  const shown = options.quiet ? filterErrors(result) : result;
  const color = options.color && !options.outputFile && !io.env['NO_COLOR'] && io.stdoutIsTTY;
  const report = FORMATTERS[options.format ?? 'stylish']!(shown, { color });
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

function filterErrors(result: LintResult): LintResult {
  return { ...result, findings: result.findings.filter((finding) => finding.severity === 'error') };
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
