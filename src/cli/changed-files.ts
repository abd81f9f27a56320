/** `--since <ref>`: the files changed since a git ref (committed, staged, unstaged or new). */
import { execFileSync } from 'node:child_process';
import { UsageError } from '../errors.js';

export function changedFilesSince(ref: string, cwd: string): string[] {
  const git = (args: string[]): string[] => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .split('\n')
        .filter(Boolean);
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim().split('\n')[0];
      throw new UsageError(`--since ${ref}: git failed: ${stderr}`);
    }
  };
  // Relative to cwd, deleted files left out.
  const changed = git(['diff', '--name-only', '--relative', '--diff-filter=d', ref, '--']);
  const untracked = git(['ls-files', '--others', '--exclude-standard']);
  return [...new Set([...changed, ...untracked])].sort();
}
