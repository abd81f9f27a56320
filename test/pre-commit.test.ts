/**
 * The published hook as pre-commit (https://pre-commit.com) itself runs it: a project lists this
 * repository in `.pre-commit-config.yaml`; pre-commit clones it, installs it the way its `node`
 * language does (`npm install`, `npm pack`, `npm install -g <tarball>`), and the git hook it
 * installs runs `locklint` on the staged SQL files. A hazard blocks the commit; a clean file
 * does not. The real framework (Debian's pre-commit package, installed by scripts/test-deps.sh
 * when missing) is used, not a stand-in: its install path once broke on npm's stdout, see
 * `.npmrc`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAZARD_SQL, scratchDir } from './support/cli.js';
import { REPO_ROOT } from './support/paths.js';
import { locateBinaries, serversRequired } from './support/servers.js';

const scratch = scratchDir('locklint-pre-commit-');
after(scratch.cleanup);

let preCommit: string | undefined;
let unavailable: string | undefined;
before(async () => {
  const found = await locateBinaries('pre-commit');
  if ('skip' in found) unavailable = found.skip;
  else preCommit = found.get('PRE_COMMIT');
});

function git(args: string[], cwd: string): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The working tree as a one-commit repository: what pre-commit would clone from a release tag. */
function hookRepository(): { dir: string; rev: string } {
  const dir = join(scratch.dir, 'locklint');
  mkdirSync(dir);
  const files = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], REPO_ROOT).split('\0').filter(Boolean);
  for (const file of files) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    try {
      copyFileSync(join(REPO_ROOT, file), target);
    } catch (error) {
      // A file deleted in the working tree but still in the index: not part of the tree.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  git(['init', '-q'], dir);
  git(['add', '-A'], dir);
  git(['commit', '-q', '-m', 'locklint as released'], dir);
  return { dir, rev: git(['rev-parse', 'HEAD'], dir).trim() };
}

test('pre-commit installs the published hook and runs it on staged SQL: a hazard blocks the commit, a clean file does not', { timeout: 600_000 }, (t) => {
  if (preCommit === undefined) {
    if (serversRequired()) throw new Error(`LOCKLINT_REQUIRE_SERVERS=1 but ${unavailable}`);
    t.skip(unavailable);
    return;
  }
  const hook = hookRepository();
  const project = join(scratch.dir, 'project');
  scratch.write('project/.pre-commit-config.yaml', `repos:\n  - repo: ${hook.dir}\n    rev: ${hook.rev}\n    hooks:\n      - id: locklint\n`);
  git(['init', '-q'], project);
  // PRE_COMMIT_HOME: the hook's environment goes in the scratch dir, not the user's cache.
  const env = { ...process.env, PRE_COMMIT_HOME: join(scratch.dir, 'pre-commit-home'), npm_config_update_notifier: 'false' };
  execFileSync(preCommit, ['install'], { cwd: project, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  const commit = (file: string, text: string) => {
    scratch.write(`project/${file}`, text);
    git(['add', file, '.pre-commit-config.yaml'], project);
    return spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', file], { cwd: project, env, encoding: 'utf8' });
  };

  const blocked = commit('migrations/0002_counter.sql', HAZARD_SQL);
  const blockedOutput = blocked.stdout + blocked.stderr;
  assert.notEqual(blocked.status, 0, `the hazard must block the commit:\n${blockedOutput}`);
  assert.match(blockedOutput, /locklint\.+Failed/, blockedOutput);
  assert.match(blockedOutput, /migrations\/0002_counter\.sql/);
  assert.match(blockedOutput, /error .*child-insert-before-parent-update/);
  git(['rm', '-q', '--cached', 'migrations/0002_counter.sql'], project);

  const clean = commit('migrations/0001_init.sql', 'CREATE TABLE author (id INT PRIMARY KEY);\n');
  const cleanOutput = clean.stdout + clean.stderr;
  assert.equal(clean.status, 0, cleanOutput);
  assert.match(cleanOutput, /locklint\.+Passed/, cleanOutput);
});
