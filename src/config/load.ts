/**
 * Finds, reads and validates configuration: `.locklintrc.json`, `locklint.config.json`, or a
 * `"locklint"` key in package.json, searched from the working directory upwards (the nearest
 * wins), or one file named with --config. Every error names the file and the key.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { DIALECTS, type Dialect } from '../model/dialect.js';
import type { SeverityOrOff } from '../model/finding.js';
import { UsageError } from '../errors.js';

export interface FingerprintIgnore {
  /** Statement fingerprint as printed in a finding (json `statementFingerprint`). */
  readonly fingerprint: string;
  /** Only this rule; all rules when absent. */
  readonly rule?: string;
  readonly reason: string;
}

export interface LocklintConfig {
  /** The file it came from, for messages; undefined when no config was found. */
  readonly path?: string;
  readonly dialect?: Dialect;
  readonly rules: Readonly<Record<string, SeverityOrOff>>;
  /** Absolute paths of schema files. */
  readonly schema: readonly string[];
  /** Globs of files not to lint. */
  readonly ignorePatterns: readonly string[];
  readonly ignoreFingerprints: readonly FingerprintIgnore[];
}

export const CONFIG_FILE_NAMES = ['.locklintrc.json', 'locklint.config.json'] as const;
const SEVERITY_WORDS: Readonly<Record<string, SeverityOrOff>> = {
  off: 'off',
  info: 'info',
  warning: 'warning',
  warn: 'warning',
  error: 'error',
};
const TOP_LEVEL_KEYS = ['$schema', 'dialect', 'rules', 'schema', 'ignore'];

export const EMPTY_CONFIG: LocklintConfig = { rules: {}, schema: [], ignorePatterns: [], ignoreFingerprints: [] };

/** `explicitPath` is --config; otherwise search upwards from `cwd`. */
export async function loadConfig(cwd: string, knownRuleIds: readonly string[], explicitPath?: string): Promise<LocklintConfig> {
  if (explicitPath) {
    const path = resolve(cwd, explicitPath);
    const text = await readText(path, `config file ${explicitPath}`);
    if (text === undefined) throw new UsageError(`config file not found: ${explicitPath}`);
    return validate(parseJson(text, displayPath(cwd, path)), displayPath(cwd, path), dirname(path), knownRuleIds);
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const path = join(dir, name);
      const text = await readText(path, name);
      if (text !== undefined) return validate(parseJson(text, displayPath(cwd, path)), displayPath(cwd, path), dir, knownRuleIds);
    }
    const packagePath = join(dir, 'package.json');
    const packageText = await readText(packagePath, 'package.json');
    if (packageText !== undefined) {
      const shown = displayPath(cwd, packagePath);
      const pkg = parseJson(packageText, shown);
      if (isObject(pkg) && 'locklint' in pkg) return validate(pkg['locklint'], `${shown} ("locklint" key)`, dir, knownRuleIds);
    }
    if (dirname(dir) === dir) return EMPTY_CONFIG;
  }
}

async function readText(path: string, shown: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new UsageError(`cannot read ${shown}: ${(error as Error).message}`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
}

function validate(raw: unknown, file: string, baseDir: string, knownRuleIds: readonly string[]): LocklintConfig {
  const fail = (key: string, problem: string): never => {
    throw new UsageError(`${file}: "${key}" ${problem}`);
  };
  if (!isObject(raw)) return fail('(top level)', 'must be a JSON object');
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.includes(key)) fail(key, `is not a locklint setting (expected one of: ${TOP_LEVEL_KEYS.slice(1).join(', ')})`);
  }
  let dialect: Dialect | undefined;
  if (raw['dialect'] !== undefined) {
    if (!DIALECTS.includes(raw['dialect'] as Dialect)) fail('dialect', `must be one of ${DIALECTS.join(', ')} (got ${JSON.stringify(raw['dialect'])})`);
    dialect = raw['dialect'] as Dialect;
  }
  const rules: Record<string, SeverityOrOff> = {};
  if (raw['rules'] !== undefined) {
    if (!isObject(raw['rules'])) fail('rules', 'must be an object of rule id -> off | info | warning | error');
    for (const [id, value] of Object.entries(raw['rules'] as Record<string, unknown>)) {
      const problem = ruleIdProblem(id, knownRuleIds);
      if (problem) fail(`rules.${id}`, problem);
      const severity = typeof value === 'string' ? SEVERITY_WORDS[value] : undefined;
      if (!severity) fail(`rules.${id}`, `must be one of off, info, warning, error (got ${JSON.stringify(value)})`);
      rules[id] = severity!;
    }
  }
  const schema: string[] = [];
  if (raw['schema'] !== undefined) {
    const list = typeof raw['schema'] === 'string' ? [raw['schema']] : raw['schema'];
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) fail('schema', 'must be a file path or an array of file paths');
    for (const path of list as string[]) schema.push(resolve(baseDir, path));
  }
  const ignorePatterns: string[] = [];
  const ignoreFingerprints: FingerprintIgnore[] = [];
  if (raw['ignore'] !== undefined) {
    if (!Array.isArray(raw['ignore'])) fail('ignore', 'must be an array of globs or {fingerprint, reason, rule?} objects');
    (raw['ignore'] as unknown[]).forEach((entry, index) => {
      const key = `ignore[${index}]`;
      if (typeof entry === 'string') ignorePatterns.push(entry);
      else if (isObject(entry)) {
        if (typeof entry['fingerprint'] !== 'string' || entry['fingerprint'] === '') fail(`${key}.fingerprint`, 'must be a statement fingerprint (a string)');
        if (typeof entry['reason'] !== 'string' || entry['reason'].trim() === '') fail(`${key}.reason`, 'is required: say why this statement is safe to ignore');
        const rule = entry['rule'];
        if (rule !== undefined) {
          const problem = typeof rule === 'string' ? ruleIdProblem(rule, knownRuleIds) : 'must be a rule id';
          if (problem) fail(`${key}.rule`, problem);
        }
        ignoreFingerprints.push({ fingerprint: entry['fingerprint'] as string, reason: entry['reason'] as string, ...(typeof rule === 'string' ? { rule } : {}) });
      } else fail(key, 'must be a glob string or a {fingerprint, reason} object');
    });
  }
  return { path: file, ...(dialect ? { dialect } : {}), rules, schema, ignorePatterns, ignoreFingerprints };
}

/** Undefined when known; otherwise the complaint, with the closest id as a suggestion. */
export function ruleIdProblem(id: string, knownRuleIds: readonly string[]): string | undefined {
  if (knownRuleIds.includes(id)) return undefined;
  const close = knownRuleIds.find((known) => known.startsWith(id.slice(0, 6)) || id.startsWith(known.slice(0, 6)));
  return `is not a known rule${close ? ` (did you mean "${close}"?)` : ''}; see locklint --list-rules`;
}

export function parseSeverity(word: string): SeverityOrOff | undefined {
  return SEVERITY_WORDS[word];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') ? path : rel || path;
}
