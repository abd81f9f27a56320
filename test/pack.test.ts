/**
 * The package as users get it: `npm pack` (of the dist that `npm test` just built), install the tarball into a fresh project, and run
 * `npx locklint` the way a pre-commit hook does in a git repository: a hazard blocks the
 * commit, a clean file does not.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAZARD_SQL, scratchDir } from './support/cli.js';
import { REPO_ROOT } from './support/paths.js';

const scratch = scratchDir('locklint-pack-');
after(scratch.cleanup);

const PRE_COMMIT_HOOK = `#!/bin/sh
# What a pre-commit hook does: lint the staged SQL files, block the commit on exit 1.
files=$(git diff --cached --name-only --diff-filter=ACM -- '*.sql')
[ -z "$files" ] && exit 0
exec npx --no-install locklint $files
`;

function sh(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
}

test('npm pack -> install the tarball -> npx locklint as a git pre-commit hook', { timeout: 300_000 }, () => {
  const packed = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch.dir], REPO_ROOT)) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]!.files.map((file) => file.path);
  assert.ok(files.includes('bin/locklint.js'));
  assert.ok(files.includes('dist/src/cli/main.js'));
  assert.ok(files.includes('rules/select-ids-then-delete-in.md'));
  assert.ok(!files.some((path) => path.startsWith('test/') || path.startsWith('fixtures/') || path.startsWith('dist/test/')), 'the tarball ships only what runs');

  const project = join(scratch.dir, 'project');
  scratch.write('project/package.json', JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  sh('npm', ['install', '--no-audit', '--no-fund', join(scratch.dir, packed[0]!.filename)], project);
  assert.ok(readdirSync(join(project, 'node_modules', '.bin')).includes('locklint'));

  sh('git', ['init', '-q'], project);
  const hook = join(project, '.git', 'hooks', 'pre-commit');
  writeFileSync(hook, PRE_COMMIT_HOOK);
  chmodSync(hook, 0o755);
  const commit = (file: string, text: string) => {
    scratch.write(`project/${file}`, text);
    sh('git', ['add', file], project);
    return spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', file], { cwd: project, encoding: 'utf8' });
  };

  const blocked = commit('migrations/0002_counter.sql', HAZARD_SQL);
  assert.notEqual(blocked.status, 0, 'the hazard must block the commit');
  assert.match(blocked.stdout + blocked.stderr, /child-insert-before-parent-update/);
  sh('git', ['reset', '-q'], project);
  sh('git', ['rm', '-q', '--cached', '--ignore-unmatch', 'migrations/0002_counter.sql'], project);

  const clean = commit('migrations/0001_init.sql', 'CREATE TABLE author (id INT PRIMARY KEY);\n');
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
});
