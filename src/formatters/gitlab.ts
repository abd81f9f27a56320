/**
 * GitLab Code Quality report: a JSON array of issues for the merge request widget and diff view
 * (`artifacts:reports:codequality`). GitLab shows only the first issue of a fingerprint and
 * compares fingerprints between the target branch and the merge request, so fingerprints are
 * unique within a report and leave line numbers out.
 */
import type { Finding, Severity } from '../model/finding.js';
import { findingFingerprints, logContext, portablePath } from './report-common.js';
import type { Formatter } from './types.js';

/**
 * GitLab's scale is info < minor < major < critical < blocker. Errors map to `major` as the
 * common linter reports do, so locklint's findings rank like theirs in a shared widget.
 */
const GITLAB_SEVERITY: Record<Severity, 'info' | 'minor' | 'major'> = { error: 'major', warning: 'minor', info: 'info' };

export const formatGitlab: Formatter = (result) => {
  const fingerprints = findingFingerprints(result.findings);
  const issues = result.findings.map((finding, index) => ({
    description: description(finding),
    check_name: finding.ruleId,
    fingerprint: fingerprints[index]!,
    severity: GITLAB_SEVERITY[finding.severity],
    location: { path: portablePath(finding.file), lines: { begin: finding.line } },
  }));
  return JSON.stringify(issues, null, 2) + '\n';
};

/** One line: the widget shows it as a list entry. */
function description(finding: Finding): string {
  const context = logContext(finding);
  const parts = [context ? `${finding.message} (${context})` : finding.message];
  if (finding.fix) parts.push(`Fix: ${finding.fix}`);
  return parts.join(' ').replace(/\s*[\r\n]+\s*/g, ' ');
}
