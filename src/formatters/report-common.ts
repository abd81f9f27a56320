/**
 * What the CI report formats share: a portable path, a fingerprint that names a finding the
 * same way on every run, and how a log finding's session is told.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../model/finding.js';

/** Forward slashes and no leading `./`: the form CI services match against repository paths. */
export function portablePath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
}

/**
 * One fingerprint per finding, in order: a hash of the rule, the path and the statement's
 * normalised text. Nothing positional goes in, so moving a statement keeps its fingerprint.
 * Findings without a statement text (diagnostics) use the message with its line numbers
 * masked. Services treat equal fingerprints as one issue, so the second and later findings
 * with the same key are told apart by their rank among them.
 */
export function findingFingerprints(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const identity = [finding.ruleId, portablePath(finding.file), finding.statementFingerprint ?? maskLineNumbers(finding.message)].join('\0');
    const rank = (seen.get(identity) ?? 0) + 1;
    seen.set(identity, rank);
    return sha256Prefix(rank === 1 ? identity : `${identity}\0${rank}`);
  });
}

/** `session 12 at 10:00:01, seen 40 times in 3 sessions` for log findings; undefined for SQL files. */
export function logContext(finding: Finding): string | undefined {
  if (finding.session === null) return undefined;
  let text = `session ${finding.session}${finding.time ? ` at ${finding.time}` : ''}`;
  if (finding.occurrences !== undefined && finding.occurrences > 1) {
    const sessions = finding.sessionsAffected ?? 1;
    text += `, seen ${finding.occurrences} times in ${sessions} session${sessions === 1 ? '' : 's'}`;
  }
  return text;
}

function maskLineNumbers(message: string): string {
  return message.replace(/\b(lines?) \d+(?:\s*[-–]\s*\d+)?/g, '$1 #');
}

/** 128 bits of SHA-256 in hex: short enough to read, far from colliding. */
function sha256Prefix(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}
