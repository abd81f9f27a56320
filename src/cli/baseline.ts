/**
 * Baselines let a legacy codebase adopt locklint without a flood of old findings: today's
 * findings are recorded by a fingerprint that survives edits above them (rule, file, normalised
 * statement text — never line numbers), and later runs report only what is new.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { Finding } from '../model/finding.js';

const BASELINE_VERSION = 1;

interface BaselineEntry {
  readonly rule: string;
  readonly file: string;
  /** The statement fingerprint, or the message for findings without a statement (diagnostics). */
  readonly fingerprint: string;
  readonly count: number;
}

interface BaselineFile {
  readonly locklintBaseline: number;
  readonly entries: readonly BaselineEntry[];
}

function keyParts(finding: Finding): Omit<BaselineEntry, 'count'> {
  return { rule: finding.ruleId, file: finding.file.replace(/\\/g, '/'), fingerprint: finding.statementFingerprint ?? finding.message };
}

function keyOf(parts: Omit<BaselineEntry, 'count'>): string {
  return `${parts.rule}\0${parts.file}\0${parts.fingerprint}`;
}

export async function writeBaseline(path: string, findings: readonly Finding[]): Promise<number> {
  const entries = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    const parts = keyParts(finding);
    const key = keyOf(parts);
    const count = (entries.get(key)?.count ?? 0) + (finding.occurrences ?? 1);
    entries.set(key, { ...parts, count });
  }
  const sorted = [...entries.values()].sort((a, b) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule) || a.fingerprint.localeCompare(b.fingerprint));
  const file: BaselineFile = { locklintBaseline: BASELINE_VERSION, entries: sorted };
  try {
    await writeFile(path, JSON.stringify(file, null, 2) + '\n');
  } catch (error) {
    throw new UsageError(`cannot write baseline ${path}: ${(error as Error).message}`);
  }
  return sorted.length;
}

export interface BaselineOutcome {
  readonly findings: Finding[];
  /** Findings the baseline accepted. */
  readonly matched: number;
  /** Baseline entries (counted per occurrence) that no longer occur: fixed, or moved to another file. */
  readonly stale: number;
}

export async function applyBaseline(path: string, findings: readonly Finding[]): Promise<BaselineOutcome> {
  const budget = new Map<string, number>();
  for (const entry of (await readBaseline(path)).entries) budget.set(keyOf(entry), (budget.get(keyOf(entry)) ?? 0) + entry.count);
  const kept: Finding[] = [];
  let matched = 0;
  for (const finding of findings) {
    const key = keyOf(keyParts(finding));
    const left = budget.get(key) ?? 0;
    const occurrences = finding.occurrences ?? 1;
    if (left >= occurrences) {
      budget.set(key, left - occurrences);
      matched++;
    } else kept.push(finding);
  }
  let stale = 0;
  for (const left of budget.values()) stale += left;
  return { findings: kept, matched, stale };
}

async function readBaseline(path: string): Promise<BaselineFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `baseline file not found: ${path} (create it with --baseline-write ${path})` : `cannot read baseline ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: invalid JSON: ${(error as Error).message}`);
  }
  const file = parsed as Partial<BaselineFile>;
  if (file?.locklintBaseline !== BASELINE_VERSION || !Array.isArray(file.entries)) {
    throw new UsageError(`${path}: not a locklint baseline (expected {"locklintBaseline": ${BASELINE_VERSION}, "entries": [...]})`);
  }
  file.entries.forEach((entry, index) => {
    const ok = entry && typeof entry.rule === 'string' && typeof entry.file === 'string' && typeof entry.fingerprint === 'string' && Number.isInteger(entry.count) && entry.count > 0;
    if (!ok) throw new UsageError(`${path}: "entries[${index}]" must be {rule, file, fingerprint, count}`);
  });
  return file as BaselineFile;
}
